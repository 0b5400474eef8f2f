import { handoffPeople, isInHandoff, type Rotation } from '../domain/rotation';
import type { ScheduledReminder } from '../domain/ports';
import type { ServiceDeps } from './lifecycle-deps';

export type DashboardDeps = Pick<ServiceDeps, 'store' | 'reminders' | 'notifier' | 'approvers' | 'clock' | 'logger'>;

/** What one person may see of the rotations: every one for an approver, else those they are in the handoff of. */
export interface RotationView {
  scope: 'all' | 'yours';
  rotations: Rotation[];
  /** Undelivered reminders of those rotations (the digest's only for approvers), newest first. */
  reminderFailures: ScheduledReminder[];
}

/**
 * An approver sees every rotation; anyone else the ones they are in the
 * handoff of (requester, attendee, meeting invitee), planned next cycles
 * included. A person whose approver rights cannot be checked right now is
 * shown their own: the narrower view is the safe one.
 */
export async function viewFor(
  deps: Pick<ServiceDeps, 'approvers'>,
  viewerId: string,
  rotations: Rotation[],
  failures: ScheduledReminder[] = [],
): Promise<RotationView> {
  if ((await deps.approvers.statusOf(viewerId)) === 'approver') return { scope: 'all', rotations, reminderFailures: failures };
  const visible = rotations.filter((rotation) => isInHandoff(rotation, viewerId));
  const ids = new Set(visible.map((rotation) => rotation.id));
  return { scope: 'yours', rotations: visible, reminderFailures: failures.filter((failure) => failure.rotationId !== undefined && ids.has(failure.rotationId)) };
}

/** Publishes fresh App Home dashboards, each showing what its person may see; a failure is logged, never passed on. */
export async function refreshDashboards(deps: DashboardDeps, userIds: string[]): Promise<void> {
  try {
    const [rotations, failures] = await Promise.all([deps.store.list(), deps.reminders.failures(undefined, 10)]);
    const now = deps.clock.now();
    const people = [...new Set(userIds)];
    const results = await Promise.allSettled(
      people.map(async (viewerId) => deps.notifier.publishHome(viewerId, await viewFor(deps, viewerId, rotations, failures), now)),
    );
    const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed.length > 0) {
      deps.logger.warn(`App Home not refreshed for ${failed.length} of ${people.length} people: ${(failed[0]?.reason as Error)?.message}`);
    }
  } catch (error) {
    deps.logger.warn(`Could not refresh the App Home of ${userIds.length} people: ${(error as Error).message}`);
  }
}

/**
 * Everyone whose view of the rotation changed: the people in the handoff, every
 * approver the bot knows (listed or through a group) and whoever made the change.
 */
export function involvedPeople(rotation: Rotation, approverIds: readonly string[], actorId: string): string[] {
  return [...new Set([...handoffPeople(rotation), ...approverIds, actorId])];
}
