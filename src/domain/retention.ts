/**
 * How long finished rows stay in the store. A finished schedule row (sent,
 * failed, dropped) is kept WFI_RETENTION_DAYS after it finished, so a key
 * planned again soon after is still found and not sent twice; a lock row goes
 * soon after its lease ran out.
 */

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** WFI_RETENTION_DAYS when unset. */
export const DEFAULT_RETENTION_DAYS = 90;

/**
 * The shortest retention allowed, and the furthest back a rotation's
 * reminders are ever planned from (`earliestPlanFrom`): together they make a
 * pruned key impossible to plan again.
 */
export const MIN_RETENTION_DAYS = 7;

/** How long after its lease ran out a lock row may be removed: far longer than any lease (seconds). */
export const LOCK_PRUNE_GRACE_MS = HOUR_MS;

/** Schedule rows that finished before this instant may be removed. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/**
 * The earliest instant reminders may be planned from at `now`. Every other
 * occurrence added to the schedule is due after `now` (the next of its kind,
 * the next digest, a follow-up); a replan looks back to the rotation's last
 * change, but never further than this. An occurrence finishes at or after its
 * due time, so one planned now is due after `now - MIN_RETENTION_DAYS`, and
 * its key, had it been used and finished before, finished after that too:
 * it is still in the store (add() finds it and skips it), never pruned.
 */
export function earliestPlanFrom(now: Date): Date {
  return new Date(now.getTime() - MIN_RETENTION_DAYS * DAY_MS);
}
