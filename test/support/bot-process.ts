import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { recordLogOutput } from './log-capture';

/** The compiled bot as a separate process: with `npm start` under libfaketime, or with node on the real clock. */
export const ROOT = join(__dirname, '..', '..');
export const hasFaketime = spawnSync('sh', ['-c', 'command -v faketime'], { encoding: 'utf8' }).status === 0;

export interface Running {
  child: ChildProcess;
  output: string[];
  /** The bot's own notion of now (shifted), to sign requests as Slack would at that moment. */
  fakeNow(): number;
}

export function startBotAt(fakeStart: string, env: Record<string, string>): Running {
  removeLeftFaketimeFiles();
  const realStart = Date.now();
  const child = spawnBot('faketime', ['-f', `@${fakeStart}`, 'npm', 'start', '--silent'], env);
  const base = Date.parse(`${fakeStart.replace(' ', 'T')}Z`);
  return track({ child, output: keepOutput(child), fakeNow: () => base + (Date.now() - realStart) });
}

/** Every bot started since the last stopAll(), stopped or not: to stop them all, and to show what they printed. */
const started = new Set<Running>();

function track(bot: Running): Running {
  started.add(bot);
  return bot;
}

/** Stops every bot started since the last call, those a failed test left running included. */
export async function stopAll(): Promise<void> {
  const bots = [...started];
  started.clear();
  await Promise.all(bots.map(stop));
}

/**
 * Runs a test's body; when it fails, the error carries the last lines each bot
 * printed, since the reason a bot did not answer is in its own log, not in ours.
 */
export async function explained<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof Error) {
      const printed = [...started].map((bot, i) => {
        const lines = bot.output.join('').split('\n').slice(-40).join('\n');
        return `--- bot ${i + 1} (pid ${bot.child.pid}) ---\n${lines}`;
      });
      error.message += `\n\nWhat the bots printed (last 40 lines each):\n${printed.join('\n')}`;
    }
    throw error;
  }
}

/**
 * libfaketime keeps a semaphore and a shared-memory file named after each
 * process's pid in /dev/shm and removes them only when the process exits
 * normally, so every bot the tests stop by signal leaves them behind; a later
 * process that is given the same pid then refuses to start ("sem_open: File
 * exists"). Remove those of processes that no longer run before starting one.
 */
function removeLeftFaketimeFiles(): void {
  let names: string[];
  try {
    names = readdirSync('/dev/shm');
  } catch {
    return; // no /dev/shm: nothing can collide
  }
  for (const name of names) {
    const pid = /^(?:sem\.)?faketime_(?:sem|shm)_(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) rmSync(join('/dev/shm', name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The compiled bot on the real clock, started as the Docker image starts it:
 * `node dist/src/index.js`, node itself receiving the signals (no npm between).
 */
export function startBotProcess(env: Record<string, string>): Running {
  const child = spawnBot(process.execPath, [join(ROOT, 'dist', 'src', 'index.js')], env);
  return track({ child, output: keepOutput(child), fakeNow: () => Date.now() });
}

function spawnBot(command: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/** What the bot prints, kept for the test and for the log scan at the end of the run. */
function keepOutput(child: ChildProcess): string[] {
  const output: string[] = [];
  const keep = (d: Buffer) => {
    output.push(d.toString());
    recordLogOutput(d.toString());
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return output;
}

export async function stop(bot: Running): Promise<number | null> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return bot.child.exitCode;
  // 'close', not 'exit': it waits for the bot under npm to let go of the output pipes, i.e. to have stopped.
  const exited = new Promise<number | null>((resolve) => bot.child.once('close', (code) => resolve(code)));
  process.kill(-(bot.child.pid as number), 'SIGTERM');
  return exited;
}

export async function healthy(port: number, bot: Running): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (bot.child.exitCode !== null) throw new Error(`the bot exited early:\n${bot.output.join('')}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the bot did not become healthy:\n${bot.output.join('')}`);
}

