import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { RotationStore } from '../../src/domain/ports';
import { openStore } from '../../src/store/keyv-factory';
import { FakeSlack, type RecordedCall } from '../../testkit/fake-slack';
import { freePort } from '../../testkit/free-port';
import { buttonClick, REQUESTER, requestSubmission, slashCommand } from '../../testkit/payloads';
import { postToBot } from '../../testkit/slack-request';
import { openHome } from '../support/app-home';
import { startTestBot, tempStoreUrl, UNLIMITED, type TestBot } from '../support/bot-harness';
import { scrape } from '../support/metrics';

const APPROVER = 'U0APPROVE1';
/** Monday 2026-03-02, 10:00 UTC. */
const MONDAY = '2026-03-02T10:00:00Z';
/** Deadline Tue 2026-03-31 → submit-by Tue 2026-03-17: on time. */
const ON_TIME = '2026-03-31';
/** Deadline Fri 2026-03-13 → submit-by Fri 2026-02-27: requested one business day late, and overdue already. */
const LATE = '2026-03-13';

/** A clock the test moves: the bot reads it for every decision. */
const clock = { t: Date.parse(MONDAY), now: () => new Date(clock.t) };

/**
 * The rotation store on `url`, which the test can take down: every call
 * then fails (closing excepted), as with a store that stopped answering.
 */
