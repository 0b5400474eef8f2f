import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../../testkit/fake-slack';
import { freePort } from '../../testkit/free-port';
import { recordLogOutput } from '../support/log-capture';

/**
 * What the Dockerfile's final stage runs, without a Docker engine: the
 * compiled app with production dependencies only (`npm prune --omit=dev`),
 * started with `node dist/src/index.js`. A runtime import of a dev dependency
 * fails here, as it would in the image.
 *
 * node_modules is copied rather than installed because sqlite3 is compiled
 * from source and this machine cannot fetch packages or prebuilt binaries.
 */
const ROOT = join(__dirname, '..', '..');
const ENTRY = join('dist', 'src', 'index.js');

const DEV_ONLY = ['typescript', 'jest', 'ts-jest', 'eslint', 'typescript-eslint', 'yaml'];
const RUNTIME = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies,
);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess, timeoutMs: number) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    const timer = setTimeout(() => reject(new Error(`the process did not exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Every entry under `root` with its size and modification time: what a write anywhere in it would change. */
function snapshot(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((path) => {
      const stat = lstatSync(join(root, path));
      return `${path} ${stat.isDirectory() ? 'dir' : `${stat.size} ${stat.mtimeMs}`}`;
    })
    .sort();
}

describe('the production install (what the Docker image runs)', () => {
  let dir: string;
  let slack: FakeSlack;
  let bot: ChildProcess | undefined;
  let prune: SpawnSyncReturns<string>;
  let output = '';
  let dataDir: string | undefined;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, ENTRY))) {
      throw new Error(`${join(ROOT, ENTRY)} is missing: run \`npm run build\` before this suite (npm test builds first).`);
    }
    dir = mkdtempSync(join(tmpdir(), 'wfi-rotate-prod-'));
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(dir, file));
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    // realpath: if node_modules is itself a link, copy what it points to, so the prune cannot reach the original.
    // verbatimSymlinks: keep node_modules/.bin links relative, pointing into the copy.
    cpSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    // The build stage's `npm prune --omit=dev`; offline and without scripts, as nothing needs fetching or compiling.
    prune = spawnSync('npm', ['prune', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: 'false' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    slack = await new FakeSlack().start();
  }, 240_000);

  afterAll(async () => {
    if (bot && bot.exitCode === null && bot.signalCode === null) {
      bot.kill('SIGKILL');
      await exited(bot, 5000).catch(() => undefined);
    }
    if (slack) await slack.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the runtime dependencies and drops the dev ones', () => {
    expect({ status: prune.status, error: prune.error, stderr: prune.status === 0 ? '' : prune.stderr }).toEqual({
      status: 0,
      error: undefined,
      stderr: '',
    });
    expect(DEV_ONLY.filter((name) => existsSync(join(dir, 'node_modules', name)))).toEqual([]);
    expect(RUNTIME.filter((name) => !existsSync(join(dir, 'node_modules', name)))).toEqual([]);
  });

  it('starts on production dependencies, answers /healthz, creates its store, writes nowhere else and stops cleanly on SIGTERM', async () => {
    // Without the prune this would prove nothing about dev dependencies.
    expect(prune.status).toBe(0);
    const port = await freePort();
    // Outside the app, like the image's /data volume: the rest of the image's filesystem may be read-only.
    dataDir = mkdtempSync(join(tmpdir(), 'wfi-rotate-prod-data-'));
    rmSync(dataDir, { recursive: true });
    const appBefore = snapshot(dir);

    bot = spawn(process.execPath, [ENTRY], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'test-secret',
        WFI_APPROVERS: 'U0APPROVER',
        PORT: String(port),
        STORE_URL: `sqlite://${join(dataDir, 'x.sqlite')}`,
        SLACK_API_URL: slack.apiUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
      recordLogOutput(chunk.toString());
    };
    bot.stdout?.on('data', keep);
    bot.stderr?.on('data', keep);

    let health: { status: number; body: unknown } | undefined;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (bot.exitCode !== null || bot.signalCode !== null) {
        throw new Error(`the bot exited (${bot.exitCode ?? bot.signalCode}) before it was healthy:\n${output}`);
      }
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        health = { status: res.status, body: await res.json() };
        if (res.status === 200) break;
      } catch {
        // Not listening yet.
      }
      await sleep(200);
    }
    if (health?.status !== 200) throw new Error(`/healthz never answered 200 within 20 s (last: ${JSON.stringify(health)}):\n${output}`);
    expect(health.body).toEqual({ status: 'ok' });

    expect(slack.callsTo('auth.test').map((call) => call.token)).toContain('xoxb-test');
    expect(existsSync(join(dataDir, 'x.sqlite'))).toBe(true);

    bot.kill('SIGTERM');
    const exit = await exited(bot, 5000).catch((error: Error) => {
      throw new Error(`${error.message} after SIGTERM:\n${output}`);
    });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output).not.toMatch(/^\s+at /m);
    // Nothing in the app's own tree was created or changed: `docker run --read-only` with a /data volume works.
    expect(snapshot(dir)).toEqual(appBefore);
  }, 60_000);
});
