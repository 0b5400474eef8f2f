import { isCodedError } from '../domain/errors';
import { handoffPeople, type Rotation } from '../domain/rotation';
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

/** How many of a person's latest rotations (by deadline) their view reads beside the open ones: App Home shows the recently completed few. */
export const PERSON_RECENT_MAX = 10;
/** How many completed rotations an approver's view reads: App Home shows the latest few. */
export const RECENT_COMPLETED_MAX = 10;

/** What an approver's dashboard shows: every open and planned rotation, and the latest completed ones. */
function everyRotationInView(store: ServiceDeps['store']): Promise<Rotation[]> {
  return Promise.all([store.active(), store.recentlyCompleted({ limit: RECENT_COMPLETED_MAX })]).then(([active, completed]) => [...active, ...completed]);
}

/** What a person's own dashboard shows: every open and planned rotation they are in, and their latest ones. */
async function ownRotationsInView(store: ServiceDeps['store'], viewerId: string): Promise<Rotation[]> {
  const [active, latest] = await Promise.all([store.activeInvolving(viewerId), store.involving(viewerId, { limit: PERSON_RECENT_MAX })]);
  const ids = new Set(active.map((rotation) => rotation.id));
  return [...active, ...latest.filter((rotation) => !ids.has(rotation.id))];
}

/** How a view reads the rotations: every one an approver sees, and one person's own. */
export interface ViewReads {
  everyone(): Promise<Rotation[]>;
  own(viewerId: string): Promise<Rotation[]>;
}

/**
 * An approver sees every rotation; anyone else the ones they are in the
 * handoff of (requester, attendee, meeting invitee), planned next cycles
 * included, read from the store's lists of that person (`reads`: the
 * dashboard's by default). A person whose approver rights cannot be checked
 * right now is shown their own: the narrower view is the safe one. Either
 * way the read costs what the view shows, not what the store holds.
 */
export async function viewFor(
  deps: Pick<ServiceDeps, 'approvers' | 'store'>,
  viewerId: string,
  failures: ScheduledReminder[] = [],
  reads: Partial<ViewReads> = {},
): Promise<RotationView> {
  if ((await deps.approvers.statusOf(viewerId)) === 'approver') {
    return { scope: 'all', rotations: await (reads.everyone ?? (() => everyRotationInView(deps.store)))(), reminderFailures: failures };
  }
  const visible = await (reads.own ?? ((id: string) => ownRotationsInView(deps.store, id)))(viewerId);
  const ids = new Set(visible.map((rotation) => rotation.id));
  return { scope: 'yours', rotations: visible, reminderFailures: failures.filter((failure) => failure.rotationId !== undefined && ids.has(failure.rotationId)) };
}

/** How many undelivered reminders a dashboard shows, newest first. */
const FAILURES_SHOWN = 10;

/**
 * Publishes each of these people's App Home from a fresh read of what they may
 * see. Each publish carries the hash of the Home as it was before that read
 * (the one `given`, else the notifier's): when Slack answers that the Home changed
 * since (another publish, of this process or a replica, got there first), the
 * view is read again, after that publish, and published without a hash, so a
 * view read earlier never overwrites a later one. Failures are logged.
 */
async function publishHomes(deps: DashboardDeps, people: readonly string[], given: ReadonlyMap<string, string> = new Map()): Promise<void> {
  // The hashes before any read: a publish that lands after them makes these refused.
  const hashes = new Map(people.map((viewerId) => [viewerId, given.get(viewerId) ?? deps.notifier.homeHash(viewerId)]));
  const failures = await deps.reminders.failures(undefined, FAILURES_SHOWN);
  const now = deps.clock.now();
  // Every approver's view is the same: read once for all of them.
  let everyone: Promise<Rotation[]> | undefined;
  const shared = () => (everyone ??= everyRotationInView(deps.store));
  const results = await Promise.allSettled(
    people.map(async (viewerId) => {
      try {
        await deps.notifier.publishHome(viewerId, await viewFor(deps, viewerId, failures, { everyone: shared }), now, hashes.get(viewerId));
      } catch (error) {
        if (!isCodedError(error, 'HOME_VIEW_CHANGED')) throw error;
        // Read again, every part of it (not the approvers' shared read, made before that publish).
        const fresh = await viewFor(deps, viewerId, await deps.reminders.failures(undefined, FAILURES_SHOWN));
        await deps.notifier.publishHome(viewerId, fresh, deps.clock.now());
      }
    }),
  );
  const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed.length > 0) {
    deps.logger.warn(`App Home not refreshed for ${failed.length} of ${people.length} people: ${(failed[0]?.reason as Error)?.message}`);
  }
}

/**
 * Publishes fresh App Home dashboards to those of these people who have opened
 * the Home tab (the store records them): nobody else would see it. A failure
 * is logged, never passed on.
 */
export async function refreshDashboards(deps: DashboardDeps, userIds: readonly string[]): Promise<void> {
  try {
    const viewers = await deps.store.homeViewers([...new Set(userIds)]);
    if (viewers.length > 0) await publishHomes(deps, viewers);
  } catch (error) {
    deps.logger.warn(`Could not refresh the App Home of ${userIds.length} people: ${(error as Error).message}`);
  }
}

/**
 * A person opened the Home tab: recorded, so that changes refresh it from now
 * on, and their dashboard published at once. `viewHash` is the hash of the
 * Home they have open (Slack sends it with the event once they have one).
 * A failure is logged, never passed on.
 */
export async function openedHome(deps: DashboardDeps, userId: string, viewHash?: string): Promise<void> {
  try {
    await deps.store.recordHomeViewer(userId);
  } catch (error) {
    // Still shown now; recorded the next time they open it.
    deps.logger.warn(`Could not record that ${userId} opened App Home: ${(error as Error).message}`);
  }
  try {
    await publishHomes(deps, [userId], new Map(viewHash ? [[userId, viewHash]] : []));
  } catch (error) {
    deps.logger.warn(`Could not refresh the App Home of ${userId}: ${(error as Error).message}`);
  }
}

/**
 * Everyone whose view of the rotation changed: the people in the handoff, every
 * approver the bot knows (listed or through a group) and whoever made the change.
 */
export function involvedPeople(rotation: Rotation, approverIds: readonly string[], actorId: string): string[] {
  return [...new Set([...handoffPeople(rotation), ...approverIds, actorId])];
}
