import type { webApi } from '@slack/bolt';
import type { Approvers } from '../config';
import type { ApproverDirectory, Clock } from '../domain/ports';

const GROUP_CACHE_MS = 60_000;

/**
 * WFI_APPROVERS resolved against Slack: user ids directly, user groups (S…)
 * through usergroups.users.list, cached for a minute so a burst of clicks
 * costs one call, and a person removed from a group loses the right soon after.
 */
export class SlackApproverDirectory implements ApproverDirectory {
  private readonly groups = new Map<string, { members: Set<string>; fetchedAt: number }>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly approvers: Approvers,
    private readonly clock: Clock,
    private readonly logger: { warn(...msg: unknown[]): void },
  ) {}

  listedUserIds(): string[] {
    return [...this.approvers.userIds];
  }

  async isApprover(userId: string): Promise<boolean> {
    if (this.approvers.userIds.includes(userId)) return true;
    for (const groupId of this.approvers.groupIds) {
      if ((await this.members(groupId)).has(userId)) return true;
    }
    return false;
  }

  private async members(groupId: string): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    const cached = this.groups.get(groupId);
    if (cached && now - cached.fetchedAt < GROUP_CACHE_MS) return cached.members;
    try {
      const result = await this.client.usergroups.users.list({ usergroup: groupId });
      const members = new Set(result.users ?? []);
      this.groups.set(groupId, { members, fetchedAt: now });
      return members;
    } catch (error) {
      // Fail closed: a group that cannot be read grants nothing (a stale cache is not trusted either).
      this.logger.warn(`Could not read user group ${groupId}: ${(error as Error).message}`);
      return new Set();
    }
  }
}
