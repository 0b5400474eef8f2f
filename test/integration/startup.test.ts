import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../../testkit/fake-slack';
import { BOT_TOKEN } from '../../testkit/bot-env';
import { freePort } from '../../testkit/free-port';
import { SIGNING_SECRET } from '../../testkit/slack-request';
import { recordLogOutput } from '../support/log-capture';

/**
 * Black-box: the compiled entry point, started the way the Docker image
 * starts it (node itself, receiving the signals), with what a new admin gets
 * wrong on the way to a first request: each mistake ends the start within
 * seconds, with one line that names the setting, its value and the cause.
 */
const ENTRY = join(__dirname, '..', '..', 'dist', 'src', 'index.js');

function requireBuild(): void {
  if (!existsSync(ENTRY)) {
    throw new Error(`${ENTRY} is missing: run \`npm run build\` before this suite (npm test builds first).`);
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  /** From spawn to exit. */
  ms: number;
}

interface Started {
  child: ChildProcess;
  exited: Promise<Exit>;
}

function start(env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Started {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [ENTRY], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<Exit>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${ENTRY} did not exit within ${timeoutMs} ms; output so far:\n${output}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      recordLogOutput(output);
      resolve({ code, signal, output, ms: Date.now() - startedAt });
    });
  });
  return { child, exited };
}

const run = (env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number) => start(env, cwd, timeoutMs).exited;

/** Socket Mode instead of HTTP: an app-level token, no signing secret. */
const SOCKET_MODE = { SLACK_APP_TOKEN: 'xapp-1-A0-startup-test', SLACK_SIGNING_SECRET: '' };

const stackLines = (output: string) => output.split('\n').filter((line) => /^\s+at /.test(line));
const lines = (output: string) => output.trimEnd().split('\n');

