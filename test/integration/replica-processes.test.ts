import { FakeSlack } from '../../testkit/fake-slack';
import { freePort } from '../../testkit/free-port';
import { freshPostgresDatabase, freshRedisDatabase } from '../support/databases';
import { explained, hasFaketime, healthy, startBotAt, stop, stopAll, type Running } from '../support/bot-process';
import { buttonClick, requestSubmission } from '../../testkit/payloads';
import { postToBot, SIGNING_SECRET } from '../../testkit/slack-request';

/**
 * Two compiled bots (`npm start`, clocks shifted with libfaketime) on one
 * Redis and on one PostgreSQL, behind one fake Slack: a rotation made through
 * one, both stopped, both started again each following morning; every day's
 * reminder arrives once in total. Each run gets a store of its own: a Redis
 * database number, a fresh PostgreSQL database.
 */
const redisUrl = process.env.TEST_REDIS_URL;
const postgresUrl = process.env.TEST_POSTGRES_URL;

const engines = [
  ['Redis', redisUrl ? () => freshRedisDatabase(redisUrl) : undefined],
  ['PostgreSQL', postgresUrl ? () => freshPostgresDatabase(postgresUrl) : undefined],
].filter((e): e is [string, () => { url: string; drop(): void }] => e[1] !== undefined);
const runnable = hasFaketime && engines.length > 0;
if (!runnable) console.warn('replica-processes.test.ts skipped: needs faketime and TEST_REDIS_URL / TEST_POSTGRES_URL (.ci/run provides them)');

(runnable ? describe.each(engines) : describe.skip.each([['none', () => ({ url: '', drop: () => undefined })]]))(
  'three bot processes on one %s store',
  (_engine, makeStore) => {
    const fake = new FakeSlack();
    let store: { url: string; drop(): void };
    let bots: Running[] = [];

    beforeAll(async () => {
      await fake.start();
      store = makeStore();
    });
    // A failed test can leave its bots running: none outlives its test.
    afterEach(stopAll);
    afterAll(async () => {
      await fake.stop();
      store.drop();
    });

    async function startAll(at: string, count = 3, storeUrl = store.url): Promise<number[]> {
      const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
      bots = ports.map((port) =>
        startBotAt(at, {
          SLACK_BOT_TOKEN: 'xoxb-test-bot-token-0001',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: fake.apiUrl,
          WFI_APPROVERS: 'U0APPROVE1',
          PORT: String(port),
          STORE_URL: storeUrl,
          WFI_SCHEDULER_INTERVAL_SECONDS: '1',
          WFI_DIGEST_DAY: 'off',
        }),
      );
      await Promise.all(bots.map((bot, i) => healthy(ports[i] as number, bot)));
      return ports;
    }

    // The first rotation's approval reminders (the second one is approved).
    const reminders = () =>
      fake.callsTo('chat.postMessage').filter((c) => String(c.args.text).includes('Approval pending') && c.args.thread_ts === firstTs());
    const firstTs = () => String(fake.callsTo('chat.postMessage')[0]?.answer?.ts);

    it('send each day\'s reminder once between them across restarts, and turn approvals sent to each into one transition', () => explained(async () => {
      const ports = await startAll('2026-03-02 10:00:00');
      const response = await postToBot(ports[0] as number, requestSubmission({ deadline: '2026-03-31' }), {
        timestamp: Math.floor((bots[0] as Running).fakeNow() / 1000),
      });
      expect(response.status).toBe(200);
      const [post] = await fake.waitFor('chat.postMessage', 1, 10_000);
      expect(post?.args.text).toMatch(/ROT-[A-Z0-9]{6}/);

      // A second rotation, approved by clicks that reach all three processes at once.
      await postToBot(ports[1] as number, requestSubmission({ deadline: '2026-04-30' }), {
        timestamp: Math.floor((bots[1] as Running).fakeNow() / 1000),
      });
      const [, second] = await fake.waitFor('chat.postMessage', 2, 10_000);
      const secondId = /ROT-[A-Z0-9]{6}/.exec(String(second?.args.text))?.[0] as string;
      await new Promise((resolve) => setTimeout(resolve, 500));
      await Promise.all(
        ports.map((port, i) =>
          postToBot(port, buttonClick('rotation_approve', `${secondId}:1`, { user: 'U0APPROVE1', responseUrl: fake.responseUrl(`a${i}`) }), {
            timestamp: Math.floor((bots[i] as Running).fakeNow() / 1000),
          }),
        ),
      );
      await fake.waitFor('chat.update', 1, 10_000);
      await fake.waitFor('chat.postEphemeral', 2, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(fake.callsTo('chat.update')).toHaveLength(1);
      expect(fake.callsTo('chat.postEphemeral').map((c) => String(c.args.text))).toEqual([
        expect.stringMatching(/already done by <@U0APPROVE1>/),
        expect.stringMatching(/already done by <@U0APPROVE1>/),
      ]);
      await Promise.all(bots.map(stop));

      // Each following morning, after 09:00, both come back at once and tick side by side.
      for (const [day, expected] of [['2026-03-03 09:30:00', 1], ['2026-03-04 09:30:00', 2], ['2026-03-05 09:30:00', 3]] as const) {
        await startAll(day);
        const deadline = Date.now() + 15_000;
        while (reminders().length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        // A few more ticks of both: nothing more arrives.
        await new Promise((resolve) => setTimeout(resolve, 2500));
        await Promise.all(bots.map(stop));
        expect(reminders()).toHaveLength(expected);
      }
    }), 120_000);

    it('hands a reminder claimed by a replica killed mid-send to another after the lease, once', () => explained(async () => {
      const own = makeStore();
      fake.reset();
      try {
        let ports = await startAll('2026-03-02 10:00:00', 1, own.url);
        await postToBot(ports[0] as number, requestSubmission({ deadline: '2026-03-31' }), {
          timestamp: Math.floor((bots[0] as Running).fakeNow() / 1000),
        });
        await fake.waitFor('chat.postMessage', 1, 10_000);
        await new Promise((resolve) => setTimeout(resolve, 500));
        await Promise.all(bots.map(stop));

        // The first reminder post never gets an answer: the replica sending it is killed mid-send.
        let hung = false;
        fake.on('chat.postMessage', (args) =>
          !hung && String(args.text).includes('Approval pending')
            ? ((hung = true), new Promise<Record<string, unknown>>(() => undefined))
            : { ok: true, channel: args.channel, ts: '5000.000100' },
        );
        await startAll('2026-03-03 09:30:00', 1, own.url);
        const deadline = Date.now() + 15_000;
        while (!hung && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        expect(hung).toBe(true);
        process.kill(-((bots[0] as Running).child.pid as number), 'SIGKILL');
        await Promise.all(bots.map(stop));

        // Within the 10-minute lease another replica leaves it alone…
        await startAll('2026-03-03 09:35:00', 1, own.url);
        await new Promise((resolve) => setTimeout(resolve, 2500));
        await Promise.all(bots.map(stop));
        expect(reminders()).toHaveLength(0);

        // …after it, one sends it, once.
        ports = await startAll('2026-03-03 09:41:00', 2, own.url);
        const until = Date.now() + 15_000;
        while (reminders().length < 1 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
        await new Promise((resolve) => setTimeout(resolve, 2500));
        await Promise.all(bots.map(stop));
        expect(reminders()).toHaveLength(1);
        expect(ports).toHaveLength(2);
      } finally {
        own.drop();
      }
    }), 120_000);
  },
);
