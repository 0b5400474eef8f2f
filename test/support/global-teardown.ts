import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { redactSecrets } from '../../src/domain/secret-detector';
import { JSON_LOG_PREFIX, logCaptureDir } from './log-capture';
import { BOT_TOKEN, SIGNING_SECRET, TEST_SECRET_ASSIGNMENT, TEST_WFI_SECRET } from './secrets';

/** Credentials the child-process suites start the bot with. */
const PROCESS_SECRETS = ['xoxb-test', 'test-secret'];
const FORBIDDEN = [BOT_TOKEN, SIGNING_SECRET, TEST_WFI_SECRET, TEST_SECRET_ASSIGNMENT, ...PROCESS_SECRETS];

/** What a log line leaks: a known secret, or anything the detector would still redact. */
export function leaksIn(line: string): string | undefined {
  const known = FORBIDDEN.find((secret) => line.includes(secret));
  if (known) return `contains the test secret "${known.slice(0, 4)}…"`;
  if (redactSecrets(line) !== line) return 'contains text the secret detector flags';
  return undefined;
}

/**
 * What is wrong with a line a bot logged as JSON (LOG_FORMAT=json), if
 * anything: each line must be one JSON object with its time, level and
 * message, and its message must not leak once its escapes are read.
 */
export function jsonLineProblem(line: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return 'is not JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'is not a JSON object';
  const fields = parsed as Record<string, unknown>;
  const missing = ['time', 'level', 'message'].filter((field) => typeof fields[field] !== 'string');
  if (missing.length > 0) return `has no ${missing.join(', ')}`;
  return leaksIn(fields.message as string);
}

/**
 * The log scan: every line every bot logged during the whole run (captured by
 * test/support/bot-harness.ts and the child-process suites), checked for the
 * tokens, the signing secret and the secrets the tests typed; the lines of
 * bots that logged as JSON must each parse as one JSON object. A leak or a
 * line that does not parse fails the run.
 */
export default async function globalTeardown(): Promise<void> {
  const dir = logCaptureDir();
  if (!dir || !existsSync(dir)) return;
  const problems: string[] = [];
  let lines = 0;
  let jsonLines = 0;
  for (const file of readdirSync(dir)) {
    const json = file.startsWith(JSON_LOG_PREFIX);
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (json && line === '') continue;
      lines += 1;
      if (json) jsonLines += 1;
      const problem = leaksIn(line) ?? (json ? jsonLineProblem(line) : undefined);
      if (problem) problems.push(`${file}: ${problem}: ${redactSecrets(line).slice(0, 200)}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  if (problems.length > 0) {
    throw new Error(`The log scan found ${problems.length} leaking or malformed line(s) in ${lines} captured:\n${problems.slice(0, 10).join('\n')}`);
  }
  console.log(`\nLog scan: ${lines} captured log lines (${jsonLines} as JSON, each one object), no token or test secret among them.`);
  await reportStillOpen();
}

/**
 * What the suites left running (jest.config.js has `forceExit`, so it cannot hold the run): when jest runs the
 * suites in this process (one worker, as on two cores), their timers and sockets are counted here.
 */
async function reportStillOpen(): Promise<void> {
  // Past jest's own short timers (its reporter debounces by 100 ms).
  await new Promise((resolve) => setTimeout(resolve, 250));
  // The wait's own timer is gone by now; stdio handles are the process's own.
  const open = process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap' && kind !== 'PipeWrap');
  if (open.length === 0) return;
  const counts = new Map<string, number>();
  for (const kind of open) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const list = [...counts].map(([kind, count]) => `${kind} ×${count}`).join(', ');
  console.log(`Still open after the run (ended by forceExit): ${list}.`);
}
