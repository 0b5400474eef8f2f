import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BOT_TOKEN, botEnv } from '../../testkit/bot-env';
import { freePort } from '../../testkit/free-port';
import { SIGNING_SECRET } from '../../testkit/slack-request';

/** The project root, from dist/bench/lib/ (where this runs once compiled). */
export const ROOT = resolve(__dirname, '..', '..', '..');
/** The compiled bot, started as production starts it (`npm start` is `node dist/src/index.js`). */
export const BOT_ENTRY = join(ROOT, 'dist', 'src', 'index.js');
export const BARE_ENTRY = join(ROOT, 'dist', 'bench', 'bare-app.js');
export const SEEDED_BOT_ENTRY = join(ROOT, 'dist', 'bench', 'seeded-bot.js');

export interface Child {
  process: ChildProcess;
  port: number;
  /** The last lines it printed, shown when something goes wrong. */
  output(): string;
  /** Resident set size now, in MB (from /proc; NaN where there is none). */
  rssMb(): number;
  /** CPU time (user + system) the process has used so far, ms (from /proc; NaN where there is none). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on Linux for x86 and arm. */
const CLOCK_TICKS_PER_SECOND = 100;

export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** A size line of /proc/<pid>/status (VmRSS, VmHWM…), in MB; NaN where there is none. */
function statusMbOf(pid: number | undefined, field: string): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export function rssMbOf(pid: number | undefined): number {
  return statusMbOf(pid, 'VmRSS');
}

/** The highest RSS the process ever had (the kernel's high-water mark, start-up included), MB. */
export function rssHighWaterMbOf(pid: number | undefined): number {
  return statusMbOf(pid, 'VmHWM');
}

function launch(entry: string, port: number, env: Record<string, string>, nodeArgs: string[] = []): Child {
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: ROOT,
    // Only what production would set: no NODE_OPTIONS or test variables leak in from the bench's shell.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (data: Buffer) => {
    lines.push(data.toString());
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    process: child,
    port,
    output: () => lines.join(''),
    rssMb: () => rssMbOf(child.pid),
    cpuMs: () => cpuMsOf(child.pid),
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * BENCH_PROFILE_DIR: every process the bench starts (the bot and the bare
 * app) writes a V8 CPU profile there when it stops, named after it (open it in
 * Chrome DevTools; compare the two to see what the bot adds).
 */
function profiled(given: string[] = [], name: 'bot' | 'bare'): string[] {
  // BENCH_BOT_NODE_ARGS: flags for node under the bot only (e.g. --max-semi-space-size=8), to weigh one against the same baseline.
  const extra = name === 'bot' ? (process.env.BENCH_BOT_NODE_ARGS?.trim().split(/\s+/).filter(Boolean) ?? []) : [];
  const nodeArgs = [...given, ...extra];
  const profileDir = process.env.BENCH_PROFILE_DIR?.trim();
  if (!profileDir) return nodeArgs;
  profiles += 1;
  return [...nodeArgs, '--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${String(profiles).padStart(2, '0')}-${name}-${process.pid}.cpuprofile`];
}
let profiles = 0;

/** Spawns the compiled bot; `healthyAfterMs` is the time from spawn to the first 200 from /healthz. */
export async function startBot(options: {
  apiUrl: string;
  storeUrl: string;
  extra?: Record<string, string>;
  /** Another compiled entry than the bot's own (bench/seeded-bot.ts: a memory store filled before the bot starts). */
  entry?: string;
  /** Flags for node itself, e.g. `--cpu-prof` (NODE_OPTIONS refuses it). */
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<Child & { healthyAfterMs: number }> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = launch(options.entry ?? BOT_ENTRY, port, { ...botEnv({ ...options, port }), ...options.extra }, profiled(options.nodeArgs, 'bot'));
  try {
    await untilHealthy(child, options.timeoutMs ?? 30_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return Object.assign(child, { healthyAfterMs: performance.now() - startedAt });
}

function healthz(port: number): Promise<boolean> {
  return new Promise((done) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode === 200));
    });
    req.on('error', () => done(false));
  });
}

/** Polls /healthz every 5 ms: a refused connection costs microseconds, so the poll adds at most ~5 ms. */
async function untilHealthy(child: Child, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`the bot exited during start-up:\n${child.output()}`);
    if (await healthz(child.port)) return;
    await new Promise((done) => setTimeout(done, 5));
  }
  throw new Error(`the bot was not healthy within ${timeoutMs} ms:\n${child.output()}`);
}

/** Spawns the bare Bolt app (bench/bare-app.ts) and waits for it to say it listens. */
export async function startBare(options: { apiUrl: string; viewFile: string; nodeArgs?: string[] }): Promise<Child> {
  const port = await freePort();
  const child = launch(
    BARE_ENTRY,
    port,
    {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: options.apiUrl,
      PORT: String(port),
      BARE_VIEW_FILE: options.viewFile,
    },
    profiled(options.nodeArgs, 'bare'),
  );
  const deadline = performance.now() + 30_000;
  while (!child.output().includes('bare-app listening')) {
    if (child.process.exitCode !== null || performance.now() > deadline) {
      await child.stop();
      throw new Error(`the bare Bolt app did not start:\n${child.output()}`);
    }
    await new Promise((done) => setTimeout(done, 10));
  }
  return child;
}

/** Samples a process's RSS every `everyMs` until stopped; the peak is what a container limit would see. */
export function sampleRss(child: Child, everyMs = 25): { stop(): number } {
  let peak = child.rssMb();
  const timer = setInterval(() => {
    const now = child.rssMb();
    if (now > peak) peak = now;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, child.rssMb());
    },
  };
}
