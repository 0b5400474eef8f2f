import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../../testkit/fake-slack';
import { startTestBot, type TestBot } from '../support/bot-harness';
import { freePort } from '../../testkit/free-port';
import { buttonClick, REQUESTER, requestSubmission, slashCommand } from '../../testkit/payloads';
import { homePublished, openHome } from '../support/app-home';
import { postToBot } from '../../testkit/slack-request';
import { STORE_FAILURE_MESSAGE } from '../../src/slack/views/refusals';
import { freshPostgresDatabase, postgresOutage } from '../support/databases';

const NOW = new Date('2026-03-02T10:00:00Z');
const servers = [
  ['Redis', process.env.TEST_REDIS_URL],
  ['PostgreSQL', process.env.TEST_POSTGRES_URL],
].filter((s): s is [string, string] => s[1] !== undefined);
if (servers.length < 2) console.warn('store-engines.test.ts: set TEST_REDIS_URL and TEST_POSTGRES_URL to run the bot on Redis and PostgreSQL');

async function requestAndApprove(fake: FakeSlack, bot: TestBot): Promise<string> {
  // The requester opened App Home: its refresh after the request says the request is complete.
  await openHome(fake, bot.port, REQUESTER);
  const mark = fake.calls.length;
  await postToBot(bot.port, requestSubmission());
  const [post] = await fake.waitFor('chat.postMessage');
  const id = /ROT-[A-Z0-9]{6}/.exec(String(post?.args.text))?.[0] as string;
  await homePublished(fake, REQUESTER, mark, { showing: id });
  await postToBot(bot.port, buttonClick('rotation_approve', `${id}:1`, { user: 'U0APPROVE1', responseUrl: fake.responseUrl() }));
  await fake.waitFor('chat.update');
  return id;
}

// describe.each refuses an empty table: with no server named, one skipped placeholder stands in.
(servers.length > 0 ? describe.each(servers) : describe.skip.each([['no server', '']]))('the bot on %s', (_name, url) => {
  const fake = new FakeSlack();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('requests and approves a rotation, and finds it again after a restart', async () => {
    let bot = await startTestBot(fake, { storeUrl: url, now: NOW });
    const id = await requestAndApprove(fake, bot);
    await bot.stop();

    bot = await startTestBot(fake, { storeUrl: url, now: NOW });
    try {
      await postToBot(bot.port, slashCommand({ text: `status ${id}`, response_url: fake.responseUrl('status') }));
      const reply = await fake.waitForResponse();
      expect(JSON.stringify(reply.body.blocks)).toContain('requested → approved');
    } finally {
      await bot.stop();
    }
  });
});

async function health(bot: TestBot): Promise<number> {
  return (await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status;
}

async function waitForHealth(bot: TestBot, status: number): Promise<void> {
  for (let i = 0; i < 100 && (await health(bot)) !== status; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await health(bot)).toBe(status);
}

/**
 * The outage scenario for any engine: a rotation made, the store taken away,
 * /healthz 503, a request refused within Slack's window with the reason, a
 * scheduler tick failing and logged; the store back, /healthz 200 without a
 * restart, and exactly the rotation from before the outage there.
 */
async function rideOutAnOutage(fake: FakeSlack, storeUrl: string, outage: { begin(): Promise<void> | void; end(): Promise<void> | void }) {
  const bot = await startTestBot(fake, { storeUrl, now: NOW });
  try {
    const id = await requestAndApprove(fake, bot);
    expect(await health(bot)).toBe(200);

    await outage.begin();
    await waitForHealth(bot, 503);
    const started = Date.now();
    const refused = await postToBot(bot.port, requestSubmission());
    expect(Date.now() - started).toBeLessThan(3000);
    expect(refused.json()).toMatchObject({ response_action: 'errors', errors: { instance_url: STORE_FAILURE_MESSAGE } });
    await bot.runReminders();

    await outage.end();
    await waitForHealth(bot, 200);
    fake.responses.length = 0;
    await postToBot(bot.port, slashCommand({ text: 'list', response_url: fake.responseUrl('list') }));
    const listed = JSON.stringify((await fake.waitForResponse()).body);
    expect(listed.match(/ROT-[A-Z0-9]{6}/g)?.filter((x, i, all) => all.indexOf(x) === i)).toEqual([id]);
    expect(bot.logger.lines.join('\n')).toMatch(/Could not save a rotation request/);
  } finally {
    await bot.stop();
  }
}

/**
 * A Redis of the test's own (with an append-only file, so a restart keeps its
 * data), stopped during traffic and started again: the bot answers 503 then
 * 200 without a restart, refuses what it cannot save, and loses nothing.
 */
const hasRedisServer = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).status === 0;
(hasRedisServer ? describe : describe.skip)('a Redis outage', () => {
  const fake = new FakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'wfi-redis-'));
  let redis: ChildProcess | undefined;
  let port: number;

  async function startRedis(): Promise<void> {
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i += 1) {
      if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.includes('PONG')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the test Redis did not start');
  }

  async function stopRedis(): Promise<void> {
    if (!redis || redis.exitCode !== null || redis.signalCode !== null) return;
    const exited = new Promise((resolve) => redis?.once('exit', resolve));
    redis?.kill('SIGTERM');
    await exited;
  }

  beforeAll(async () => {
    await fake.start();
    port = await freePort();
    await startRedis();
  });
  afterAll(async () => {
    await stopRedis();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports 503 while Redis is down and 200 once it is back, saving nothing half-way and losing nothing', async () => {
    await rideOutAnOutage(fake, `redis://127.0.0.1:${port}`, { begin: stopRedis, end: startRedis });
  });
});

/** A database of the test's own on the shared PostgreSQL, made to refuse and drop every connection, then let back. */
(process.env.TEST_POSTGRES_URL ? describe : describe.skip)('a PostgreSQL outage', () => {
  const fake = new FakeSlack();
  const adminUrl = process.env.TEST_POSTGRES_URL ?? '';
  let database: { url: string; drop(): void };

  beforeAll(async () => {
    await fake.start();
    database = freshPostgresDatabase(adminUrl);
  });
  afterAll(async () => {
    await fake.stop();
    database.drop();
  });

  it('reports 503 while PostgreSQL is unreachable and 200 once it is back, saving nothing half-way and losing nothing', async () => {
    const outage = postgresOutage(adminUrl, database.url);
    await rideOutAnOutage(fake, database.url, outage);
  });
});
