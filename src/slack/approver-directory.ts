import type { webApi } from '@slack/bolt';
import type { ApproverGroup, Approvers } from '../config';
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

/** A group's key: `S…`, or `S…@T…` (one group listed for two workspaces is read in each). */
const keyOf = (group: ApproverGroup): string => (group.teamId ? `${group.id}@${group.teamId}` : group.id);

interface KnownGroup {
  members: ReadonlySet<string>;
  readAt: number;
}

/**
 * WFI_APPROVERS resolved against Slack: user ids directly, at once; user
 * groups (S…) through usergroups.users.list, refreshed in the background every
 * minute and kept when a refresh fails. A group listed with its workspace
 * (`S…@T…`) is read with that `team_id`, which an org-wide install's token
 * requires (a workspace's token ignores it); one without is read as before.
 * Nobody's click waits on Slack beyond GROUP_WAIT_MS: when a group's members
 * are not known (or too old to trust), the answer is `'unknown'` and the
 * person is asked to try again, with nothing changed.
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
    if (this.approvers.groups.length === 0 || this.timer) return;
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
    for (const group of this.approvers.groups) for (const id of this.trusted(keyOf(group)) ?? []) ids.add(id);
    return [...ids];
  }

  async statusOf(userId: string): Promise<ApproverStatus> {
    if (this.approvers.userIds.includes(userId)) return 'approver';
    // Groups read within the refresh period answer at once. An older one (the
    // timer is late, or the cache is cold) is read again, waited on for at
    // most GROUP_WAIT_MS; if Slack is slower, the last known members (within
    // GROUP_TRUST_MS) answer, else the answer is unknown.
    const stale = this.approvers.groups.filter((group) => this.age(keyOf(group)) >= GROUP_REFRESH_MS);
    if (stale.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, GROUP_WAIT_MS);
      });
      await Promise.race([Promise.all(stale.map((group) => this.read(group))), waited]);
      clearTimeout(timer);
    }
    let unknown = false;
    for (const group of this.approvers.groups) {
      const members = this.trusted(keyOf(group));
      if (!members) unknown = true;
      else if (members.has(userId)) return 'approver';
    }
    return unknown ? 'unknown' : 'not_approver';
  }

  /** The group's members as last read, unless that was longer ago than GROUP_TRUST_MS. */
  private trusted(key: string): ReadonlySet<string> | undefined {
    const known = this.groups.get(key);
    return known && this.age(key) < GROUP_TRUST_MS ? known.members : undefined;
  }

  private age(key: string): number {
    const known = this.groups.get(key);
    return known ? this.clock.now().getTime() - known.readAt : Number.POSITIVE_INFINITY;
  }

  private async refreshAll(): Promise<void> {
    await Promise.all(this.approvers.groups.map((group) => this.read(group)));
  }

  /** One read of a group at a time; a failure keeps what was known and is logged. Never rejects. */
  private read(group: ApproverGroup): Promise<void> {
    const key = keyOf(group);
    const running = this.reading.get(key);
    if (running) return running;
    const reading = (async () => {
      try {
        const result = await this.client.usergroups.users.list({ usergroup: group.id, ...(group.teamId ? { team_id: group.teamId } : {}) });
        this.groups.set(key, { members: new Set(result.users ?? []), readAt: this.clock.now().getTime() });
      } catch (error) {
        this.logger.warn(`Could not read the members of approver user group ${key}: ${(error as Error).message}`);
      } finally {
        this.reading.delete(key);
      }
    })();
    this.reading.set(key, reading);
    return reading;
  }
}
