import type { webApi } from '@slack/bolt';
import { GROUP_REFRESH_MS, GROUP_TRUST_MS, GROUP_WAIT_MS, SlackApproverDirectory } from '../../../src/slack/approver-directory';

type GroupAnswer = string[] | Error | 'hang';

function directoryWith(groups: Record<string, GroupAnswer>, now: { t: number }, groupIds = ['S0GROUP001']) {
  const calls: string[] = [];
  const hanging: Array<() => void> = [];
  const client = {
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          calls.push(usergroup);
          const members = groups[usergroup];
          if (members === 'hang') {
            // Answers only when the test says so: a Slack that is slow or holds a 429.
            const answer = await new Promise<string[]>((resolve) => hanging.push(() => resolve(['U0MEMBER01'])));
            return { ok: true, users: answer };
          }
          if (members instanceof Error) throw members;
          return { ok: true, users: members ?? [] };
        },
      },
    },
  } as unknown as webApi.WebClient;
  const warnings: string[] = [];
  const directory = new SlackApproverDirectory(
    client,
    { userIds: ['U0DIRECT01'], groupIds },
    { now: () => new Date(now.t) },
    { warn: (...msg: unknown[]) => warnings.push(msg.join(' ')) },
  );
  return { directory, calls, warnings, hanging };
}

describe('SlackApproverDirectory', () => {
  it('answers for a listed user at once, without asking Slack, even while Slack hangs', async () => {
    const { directory, calls } = directoryWith({ S0GROUP001: 'hang' }, { t: 0 });
    const started = Date.now();
    expect(await directory.statusOf('U0DIRECT01')).toBe('approver');
    expect(Date.now() - started).toBeLessThan(50);
    expect(calls).toEqual([]);
  });

  it('accepts a member of a listed group and refuses everyone else', async () => {
    const { directory } = directoryWith({ S0GROUP001: ['U0MEMBER01'] }, { t: 0 });
    expect(await directory.statusOf('U0MEMBER01')).toBe('approver');
    expect(await directory.statusOf('U0STRANGER')).toBe('not_approver');
  });

  it('gives up on a group look-up after GROUP_WAIT_MS and says "unknown"; the answer, once it comes, serves the next click', async () => {
    const { directory, hanging, calls } = directoryWith({ S0GROUP001: 'hang' }, { t: 0 });
    const started = Date.now();
    expect(await directory.statusOf('U0MEMBER01')).toBe('unknown');
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(GROUP_WAIT_MS - 20);
    expect(waited).toBeLessThan(GROUP_WAIT_MS + 300);

    hanging.forEach((answer) => answer());
    await new Promise((resolve) => setImmediate(resolve));
    expect(await directory.statusOf('U0MEMBER01')).toBe('approver');
    expect(calls).toHaveLength(1);
  });

  it('asks Slack once for a burst of clicks on a cold group', async () => {
    const { directory, calls } = directoryWith({ S0GROUP001: ['U0MEMBER01'] }, { t: 0 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => directory.statusOf('U0MEMBER01')));
    expect(new Set(answers)).toEqual(new Set(['approver']));
    expect(calls).toHaveLength(1);
  });

  it('reads a group again once it is a refresh period old, so removal from the group takes effect', async () => {
    const groups: Record<string, GroupAnswer> = { S0GROUP001: ['U0MEMBER01'] };
    const clock = { t: 0 };
    const { directory, calls } = directoryWith(groups, clock);
    expect(await directory.statusOf('U0MEMBER01')).toBe('approver');
    groups.S0GROUP001 = [];

    clock.t = GROUP_REFRESH_MS - 1;
    expect(await directory.statusOf('U0MEMBER01')).toBe('approver');
    expect(calls).toHaveLength(1);

    clock.t = GROUP_REFRESH_MS + 1;
    expect(await directory.statusOf('U0MEMBER01')).toBe('not_approver');
    expect(calls).toHaveLength(2);
  });

  it('answers from the last known members when the refresh of an old group hangs, after GROUP_WAIT_MS at most', async () => {
    const groups: Record<string, GroupAnswer> = { S0GROUP001: ['U0MEMBER01'] };
    const clock = { t: 0 };
    const { directory } = directoryWith(groups, clock);
    expect(await directory.statusOf('U0MEMBER01')).toBe('approver');
    groups.S0GROUP001 = 'hang';

    clock.t = GROUP_REFRESH_MS + 1;
    const started = Date.now();
    expect(await directory.statusOf('U0MEMBER01')).toBe('approver');
    expect(Date.now() - started).toBeLessThan(GROUP_WAIT_MS + 300);
  });

  it('keeps the last known members when a refresh fails, for GROUP_TRUST_MS, then grants nothing', async () => {
    const groups: Record<string, GroupAnswer> = { S0GROUP001: ['U0MEMBER01'] };
    const clock = { t: 0 };
    const { directory, warnings } = directoryWith(groups, clock);
    expect(await directory.statusOf('U0MEMBER01')).toBe('approver');
    groups.S0GROUP001 = new Error('ratelimited');

    clock.t = GROUP_REFRESH_MS + 1;
    expect(await directory.statusOf('U0MEMBER01')).toBe('approver');
    expect(warnings.join('\n')).toContain('S0GROUP001');

    clock.t = GROUP_TRUST_MS + 1;
    expect(await directory.statusOf('U0MEMBER01')).toBe('unknown');
  });

  it('never says "not an approver" because of a group it could not read', async () => {
    const { directory, warnings } = directoryWith({ S0GROUP001: new Error('missing_scope') }, { t: 0 });
    expect(await directory.statusOf('U0MEMBER01')).toBe('unknown');
    expect(warnings.join('\n')).toContain('S0GROUP001');
  });

  it('finds a member through any of several groups, even when another cannot be read', async () => {
    const { directory } = directoryWith({ S0GROUP001: new Error('ratelimited'), S0GROUP002: ['U0MEMBER02'] }, { t: 0 }, [
      'S0GROUP001',
      'S0GROUP002',
    ]);
    expect(await directory.statusOf('U0MEMBER02')).toBe('approver');
    expect(await directory.statusOf('U0STRANGER')).toBe('unknown');
  });

  it('lists every known approver: the listed users and the members of the groups as last read', async () => {
    const { directory } = directoryWith({ S0GROUP001: ['U0MEMBER01', 'U0DIRECT01'] }, { t: 0 });
    expect(directory.knownApproverIds()).toEqual(['U0DIRECT01']);
    directory.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(directory.knownApproverIds().sort()).toEqual(['U0DIRECT01', 'U0MEMBER01']);
    } finally {
      directory.stop();
    }
  });
});
