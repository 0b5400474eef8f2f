import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack } from '../../testkit/fake-slack';
import { freePort } from '../../testkit/free-port';
import { BOT_TOKEN } from '../../testkit/bot-env';
import { startTestBot, tempStoreUrl, type TestBot } from '../support/bot-harness';
import { healthy, ROOT, startBotProcess, type Running } from '../support/bot-process';
import { slowRequest, type SlowRequest } from '../support/raw-http';
import { SIGNING_SECRET } from '../../testkit/slack-request';

/**
 * Clients that send a request slowly, or never finish it (slow loris): the
 * server cuts them off, and they never hold the bot up when it is told to stop.
 */
const BODY = 'command=%2Fwfi-rotate&text=help';
const requestHead = (path: string, contentLength = BODY.length) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${contentLength}\r\n\r\n`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the server timeouts', () => {
  const fake = new FakeSlack();
  const store = tempStoreUrl();
  let bot: TestBot | undefined;
  let clients: SlowRequest[] = [];

  beforeAll(async () => {
    await fake.start();
    bot = await startTestBot(fake, { storeUrl: store.url });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await bot?.stop();
    await fake.stop();
    store.cleanup();
  });

  it('answers 408 and closes a request whose headers are still arriving after 5 s, or whose body after 10 s', async () => {
    const port = (bot as TestBot).port;
    const head = requestHead('/slack/events', 100);
    const headersDribbled = slowRequest(port, head.slice(0, 40), head.slice(40));
    const bodyNeverEnds = slowRequest(port, `${head}command=`);
    clients = [headersDribbled, bodyNeverEnds];

    const [headers, body] = await Promise.all([headersDribbled.ended, bodyNeverEnds.ended]);

    // The server checks its timeouts once a second.
    expect(headers.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(headers.afterMs).toBeGreaterThanOrEqual(4900);
    expect(headers.afterMs).toBeLessThan(7000);
    expect(body.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(body.afterMs).toBeGreaterThanOrEqual(9900);
    expect(body.afterMs).toBeLessThan(12000);
    expect((bot as TestBot).logger.lines).toContain('WARN Dropped a request whose connection ended before its whole body arrived');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // Besides the token check at start and the background read of the approver user group, nothing reached Slack.
    expect(fake.calls.filter((call) => call.method !== 'auth.test' && call.method !== 'usergroups.users.list')).toEqual([]);
  }, 20000);
});

describe('stopping on SIGTERM while slow clients are connected', () => {
  const ENTRY = join(ROOT, 'dist', 'src', 'index.js');
  const fake = new FakeSlack();
  let store: ReturnType<typeof tempStoreUrl>;
  let bot: Running | undefined;
  let clients: SlowRequest[] = [];

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` before this suite (npm test builds first).`);
    await fake.start();
  });
  beforeEach(() => {
    store = tempStoreUrl();
  });
  afterEach(() => {
    for (const client of clients) client.destroy();
    if (bot && bot.child.exitCode === null && bot.child.signalCode === null) process.kill(-(bot.child.pid as number), 'SIGKILL');
    store.cleanup();
  });
  afterAll(() => fake.stop());

  it.each([
    ['HTTP mode', '/slack/events', {}],
    ['Socket Mode', '/healthz', { SLACK_APP_TOKEN: 'xapp-1-test-app-token', SLACK_SIGNING_SECRET: '' }],
  ])('%s: exits 0 within a few seconds though one client dribbles a request to %s and another sent only its headers', async (_mode, path, env) => {
    const port = await freePort();
    const running = startBotProcess({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      WFI_APPROVERS: 'U0APPROVE1',
      PORT: String(port),
      STORE_URL: store.url,
      ...env,
    });
    bot = running;
    await healthy(port, running);
    clients = [slowRequest(port, '', `${requestHead(path)}${BODY}`), slowRequest(port, requestHead(path))];
    await sleep(1500);

    const signalled = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const code = await new Promise<number | string | null>((resolve) => {
      running.child.once('exit', resolve);
      timer = setTimeout(() => resolve('still running after 9 s'), 9000);
      running.child.kill('SIGTERM');
    }).finally(() => clearTimeout(timer));

    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3000);
    expect(running.output.join('')).toContain('SIGTERM received: finishing the work in flight, then stopping');
  });
});
