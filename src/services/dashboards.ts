import type { ServiceDeps } from './lifecycle-deps';

/** Publishes fresh App Home dashboards; a failure is logged, never passed on (nothing depends on it). */
export async function refreshDashboards(deps: Pick<ServiceDeps, 'store' | 'notifier' | 'clock' | 'logger'>, userIds: string[]): Promise<void> {
  try {
    await deps.notifier.publishHomes(userIds, await deps.store.list(), deps.clock.now());
  } catch (error) {
    deps.logger.warn(`Could not refresh the App Home of ${userIds.length} people: ${(error as Error).message}`);
  }
}
