import type { webApi } from '@slack/bolt';
import { SlackApproverDirectory } from '../../../src/slack/approver-directory';

function directoryWith(groups: Record<string, string[] | Error>, now: { t: number }) {
  const calls: string[] = [];
  const client = {
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          calls.push(usergroup);
          const members = groups[usergroup];
          if (members instanceof Error) throw members;
          return { ok: true, users: members ?? [] };
        },
      },
    },
  } as unknown as webApi.WebClient;
  const warnings: string[] = [];
  const directory = new SlackApproverDirectory(
    client,
    { userIds: ['U0DIRECT01'], groupIds: ['S0GROUP001'] },
    { now: () => new Date(now.t) },
    { warn: (...msg: unknown[]) => warnings.push(msg.join(' ')) },
  );
  return { directory, calls, warnings };
}

describe('SlackApproverDirectory', () => {
  it('accepts a listed user without asking Slack', async () => {
    const { directory, calls } = directoryWith({}, { t: 0 });
    expect(await directory.isApprover('U0DIRECT01')).toBe(true);
    expect(calls).toEqual([]);
  });

  it('accepts a member of a listed group and refuses everyone else', async () => {
    const { directory } = directoryWith({ S0GROUP001: ['U0MEMBER01'] }, { t: 0 });
    expect(await directory.isApprover('U0MEMBER01')).toBe(true);
    expect(await directory.isApprover('U0STRANGER')).toBe(false);
  });

  it('asks Slack once a minute at most for a group, so removal from the group takes effect soon after', async () => {
    const groups: Record<string, string[]> = { S0GROUP001: ['U0MEMBER01'] };
    const clock = { t: 0 };
    const { directory, calls } = directoryWith(groups, clock);
    await directory.isApprover('U0MEMBER01');
    groups.S0GROUP001 = [];
    clock.t = 59_000;
    expect(await directory.isApprover('U0MEMBER01')).toBe(true);
    expect(calls).toHaveLength(1);

    clock.t = 61_000;
    expect(await directory.isApprover('U0MEMBER01')).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('grants nothing through a group Slack will not read, and says so in the log', async () => {
    const { directory, warnings } = directoryWith({ S0GROUP001: new Error('missing_scope') }, { t: 0 });
    expect(await directory.isApprover('U0MEMBER01')).toBe(false);
    expect(warnings.join('\n')).toContain('S0GROUP001');
  });

  it('lists only the directly named approvers', () => {
    expect(directoryWith({}, { t: 0 }).directory.listedUserIds()).toEqual(['U0DIRECT01']);
  });
});
