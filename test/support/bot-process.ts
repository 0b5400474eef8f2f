import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { recordLogOutput } from './log-capture';

/** The compiled bot as a separate process, started with `npm start` under libfaketime. */
export const ROOT = join(__dirname, '..', '..');
export const hasFaketime = spawnSync('sh', ['-c', 'command -v faketime'], { encoding: 'utf8' }).status === 0;

export interface Running {
  child: ChildProcess;
  output: string[];
  /** The bot's own notion of now (shifted), to sign requests as Slack would at that moment. */
  fakeNow(): number;
}

export function startBotAt(fakeStart: string, env: Record<string, string>): Running {
  const realStart = Date.now();
  const child = spawn('faketime', ['-f', `@${fakeStart}`, 'npm', 'start', '--silent'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output: string[] = [];
  // Kept for the test, and for the log scan at the end of the run.
  const keep = (d: Buffer) => {
    output.push(d.toString());
    recordLogOutput(d.toString());
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const base = Date.parse(`${fakeStart.replace(' ', 'T')}Z`);
  return { child, output, fakeNow: () => base + (Date.now() - realStart) };
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

