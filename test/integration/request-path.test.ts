import { openStore } from '../../src/store/keyv-factory';
import { FakeSlack } from '../../testkit/fake-slack';
import { BOT_TOKEN } from '../../testkit/bot-env';
import { startTestBot, tempStoreUrl, type TestBot } from '../support/bot-harness';
import { buttonClick, interactive, REQUESTER, requestSubmission, slashCommand, type RequestFormInput } from '../../testkit/payloads';
import { postToBot, SIGNING_SECRET } from '../../testkit/slack-request';
import { SECRET_REFUSAL } from '../../src/domain/secret-detector';
import { STORE_FAILURE_MESSAGE } from '../../src/slack/views/refusals';
import type { RotationStore } from '../../src/domain/ports';
import { STORE_READ_FAILURE } from '../../src/slack/views/refusals';
import { ACTIONS } from '../../src/slack/ids';

// Monday 2026-03-02, 10:00 UTC: a deadline of Tuesday 2026-03-31 gives submit-by Tuesday 2026-03-17.
const NOW = new Date('2026-03-02T10:00:00Z');

async function rotationsIn(storeUrl: string): Promise<unknown[]> {
  const reader = openStore(storeUrl).rotations;
  try {
    return await reader.list();
  } finally {
    await reader.close();
  }
}

function rotationIdFrom(text: unknown): string {
  const match = /ROT-[A-Z0-9]{6}/.exec(String(text));
  if (!match) throw new Error(`no rotation id in ${String(text)}`);
  return match[0];
}

