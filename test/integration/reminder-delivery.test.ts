import { webApi } from '@slack/bolt';
import { FakeSlack, httpAnswer, type RecordedCall } from '../../testkit/fake-slack';
import { CLAIM_LEASE_MS } from '../../src/services/reminders';
import { REMINDER_EVENT } from '../../src/slack/notifier';
import { openStore } from '../../src/store/keyv-factory';
import { startTestBot, tempStoreUrl, type TestBot } from '../support/bot-harness';
import { homePublished, openHome } from '../support/app-home';
import { REQUESTER, requestSubmission, slashCommand } from '../../testkit/payloads';
import { postToBot } from '../../testkit/slack-request';

const APPROVER = 'U0APPROVE1';

/** A clock the test moves: the bot reads it for every decision. */
const clock = { t: Date.parse('2026-03-02T10:00:00Z'), now: () => new Date(clock.t) };

describe('reminder delivery through Slack', () => {
  const fake = new FakeSlack();
  let store: ReturnType<typeof tempStoreUrl>;
  let bot: TestBot | undefined;
  let message: { channel: string; ts: string };

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.reset();
    clock.t = Date.parse('2026-03-02T10:00:00Z');
    store = tempStoreUrl();
    bot = await startBot();
    // Friday 2026-03-13 deadline → submit-by Friday 2026-02-27: already overdue, so the
    // first tick on Tuesday 03-03 09:00 owes an approval reminder and an overdue escalation.
    // The requester opened App Home: its refresh after the request says the request is complete.
    await openHome(fake, bot.port, REQUESTER);
    const mark = fake.calls.length;
    await postToBot(bot.port, requestSubmission({ deadline: '2026-03-13', channelId: 'C0CHANNEL1' }));
    const post = (await fake.waitFor('chat.postMessage')).find((c) => /ROT-/.test(String(c.args.text)));
    await homePublished(fake, REQUESTER, mark, { showing: /ROT-[A-Z0-9]{6}/.exec(String(post?.args.text))?.[0] ?? 'ROT-' });
    message = { channel: String(post?.answer?.channel), ts: String(post?.answer?.ts) };
    fake.reset();
  });
  afterEach(async () => {
    await bot?.stop();
    store.cleanup();
  });

  function startBot(): Promise<TestBot> {
    return startTestBot(fake, {
      storeUrl: store.url,
      clock,
      env: { WFI_APPROVERS: `${APPROVER},S0GROUP001` },
      // Retries on, but quick: the Web client's policy is what is under test.
      retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20, factor: 1 },
    });
  }

  async function tickAt(iso: string): Promise<RecordedCall[]> {
    clock.t = Date.parse(iso);
    await bot?.runReminders();
    return fake.callsTo('chat.postMessage');
  }

  async function statusText(): Promise<string> {
    const id = 'ROT';
    await postToBot((bot as TestBot).port, slashCommand({ text: `status ${await rotationId()}`, response_url: fake.responseUrl(id) }));
    return JSON.stringify((await fake.waitForResponse()).body.blocks);
  }

  async function rotationId(): Promise<string> {
    await postToBot((bot as TestBot).port, slashCommand({ text: 'list', response_url: fake.responseUrl('list') }));
    const reply = await fake.waitForResponse();
    fake.responses.length = 0;
    return /ROT-[A-Z0-9]{6}/.exec(JSON.stringify(reply.body))?.[0] as string;
  }

  it('replies in the rotation thread, mentioning only who must act, and broadcasts escalations', async () => {
    const posts = await tickAt('2026-03-03T09:00:00Z');

    expect(posts).toHaveLength(2);
    const approval = posts.find((p) => String(p.args.text).includes('Approval pending'));
    const overdue = posts.find((p) => String(p.args.text).startsWith('Escalation'));
    expect(approval?.args).toMatchObject({ channel: message.channel, thread_ts: message.ts });
    expect(approval?.args.reply_broadcast).toBeUndefined();
    expect(overdue?.args).toMatchObject({ channel: message.channel, thread_ts: message.ts, reply_broadcast: 'true' });
    const approvalText = JSON.stringify(approval?.args.blocks);
    expect(approvalText).toContain(`<@${APPROVER}>`);
    expect(approvalText).toContain('<!subteam^S0GROUP001>');
    expect(approvalText).not.toContain(`<@${REQUESTER}>`);
    expect(approvalText).toContain('rotation_approve');
    expect(JSON.stringify(overdue?.args.blocks)).toContain(`<@${REQUESTER}>`);
    // The rotation message is updated to show the next reminder.
    expect(fake.callsTo('chat.update').at(-1)?.args.ts).toBe(message.ts);
  });

  it('sends nothing twice: a second tick at the same time finds nothing due', async () => {
    await tickAt('2026-03-03T09:00:00Z');
    const again = await tickAt('2026-03-03T09:30:00Z');
    expect(again).toHaveLength(2);
  });

  it('waits out a 429 with Retry-After and delivers once', async () => {
    let calls = 0;
    fake.on('chat.postMessage', (args) => (calls++ === 0 ? httpAnswer(429, { 'retry-after': '1' }) : { ok: true, channel: args.channel, ts: `9${calls}.1` }));
    const posts = await tickAt('2026-03-03T09:00:00Z');

    expect(posts).toHaveLength(3);
    expect(await statusText()).not.toContain('could not be delivered');
  });

  it('retries a 500 and delivers once', async () => {
    let calls = 0;
    fake.on('chat.postMessage', (args) => (calls++ === 0 ? httpAnswer(500) : { ok: true, channel: args.channel, ts: `9${calls}.1` }));
    const posts = await tickAt('2026-03-03T09:00:00Z');
    expect(posts).toHaveLength(3);
    expect(await statusText()).not.toContain('could not be delivered');
  });

  it('tries again a reminder Slack did not take for now (5xx beyond the retries), after its claim runs out, and delivers it once', async () => {
    fake.on('chat.postMessage', () => httpAnswer(503));
    await tickAt('2026-03-03T09:00:00Z');
    expect(await statusText()).not.toContain('could not be delivered');

    fake.reset();
    // Slack is back, but the claim still holds: nothing yet.
    expect(await tickAt('2026-03-03T09:05:00Z')).toHaveLength(0);
    const posts = await tickAt(new Date(Date.parse('2026-03-03T09:00:00Z') + CLAIM_LEASE_MS + 60_000).toISOString());
    const texts = posts.map((p) => String(p.args.text));
    expect(texts.filter((t) => t.includes('Approval pending'))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith('Escalation'))).toHaveLength(1);
    expect(posts.every((p) => JSON.stringify(p.args.metadata).includes(REMINDER_EVENT))).toBe(true);
    expect(await tickAt('2026-03-03T10:00:00Z')).toHaveLength(2);
  });

  it('records as failed a reminder Slack has not taken for a day', async () => {
    fake.on('chat.postMessage', () => httpAnswer(503));
    await tickAt('2026-03-03T09:00:00Z');
    await tickAt('2026-03-04T09:01:00Z');
    const status = await statusText();
    expect(status).toContain('could not be delivered');
    expect((bot as TestBot).logger.lines.join('\n')).toMatch(/could not be delivered: An HTTP protocol error occurred: statusCode = 503/);
  });

  /** Down from before the first reminder fell due (Tuesday 09:00) until Friday 09:00, back into a stretch of 503s. */
  async function backOnFridayIntoSlack503s(): Promise<void> {
    await bot?.stop();
    fake.on('chat.postMessage', () => httpAnswer(503));
    clock.t = Date.parse('2026-03-06T09:00:00Z');
    bot = await startBot();
    await bot.runReminders();
  }

  it('gives a reminder that fell due while the bot was down its day of retries from the bot\'s return, not from its due time', async () => {
    await backOnFridayIntoSlack503s();
    expect(await statusText()).not.toContain('could not be delivered');

    fake.reset();
    const posts = await tickAt(new Date(Date.parse('2026-03-06T09:00:00Z') + CLAIM_LEASE_MS + 60_000).toISOString());
    expect(posts.map((p) => String(p.args.text)).filter((t) => t.includes('Approval pending'))).toHaveLength(1);
    expect(await statusText()).not.toContain('could not be delivered');
  });

  it('still records as failed a reminder Slack has not taken for a day after the bot came back', async () => {
    await backOnFridayIntoSlack503s();
    await tickAt('2026-03-07T09:01:00Z');
    expect(await statusText()).toContain('could not be delivered');
  });

  /** A process that claimed the entry of `kind` due now, had its post taken by Slack, and died before recording it. */
  async function diedAfterSlackTookIt(kind: string, text: string, threadTs?: string): Promise<string> {
    const { rotations, reminders } = openStore(store.url);
    const entry = (await reminders.due(clock.now(), 50)).find((due) => due.kind === kind);
    expect(await reminders.claim(entry?.key as string, 'dead-process', clock.now(), CLAIM_LEASE_MS)).toBe(true);
    const client = new webApi.WebClient('xoxb-dead-process', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    await client.chat.postMessage({
      channel: message.channel,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text,
      metadata: { event_type: REMINDER_EVENT, event_payload: { key: entry?.key as string, occurrence: entry?.key as string } },
    });
    await rotations.close();
    return entry?.key as string;
  }

  it('does not post again a reminder Slack took from a process that died before recording it', async () => {
    clock.t = Date.parse('2026-03-03T09:00:00Z');
    const approvalKey = await diedAfterSlackTookIt('approval_pending', 'Approval pending (posted by the process that died)', message.ts);

    const posts = await tickAt(new Date(clock.t + CLAIM_LEASE_MS + 60_000).toISOString());
    expect(posts.map((p) => String(p.args.text)).filter((t) => t.includes('Approval pending'))).toEqual([
      'Approval pending (posted by the process that died)',
    ]);
    expect(fake.callsTo('conversations.replies').map((c) => c.args.ts)).toEqual([message.ts]);
    expect((bot as TestBot).logger.lines.join('\n')).toContain(`Reminder ${approvalKey} was already in Slack`);
    // Recorded as sent: the next tick does not ask or post again.
    await tickAt('2026-03-03T10:00:00Z');
    expect(fake.callsTo('conversations.replies')).toHaveLength(1);
  });

  it('does not post again a weekly digest Slack took from a process that died before recording it', async () => {
    clock.t = Date.parse('2026-03-09T09:00:00Z');
    await diedAfterSlackTookIt('weekly_digest', 'Weekly digest (posted by the process that died)');

    const posts = await tickAt(new Date(clock.t + CLAIM_LEASE_MS + 60_000).toISOString());
    expect(posts.map((p) => String(p.args.text)).filter((t) => t.startsWith('Weekly digest'))).toEqual(['Weekly digest (posted by the process that died)']);
    expect(fake.callsTo('conversations.history').map((c) => c.args.channel)).toEqual([message.channel]);
  });

  it('joins a public channel on not_in_channel and posts again', async () => {
    let refused = false;
    fake.on('chat.postMessage', (args) => {
      if (!refused) {
        refused = true;
        return { ok: false, error: 'not_in_channel' };
      }
      return { ok: true, channel: args.channel, ts: '95.1' };
    });
    const posts = await tickAt('2026-03-03T09:00:00Z');
    expect(fake.callsTo('conversations.join').map((c) => c.args.channel)).toEqual([message.channel]);
    expect(posts.filter((p) => p.answer?.ok)).toHaveLength(2);
  });

  it('falls back to a direct message to the requester when the channel is gone', async () => {
    fake.on('chat.postMessage', (args) =>
      args.channel === REQUESTER ? { ok: true, channel: 'D0REQUEST1', ts: '96.1' } : { ok: false, error: 'channel_not_found' },
    );
    const posts = await tickAt('2026-03-03T09:00:00Z');
    const direct = posts.filter((p) => p.args.channel === REQUESTER);
    expect(direct).toHaveLength(2);
    expect(JSON.stringify(direct[0]?.args.blocks)).toContain('channel_not_found');
  });

  it('records an undeliverable reminder as failed, with the reason, on the rotation, the dashboard and the log', async () => {
    fake.on('chat.postMessage', () => ({ ok: false, error: 'is_archived' }));
    await tickAt('2026-03-03T09:00:00Z');

    const status = await statusText();
    expect(status).toContain('could not be delivered');
    expect(status).toContain('is_archived');
    const homes = fake.callsTo('views.publish');
    await postToBot((bot as TestBot).port, JSON.stringify({
      type: 'event_callback',
      team_id: 'T0TEAM001',
      api_app_id: 'A0APP0001',
      event: { type: 'app_home_opened', user: APPROVER, channel: 'D0HOME0001', tab: 'home', event_ts: '1.1' },
      event_id: 'Ev1',
      event_time: 1,
      authorizations: [{ team_id: 'T0TEAM001', user_id: 'UBOT0001', is_bot: true }],
    }), { contentType: 'application/json' });
    const [home] = (await fake.waitFor('views.publish', homes.length + 1)).slice(homes.length);
    expect(JSON.stringify(home?.args.view)).toContain('is_archived');
    expect((bot as TestBot).logger.lines.join('\n')).toMatch(/could not be delivered: is_archived/);

    // Failed is final for that occurrence: the next tick does not resend it, the next day's comes as planned.
    fake.reset();
    fake.on('chat.postMessage', (args) => ({ ok: true, channel: args.channel, ts: '97.1' }));
    expect(await tickAt('2026-03-03T10:00:00Z')).toHaveLength(0);
    expect(await tickAt('2026-03-04T09:00:00Z')).toHaveLength(2);
  });
});
