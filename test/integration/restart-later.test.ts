import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack } from '../../testkit/fake-slack';
import { tempStoreUrl } from '../support/bot-harness';
import { freePort } from '../../testkit/free-port';
import { explained, hasFaketime, healthy, ROOT, startBotAt, stop, stopAll, type Running } from '../support/bot-process';
import { requestSubmission } from '../../testkit/payloads';
import { postToBot, SIGNING_SECRET } from '../../testkit/slack-request';

/**
 * The black-box check of durable reminders: the compiled bot, started with
 * `npm start` under libfaketime (Debian's faketime package), makes a rotation,
 * is stopped, and is started again a day later; the reminder that fell due
 * while it was down arrives once. .ci/run installs faketime; without it this
 * suite says so and is skipped.
 */
const describeWithFaketime = hasFaketime ? describe : describe.skip;
if (!hasFaketime) console.warn('restart-later.test.ts skipped: install Debian\'s faketime package to run it (.ci/run does)');

describeWithFaketime('the compiled bot restarted a day later', () => {
  const fake = new FakeSlack();
  const store = tempStoreUrl();
  let bot: Running | undefined;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    await fake.start();
  });
  afterAll(async () => {
    await stopAll();
    await fake.stop();
    store.cleanup();
  });

  it('sends the reminder that fell due while it was down, once', () => explained(async () => {
    const port = await freePort();
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-test-bot-token-0001',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      WFI_APPROVERS: 'U0APPROVE1',
      PORT: String(port),
      STORE_URL: store.url,
      WFI_SCHEDULER_INTERVAL_SECONDS: '1',
      WFI_DIGEST_DAY: 'off',
    };

    // Monday 2026-03-02 10:00 UTC: a request; its first approval reminder is due Tuesday 09:00.
    bot = startBotAt('2026-03-02 10:00:00', env);
    await healthy(port, bot);
    const response = await postToBot(port, requestSubmission({ deadline: '2026-03-31' }), {
      timestamp: Math.floor(bot.fakeNow() / 1000),
    });
    expect(response.status).toBe(200);
    const [post] = await fake.waitFor('chat.postMessage', 1, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    await stop(bot);
    // npm itself dies of the signal; the bot under it finished its work first.
    expect(bot.output.join('')).toContain('SIGTERM received');

    // Tuesday 09:30: the bot comes back after the reminder fell due.
    bot = startBotAt('2026-03-03 09:30:00', env);
    await healthy(port, bot);
    const posts = await fake.waitFor('chat.postMessage', 2, 15_000);
    // A few more ticks: nothing is sent twice.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
    expect(posts[1]?.args.thread_ts).toBe(post?.answer?.ts);
    expect(String(posts[1]?.args.text)).toMatch(/Approval pending/);
    expect(JSON.stringify(posts[1]?.args.blocks)).toContain('<@U0APPROVE1>');
    await stop(bot);
    bot = undefined;
  }), 90_000);
});
