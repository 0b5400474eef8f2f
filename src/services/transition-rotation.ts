import { decide, planNextRotation, type RotationAction, type TransitionError } from '../domain/lifecycle';
import { rotationId, type AuditEntry, type Rotation } from '../domain/rotation';
import type { ServiceDeps } from './lifecycle-deps';
import { refreshDashboards } from './dashboards';
import { reminderDisplay, replanReminders } from './reminders';

export type TransitionOutcome =
  | { ok: true; rotation: Rotation; entry: AuditEntry }
  | { ok: false; error: TransitionError | { code: 'ROTATION_NOT_FOUND' } };

export interface TransitionRequest {
  rotationId: string;
  actorId: string;
  action: RotationAction;
  /** The version the button or form was rendered at. */
  expectedVersion?: number;
}

/** Rounds of read → decide → compare-and-write before giving up on a hot rotation. */
const ATTEMPTS = 3;

/**
 * Applies one action to a rotation, exactly once. The write succeeds only if
 * nobody changed the rotation since it was read; a loser re-reads and gets the
 * honest answer ("already approved by …", "out of date") from `decide`.
 */
export async function transitionRotation(deps: ServiceDeps, request: TransitionRequest): Promise<TransitionOutcome> {
  const isApprover = await deps.approvers.isApprover(request.actorId);
  for (let attempt = 1; ; attempt += 1) {
    const current = await deps.store.get(request.rotationId);
    if (!current) return { ok: false, error: { code: 'ROTATION_NOT_FOUND' } };
    const result = decide(current, request.action, {
      actor: { userId: request.actorId, isApprover },
      now: deps.clock.now(),
      allowSelfApproval: deps.allowSelfApproval,
      ...(request.expectedVersion !== undefined ? { expectedVersion: request.expectedVersion } : {}),
    });
    if (!result.ok) return result;
    if (await deps.store.replace(result.rotation, current.version)) {
      const rotation = result.rotation.status === 'completed' ? await planNextCycle(deps, result.rotation) : result.rotation;
      await replanReminders(deps, rotation);
      return { ok: true, rotation, entry: result.entry };
    }
    if (attempt >= ATTEMPTS) return { ok: false, error: { code: 'STALE', status: current.status } };
  }
}

/** A completed rotation with an interval gets its next cycle, planned and linked both ways. */
async function planNextCycle(deps: ServiceDeps, completed: Extract<Rotation, { status: 'completed' }>): Promise<Rotation> {
  const planned = planNextRotation(completed, { id: rotationId(deps.randomIndex), now: deps.clock.now(), policy: deps.policy });
  if (!planned) return completed;
  await deps.store.insert(planned);
  await replanReminders(deps, planned);
  return (await linkNextCycle(deps, completed.id, planned.id)) ?? completed;
}

/**
 * Same version: the link is bookkeeping, not a lifecycle change, so no button
 * goes stale. Written onto a fresh read, so an entry recorded in the meantime
 * (a secret_exposed report) is kept; undefined if the rotation moved on.
 */
async function linkNextCycle(deps: ServiceDeps, id: string, nextRotationId: string): Promise<Rotation | undefined> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const current = await deps.store.get(id);
    if (!current || current.status !== 'completed') return undefined;
    const linked = { ...current, nextRotationId };
    if (await deps.store.replace(linked, current.version)) return linked;
  }
  deps.logger.warn(`${id}: its planned next cycle ${nextRotationId} could not be linked (the rotation kept changing)`);
  return undefined;
}

async function messageOf(deps: ServiceDeps, id: string): Promise<Pick<Rotation, 'message'>> {
  const message = (await deps.store.get(id).catch(() => undefined))?.message;
  return message ? { message } : {};
}

/** Everyone whose view of the rotation changed: they see it on their App Home. */
export function involvedPeople(rotation: Rotation, listedApprovers: string[], actorId: string): string[] {
  const meeting = 'meeting' in rotation ? (rotation.meeting?.attendeeIds ?? []) : [];
  return [...new Set([rotation.requesterId, ...rotation.attendeeIds, ...meeting, ...listedApprovers, actorId])];
}

/**
 * After the acknowledgement: the message updated in place, a thread reply,
 * and fresh dashboards. Slack failures are logged; the transition stands.
 */
export async function announceTransition(deps: ServiceDeps, changed: Rotation, entry: AuditEntry): Promise<void> {
  const rotation = await announceInThread(deps, changed, entry);
  await refreshDashboards(deps, involvedPeople(rotation, deps.approvers.listedUserIds(), entry.actorId));
}

/**
 * The message updated in place and a reply in its thread for `entry`; a Slack
 * failure is logged, the change stands. Returns the rotation with its message location.
 */
export async function announceInThread(deps: ServiceDeps, changed: Rotation, entry: AuditEntry): Promise<Rotation> {
  // A click can come right after posting, before the message's location was
  // recorded on the copy read for the transition: the store has it by now.
  const rotation = changed.message ? changed : { ...changed, ...(await messageOf(deps, changed.id)) };
  try {
    const display = await reminderDisplay(deps, rotation.id).catch(() => ({ failures: [] }));
    await deps.notifier.announceChange(rotation, entry, deps.clock.now(), display);
  } catch (error) {
    deps.logger.error(`${rotation.id}: its message could not be updated after ${describeEntry(entry)}: ${(error as Error).message}`);
  }
  return rotation;
}

function describeEntry(entry: AuditEntry): string {
  return entry.event ?? `the change to ${entry.to}`;
}
