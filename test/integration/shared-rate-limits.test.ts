import { FakeSlack } from '../../testkit/fake-slack';
import { buttonClick, requestSubmission, slashCommand } from '../../testkit/payloads';
import { postToBot, type SlackPost } from '../../testkit/slack-request';
import { SHARED_COUNT_TIMEOUT_MS } from '../../src/slack/rate-limits';
import { startTestBot, type TestBot } from '../support/bot-harness';
import { freshPostgresDatabase, freshRedisDatabase } from '../support/databases';
import { startStoreProxy, type StoreProxy } from '../support/store-proxy';

/**
 * The per-person limits on a shared store: three bots (replicas, started
 * in-process as the replica suites do) on one Redis and on one PostgreSQL
 * count one person's clicks, commands and rotations together, so the limit is
 * reached at the configured count in total, not three times it. Then one bot
 * behind a proxy that makes the store late or unreachable: the count falls
 * back to the replica's own, within a quarter of a second. Each test gets a
 * store of its own: Redis database 11 (flushed), a fresh PostgreSQL database.
 */
const redisUrl = process.env.TEST_REDIS_URL;
const postgresUrl = process.env.TEST_POSTGRES_URL;
const engines = [
  ['Redis', redisUrl ? () => freshRedisDatabase(redisUrl, 11) : undefined],
  ['PostgreSQL', postgresUrl ? () => freshPostgresDatabase(postgresUrl) : undefined],
].filter((e): e is [string, () => { url: string; drop(): void }] => e[1] !== undefined);
if (engines.length === 0) console.warn('shared-rate-limits.test.ts skipped: needs TEST_REDIS_URL / TEST_POSTGRES_URL (.ci/run provides them)');

// Monday 2026-03-02, 10:00 UTC: the bots' clock, so the request form's deadline is in the future. The shared
// counts run on the real clock (the store's windows), which the tests do not move.
const NOW = new Date('2026-03-02T10:00:00Z');
const APPROVER = 'U0APPROVE1';
const REQUESTER = 'U0REQUEST1';
const STRANGER = 'U0STRANGER';
/** Below every default, so a replica counting alone (or the defaults) would let more through. */
const CONFIGURED = 'clicks=5/60s,commands=4/60s,requests=2/10m';
const GOING_FASTER = /You are going faster than the bot accepts from one person/;

const refused = (answer: SlackPost) => GOING_FASTER.test(answer.text);
const help = (user = REQUESTER) => slashCommand({ text: 'help', user_id: user });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilHealthy(port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline) throw new Error('the bot did not become healthy again');
    await sleep(100);
  }
}