describe('the request path over real HTTP', () => {
  const fake = new FakeSlack();
  let store: ReturnType<typeof tempStoreUrl>;
  let bot: TestBot | undefined;

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.reset();
    store = tempStoreUrl();
    bot = await startTestBot(fake, { storeUrl: store.url, now: NOW });
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    store.cleanup();
  });

  const port = () => (bot as TestBot).port;

  it('opens the request modal with the trigger id of the slash command', async () => {
    const response = await postToBot(port(), slashCommand({ trigger_id: '999.888.trigger' }));

    expect(response.status).toBe(200);
    const [open] = await fake.waitFor('views.open');
    expect(open?.args.trigger_id).toBe('999.888.trigger');
    expect(open?.token).toBe(BOT_TOKEN);
    const view = open?.args.view as { callback_id: string; blocks: Array<{ block_id?: string; element?: Record<string, unknown> }> };
    expect(view.callback_id).toBe('wfi_request');
    const channel = view.blocks.find((b) => b.block_id === 'reminder_channel');
    expect(channel?.element?.initial_conversation).toBe('C0CHANNEL1');
    const attendees = view.blocks.find((b) => b.block_id === 'attendees');
    expect(attendees?.element?.initial_users).toEqual([REQUESTER]);
  });

  it('stores a valid request and posts every portal value to the chosen channel', async () => {
    const response = await postToBot(port(), requestSubmission({ instanceUrl: 'https://ACME.wfi.pega.com/', channelId: 'C0ROTATE01' }));

    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    const [post] = await fake.waitFor('chat.postMessage');
    expect(post?.args.channel).toBe('C0ROTATE01');
    const json = JSON.stringify(post?.args.blocks);
    for (const value of [
      'Other',
      'Rotate the Workforce Intelligence client secret',
      'Workforce Intelligence',
      'Pega Cloud',
      'https://acme.wfi.pega.com',
      'Production',
      'Please rotate the Workforce Intelligence client secret',
    ]) {
      expect(json).toContain(`"text":"${value}"`);
    }
    expect(json).toContain('Tue 17 Mar 2026');
    // Business days after Monday 03-02 up to and including Tuesday 03-17: 3–6, 9–13, 16, 17.
    expect(json).toContain('11 business days left');

    const id = rotationIdFrom(post?.args.text);
    const stored = await rotationsIn(store.url);
    expect(stored).toEqual([
      expect.objectContaining({
        id,
        status: 'requested',
        requesterId: REQUESTER,
        instanceUrl: 'https://acme.wfi.pega.com',
        deadline: '2026-03-31',
        submitBy: '2026-03-17',
        lateByBusinessDays: 0,
        channelId: 'C0ROTATE01',
        history: [expect.objectContaining({ actorId: REQUESTER, from: null, to: 'requested' })],
      }),
    ]);
  });

  it('remembers where the message was posted, so later steps can update it', async () => {
    await postToBot(port(), requestSubmission());
    const [post] = await fake.waitFor('chat.postMessage');
    const id = rotationIdFrom(post?.args.text);
    await bot?.stop();
    const reopened = openStore(store.url).rotations;
    const rotation = await reopened.get(id);
    await reopened.close();
    expect(rotation?.message).toEqual({ channelId: 'C0CHANNEL1', ts: '1001.000100' });
  });

  it('marks a request made after its submit-by date as late, with the business days it is short', async () => {
    // Deadline Friday 2026-03-13 → submit-by Friday 2026-02-27; today Monday 2026-03-02 is 1 business day late.
    await postToBot(port(), requestSubmission({ deadline: '2026-03-13' }));

    const [post] = await fake.waitFor('chat.postMessage');
    const json = JSON.stringify(post?.args.blocks);
    expect(json).toContain('*Late:*');
    expect(json).toContain('1 business day short');
    expect(await rotationsIn(store.url)).toEqual([expect.objectContaining({ lateByBusinessDays: 1 })]);
  });

  const invalidFields: Array<[string, RequestFormInput, string, string | RegExp]> = [
    ['an http URL', { instanceUrl: 'http://acme.wfi.pega.com' }, 'instance_url', /https/],
    ['a URL on another domain', { instanceUrl: 'https://acme.wfi.pega.com.evil.io' }, 'instance_url', /wfi\.pega\.com/],
    ['a URL with a path', { instanceUrl: 'https://acme.wfi.pega.com/admin?x=1' }, 'instance_url', /path/],
    ['a past deadline', { deadline: '2026-02-27' }, 'deadline', /future/],
    ['today as the deadline', { deadline: '2026-03-02' }, 'deadline', /future/],
    ['no reminder channel', { channelId: null }, 'reminder_channel', /channel/],
    ['no attendees', { attendeeIds: [] }, 'attendees', /at least one/],
    ['over-long notes', { notes: 'x'.repeat(2001) }, 'notes', /2000/],
    ['notes holding a secret', { notes: 'here it is: client_secret=abc123' }, 'notes', SECRET_REFUSAL],
    ['notes holding a secret-like token', { notes: 'Q2xpZW50U2VjcmV0MTIzNDU2Nzg5MGFiY2Rl' }, 'notes', SECRET_REFUSAL],
  ];

  it.each(invalidFields)('refuses %s on that field and stores nothing', async (_what, input, blockId, message) => {
    const response = await postToBot(port(), requestSubmission(input));

    expect(response.status).toBe(200);
    const body = response.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual([blockId]);
    if (typeof message === 'string') expect(body.errors[blockId]).toBe(message);
    else expect(body.errors[blockId]).toMatch(message);
    await bot?.stop();
    expect(await rotationsIn(store.url)).toEqual([]);
    expect(fake.callsTo('chat.postMessage')).toEqual([]);
  });

  it('names every bad field of one submission at once', async () => {
    const response = await postToBot(port(), requestSubmission({ instanceUrl: 'ftp://x', deadline: '2020-01-01', notes: 'password=hunter2' }));

    const body = response.json() as { errors: Record<string, string> };
    expect(Object.keys(body.errors).sort()).toEqual(['deadline', 'instance_url', 'notes']);
  });

  it.each([
    ['a wrong signature', { secret: 'not-the-signing-secret' }],
    ['a timestamp over five minutes old', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
    ['a timestamp over five minutes ahead', { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 }],
    ['no signature at all', { unsigned: true }],
  ])('answers 401 to %s and does nothing', async (_what, options) => {
    const command = await postToBot(port(), slashCommand(), options);
    const submission = await postToBot(port(), requestSubmission(), options);

    expect(command.status).toBe(401);
    expect(submission.status).toBe(401);
    await bot?.stop();
    // Besides the token check at start and the background read of the approver user group, nothing reached Slack.
    expect(fake.calls.filter((c) => c.method !== 'auth.test' && c.method !== 'usergroups.users.list')).toEqual([]);
    expect(await rotationsIn(store.url)).toEqual([]);
  });

  // Slack's clock may run ahead of ours: a request signed within five minutes in the future is Slack's, not a replay.
  it.each([
    ['one second ahead', 1],
    ['a few seconds ahead', 5],
    ['four and a half minutes ahead', 4 * 60 + 30],
  ])('accepts a request signed %s', async (_what, seconds) => {
    const response = await postToBot(port(), slashCommand({ text: 'help' }), { timestamp: Math.floor(Date.now() / 1000) + seconds });

    expect(response.status).toBe(200);
  });

  it('keeps the rotation across a restart on the same SQLite file', async () => {
    await postToBot(port(), requestSubmission());
    const [post] = await fake.waitFor('chat.postMessage');
    const id = rotationIdFrom(post?.args.text);
    await bot?.stop();

    bot = await startTestBot(fake, { storeUrl: store.url, now: NOW });
    const response = await postToBot(port(), slashCommand({ text: `status ${id.toLowerCase()}`, response_url: fake.responseUrl('status') }));

    expect(response.status).toBe(200);
    const reply = await fake.waitForResponse();
    expect(reply.path).toBe('/response/status');
    expect(reply.body.response_type).toBe('ephemeral');
    const json = JSON.stringify(reply.body.blocks);
    expect(json).toContain(id);
    expect(json).toContain('https://acme.wfi.pega.com');
    expect(json).toContain('Awaiting approval');
  });

  it('answers status for an unknown id privately, without failing', async () => {
    await postToBot(port(), slashCommand({ text: 'status ROT-ZZZZZZ', response_url: fake.responseUrl() }));
    const reply = await fake.waitForResponse();
    expect(reply.body.response_type).toBe('ephemeral');
    expect(String(reply.body.text)).toContain('No rotation `ROT-ZZZZZZ`');
  });

  it.each([
    ['help', /open the request form/],
    ['frobnicate', /open the request form/],
  ])('answers `%s` privately in the acknowledgement', async (text, expected) => {
    const response = await postToBot(port(), slashCommand({ text }));
    const body = response.json();
    expect(body.response_type).toBe('ephemeral');
    expect(String(body.text)).toMatch(expected);
    expect(fake.callsTo('views.open')).toEqual([]);
  });

  it('joins a public channel it is not in, then posts there', async () => {
    let attempts = 0;
    fake.on('chat.postMessage', (args) => (attempts++ === 0 ? { ok: false, error: 'not_in_channel' } : { ok: true, channel: args.channel, ts: '2000.000100' }));

    await postToBot(port(), requestSubmission({ channelId: 'C0PUBLIC01' }));

    const posts = await fake.waitFor('chat.postMessage', 2);
    expect(fake.callsTo('conversations.join').map((c) => c.args.channel)).toEqual(['C0PUBLIC01']);
    expect(posts.map((p) => p.args.channel)).toEqual(['C0PUBLIC01', 'C0PUBLIC01']);
  });

  it('sends the request to the requester directly when the channel refuses the bot, and keeps the rotation', async () => {
    fake.on('chat.postMessage', (args) =>
      args.channel === 'G0PRIVATE1' ? { ok: false, error: 'channel_not_found' } : { ok: true, channel: 'D0DIRECT01', ts: '3000.000100' },
    );

    await postToBot(port(), requestSubmission({ channelId: 'G0PRIVATE1' }));

    const posts = await fake.waitFor('chat.postMessage', 2);
    expect(posts[1]?.args.channel).toBe(REQUESTER);
    expect(JSON.stringify(posts[1]?.args.blocks)).toContain('channel_not_found');
    await bot?.stop();
    expect(await rotationsIn(store.url)).toEqual([
      expect.objectContaining({ channelId: 'G0PRIVATE1', message: { channelId: 'D0DIRECT01', ts: '3000.000100' } }),
    ]);
  });

  it('answers a request no listener handles at once, not after Bolt\'s 3-second timer', async () => {
    const started = Date.now();
    // Closing a form: Slack tells the app (notify_on_close), and no listener of the bot takes view_closed.
    const response = await postToBot(port(), interactive({ type: 'view_closed', user: { id: REQUESTER }, view: { callback_id: 'wfi_request' } }));

    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2500);
    expect((bot as TestBot).logger.lines).toContain('INFO No listener handles this request (view_closed wfi_request); answered 200 at once');
  });

  it('acknowledges a click on a button it has no route for (a link button, an old message) at once, and does nothing else', async () => {
    const started = Date.now();
    const response = await postToBot(port(), buttonClick('no_such_action', 'x', { responseUrl: fake.responseUrl() }));

    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(Date.now() - started).toBeLessThan(2500);
    expect((bot as TestBot).logger.lines).toContainEqual(expect.stringMatching(/^DEBUG \[request [0-9a-f]{8}\] No route for no_such_action; acknowledged$/));
    expect(fake.calls.filter((c) => /^(chat|views)\./.test(c.method))).toEqual([]);
  });

  const withoutTriggerId = (form: string, triggerId?: unknown) => {
    const params = new URLSearchParams(form);
    const payload = params.get('payload');
    if (payload === null) {
      params.delete('trigger_id');
    } else {
      const { trigger_id: _dropped, ...rest } = JSON.parse(payload) as Record<string, unknown>;
      params.set('payload', JSON.stringify(triggerId === undefined ? rest : { ...rest, trigger_id: triggerId }));
    }
    return params.toString();
  };

  it.each([
    ['a slash command with no trigger_id', 'slash command', () => withoutTriggerId(slashCommand({ response_url: fake.responseUrl() }))],
    ['a click with no trigger_id', 'click', () => withoutTriggerId(buttonClick(ACTIONS.newRequest, 'new', { responseUrl: fake.responseUrl(), fromHome: true }))],
    [
      'a click whose trigger_id is not a string',
      'click',
      () => withoutTriggerId(buttonClick(ACTIONS.newRequest, 'new', { responseUrl: fake.responseUrl(), fromHome: true }), { id: 'x' }),
    ],
  ])('refuses %s before any call to Slack, answering 200 at once', async (_what, kind, body) => {
    const response = await postToBot(port(), body());

    expect(response).toMatchObject({ status: 200, text: '' });
    const lines = (bot as TestBot).logger.lines;
    await bot?.stop();
    // Besides the token check at start and the background read of the approver user group, nothing reached Slack.
    expect(fake.calls.map((call) => call.method).filter((method) => method !== 'usergroups.users.list')).toEqual(['auth.test']);
    expect(fake.responses).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^WARN \\[request [0-9a-f]{8}\\] Ignored a ${kind} without a trigger_id$`)));
    expect(lines.join('\n')).not.toContain('legacy-verification-token');
  });

  it('refuses a signed payload that parses to null with 400 and keeps serving', async () => {
    const response = await postToBot(port(), 'payload=null');
    expect(response.status).toBe(400);

    const health = await fetch(`http://127.0.0.1:${port()}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  /** The test's SQLite store, failing every call with `outage()`'s error while it returns one. */
  function flakyStore(outage: () => Error | undefined): RotationStore {
    const real = openStore(store.url).rotations;
    const check = () => {
      const error = outage();
      return error ? Promise.reject(error) : Promise.resolve();
    };
    return {
      insert: (r) => check().then(() => real.insert(r)),
      get: (id) => check().then(() => real.get(id)),
      setMessage: (id, m) => check().then(() => real.setMessage(id, m)),
      findByMessage: (m) => check().then(() => real.findByMessage(m)),
      replace: (r, v) => check().then(() => real.replace(r, v)),
      list: () => check().then(() => real.list()),
      active: (page) => check().then(() => real.active(page)),
      involving: (userId, page) => check().then(() => real.involving(userId, page)),
      activeInvolving: (userId) => check().then(() => real.activeInvolving(userId)),
      ofInstance: (instanceUrl, page) => check().then(() => real.ofInstance(instanceUrl, page)),
      recentlyCompleted: (page) => check().then(() => real.recentlyCompleted(page)),
      recordHomeViewer: (userId) => check().then(() => real.recordHomeViewer(userId)),
      homeViewers: (userIds) => check().then(() => real.homeViewers(userIds)),
      auditLog: () => check().then(() => real.auditLog()),
      migrate: () => check().then(() => real.migrate()),
      ping: () => check().then(() => real.ping()),
      close: () => real.close(),
    };
  }

  it('reports an unreachable store in the form and saves nothing', async () => {
    await bot?.stop();
    let reachable = true;
    bot = await startTestBot(fake, {
      storeUrl: store.url,
      now: NOW,
      store: flakyStore(() => (reachable ? undefined : new Error('connection refused'))),
    });
    reachable = false;

    const response = await postToBot(port(), requestSubmission());
    const body = response.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors.instance_url).toBe(STORE_FAILURE_MESSAGE);
    expect(fake.callsTo('chat.postMessage')).toEqual([]);

    const health = await fetch(`http://127.0.0.1:${port()}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'unavailable', reason: 'store unavailable' });

    await postToBot(port(), slashCommand({ text: 'status ROT-222222', response_url: fake.responseUrl() }));
    expect((await fake.waitForResponse()).body.text).toBe(STORE_READ_FAILURE);

    reachable = true;
    expect((await fetch(`http://127.0.0.1:${port()}/healthz`)).status).toBe(200);
    await bot?.stop();
    expect(await rotationsIn(store.url)).toEqual([]);
  });

  it("answers /healthz with a short reason while the store is down, and logs the store's own error once per outage", async () => {
    await bot?.stop();
    // What node-postgres says when it cannot log in: the host, the database and the user.
    const failure = 'password authentication failed for user "wfi_admin" on db-primary.corp.internal:5432 (database "wfi_prod")';
    let down = false;
    bot = await startTestBot(fake, { storeUrl: store.url, now: NOW, store: flakyStore(() => (down ? new Error(failure) : undefined)) });
    const probe = async () => {
      const response = await fetch(`http://127.0.0.1:${port()}/healthz`);
      return { status: response.status, text: await response.text() };
    };
    const storeLines = () => (bot as TestBot).logger.lines.filter((line) => line.includes('Health check'));

    down = true;
    const probes = [await probe(), await probe(), await probe()];
    down = false;
    const recovered = await probe();
    down = true;
    await probe();

    for (const answer of probes) {
      expect(answer).toEqual({ status: 503, text: '{"status":"unavailable","reason":"store unavailable"}' });
      for (const detail of ['wfi_admin', 'db-primary', 'wfi_prod', '5432']) expect(answer.text).not.toContain(detail);
    }
    expect(recovered).toEqual({ status: 200, text: '{"status":"ok"}' });
    expect(storeLines()).toEqual([
      `WARN Health check: the store is unavailable: ${failure}`,
      'INFO Health check: the store answers again',
      `WARN Health check: the store is unavailable: ${failure}`,
    ]);
  });

  it('refuses to start, with the reason, when STORE_URL cannot be opened', async () => {
    await bot?.stop();
    // A directory where the SQLite file should be.
    await expect(startTestBot(fake, { storeUrl: `sqlite://${store.dir}`, now: NOW })).rejects.toThrow(
      `STORE_URL=sqlite://${store.dir} could not be opened: ${store.dir} is a directory: name the SQLite file in it, e.g. ${store.dir}/wfi-rotate.sqlite`,
    );
  });

  it('finishes a request in flight before it stops, then closes the store', async () => {
    fake.on('chat.postMessage', async (args) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { ok: true, channel: args.channel, ts: '4000.000100' };
    });
    await postToBot(port(), requestSubmission());
    await bot?.stop();

    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(await rotationsIn(store.url)).toEqual([expect.objectContaining({ message: { channelId: 'C0CHANNEL1', ts: '4000.000100' } })]);
    await expect(fetch(`http://127.0.0.1:${port()}/healthz`)).rejects.toThrow();
  });

  it('never writes the tokens into its log', async () => {
    await postToBot(port(), slashCommand());
    await postToBot(port(), requestSubmission());
    await fake.waitFor('chat.postMessage');
    const log = (bot as TestBot).logger.lines.join('\n');
    expect(log).not.toContain(BOT_TOKEN);
    expect(log).not.toContain(SIGNING_SECRET);
  });

  it('logs only at LOG_LEVEL and above once running (Bolt would reset its logger to info)', async () => {
    for (const [level, shown] of [
      ['warn', ['WARN', 'ERROR']],
      ['debug', ['DEBUG', 'INFO', 'WARN', 'ERROR']],
    ] as const) {
      await bot?.stop();
      bot = await startTestBot(fake, { storeUrl: store.url, now: NOW, env: { LOG_LEVEL: level } });
      const startedAt = bot.logger.lines.length;
      await postToBot(port(), slashCommand({ text: 'status ROT-ZZZZZZ', response_url: fake.responseUrl() }));
      await postToBot(port(), interactive({ type: 'block_actions', user: { id: 'U0REQUEST1' }, actions: [{ action_id: 'unknown_action' }] }));
      await fake.waitForResponse();
      const levels = new Set(bot.logger.lines.slice(startedAt).map((line) => line.split(' ')[0]));
      expect([level, [...levels].every((l) => (shown as readonly string[]).includes(l ?? ''))]).toEqual([level, true]);
      if (level === 'debug') expect(levels.has('DEBUG')).toBe(true);
      fake.reset();
    }
  });

  it("logs a listener's failure with the request's id and kind, never its body", async () => {
    // A refused click whose private answer Slack will not take: the error reaches app.error.
    fake.on('chat.postEphemeral', () => ({ ok: false, error: 'channel_not_found' }));
    fake.on('views.open', () => ({ ok: false, error: 'expired_trigger_id' }));
    const marker = 'zzbodymarker';
    await postToBot(port(), buttonClick('rotation_approve', 'ROT-ZZZZZZ:1', { user: 'U0STRANGER', responseUrl: fake.responseUrl(), channelId: 'C0MARKER01' }));
    await postToBot(port(), slashCommand({ text: '', channel_name: marker, response_url: fake.responseUrl() }));
    await fake.waitFor('chat.postEphemeral');
    await fake.waitForResponse();

    const errors = (bot as TestBot).logger.lines.filter((line) => line.startsWith('ERROR'));
    expect(errors).toEqual(
      expect.arrayContaining([
        // app.error runs after the request's scope has closed, so it names the id itself.
        expect.stringMatching(/^ERROR Unhandled error in a listener \(request [0-9a-f]{8}, block_actions rotation_approve\): .*channel_not_found/),
        expect.stringMatching(/^ERROR \[request [0-9a-f]{8}\] views\.open failed: .*expired_trigger_id/),
      ]),
    );
    const log = (bot as TestBot).logger.lines.join('\n');
    // Fields of the incoming bodies that none of the bot's own calls repeat: Bolt's debug dump of each body is cut.
    expect(log).toContain('Request: block_actions rotation_approve');
    for (const bodyPart of [marker, 'legacy-verification-token']) expect(log).not.toContain(bodyPart);
  });

  it('publishes the App Home tab when a person opens it', async () => {
    const event = JSON.stringify({
      type: 'event_callback',
      team_id: 'T0TEAM001',
      api_app_id: 'A0APP0001',
      event: { type: 'app_home_opened', user: 'U0VISITOR1', channel: 'D0HOME0001', tab: 'home', event_ts: '1700000000.1' },
      event_id: 'Ev0001',
      event_time: 1700000000,
      authorizations: [{ team_id: 'T0TEAM001', user_id: 'UBOT0001', is_bot: true }],
    });
    const response = await postToBot(port(), event, { contentType: 'application/json' });

    expect(response.status).toBe(200);
    const [publish] = await fake.waitFor('views.publish');
    expect(publish?.args.user_id).toBe('U0VISITOR1');
    expect(JSON.stringify(publish?.args.view)).toContain('/wfi-rotate');
  });

  it('ignores interactive payloads of an unknown shape without crashing', async () => {
    const response = await postToBot(port(), interactive({ type: 'block_actions', actions: 'not-a-list' }));
    expect(response.status).toBeLessThan(500);
    const health = await fetch(`http://127.0.0.1:${port()}/healthz`);
    expect(health.status).toBe(200);
  });
});