describe('starting with no configuration', () => {
  let cwd: string;

  beforeAll(requireBuild);
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'wfi-rotate-startup-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('exits 1 with one readable message naming every missing variable, and no stack trace', async () => {
    const { code, signal, output } = await run({}, cwd, 15000);

    expect({ code, signal }).toEqual({ code: 1, signal: null });
    for (const variable of ['SLACK_BOT_TOKEN', 'WFI_APPROVERS', 'SLACK_SIGNING_SECRET']) {
      expect(output).toContain(variable);
    }
    expect(stackLines(output)).toEqual([]);
    // It stopped before touching the store: no data directory appeared.
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('a start-up step that cannot succeed', () => {
  const fake = new FakeSlack();
  let cwd: string;
  /** Listening, never answering: what a wedged server looks like. Closed after, with the connections they hold. */
  const silent: Server[] = [];
  const held: Socket[] = [];

  const env = (overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    WFI_APPROVERS: 'U0APPROVE1',
    PORT: '0',
    STORE_URL: `sqlite://${join(cwd, 'data', 'store.sqlite')}`,
    ...overrides,
  });

  /** A port that accepts connections and never answers on them. */
  async function silentPort(): Promise<number> {
    const server = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    silent.push(server);
    return (server.address() as { port: number }).port;
  }

  /** The one line it printed, checked to be the only one, with no stack trace and no secret. */
  function theLine(exit: Exit): string {
    expect(stackLines(exit.output)).toEqual([]);
    for (const secret of [BOT_TOKEN, SIGNING_SECRET]) expect(exit.output).not.toContain(secret);
    expect(lines(exit.output)).toHaveLength(1);
    const line = lines(exit.output)[0] as string;
    // Written by the bot's logger, as every line of the process is (LOG_FORMAT=json makes it an object).
    expect(line).toMatch(/^\[ERROR\] +/);
    return line.replace(/^\[ERROR\] +/, '');
  }

  beforeAll(async () => {
    requireBuild();
    await fake.start();
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    for (const server of silent) server.close();
    await fake.stop();
  });
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'wfi-rotate-startup-'));
  });
  afterEach(() => {
    fake.release();
    fake.reset();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('warns of a misspelt setting, says when and where reminders go, and stops on SIGTERM once running', async () => {
    const bot = start(env({ WFI_TIME_ZONE: 'Europe/Paris', WFI_REMINDER_HOUR: '8' }), cwd, 20_000);
    let output = '';
    bot.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 15_000;
    while (!output.includes('is running') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    bot.child.kill('SIGTERM');
    const exit = await bot.exited;

    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.output).toContain('wfi-rotate: WFI_TIME_ZONE is not a setting of wfi-rotate and is ignored: did you mean WFI_TIMEZONE?\n');
    expect(exit.output).toMatch(
      /wfi-rotate is running \(HTTP, port \d+\); reminders at 08:00 UTC \(WFI_REMINDER_HOUR, WFI_TIMEZONE\) on business days, in each request's channel \(WFI_REMINDER_CHANNEL unset\)\n/,
    );
    expect(exit.output).toContain('SIGTERM received: finishing the work in flight, then stopping');
  });

  it('stops within seconds on a SQLite directory that can never be made (it used to spin at full CPU, deaf to SIGTERM)', async () => {
    const exit = await run(env({ STORE_URL: 'sqlite:///proc/nope/x.sqlite' }), cwd, 10_000);

    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 1, signal: null });
    expect(exit.ms).toBeLessThan(5000);
    expect(theLine(exit)).toBe(
      "wfi-rotate cannot start: STORE_URL=sqlite:///proc/nope/x.sqlite could not be opened: cannot create the directory /proc/nope (ENOENT: no such file or directory, mkdir '/proc/nope')",
    );
  });

  it.each([
    ['Slack does not answer its first call', 'auth.test', {}],
    ['the Socket Mode connection is being opened', 'apps.connections.open', SOCKET_MODE],
  ])('stops at once on SIGTERM while %s, closing what it opened', async (_while, method, overrides) => {
    fake.hang(method);
    const bot = start(env(overrides), cwd, 10_000);
    await fake.waitForReceived(method);
    const signalledAt = Date.now();
    bot.child.kill('SIGTERM');
    const exit = await bot.exited;

    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(4000);
    expect(lines(exit.output)).toEqual(['[INFO]   SIGTERM received while starting: stopping before serving anything']);
  });

  it('gives up on a Slack that never answers, or a Socket Mode connection that never opens, naming the URL it tried', async () => {
    const silentSlack = `http://127.0.0.1:${await silentPort()}/api/`;
    fake.hang('apps.connections.open');
    // Both at once: each waits out its own time limit.
    const [noAnswer, noSocket] = await Promise.all([
      run(env({ SLACK_API_URL: silentSlack }), cwd, 30_000),
      run(env(SOCKET_MODE), cwd, 30_000),
    ]);

    expect(noAnswer.code).toBe(1);
    expect(noAnswer.ms).toBeLessThan(16_000);
    expect(theLine(noAnswer)).toBe(
      `wfi-rotate cannot start: Slack did not answer at SLACK_API_URL=${silentSlack} within 3000 ms, 3 tries (check the network, a proxy, or SLACK_API_URL)`,
    );
    expect(noSocket.code).toBe(1);
    expect(noSocket.ms).toBeLessThan(20_000);
    expect(theLine(noSocket)).toBe(
      `wfi-rotate cannot start: Slack did not open the Socket Mode connection within 15000 ms (SLACK_APP_TOKEN, through SLACK_API_URL=${fake.apiUrl}): ` +
        "check that Socket Mode is on in the app's settings and that the network lets WebSocket connections out",
    );
  }, 40_000);

  it('keeps the cause when Slack cannot be reached, with the URL it tried', async () => {
    const closed = await freePort();
    const exit = await run(env({ SLACK_API_URL: `http://127.0.0.1:${closed}/api/` }), cwd, 15_000);

    expect(exit.code).toBe(1);
    expect(theLine(exit)).toBe(
      `wfi-rotate cannot start: Slack could not be reached at SLACK_API_URL=http://127.0.0.1:${closed}/api/: connect ECONNREFUSED 127.0.0.1:${closed}`,
    );
  });

  it('says which token Slack refused, and where to get it again, without printing it', async () => {
    fake.on('auth.test', () => ({ ok: false, error: 'invalid_auth' }));
    const botToken = await run(env(), cwd, 15_000);
    fake.reset();
    fake.on('apps.connections.open', () => ({ ok: false, error: 'invalid_auth' }));
    const appToken = await run(env(SOCKET_MODE), cwd, 15_000);

    expect(botToken.code).toBe(1);
    expect(theLine(botToken)).toBe(
      'wfi-rotate cannot start: Slack refused SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth Token (xoxb-…) again from ' +
        "the app's settings, Install App (or OAuth & Permissions), and reinstall the app if it was removed from the workspace",
    );
    expect(appToken.code).toBe(1);
    expect(appToken.output).not.toContain('xapp-1-A0-startup-test');
    expect(theLine(appToken)).toBe(
      'wfi-rotate cannot start: Slack refused SLACK_APP_TOKEN (invalid_auth): generate an app-level token with the connections:write scope ' +
        "(the app's settings, Basic Information → App-Level Tokens) and turn Socket Mode on; or unset SLACK_APP_TOKEN for HTTP mode",
    );
  });

  it('keeps the cause of a store that refuses connections, and never prints its password', async () => {
    const closed = await freePort();
    const [redis, postgres] = await Promise.all([
      run(env({ STORE_URL: `redis://127.0.0.1:${closed}` }), cwd, 15_000),
      run(env({ STORE_URL: `postgres://wfi:Tr0ub4dor-and-3@127.0.0.1:${closed}/wfi` }), cwd, 15_000),
    ]);

    expect(redis.code).toBe(1);
    expect(theLine(redis)).toBe(
      `wfi-rotate cannot start: STORE_URL=redis://127.0.0.1:${closed} did not answer within 2000 ms: connect ECONNREFUSED 127.0.0.1:${closed}`,
    );
    expect(postgres.code).toBe(1);
    expect(postgres.output).not.toContain('Tr0ub4dor');
    expect(theLine(postgres)).toBe(
      `wfi-rotate cannot start: STORE_URL=postgres://wfi:***@127.0.0.1:${closed}/wfi could not be opened: connect ECONNREFUSED 127.0.0.1:${closed}`,
    );
  });

  it('names the port that is in use, in either mode', async () => {
    const taken = await silentPort();
    const [http, socket] = await Promise.all([
      run(env({ PORT: String(taken) }), cwd, 15_000),
      run(env({ PORT: String(taken), ...SOCKET_MODE }), cwd, 15_000),
    ]);

    expect(http.code).toBe(1);
    expect(theLine(http)).toMatch(
      new RegExp(
        `^wfi-rotate cannot start: PORT=${taken} \\(for Slack’s requests and /healthz\\) is already in use by another program ` +
          `\\(listen EADDRINUSE: address already in use [^)]*:${taken}\\): set PORT to a free port, or stop that program$`,
      ),
    );
    expect(socket.code).toBe(1);
    expect(theLine(socket)).toMatch(new RegExp(`^wfi-rotate cannot start: PORT=${taken} \\(for /healthz in Socket Mode\\) is already in use by another program `));
  });
});
