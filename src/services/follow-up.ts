import { isCodedError } from '../domain/errors';
import { planNextRotation } from '../domain/lifecycle';
import { reminderKey } from '../domain/reminder-kinds';
import { nextOccurrences } from '../domain/reminders';
import { earliestPlanFrom } from '../domain/retention';
import { isTransition, nextCycleId, rotationId, type Rotation, type RotationIn } from '../domain/rotation';
import { changeRotation } from './change-rotation';
import type { ServiceDeps } from './lifecycle-deps';
import { settleWaitingSteps } from './waiting-steps';

export type FollowUpDeps = Pick<ServiceDeps, 'store' | 'reminders' | 'reminderPolicy' | 'clock' | 'policy' | 'randomIndex' | 'allowSelfApproval' | 'logger' | 'steps'>;

/**
 * How long the work after a change has to finish on its own before the
 * scheduler's tick takes it over: far more than it takes (milliseconds), far
 * less than anyone would miss a reminder by.
 */
export const FOLLOW_UP_GRACE_MS = 60_000;

export const FOLLOW_UP = 'follow_up';

/**
 * Recorded in the durable schedule *before* a change is written: if the change
 * is stored and what follows it (planning its reminders and next cycle) then
 * fails, or the process dies, the next tick finds this and completes it. If it
 * cannot be recorded, the change is not written either ("nothing was saved" is
 * then the truth).
 */
export async function recordFollowUp(deps: FollowUpDeps, id: string): Promise<void> {
  const dueAt = new Date(deps.clock.now().getTime() + FOLLOW_UP_GRACE_MS).toISOString();
  await deps.reminders.add([{ rotationId: id, kind: FOLLOW_UP, dueAt, key: reminderKey(id, FOLLOW_UP, dueAt) }]);
}

/**
 * Brings what derives from a rotation in line with it as it is now: a
 * completed rotation that rotates again gets its next cycle (planned once,
 * under an id derived from its own), and its pending reminders are replaced by
 * a fresh plan, which also removes the recorded follow-up. Idempotent, so the
 * tick can run it again after a partial failure. Throws when a part failed.
 */
export async function completeFollowUp(deps: FollowUpDeps, rotation: Rotation): Promise<Rotation> {
  const current = rotation.status === 'completed' && rotation.rotationIntervalDays && !rotation.nextRotationId
    ? await planNextCycle(deps, rotation)
    : rotation;
  // A workflow's await_rotation step waiting on it ends with it (its next cycle planned first, for next_deadline);
  // before the replan, which removes the recorded follow-up: a store failure here leaves it for the tick.
  await settleWaitingSteps(deps, current);
  await replan(deps, current);
  return current;
}

/**
 * The follow-up right after a stored change; a failure is logged and left to
 * the tick, never reported as "nothing was saved" (the change was).
 */
export async function followUpNow(deps: FollowUpDeps, rotation: Rotation): Promise<Rotation> {
  try {
    return await completeFollowUp(deps, rotation);
  } catch (error) {
    deps.logger.error(
      `${rotation.id} is saved, but planning its reminders or next cycle failed; the scheduler completes it within a few minutes: ${(error as Error).message}`,
    );
    return rotation;
  }
}

/**
 * The plan as of the rotation's last change, not as of now: a follow-up the
 * scheduler completes late still plans the reminders that fell due meanwhile,
 * and the tick sends them (of a repeating kind, the latest). Not from further
 * back than `earliestPlanFrom`, though: finished rows are pruned after the
 * retention period, and a key planned from before it could be one that was
 * sent and pruned, which would then be sent again.
 */
async function replan(deps: FollowUpDeps, rotation: Rotation): Promise<void> {
  const now = deps.clock.now();
  const changedAt = Date.parse([...rotation.history].reverse().find(isTransition)?.at ?? '');
  const since = new Date(
    Number.isNaN(changedAt) ? now.getTime() : Math.max(earliestPlanFrom(now).getTime(), Math.min(now.getTime(), changedAt)),
  );
  await deps.reminders.reschedule(rotation.id, nextOccurrences(rotation, deps.reminderPolicy, since));
}

/** The next cycle, inserted once (found again on a retry), with its reminders, then linked from the completed one. */
async function planNextCycle(deps: FollowUpDeps, completed: RotationIn<'completed'>): Promise<Rotation> {
  const now = deps.clock.now();
  const planned = planNextRotation(completed, { id: nextCycleId(completed.id), now, policy: deps.policy });
  if (!planned) return completed;
  let next: Rotation = planned;
  try {
    await deps.store.insert(planned);
  } catch (error) {
    if (!isCodedError(error, 'ROTATION_EXISTS')) throw error;
    const existing = await deps.store.get(planned.id);
    if (existing?.previousRotationId === completed.id) {
      next = existing;
    } else {
      // One derived id in 30^6 is taken by an unrelated rotation: a fresh one then (a retry may plan it again).
      next = { ...planned, id: rotationId(deps.randomIndex) };
      await deps.store.insert(next);
    }
  }
  await replan(deps, next);
  return (await linkNextCycle(deps, completed, next.id)) ?? completed;
}

/**
 * The completed rotation records its next cycle (an event: the version stays,
 * so no button goes stale). Undefined if the rotation moved on; thrown if it
 * kept changing, for the tick to try again.
 */
async function linkNextCycle(deps: FollowUpDeps, completed: RotationIn<'completed'>, nextRotationId: string): Promise<Rotation | undefined> {
  const linked = await changeRotation(deps, {
    rotationId: completed.id,
    actor: { userId: completed.completion.by, isApprover: false },
    change: { type: 'link_next_cycle', nextRotationId },
  });
  if (linked.ok) return linked.rotation;
  switch (linked.error.code) {
    case 'ALREADY_DONE':
      return deps.store.get(completed.id);
    case 'STALE':
      throw new Error(`${completed.id} kept changing; its next cycle ${nextRotationId} could not be linked yet`);
    default:
      return undefined;
  }
}
