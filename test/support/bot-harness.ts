import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { webApi } from '@slack/bolt';
import { loadConfig } from '../../src/config';
import { configSecrets, startBot, type RunningBot } from '../../src/bot';
import { createLogger } from '../../src/logging';
import { botEnv } from '../../testkit/bot-env';
import type { FakeSlack } from '../../testkit/fake-slack';
import type { RotationStore } from '../../src/domain/ports';
import { recordLogOutput } from './log-capture';
import { RATE_LIMITS, type RateLimitRules } from '../../src/slack/rate-limits';

/** Limits no test reaches, for suites that drive one person through many steps (not for rate-limit tests). */
export const UNLIMITED: RateLimitRules = {
  requests: { ...RATE_LIMITS.requests, limit: 1_000_000 },
  clicks: { ...RATE_LIMITS.clicks, limit: 1_000_000 },
  commands: { ...RATE_LIMITS.commands, limit: 1_000_000 },
  exposureNotices: RATE_LIMITS.exposureNotices,
};

/**
 * A logger that keeps what the bot logs, so tests can read it (and keep the
 * output quiet): its text lines (`LEVEL message`), or, for a bot started with
 * LOG_FORMAT=json, the JSON lines as written (`json`).
 */
export class CapturingLogger {
  readonly lines: string[] = [];
  private level = 'info';
  debug = (...msg: unknown[]) => this.keep(`DEBUG ${msg.join(' ')}`);
  info = (...msg: unknown[]) => this.keep(`INFO ${msg.join(' ')}`);
  warn = (...msg: unknown[]) => this.keep(`WARN ${msg.join(' ')}`);
  error = (...msg: unknown[]) => this.keep(`ERROR ${msg.join(' ')}`);
  setLevel = (level: string) => {
    this.level = level;
  };
  getLevel = () => this.level as never;
  setName = () => undefined;
  /** Where a JSON logger writes: each line is kept whole, for the scan to parse. */
  readonly json = {
    write: (line: string) => {
      this.lines.push(line.replace(/\n$/, ''));
      recordLogOutput(line, 'json');
    },
  };
  /** For the test to read, and for the log scan at the end of the run. */
  private keep(line: string): void {
    this.lines.push(line);
    recordLogOutput(line);
  }
}

export function tempStoreUrl(): { url: string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wfi-rotate-test-'));
  return { url: `sqlite://${join(dir, 'data', 'store.sqlite')}`, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestBot extends RunningBot {
  logger: CapturingLogger;
}

/** Starts the real bot in-process on a free port, talking to the fake Slack. */
export async function startTestBot(
  fake: FakeSlack,
  options: {
    storeUrl: string;
    now?: Date;
    /** A clock the test moves (instead of a fixed `now`). */
    clock?: { now(): Date };
    env?: Record<string, string>;
    store?: RotationStore;
    /** The Web client's retries: none unless given (`webApi.retryPolicies.fiveRetriesInFiveMinutes` is production's). */
    retryConfig?: webApi.RetryOptions;
    /** The production limits unless a test drives one person through more steps than they allow. */
    rateLimits?: RateLimitRules;
    /** How long a count on a shared store may take (SHARED_COUNT_TIMEOUT_MS unless given). */
    sharedCountTimeoutMs?: number;
    /** How long /metrics reuses its read of the rotations (production's 10 s unless given). */
    rotationGaugesMaxAgeMs?: number;
  },
): Promise<TestBot> {
  const config = loadConfig({
    ...botEnv({ apiUrl: fake.apiUrl, port: 0, storeUrl: options.storeUrl }),
    // Everything the bot can log is logged and captured, so the log scan at the end of the run covers every level.
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logger = new CapturingLogger();
  const now = options.now;
  const bot = await startBot(config, {
    logger: createLogger(config, configSecrets(config), { text: logger, json: logger.json }),
    ...(options.rotationGaugesMaxAgeMs !== undefined ? { rotationGaugesMaxAgeMs: options.rotationGaugesMaxAgeMs } : {}),
    retryConfig: options.retryConfig ?? { retries: 0 },
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(options.sharedCountTimeoutMs ? { sharedCountTimeoutMs: options.sharedCountTimeoutMs } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.clock ? { clock: options.clock } : now ? { clock: { now: () => new Date(now) } } : {}),
  });
  return Object.assign(bot, { logger });
}