function outageProne(url: string): { store: RotationStore; down: boolean } {
  const inner = openStore(url).rotations;
  const handle = { store: inner, down: false };
  handle.store = new Proxy(inner, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        handle.down && key !== 'close' ? Promise.reject(new Error('connection refused')) : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  return handle;
}

/** How much `read` grew while `event` ran (a missing sample counts as 0). */
async function growth(read: () => Promise<number | undefined>, event: () => Promise<unknown>): Promise<number> {
  const before = (await read()) ?? 0;
  await event();
  return ((await read()) ?? 0) - before;
}

describe('GET /metrics', () => {
  const fake = new FakeSlack();
  let store: ReturnType<typeof tempStoreUrl>;
  let bots: TestBot[] = [];

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    clock.t = Date.parse(MONDAY);
    store = tempStoreUrl();
  });
  afterEach(async () => {
    await Promise.all(bots.map((bot) => bot.stop()));
    bots = [];
    store.cleanup();
  });

  async function start(env: Record<string, string>, options: { rotations?: RotationStore; rotationGaugesMaxAgeMs?: number } = {}): Promise<TestBot> {
    const bot = await startTestBot(fake, {
      storeUrl: store.url,
      clock,
      env,
      rateLimits: UNLIMITED,
      // Retries on, but quick: a 429 or a 5xx is retried once, as production's policy would.
      retryConfig: { retries: 1, minTimeout: 10, maxTimeout: 20, factor: 1 },
      ...(options.rotations ? { store: options.rotations } : {}),
      ...(options.rotationGaugesMaxAgeMs !== undefined ? { rotationGaugesMaxAgeMs: options.rotationGaugesMaxAgeMs } : {}),
    });
    bots.push(bot);
    return bot;
  }

  /** Requests a rotation through the modal; resolves once it is stored (the form closes after the write) and posted. */
  async function requestRotation(bot: TestBot, deadline: string): Promise<{ id: string; channel: string; ts: string }> {
    const before = fake.callsTo('chat.postMessage').length;
    const answer = await postToBot(bot.port, requestSubmission({ deadline }));
    expect(answer.status).toBe(200);
    const post = (await fake.waitFor('chat.postMessage', before + 1))[before] as RecordedCall;
    return { id: /ROT-[A-Z0-9]{6}/.exec(String(post.args.text))?.[0] as string, channel: String(post.answer?.channel), ts: String(post.answer?.ts) };
  }

  async function approve(bot: TestBot, rotation: { id: string; channel: string; ts: string }): Promise<void> {
    const updates = fake.callsTo('chat.update').length;
    const click = buttonClick('rotation_approve', `${rotation.id}:1`, { user: APPROVER, responseUrl: fake.responseUrl(), channelId: rotation.channel, messageTs: rotation.ts });
    expect((await postToBot(bot.port, click)).status).toBe(200);
    await fake.waitFor('chat.update', updates + 1);
  }

  it('is off unless METRICS_ENABLED or METRICS_PORT says otherwise: 404, and /healthz as before', async () => {
    const bot = await start({});

    expect((await scrape(bot.port)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
    expect(bot.metricsPort).toBeUndefined();
  });

  describe('on PORT, with METRICS_ENABLED=true', () => {
    const METRICS_ON = { METRICS_ENABLED: 'true' };

    it('serves the Prometheus text format, with the process metrics', async () => {
      const bot = await start(METRICS_ON);

      const metrics = await scrape(bot.port);

      expect(metrics.status).toBe(200);
      expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
        expect({ name, value: metrics.value(name) }).toEqual({ name, value: expect.any(Number) });
      }
      expect(metrics.value('process_start_time_seconds')).toBeGreaterThan(Date.parse('2020-01-01') / 1000);
    });

    it('times the ack of each kind of request, within Slack\'s 3 seconds', async () => {
      const bot = await start(METRICS_ON);
      const acks = async (kind: string) => (await scrape(bot.port)).value('wfi_rotate_slack_request_ack_seconds_count', { kind });

      expect(await growth(() => acks('command'), () => postToBot(bot.port, slashCommand({ text: 'help' })))).toBe(1);
      expect(await growth(() => acks('view_submission'), () => requestRotation(bot, ON_TIME))).toBe(1);
      const rotation = await requestRotation(bot, ON_TIME);
      expect(await growth(() => acks('block_actions'), () => approve(bot, rotation))).toBe(1);
      expect(await growth(() => acks('event'), () => openHome(fake, bot.port, REQUESTER))).toBe(1);

      const metrics = await scrape(bot.port);
      expect(metrics.value('wfi_rotate_slack_request_ack_seconds_bucket', { kind: 'command', le: '3' })).toBe(1);
      expect(metrics.value('wfi_rotate_slack_request_ack_seconds_sum', { kind: 'command' })).toBeGreaterThan(0);
    });

    it('counts each request to Slack by method and result: ok, Slack\'s error, 429s and 5xx that were retried, a cut connection', async () => {
      const bot = await start(METRICS_ON);
      const requests = async (method: string, result: string) => (await scrape(bot.port)).value('wfi_rotate_slack_api_requests_total', { method, result });

      // At start: the token check, and the approver group read by the quick client.
      expect(await requests('auth.test', 'ok')).toBe(1);
      expect(await requests('usergroups.users.list', 'ok')).toBeGreaterThanOrEqual(1);
      expect(await growth(() => requests('views.open', 'ok'), () => postToBot(bot.port, slashCommand()).then(() => fake.waitFor('views.open')))).toBe(1);

      // The first views.open answered 429, then 503, then cut: each retried once, so each ends with an ok.
      fake.rateLimit('views.open', 0, 1);
      await postToBot(bot.port, slashCommand({ trigger_id: 'a.429' }));
      await fake.waitForCall('views.open', (c) => c.args.trigger_id === 'a.429' && c.status === 200, 'the retried views.open');
      fake.serverError('views.open', 503, 1);
      await postToBot(bot.port, slashCommand({ trigger_id: 'a.503' }));
      await fake.waitForCall('views.open', (c) => c.args.trigger_id === 'a.503' && c.status === 200, 'the retried views.open');
      fake.cutConnection('views.open', 1);
      await postToBot(bot.port, slashCommand({ trigger_id: 'a.cut' }));
      await fake.waitForCall('views.open', (c) => c.args.trigger_id === 'a.cut' && c.status === 200, 'the retried views.open');
      const metrics = await scrape(bot.port);
      expect(metrics.value('wfi_rotate_slack_api_requests_total', { method: 'views.open', result: 'rate_limited' })).toBe(1);
      expect(metrics.value('wfi_rotate_slack_api_requests_total', { method: 'views.open', result: 'http_503' })).toBe(1);
      expect(metrics.value('wfi_rotate_slack_api_requests_total', { method: 'views.open', result: 'request_error' })).toBe(1);
      expect(metrics.value('wfi_rotate_slack_api_requests_total', { method: 'views.open', result: 'ok' })).toBe(4);

      // Slack refusing a post says why in a 200: counted by its error.
      fake.on('chat.postMessage', () => ({ ok: false, error: 'channel_not_found' }));
      expect(
        await growth(
          () => requests('chat.postMessage', 'channel_not_found'),
          () => postToBot(bot.port, requestSubmission()).then(() => fake.waitFor('chat.postMessage', 2)),
        ),
      ).toBe(2);

      // Bolt's respond() posts to the response_url through the same fetch.
      fake.reset();
      await postToBot(bot.port, slashCommand({ text: 'status ROT-ZZZZZZ', response_url: fake.responseUrl() }));
      await fake.waitForResponse();
      expect(await requests('response_url', 'ok')).toBe(1);
    });

    it('counts the open and planned rotations by state, the late ones and those past submit-by or deadline, from the store\'s index', async () => {
      const bot = await start(METRICS_ON, { rotationGaugesMaxAgeMs: 0 });
      const empty = await scrape(bot.port);
      for (const state of ['planned', 'requested', 'approved', 'submitted', 'meeting_scheduled']) {
        expect({ state, value: empty.value('wfi_rotate_rotations', { state }) }).toEqual({ state, value: 0 });
      }
      expect(empty.value('wfi_rotate_store_up')).toBe(1);

      const onTime = await requestRotation(bot, ON_TIME);
      await requestRotation(bot, LATE);
      let metrics = await scrape(bot.port);
      expect(metrics.value('wfi_rotate_rotations', { state: 'requested' })).toBe(2);
      expect(metrics.value('wfi_rotate_rotations_late')).toBe(1);
      expect(metrics.value('wfi_rotate_rotations_past_submit_by')).toBe(1);
      expect(metrics.value('wfi_rotate_rotations_past_deadline')).toBe(0);

      await approve(bot, onTime);
      metrics = await scrape(bot.port);
      expect(metrics.value('wfi_rotate_rotations', { state: 'requested' })).toBe(1);
      expect(metrics.value('wfi_rotate_rotations', { state: 'approved' })).toBe(1);

      // Wednesday 2026-04-01: both deadlines have passed, and neither was submitted.
      clock.t = Date.parse('2026-04-01T10:00:00Z');
      metrics = await scrape(bot.port);
      expect(metrics.value('wfi_rotate_rotations_past_submit_by')).toBe(2);
      expect(metrics.value('wfi_rotate_rotations_past_deadline')).toBe(2);
      expect(metrics.value('wfi_rotate_rotations_late')).toBe(1);
    });

    it('reads the store for the rotation gauges once per interval, however often it is scraped', async () => {
      const bot = await start(METRICS_ON);
      const reads = (metrics: Awaited<ReturnType<typeof scrape>>) =>
        metrics.value('wfi_rotate_store_operation_duration_seconds_count', { store: 'rotations', operation: 'active' }) ?? 0;

      await scrape(bot.port);
      const concurrent = await Promise.all([scrape(bot.port), scrape(bot.port), scrape(bot.port)]);
      const last = await scrape(bot.port);

      // The first scrape's read (counted once it is done, so from the next scrape on) is the only one.
      for (const metrics of [...concurrent, last]) expect(reads(metrics)).toBe(1);
      // Within the interval, a rotation made since the read is not counted yet.
      await requestRotation(bot, ON_TIME);
      expect((await scrape(bot.port)).value('wfi_rotate_rotations', { state: 'requested' })).toBe(0);
    });

    it('counts reminders sent, failed (by Slack\'s error) and deferred, by kind, and times each tick with how far behind it was', async () => {
      const bot = await start(METRICS_ON);
      await requestRotation(bot, LATE);
      const startedTicks = (await scrape(bot.port)).value('wfi_rotate_scheduler_tick_duration_seconds_count') as number;

      // Tuesday 09:30: the approval and overdue reminders fell due at 09:00.
      clock.t = Date.parse('2026-03-03T09:30:00Z');
      const before = Date.now() / 1000;
      await bot.runReminders();
      let metrics = await scrape(bot.port);
      expect(metrics.value('wfi_rotate_reminders_sent_total', { kind: 'approval_pending' })).toBe(1);
      expect(metrics.value('wfi_rotate_reminders_sent_total', { kind: 'submit_overdue' })).toBe(1);
      expect(metrics.value('wfi_rotate_scheduler_tick_duration_seconds_count')).toBe(startedTicks + 1);
      expect(metrics.value('wfi_rotate_scheduler_lag_seconds')).toBe(30 * 60);
      expect(metrics.value('wfi_rotate_scheduler_last_tick_timestamp_seconds')).toBeGreaterThanOrEqual(Math.floor(before));

      // Wednesday: Slack refuses the channel, and the requester's direct message too.
      fake.on('chat.postMessage', () => ({ ok: false, error: 'channel_not_found' }));
      clock.t = Date.parse('2026-03-04T09:30:00Z');
      await bot.runReminders();
      metrics = await scrape(bot.port);
      expect(metrics.value('wfi_rotate_reminders_failed_total', { kind: 'approval_pending', error: 'channel_not_found' })).toBe(1);
      expect(metrics.value('wfi_rotate_reminders_failed_total', { kind: 'submit_overdue', error: 'channel_not_found' })).toBe(1);

      // Thursday: Slack answers 503 past the retries: not taken for now, tried again later.
      fake.reset();
      fake.serverError('chat.postMessage', 503);
      clock.t = Date.parse('2026-03-05T09:30:00Z');
      await bot.runReminders();
      metrics = await scrape(bot.port);
      expect(metrics.value('wfi_rotate_reminders_deferred_total', { kind: 'approval_pending' })).toBe(1);
      expect(metrics.value('wfi_rotate_reminders_sent_total', { kind: 'approval_pending' })).toBe(1);
    });

    it('counts a reminder dropped unsent: the weekly digest, with no rotation open', async () => {
      const bot = await start(METRICS_ON);
      // The tick the bot runs at start, finished (another asked for meanwhile would be that one).
      await bot.runReminders();

      // Monday 2026-03-09 09:00 is the digest's time.
      clock.t = Date.parse('2026-03-09T09:30:00Z');
      await bot.runReminders();

      expect((await scrape(bot.port)).value('wfi_rotate_reminders_dropped_total', { kind: 'weekly_digest' })).toBe(1);
    });

    it('times each store operation, and counts the failed ones, the store\'s being down and the ticks that failed with it', async () => {
      const rotations = outageProne(store.url);
      const bot = await start(METRICS_ON, { rotations: rotations.store, rotationGaugesMaxAgeMs: 0 });
      await requestRotation(bot, LATE);
      let metrics = await scrape(bot.port);
      expect(metrics.value('wfi_rotate_store_operation_duration_seconds_count', { store: 'rotations', operation: 'insert' })).toBe(1);
      expect(metrics.value('wfi_rotate_store_operation_duration_seconds_count', { store: 'reminders', operation: 'due' })).toBeGreaterThanOrEqual(1);
      expect(metrics.value('wfi_rotate_store_operation_duration_seconds_count', { store: 'locks', operation: 'pruneExpired' })).toBe(1);
      expect(metrics.value('wfi_rotate_store_operation_errors_total')).toBeUndefined();
      expect(metrics.value('wfi_rotate_store_up')).toBe(1);

      rotations.down = true;
      expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(503);
      clock.t = Date.parse('2026-03-03T09:30:00Z');
      await bot.runReminders();
      metrics = await scrape(bot.port);
      expect(metrics.value('wfi_rotate_store_operation_errors_total', { store: 'rotations', operation: 'ping' })).toBe(1);
      expect(metrics.value('wfi_rotate_store_operation_errors_total', { store: 'rotations', operation: 'get' })).toBe(1);
      expect(metrics.value('wfi_rotate_scheduler_tick_failures_total')).toBe(1);
      expect(metrics.value('wfi_rotate_store_up')).toBe(0);
      // The last counts read stand, marked stale by wfi_rotate_store_up.
      expect(metrics.value('wfi_rotate_rotations', { state: 'requested' })).toBe(1);

      rotations.down = false;
      expect((await scrape(bot.port)).value('wfi_rotate_store_up')).toBe(1);
    });
  });

  it('on METRICS_PORT: served there alone, not on PORT, where /healthz stays', async () => {
    const bot = await start({ METRICS_PORT: '0' });
    await postToBot(bot.port, slashCommand({ text: 'help' }));

    const own = await scrape(bot.metricsPort as number);
    expect(own.status).toBe(200);
    expect(own.value('wfi_rotate_slack_request_ack_seconds_count', { kind: 'command' })).toBe(1);
    expect((await scrape(bot.port)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${bot.metricsPort as number}/healthz`)).status).toBe(404);
  });

  it('refuses to start on a METRICS_PORT already taken, saying so of METRICS_PORT, and leaves PORT free', async () => {
    const taken = await start({ METRICS_PORT: '0' });
    const port = await freePort();

    await expect(
      startTestBot(fake, { storeUrl: store.url, clock, env: { PORT: String(port), METRICS_PORT: String(taken.metricsPort) } }),
    ).rejects.toThrow(`METRICS_PORT ${taken.metricsPort} is already in use by another program. Set METRICS_PORT to a free port.`);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('serves every metric the sample alert rules (ops/prometheus-alerts.yml) name, and each rule says what and how bad', async () => {
    const bot = await start({ METRICS_ENABLED: 'true' });
    const served = new Set([...(await scrape(bot.port)).text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
    const file = parse(readFileSync(join(__dirname, '..', '..', 'ops', 'prometheus-alerts.yml'), 'utf8')) as {
      groups: Array<{ rules: Array<{ alert?: string; expr?: string; labels?: { severity?: string }; annotations?: { summary?: string } }> }>;
    };
    const rules = file.groups.flatMap((group) => group.rules);

    expect(rules.map((rule) => rule.alert)).toEqual([
      'WfiRotateReminderFailing',
      'WfiRotateSchedulerLagging',
      'WfiRotateSchedulerStalled',
      'WfiRotateStoreDown',
      'WfiRotatePastSubmitBy',
      'WfiRotatePastDeadline',
    ]);
    for (const rule of rules) {
      const named = [...(rule.expr ?? '').matchAll(/\bwfi_rotate_[a-z_]+/g)].map((match) => match[0]);
      expect(named.length).toBeGreaterThan(0);
      for (const metric of named) expect({ alert: rule.alert, metric, served: served.has(metric) }).toEqual({ alert: rule.alert, metric, served: true });
      expect(rule.labels?.severity).toMatch(/^(warning|critical)$/);
      expect(rule.annotations?.summary).toEqual(expect.any(String));
    }
  });

  it('keeps each bot\'s counts apart when several run in one process (one registry each)', async () => {
    const first = await start({ METRICS_ENABLED: 'true' });
    const second = await start({ METRICS_ENABLED: 'true' });

    await postToBot(first.port, slashCommand({ text: 'help' }));

    expect((await scrape(first.port)).value('wfi_rotate_slack_request_ack_seconds_count', { kind: 'command' })).toBe(1);
    expect((await scrape(second.port)).value('wfi_rotate_slack_request_ack_seconds_count', { kind: 'command' })).toBe(0);
  });
});
