import type { webApi } from '@slack/bolt';
import type { Approvers } from '../config';
import type { ApproverDirectory, ApproverStatus, Clock } from '../domain/ports';

/** How often the members of the approver user groups are read again, in the background. */
export const GROUP_REFRESH_MS = 60_000;
/**
 * How long the last members read are trusted while refreshes fail (Slack down
 * or rate-limiting): long enough to ride out an incident, short enough that a
 * person removed from the group does not keep the right for good.
 */
export const GROUP_TRUST_MS = 15 * 60_000;
/**
 * The longest a person waits on a user-group look-up (a cold cache at start):
 * well inside Slack's 3 seconds, with the store's work still to come. The
 * call itself goes on and fills the cache for the next try.
 */
export const GROUP_WAIT_MS = 700;

interface KnownGroup {
  members: ReadonlySet<string>;
  readAt: number;
}

/**
 * WFI_APPROVERS resolved against Slack: user ids directly, at once; user
 * groups (S…) through usergroups.users.list, refreshed in the background every
 * minute and kept when a refresh fails. Nobody's click waits on Slack beyond
 * GROUP_WAIT_MS: when a group's members are not known (or too old to trust),
 * the answer is `'unknown'` and the person is asked to try again, with
 * nothing changed.
 */
export class SlackApproverDirectory implements ApproverDirectory {
  private readonly groups = new Map<string, KnownGroup>();
  private readonly reading = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;

  /**
   * `client` should neither retry nor wait out rate limits (the bot gives it
   * `retries: 0`, `rejectRateLimitedCalls` and a timeout of a few seconds):
   * the next refresh is the retry.
   */
  constructor(
    private readonly client: Pick<webApi.WebClient, 'usergroups'>,
    private readonly approvers: Approvers,
    private readonly clock: Clock,
    private readonly logger: { warn(...msg: unknown[]): void },
  ) {}

  /** Reads every group now, then every GROUP_REFRESH_MS, until `stop`. */
  start(): void {
    if (this.approvers.groupIds.length === 0 || this.timer) return;
    void this.refreshAll();
    this.timer = setInterval(() => void this.refreshAll(), GROUP_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  knownApproverIds(): string[] {
    const ids = new Set(this.approvers.userIds);
    for (const groupId of this.approvers.groupIds) for (const id of this.trusted(groupId) ?? []) ids.add(id);
    return [...ids];
  }

  async statusOf(userId: string): Promise<ApproverStatus> {
    if (this.approvers.userIds.includes(userId)) return 'approver';
    // Groups read within the refresh period answer at once. An older one (the
    // timer is late, or the cache is cold) is read again, waited on for at
    // most GROUP_WAIT_MS; if Slack is slower, the last known members (within
    // GROUP_TRUST_MS) answer, else the answer is unknown.
    const stale = this.approvers.groupIds.filter((groupId) => this.age(groupId) >= GROUP_REFRESH_MS);
    if (stale.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, GROUP_WAIT_MS);
      });
      await Promise.race([Promise.all(stale.map((groupId) => this.read(groupId))), waited]);
      clearTimeout(timer);
    }
    let unknown = false;
    for (const groupId of this.approvers.groupIds) {
      const members = this.trusted(groupId);
      if (!members) unknown = true;
      else if (members.has(userId)) return 'approver';
    }
    return unknown ? 'unknown' : 'not_approver';
  }

  /** The group's members as last read, unless that was longer ago than GROUP_TRUST_MS. */
  private trusted(groupId: string): ReadonlySet<string> | undefined {
    const known = this.groups.get(groupId);
    return known && this.age(groupId) < GROUP_TRUST_MS ? known.members : undefined;
  }

  private age(groupId: string): number {
    const known = this.groups.get(groupId);
    return known ? this.clock.now().getTime() - known.readAt : Number.POSITIVE_INFINITY;
  }

  private async refreshAll(): Promise<void> {
    await Promise.all(this.approvers.groupIds.map((groupId) => this.read(groupId)));
  }

  /** One read of a group at a time; a failure keeps what was known and is logged. Never rejects. */
  private read(groupId: string): Promise<void> {
    const running = this.reading.get(groupId);
    if (running) return running;
    const reading = (async () => {
      try {
        const result = await this.client.usergroups.users.list({ usergroup: groupId });
        this.groups.set(groupId, { members: new Set(result.users ?? []), readAt: this.clock.now().getTime() });
      } catch (error) {
        this.logger.warn(`Could not read the members of approver user group ${groupId}: ${(error as Error).message}`);
      } finally {
        this.reading.delete(groupId);
      }
    })();
    this.reading.set(groupId, reading);
    return reading;
  }
}
