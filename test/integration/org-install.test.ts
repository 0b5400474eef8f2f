import { isCodedError } from '../../src/domain/errors';
import type { Rotation } from '../../src/domain/rotation';
import { openStore } from '../../src/store/keyv-factory';
import { startTestBot, tempStoreUrl, UNLIMITED, type TestBot } from '../support/bot-harness';
import { freshPostgresDatabase, freshRedisDatabase } from '../support/databases';
import { FakeSlack, type RecordedCall } from '../../testkit/fake-slack';
import { appHomeOpened, buttonClick, orgSlashCommand, requestFormState, slashCommand, viewSubmission, type GridPlace } from '../../testkit/payloads';
import { postToBot } from '../../testkit/slack-request';

/*
 * Enterprise Grid, installed once for the whole organisation: one org-level
 * bot token (SLACK_BOT_TOKEN), payloads that carry the org (enterprise_id,
 * is_enterprise_install) and the workspace of the person, and people and
 * channels of different workspaces. A person in workspace T2 requests a
 * rotation; an approver of T1, a member of an org-wide user group listed as
 * S…@T1, approves it; both App Homes, `list`, `export` and the reminders work
 * across the two workspaces, over HTTP with signed requests.
 */

// Monday 2026-03-02, 10:00 UTC.
const NOW = Date.parse('2026-03-02T10:00:00Z');
const ENTERPRISE = 'E0ORG0001';
const T1: GridPlace = { enterpriseId: ENTERPRISE, teamId: 'T0TEAM001' };
const T2: GridPlace = { enterpriseId: ENTERPRISE, teamId: 'T0TEAM002' };
/** A Grid user id (W…) in T2, and the approver in T1, through the org-wide group. */
const REQUESTER = 'W0REQUEST2';
const APPROVER = 'W0APPROVE1';
const GROUP = 'S0ORGWIDE1';
/** A channel of workspace T2 (ids are unique across the org). */
const CHANNEL = 'C0CHANT002';

interface Engine {
  name: string;
  url(): { url: string; drop(): void };
}

