import type { EngineLocks, ReminderSchedule } from '../domain/ports';
import { LOCK_PRUNE_GRACE_MS, retentionCutoff } from '../domain/retention';
import type { ServiceDeps } from './lifecycle-deps';

/** What pruning needs: the schedule, the engine's locks and WFI_RETENTION_DAYS. */
export interface RetentionDeps extends Pick<ServiceDeps, 'logger'> {
  reminders: ReminderSchedule;
  locks: EngineLocks;
  retentionDays: number;
}

/** Rows removed by one prune. */
export interface PruneResult {
  reminders: number;
  locks: number;
}

/**
 * Removes what the store no longer needs: schedule rows (the digest's too)
 * that finished more than WFI_RETENTION_DAYS before `now`, and lock rows whose
 * lease ran out more than LOCK_PRUNE_GRACE_MS ago. Pending and claimed rows
 * stay. A pruned key is never planned again (see `earliestPlanFrom`), so it is
 * never sent twice. Both parts are tried; the first failure is thrown after.
 */
export async function pruneFinished(deps: RetentionDeps, now: Date): Promise<PruneResult> {
  const [reminders, locks] = await Promise.allSettled([
    deps.reminders.pruneFinished(retentionCutoff(now, deps.retentionDays)),
    deps.locks.pruneExpired(LOCK_PRUNE_GRACE_MS),
  ]);
  if (reminders.status === 'rejected') throw reminders.reason;
  if (locks.status === 'rejected') throw locks.reason;
  const result = { reminders: reminders.value, locks: locks.value };
  if (result.reminders + result.locks > 0) {
    deps.logger.info(`Pruned ${result.reminders} finished reminder(s) older than ${deps.retentionDays} days and ${result.locks} expired lock(s)`);
  }
  return result;
}
