import type { webApi } from '@slack/bolt';
import type { ApproverGroup } from '../../../src/config';
import { GROUP_REFRESH_MS, GROUP_TRUST_MS, GROUP_WAIT_MS, SlackApproverDirectory } from '../../../src/slack/approver-directory';

type GroupAnswer = string[] | Error | 'hang';

/** `groups` answers by group id, or by `S…@T…` for a call with that team_id. */
function directoryWith(groups: Record<string, GroupAnswer>, now: { t: number }, groupIds: Array<string | ApproverGroup> = ['S0GROUP001']) {
  const calls: string[] = [];
  const args: Array<Record<string, unknown>> = [];
  const hanging: Array<() => void> = [];
  const client = {
    usergroups: {
      users: {
        list: async (given: { usergroup: string; team_id?: string }) => {
          const { usergroup } = given;
          calls.push(usergroup);
          args.push({ ...given });
          const members = groups[given.team_id ? `${usergroup}@${given.team_id}` : usergroup];
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
    { userIds: ['U0DIRECT01'], groups: groupIds.map((group) => (typeof group === 'string' ? { id: group } : group)) },
    { now: () => new Date(now.t) },
    { warn: (...msg: unknown[]) => warnings.push(msg.join(' ')) },
  );
  return { directory, calls, args, warnings, hanging };
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

  it('reads a group listed without a workspace with the usergroup alone, as always (a workspace install)', async () => {
    const { directory, args } = directoryWith({ S0GROUP001: ['U0MEMBER01'] }, { t: 0 });
    expect(await directory.statusOf('U0MEMBER01')).toBe('approver');
    expect(args).toEqual([{ usergroup: 'S0GROUP001' }]);
  });

  it('reads a group listed with its workspace (S…@T…) with that team_id, and each workspace of a group listed twice apart', async () => {
    const { directory, args, warnings } = directoryWith({ 'S0ORGWIDE1@T0TEAM001': ['U0MEMBER01'], 'S0ORGWIDE1@T0TEAM002': ['W0MEMBER02'] }, { t: 0 }, [
      { id: 'S0ORGWIDE1', teamId: 'T0TEAM001' },
      { id: 'S0ORGWIDE1', teamId: 'T0TEAM002' },
    ]);
    expect(await directory.statusOf('W0MEMBER02')).toBe('approver');
    expect(await directory.statusOf('U0MEMBER01')).toBe('approver');
    expect(await directory.statusOf('U0STRANGER')).toBe('not_approver');
    expect(args).toEqual([
      { usergroup: 'S0ORGWIDE1', team_id: 'T0TEAM001' },
      { usergroup: 'S0ORGWIDE1', team_id: 'T0TEAM002' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('names the group and its workspace when it cannot be read', async () => {
    const { directory, warnings } = directoryWith({ 'S0ORGWIDE1@T0TEAM001': new Error('no_such_subteam') }, { t: 0 }, [{ id: 'S0ORGWIDE1', teamId: 'T0TEAM001' }]);
    expect(await directory.statusOf('U0MEMBER01')).toBe('unknown');
    expect(warnings.join('\n')).toContain('S0ORGWIDE1@T0TEAM001: no_such_subteam');
  });
});