(engines.length > 0 ? describe.each(engines) : describe.skip.each([['none', () => ({ url: '', drop: () => undefined })]]))(
  'per-person limits on one %s store',
  (_engine, makeStore) => {
    const fake = new FakeSlack();
    let store: { url: string; drop(): void };
    let bots: TestBot[] = [];
    let proxy: StoreProxy | undefined;

    beforeAll(() => fake.start());
    afterAll(() => fake.stop());
    beforeEach(() => {
      fake.reset();
      fake.on('usergroups.users.list', () => ({ ok: true, users: [] }));
      store = makeStore();
    });
    afterEach(async () => {
      proxy?.restore();
      proxy?.delay(0);
      await Promise.all(bots.map((bot) => bot.stop()));
      bots = [];
      await proxy?.close();
      proxy = undefined;
      store.drop();
    });

    /**
     * Three replicas started together. The exact counts here are the store's: each count may take
     * seconds (not the production quarter of a second), so a busy machine cannot turn one into a replica's own.
     */
    async function startReplicas(env: Record<string, string>): Promise<number[]> {
      bots = await Promise.all(
        [0, 1, 2].map(() =>
          startTestBot(fake, {
            storeUrl: store.url,
            now: NOW,
            sharedCountTimeoutMs: 10_000,
            env: { WFI_APPROVERS: APPROVER, WFI_SCHEDULER_INTERVAL_SECONDS: '3600', ...env },
          }),
        ),
      );
      return bots.map((bot) => bot.port);
    }

    describe('three replicas', () => {
      it('refuse a person\'s 5th command in total (WFI_RATE_LIMITS commands=4/60s), sent round-robin, whichever replica gets it', async () => {
        const ports = await startReplicas({ WFI_RATE_LIMITS: CONFIGURED });

        const answers: boolean[] = [];
        for (let i = 0; i < 12; i += 1) answers.push(refused(await postToBot(ports[i % 3] as number, help())));

        // Counted per replica, each would have taken 4: twelve in all.
        expect(answers).toEqual([false, false, false, false, true, true, true, true, true, true, true, true]);
        // Someone else has their own count.
        expect(refused(await postToBot(ports[1] as number, help('U0SOMEONE1')))).toBe(false);
        expect(bots.flatMap((bot) => bot.logger.lines).filter((line) => line.includes('Rate limits:') && line.startsWith('WARN'))).toEqual([]);
      });

      it('let exactly 4 of a burst of 12 commands through when all three receive them at once', async () => {
        const ports = await startReplicas({ WFI_RATE_LIMITS: CONFIGURED });

        const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => postToBot(ports[i % 3] as number, help('U0BURST001'))));

        expect(answers.every((answer) => answer.status === 200)).toBe(true);
        expect(answers.filter((answer) => !refused(answer))).toHaveLength(4);
      });

      it('refuse a person\'s 6th click in total (clicks=5/60s), privately, sent round-robin', async () => {
        const ports = await startReplicas({ WFI_RATE_LIMITS: CONFIGURED });
        expect((await postToBot(ports[0] as number, requestSubmission())).text).toBe('');
        const [announced] = await fake.waitFor('chat.postMessage');
        const rotationId = /ROT-[A-Z0-9]{6}/.exec(JSON.stringify(announced?.args))?.[0];
        expect(rotationId).toBeDefined();

        for (let i = 0; i < 8; i += 1) {
          const click = buttonClick('rotation_approve', `${rotationId}:1`, { user: STRANGER, responseUrl: fake.responseUrl() });
          expect((await postToBot(ports[i % 3] as number, click)).status).toBe(200);
          // Each answer before the next click, so their order is the clicks' order.
          await fake.waitFor('chat.postEphemeral', i + 1);
        }

        const texts = fake.callsTo('chat.postEphemeral').map((call) => String(call.args.text));
        expect(texts.map((text) => GOING_FASTER.test(text))).toEqual([false, false, false, false, false, true, true, true]);
        expect(texts.slice(0, 5).every((text) => /Only the approvers/.test(text))).toBe(true);
      });

      it('refuse a person\'s 3rd rotation in total (requests=2/10m) in the form, naming the configured limit', async () => {
        const ports = await startReplicas({ WFI_RATE_LIMITS: CONFIGURED });

        expect((await postToBot(ports[0] as number, requestSubmission({ instanceUrl: 'https://acme0.wfi.pega.com' }))).text).toBe('');
        expect((await postToBot(ports[1] as number, requestSubmission({ instanceUrl: 'https://acme1.wfi.pega.com' }))).text).toBe('');
        const third = (await postToBot(ports[2] as number, requestSubmission({ instanceUrl: 'https://acme2.wfi.pega.com' }))).json();

        expect(third).toMatchObject({ response_action: 'errors' });
        expect((third.errors as Record<string, string>).instance_url).toMatch(
          /^You created 2 rotations in the last 10 minutes, the most the bot takes from one person\. Nothing was saved; submit again in (9|10) minutes/,
        );
        // Two announcements, none for the refused one.
        await fake.waitFor('chat.postMessage', 2);
        await sleep(200);
        expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
      });

      it('without WFI_RATE_LIMITS, share the default: the 21st command in a minute is refused, whichever replica gets it', async () => {
        const ports = await startReplicas({});

        const answers: boolean[] = [];
        for (let i = 0; i < 22; i += 1) answers.push(refused(await postToBot(ports[i % 3] as number, help())));

        expect(answers.indexOf(true)).toBe(20);
        expect(answers.slice(20)).toEqual([true, true]);
      });
    });

    describe('one replica whose store is late or gone', () => {
      async function startBehindProxy(): Promise<number> {
        proxy = await startStoreProxy(store.url);
        const bot = await startTestBot(fake, {
          storeUrl: proxy.url(),
          now: NOW,
          env: { WFI_APPROVERS: APPROVER, WFI_SCHEDULER_INTERVAL_SECONDS: '3600', WFI_RATE_LIMITS: 'commands=2/60s' },
        });
        bots = [bot];
        return bot.port;
      }

      it('answers a command well within Slack\'s 3 seconds when the store answers 3 s late, counting in the replica meanwhile', async () => {
        const port = await startBehindProxy();
        const bot = bots[0] as TestBot;
        (proxy as StoreProxy).delay(3000);

        const timed = async () => {
          const started = Date.now();
          const answer = await postToBot(port, help());
          return { refused: refused(answer), ms: Date.now() - started };
        };
        const answers = [await timed(), await timed(), await timed()];

        // The replica's own count of 2: the third is refused, not let through (an outage does not lift the limit).
        expect(answers.map((a) => a.refused)).toEqual([false, false, true]);
        // Well inside Slack's 3 seconds, and half the store's delay: the count did not wait for the store.
        for (const { ms } of answers) expect(ms).toBeLessThan(1500);
        expect(bot.logger.lines.filter((line) => line.includes('Rate limits:'))).toEqual([
          `WARN Rate limits: the store did not count commands (no answer within ${SHARED_COUNT_TIMEOUT_MS} ms); counting them in this replica until it does`,
        ]);

        // Once the store answers in time again, the count is the store's again, and the log says so once.
        (proxy as StoreProxy).delay(0);
        await sleep(3500);
        for (let i = 0; i < 10 && !bot.logger.lines.some((line) => line.includes('counted on the shared store again')); i += 1) {
          await postToBot(port, help(`U0LATER00${i}`));
        }
        expect(bot.logger.lines.filter((line) => line.includes('Rate limits:')).slice(1)).toEqual([
          'INFO Rate limits: commands are counted on the shared store again',
        ]);
      });

      it('counts in the replica while the store is unreachable: nobody is refused for the outage, and the limit still holds', async () => {
        const port = await startBehindProxy();
        const bot = bots[0] as TestBot;
        (proxy as StoreProxy).cut();
        await sleep(200);

        const answers = [await postToBot(port, help()), await postToBot(port, help()), await postToBot(port, help())];

        expect(answers.map(refused)).toEqual([false, false, true]);
        expect(String(answers[0]?.json().text)).toMatch(/wfi-rotate/);
        expect(bot.logger.lines.filter((line) => line.includes('Rate limits:') && line.startsWith('WARN'))).toHaveLength(1);
        expect(bot.logger.lines.find((line) => line.includes('Rate limits:'))).toMatch(/the store did not count commands \(.+\); counting them in this replica until it does$/);

        (proxy as StoreProxy).restore();
        await untilHealthy(port);
      });
    });
  },
);
