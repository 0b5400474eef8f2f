import type { RefusalOf } from '../domain/errors';
import { decide, type RotationAction, type TransitionError } from '../domain/lifecycle';
import { approverFlag } from '../domain/ports';
import { handoffPeople, type AuditEntry, type Rotation } from '../domain/rotation';
import type { ServiceDeps } from './lifecycle-deps';
import { involvedPeople, refreshDashboards } from './dashboards';
import { followUpNow, recordFollowUp } from './follow-up';
import { reminderDisplay } from './reminders';

export type TransitionOutcome =
  | { ok: true; rotation: Rotation; entry: AuditEntry }
  | { ok: false; error: TransitionError | RefusalOf<'ROTATION_NOT_FOUND'> };

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
 * honest answer ("already approved by …", "out of date") from `decide`. Once
 * the change is written it stands: what follows it (reminders, the next cycle)
 * is recorded beforehand and completed by the scheduler if it fails here.
 */
export async function transitionRotation(deps: ServiceDeps, request: TransitionRequest): Promise<TransitionOutcome> {
  const isApprover = approverFlag(await deps.approvers.statusOf(request.actorId));
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
    await recordFollowUp(deps, current.id);
    if (await deps.store.replace(result.rotation, current.version)) {
      return { ok: true, rotation: await followUpNow(deps, result.rotation), entry: result.entry };
    }
    if (attempt >= ATTEMPTS) return { ok: false, error: { code: 'STALE', status: current.status } };
  }
}

async function messageOf(deps: ServiceDeps, id: string): Promise<Pick<Rotation, 'message'>> {
  const message = (await deps.store.get(id).catch(() => undefined))?.message;
  return message ? { message } : {};
}

/**
 * After the acknowledgement: the message updated in place, a thread reply,
 * the join link sent privately when a meeting was set or moved, and fresh
 * dashboards. Slack failures are logged; the transition stands.
 */
export async function announceTransition(deps: ServiceDeps, changed: Rotation, entry: AuditEntry): Promise<void> {
  const rotation = await announceInThread(deps, changed, entry);
  if (entry.to === 'meeting_scheduled' && rotation.status === 'meeting_scheduled') await sendMeetingDetails(deps, rotation);
  await refreshDashboards(deps, involvedPeople(rotation, deps.approvers.knownApproverIds(), entry.actorId));
}

/**
 * The meeting, its join link included, to each person in the handoff and each
 * approver, in a direct message: the channel is told only that a meeting is set.
 */
async function sendMeetingDetails(deps: ServiceDeps, rotation: Extract<Rotation, { status: 'meeting_scheduled' }>): Promise<void> {
  const recipients = [...new Set([...handoffPeople(rotation), ...deps.approvers.knownApproverIds()])];
  try {
    await deps.notifier.sendMeetingDetails(rotation, recipients, deps.clock.now());
  } catch (error) {
    deps.logger.error(`${rotation.id}: the meeting details could not be sent: ${(error as Error).message}`);
  }
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