const ENGINES: Engine[] = [
  { name: 'SQLite', url: () => { const t = tempStoreUrl(); return { url: t.url, drop: t.cleanup }; } },
  ...(process.env.TEST_REDIS_URL ? [{ name: 'Redis', url: () => freshRedisDatabase(process.env.TEST_REDIS_URL as string, 13) }] : []),
  ...(process.env.TEST_POSTGRES_URL ? [{ name: 'PostgreSQL', url: () => freshPostgresDatabase(process.env.TEST_POSTGRES_URL as string) }] : []),
];

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(ENGINES)('an org-wide install on Enterprise Grid, on $name', (engine) => {
  // The org-wide group is enabled in T1 and read there; T2 has a group of its own, not an approver one.
  const fake = new FakeSlack({
    org: { enterpriseId: ENTERPRISE, teams: [T1.teamId, T2.teamId], groups: { [T1.teamId]: { [GROUP]: [APPROVER] }, [T2.teamId]: { S0LOCAL002: [REQUESTER] } } },
  });
  const clock = { t: NOW, now: () => new Date(clock.t) };
  let bot: TestBot | undefined;
  let store: { url: string; drop(): void };
  let rotationId: string;
  let message: { channel: string; ts: string };
  const port = () => (bot as TestBot).port;

  const send = async (body: string, contentType?: string) => {
    const answer = await postToBot(port(), body, contentType ? { contentType } : {});
    expect(answer.status).toBe(200);
    return answer;
  };

  /** The App Home this person of that workspace gets when they open it. */
  async function home(user: string, grid: GridPlace): Promise<string> {
    const published = fake.callsTo('views.publish').length;
    await send(appHomeOpened(user, `Ev${user}${published}`, grid), 'application/json');
    await until(() => fake.callsTo('views.publish').slice(published).some((c) => c.args.user_id === user && c.answer?.ok === true), `${user}'s App Home`);
    return JSON.stringify(fake.callsTo('views.publish').slice(published).filter((c) => c.args.user_id === user).at(-1)?.args.view);
  }

  /** What `/wfi-rotate <text>` answers this person of that workspace, privately. */
  async function command(text: string, user: string, grid: GridPlace): Promise<string> {
    const id = `${user}-${text.replace(/\W/g, '')}-${fake.responses.length}`;
    const answered = fake.responses.length;
    await send(orgSlashCommand(grid, { text, user_id: user, response_url: fake.responseUrl(id), trigger_id: '1.2.3' }));
    await until(() => fake.responses.length > answered, `the reply to "${text}"`);
    return JSON.stringify(fake.responses.filter((r) => r.path.endsWith(id)));
  }

  beforeAll(async () => {
    await fake.start();
    store = engine.url();
    bot = await startTestBot(fake, {
      storeUrl: store.url,
      clock,
      rateLimits: UNLIMITED,
      env: { WFI_APPROVERS: `${GROUP}@${T1.teamId}`, WFI_SCHEDULER_INTERVAL_SECONDS: '3600' },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
    store?.drop();
  });

  it('reads the org-wide group in the workspace it names, as an org token must', async () => {
    const reads = await fake.waitFor('usergroups.users.list');
    expect(reads[0]?.args).toEqual({ usergroup: GROUP, team_id: T1.teamId });
    expect(reads.every((c) => c.answer?.ok === true)).toBe(true);
  });

  it('serves a request from a person of the second workspace: stored with its workspace, its message in the chosen channel', async () => {
    // Both open App Home first: a change refreshes the Homes of people who opened it.
    await home(REQUESTER, T2);
    await home(APPROVER, T1);

    const state = requestFormState({ channelId: CHANNEL, attendeeIds: [REQUESTER], deadline: '2026-03-31' });
    const answer = await send(viewSubmission('wfi_request', state, { user: REQUESTER, grid: T2 }));
    expect(answer.text).toBe('');

    const post = await fake.waitForCall('chat.postMessage', (c) => /ROT-/.test(String(c.args.text)), 'the rotation message');
    expect(post.args.channel).toBe(CHANNEL);
    expect(post.answer?.ok).toBe(true);
    rotationId = /ROT-[A-Z0-9]{6}/.exec(String(post.args.text))?.[0] as string;
    message = { channel: String(post.answer?.channel), ts: String(post.answer?.ts) };
  });

  it('reminds the approvers in the rotation\'s channel, in its thread', async () => {
    // Tuesday 09:30 UTC: a business day after the request, past the reminder hour.
    clock.t = Date.parse('2026-03-03T09:30:00Z');
    await bot?.runReminders();
    const reminder = fake.callsTo('chat.postMessage').find((c) => c.args.thread_ts === message.ts && String(c.args.text).includes(rotationId));
    expect(reminder?.args.channel).toBe(CHANNEL);
    expect(reminder?.answer?.ok).toBe(true);
    expect(JSON.stringify(reminder?.args)).toContain(`<!subteam^${GROUP}>`);
  });

  it('takes the approval of an approver of the other workspace, a member of the org-wide group', async () => {
    const updates = fake.callsTo('chat.update').length;
    await send(buttonClick('rotation_approve', `${rotationId}:1`, { user: APPROVER, grid: T1, responseUrl: fake.responseUrl('approve'), channelId: message.channel, messageTs: message.ts }));
    const update = await fake.waitForCall('chat.update', (c) => c.args.ts === message.ts && JSON.stringify(c.args).includes('Approved'), 'the approved message');
    expect(fake.callsTo('chat.update').length).toBeGreaterThan(updates);
    expect(update.args.channel).toBe(CHANNEL);
  });

  it('publishes the App Home of the requester in T2 and of the approver in T1, each with the rotation and its workspace', async () => {
    const requesterHome = await home(REQUESTER, T2);
    const approverHome = await home(APPROVER, T1);
    for (const view of [requesterHome, approverHome]) {
      expect(view).toContain(rotationId);
      expect(view).toContain('workspace `T0TEAM002`');
    }
    expect(approverHome).toContain('all rotations');
  });

  it('lists the rotation to the approver of T1 with its workspace, and to nobody else of the org', async () => {
    const listed = await command('list', APPROVER, T1);
    expect(listed).toContain(rotationId);
    expect(listed).toContain('workspace `T0TEAM002`');
    expect(await command('list', 'W0STRANGR1', T1)).not.toContain(rotationId);
  });

  it('exports the rotation with its workspace, as CSV (last column) and JSON Lines', async () => {
    const before = fake.calls.length;
    const exportBy = (text: string) => send(orgSlashCommand(T1, { text, user_id: APPROVER, response_url: fake.responseUrl(`export-${text}`), trigger_id: '1.2.3' }));
    await exportBy('export');
    const csv = await fake.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVER && JSON.stringify(c.args.blocks).includes('rotation_id'), 'the CSV export');
    expect(fake.calls.indexOf(csv)).toBeGreaterThanOrEqual(before);
    const text = JSON.stringify(csv.args.blocks);
    expect(text).toContain('details,workspace');
    expect(text).toContain(`,${T2.teamId}`);

    await exportBy('export jsonl');
    await until(() => fake.files.some((f) => f.filename.endsWith('.jsonl')), 'the JSON Lines export');
    const lines = (fake.files.find((f) => f.filename.endsWith('.jsonl'))?.content ?? '')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const entries = lines.filter((line) => line.type === 'audit_entry' && line.rotation_id === rotationId);
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries.every((line) => line.workspace_id === T2.teamId)).toBe(true);
  });

  it('stored the rotation with the workspace and org it was requested in, having warned of nothing', async () => {
    expect(bot?.logger.lines.filter((line) => /^(WARN|ERROR)/.test(line))).toEqual([]);
    await bot?.stop();
    bot = undefined;
    const reader = openStore(store.url).rotations;
    let rotations: Rotation[];
    try {
      rotations = await reader.list();
    } finally {
      await reader.close();
    }
    const rotation = rotations.find((r) => r.id === rotationId);
    expect(rotation?.workspace).toEqual({ teamId: T2.teamId, enterpriseId: ENTERPRISE });
    expect(rotation?.status).toBe('approved');
    expect(rotation?.channelId).toBe(CHANNEL);
  });
});

