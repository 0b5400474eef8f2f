import type { RotationAction } from '../domain/lifecycle';
import { approverFlag } from '../domain/ports';
import { handoffPeople, isTransition, type AuditEntry, type Meeting, type Rotation } from '../domain/rotation';
import type { ServiceDeps } from './lifecycle-deps';
import { involvedPeople } from './dashboards';
import { changeRotation, type ChangeOutcome } from './change-rotation';
import { followUpNow, recordFollowUp } from './follow-up';
import { reminderDisplay } from './reminders';

export type TransitionOutcome = ChangeOutcome;

export interface TransitionRequest {
  rotationId: string;
  actorId: string;
  action: RotationAction;
  /** The version the button or form was rendered at. */
  expectedVersion?: number;
}

/**
 * Applies one step to a rotation, exactly once. Once the step is written it
 * stands: what follows it (reminders, the next cycle) is recorded beforehand,
 * done by `announceTransition` once the person has their answer, and by the
 * scheduler if that fails.
 */
export async function transitionRotation(deps: ServiceDeps, request: TransitionRequest): Promise<TransitionOutcome> {
  const isApprover = approverFlag(await deps.approvers.statusOf(request.actorId));
  const outcome = await changeRotation(
    deps,
    {
      rotationId: request.rotationId,
      actor: { userId: request.actorId, isApprover },
      change: request.action,
      ...(request.expectedVersion !== undefined ? { expectedVersion: request.expectedVersion } : {}),
    },
    { beforeWrite: (current) => recordFollowUp(deps, current.id) },
  );
  return outcome;
}

async function messageOf(deps: ServiceDeps, id: string): Promise<Pick<Rotation, 'message'>> {
  const message = (await deps.store.get(id).catch(() => undefined))?.message;
  return message ? { message } : {};
}

/**
 * After the acknowledgement: the follow-up work of the change (its reminders,
 * the next cycle), the message updated in place, a thread reply,
 * the join link sent privately when a meeting was set or moved, and the App
 * Home of everyone involved who opened it, shortly after (coalesced, see
 * home-publisher.ts). Slack failures are logged; the transition stands.
 */
export async function announceTransition(deps: ServiceDeps, changed: Rotation, entry: AuditEntry): Promise<void> {
  const rotation = await announceInThread(deps, await followUpNow(deps, changed), entry);
  if (entry.to === 'meeting_scheduled' && rotation.status === 'meeting_scheduled') {
    await sendMeetingDetails(deps, rotation);
    const before = meetingBefore(rotation, entry);
    if (before) {
      const now = new Set(handoffPeople(rotation));
      const leftOff = [...new Set(before.invitees)].filter((id) => !now.has(id));
      if (leftOff.length > 0) await cancelMeeting(deps, rotation, before.meeting, leftOff, { at: entry.at, why: 'uninvited' });
    }
  }
  if (isTransition(entry) && entry.to === 'cancelled' && rotation.status === 'cancelled' && rotation.meeting) {
    await cancelMeeting(deps, rotation, rotation.meeting, handoffPeople(rotation), { at: entry.at, why: 'rotation_cancelled' });
  }
  deps.homes.changed(involvedPeople(rotation, deps.approvers.knownApproverIds(), entry.actorId));
}

/** The meeting as it was before this move (from its audit entry), with who was invited: none when it was first set. */
function meetingBefore(rotation: Rotation, move: AuditEntry): { meeting: Pick<Meeting, 'startsAt' | 'timeZone' | 'platform'>; invitees: string[] } | undefined {
  const at = rotation.history.lastIndexOf(move);
  const moves = rotation.history.slice(0, at < 0 ? rotation.history.length - 1 : at).filter((e) => isTransition(e) && e.to === 'meeting_scheduled');
  const details = moves.at(-1)?.details;
  if (!details?.startsAt || !details.timeZone || !details.platform) return undefined;
  return {
    meeting: { startsAt: details.startsAt, timeZone: details.timeZone, platform: details.platform as Meeting['platform'] },
    invitees: (details.attendees ?? '').split(' ').filter(Boolean),
  };
}

/**
 * The handoff meeting is off for these people: a direct message each, with the
 * calendar cancellation of the invitation they were sent. A Slack failure is
 * logged; the change stands.
 */
async function cancelMeeting(
  deps: ServiceDeps,
  rotation: Rotation,
  meeting: Pick<Meeting, 'startsAt' | 'timeZone' | 'platform'>,
  recipients: string[],
  change: { at: string; why: 'rotation_cancelled' | 'uninvited' },
): Promise<void> {
  try {
    await deps.notifier.sendMeetingCancellation(rotation, meeting, recipients, change);
  } catch (error) {
    deps.logger.error(`${rotation.id}: the meeting's cancellation could not be sent: ${(error as Error).message}`);
  }
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
