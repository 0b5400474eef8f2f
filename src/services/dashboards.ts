import type { ServiceDeps } from './lifecycle-deps';

/** Publishes fresh App Home dashboards; a failure is logged, never passed on (nothing depends on it). */
export async function refreshDashboards(
  deps: Pick<ServiceDeps, 'store' | 'reminders' | 'notifier' | 'clock' | 'logger'>,
  userIds: string[],
): Promise<void> {
  try {
    const [rotations, failures] = await Promise.all([deps.store.list(), deps.reminders.failures(undefined, 10)]);
    await deps.notifier.publishHomes(userIds, rotations, deps.clock.now(), failures);
  } catch (error) {
    deps.logger.warn(`Could not refresh the App Home of ${userIds.length} people: ${(error as Error).message}`);
  }
}