describe('WFI_APPROVERS against the install', () => {
  const store = tempStoreUrl();
  afterAll(() => store.cleanup());

  it('stops an org-wide install whose user group names no workspace, with one line naming WFI_APPROVERS and the fix', async () => {
    const fake = await new FakeSlack({ org: { enterpriseId: ENTERPRISE, teams: [T1.teamId] } }).start();
    try {
      const started = startTestBot(fake, { storeUrl: store.url, env: { WFI_APPROVERS: `U0APPROVE1,${GROUP}` } });
      const error = await started.then(
        async (bot) => {
          await bot.stop();
          throw new Error('the bot started');
        },
        (failure: unknown) => failure,
      );
      expect(isCodedError(error, 'STARTUP_FAILED')).toBe(true);
      const text = (error as Error).message;
      expect(text).toContain(`WFI_APPROVERS lists user group ${GROUP} without a workspace`);
      expect(text).toContain(`e.g. ${GROUP}@T0123ABCD`);
      expect(text).toContain(ENTERPRISE);
      expect(text).not.toContain('\n');
      // Refused before anything else: no group read, nothing served.
      expect(fake.callsTo('usergroups.users.list')).toEqual([]);
    } finally {
      await fake.stop();
    }
  });

  it('leaves a workspace install as it was: a group is read with the usergroup alone, and a request from its workspace is served', async () => {
    const fake = await new FakeSlack().start();
    const bot = await startTestBot(fake, { storeUrl: store.url, env: { WFI_APPROVERS: 'U0APPROVE1,S0GROUP001' } });
    try {
      const reads = await fake.waitFor('usergroups.users.list');
      expect(reads.map((c) => c.args)).toEqual([{ usergroup: 'S0GROUP001' }]);
      const answer = await postToBot(bot.port, slashCommand({ text: 'list', user_id: 'U0APPROVE1', response_url: fake.responseUrl('ws-list') }));
      expect(answer.status).toBe(200);
      const reply = JSON.stringify(await fake.waitForResponse());
      expect(reply).not.toContain('workspace `');
    } finally {
      await bot.stop();
      await fake.stop();
    }
  });

  it('reads a group named with its workspace on a workspace install too (Slack ignores team_id there)', async () => {
    const fake = await new FakeSlack().start();
    const bot = await startTestBot(fake, { storeUrl: store.url, env: { WFI_APPROVERS: `${GROUP}@${T1.teamId}` } });
    try {
      const reads: RecordedCall[] = await fake.waitFor('usergroups.users.list');
      expect(reads.map((c) => c.args)).toEqual([{ usergroup: GROUP, team_id: T1.teamId }]);
    } finally {
      await bot.stop();
      await fake.stop();
    }
  });
});
