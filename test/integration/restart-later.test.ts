import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack } from '../support/fake-slack';
import { tempStoreUrl } from '../support/bot-harness';
import { freePort } from '../support/free-port';
import { requestSubmission } from '../support/payloads';
import { postToBot, SIGNING_SECRET } from '../support/slack-request';

/**
 * The black-box check of durable reminders: the compiled bot, started with
 * `npm start` under libfaketime (Debian's faketime package), makes a rotation,
 * is stopped, and is started again a day later; the reminder that fell due
 * while it was down arrives once. .ci/run installs faketime; without it this
 * suite says so and is skipped.
 */
const ROOT = join(__dirname, '..', '..');
const hasFaketime = spawnSync('sh', ['-c', 'command -v faketime'], { encoding: 'utf8' }).status === 0;
const describeWithFaketime = hasFaketime ? describe : describe.skip;
if (!hasFaketime) console.warn('restart-later.test.ts skipped: install Debian\'s faketime package to run it (.ci/run does)');

interface Running {
  child: ChildProcess;
  output: string[];
  /** The bot's own notion of now (shifted), to sign requests as Slack would at that moment. */
  fakeNow(): number;
}

function startBotAt(fakeStart: string, env: Record<string, string>): Running {
  const realStart = Date.now();
  const child = spawn('faketime', ['-f', `@${fakeStart}`, 'npm', 'start', '--silent'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const base = Date.parse(`${fakeStart.replace(' ', 'T')}Z`);
  return { child, output, fakeNow: () => base + (Date.now() - realStart) };
}

async function stop(bot: Running): Promise<number | null> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return bot.child.exitCode;
  // 'close', not 'exit': it waits for the bot under npm to let go of the output pipes, i.e. to have stopped.
  const exited = new Promise<number | null>((resolve) => bot.child.once('close', (code) => resolve(code)));
  process.kill(-(bot.child.pid as number), 'SIGTERM');
  return exited;
}

async function healthy(port: number, bot: Running): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (bot.child.exitCode !== null) throw new Error(`the bot exited early:\n${bot.output.join('')}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the bot did not become healthy:\n${bot.output.join('')}`);
}

describeWithFaketime('the compiled bot restarted a day later', () => {
  const fake = new FakeSlack();
  const store = tempStoreUrl();
  let bot: Running | undefined;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    await fake.start();
  });
  afterAll(async () => {
    if (bot) await stop(bot);
    await fake.stop();
    store.cleanup();
  });

  it('sends the reminder that fell due while it was down, once', async () => {
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
  }, 90_000);
});
