import type { AllMiddlewareArgs, AnyMiddlewareArgs, Logger } from '@slack/bolt';
import type { Clock, SharedRateCounter, SharedRateCounters } from '../domain/ports';
import { RATE_LIMITS, type PersonLimitKind, type RateLimit, type RateLimitRules, type RateLimitVerdict } from '../domain/rate-limits';
import { tellPrivately } from './listeners/respond-privately';
import { isRecord, textOf } from './parse/request-form';
import { requestUserId } from './parse/request-user';

export { RATE_LIMITS, type RateLimit, type RateLimitRules, type RateLimitVerdict };

/**
 * A per-person limit: `take` counts a hit for a key when there is room, else
 * says when there will be. Synchronous when counted in this process, a
 * promise when counted on the shared store.
 */
export interface Limiter {
  readonly rule: RateLimit;
  take(key: string): RateLimitVerdict | Promise<RateLimitVerdict>;
}

/** Above this many people tracked, finished windows are swept so memory stays bounded. */
const SWEEP_AT = 10_000;

/** In this process: a sliding window per key, at most `limit` hits in any `windowMs`. */
export class RateLimiter implements Limiter {
  private readonly hits = new Map<string, number[]>();
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly rule: RateLimit,
    private readonly clock: Clock,
  ) {}

  /** Counts a hit for `key` if the window has room; otherwise says when it will. */
  take(key: string): RateLimitVerdict {
    const now = this.clock.now().getTime();
    const recent = (this.hits.get(key) ?? []).filter((at) => now - at < this.rule.windowMs);
    if (recent.length >= this.rule.limit) {
      this.hits.set(key, recent);
      return { ok: false, retryAfterMs: (recent[0] as number) + this.rule.windowMs - now };
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > SWEEP_AT && now - this.sweptAt >= this.rule.windowMs) this.sweep(now);
    return { ok: true };
  }

  /** At most once a window: sweeping on every hit would make each cost as much as the table is large. */
  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [key, times] of this.hits) {
      if (times.every((at) => now - at >= this.rule.windowMs)) this.hits.delete(key);
    }
  }
}

/** Each replica's own limiters, one per kind. */
export type LocalRateLimiters = Record<keyof RateLimitRules, RateLimiter>;

/** What the listeners count with: the person limits, shared on Redis and PostgreSQL; the exposure notices, always per replica. */
export interface RateLimiters {
  requests: Limiter;
  clicks: Limiter;
  commands: Limiter;
  exposureNotices: RateLimiter;
}

/** Counted in this process: the memory and SQLite stores (one process), and every store's exposure notices. */
export function rateLimiters(clock: Clock, rules: RateLimitRules = RATE_LIMITS): LocalRateLimiters {
  return {
    requests: new RateLimiter(rules.requests, clock),
    clicks: new RateLimiter(rules.clicks, clock),
    commands: new RateLimiter(rules.commands, clock),
    exposureNotices: new RateLimiter(rules.exposureNotices, clock),
  };
}

/**
 * How long a count on the shared store may take. It runs before a command or
 * a click is acknowledged (Slack's 3 seconds, of which the listener needs the
 * rest), and a healthy Redis or PostgreSQL answers in a millisecond or two.
 */
export const SHARED_COUNT_TIMEOUT_MS = 250;

/**
 * A limit every replica counts together, on the shared store. When the store
 * fails or does not answer within the timeout, the hit is counted in this
 * process instead (the limit then holds per replica, as it did before the
 * limits were shared): a store hiccup never refuses anyone, and an outage does
 * not lift the limits. The request then goes on, and meets the outage where it
 * would have without the limit (the form or the private message saying
 * nothing was saved). Logged once when the store stops answering the counts,
 * once when it answers again.
 */
export class SharedRateLimiter implements Limiter {
  private failing = false;

  constructor(
    private readonly kind: PersonLimitKind,
    private readonly counter: SharedRateCounter,
    private readonly local: RateLimiter,
    private readonly log: Logger,
    private readonly timeoutMs = SHARED_COUNT_TIMEOUT_MS,
  ) {}

  get rule(): RateLimit {
    return this.local.rule;
  }

  async take(key: string): Promise<RateLimitVerdict> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      const verdict = await Promise.race([this.counter.take(key), late]);
      if (this.failing) {
        this.failing = false;
        this.log.info(`Rate limits: ${this.kind} are counted on the shared store again`);
      }
      return verdict;
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.log.warn(`Rate limits: the store did not count ${this.kind} (${(error as Error).message}); counting them in this replica until it does`);
      }
      return this.local.take(key);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The person limits counted on the shared store, each falling back to its own replica's limiter; the exposure notices stay per replica. */
export function sharedRateLimiters(local: LocalRateLimiters, counters: SharedRateCounters, log: Logger, timeoutMs?: number): RateLimiters {
  const shared = (kind: PersonLimitKind) => new SharedRateLimiter(kind, counters(kind, local[kind].rule), local[kind], log, timeoutMs);
  return { clicks: shared('clicks'), commands: shared('commands'), requests: shared('requests'), exposureNotices: local.exposureNotices };
}

/** "1 minute", "3 minutes": a wait rounded up to whole minutes, or seconds under one. */
export function waitText(ms: number): string {
  if (ms < 60_000) {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    return `${seconds} second${seconds === 1 ? '' : 's'}`;
  }
  const minutes = Math.ceil(ms / 60_000);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export function tooFastText(retryAfterMs: number): string {
  return `You are going faster than the bot accepts from one person. Nothing was changed; try again in ${waitText(retryAfterMs)}.`;
}

/**
 * Clicks and slash commands over a person's limit are acknowledged and
 * answered privately, before any listener runs (on a shared store, after the
 * one round trip that counts them, bounded by SHARED_COUNT_TIMEOUT_MS). Request
 * forms are limited in their listener, after validation, so the refusal can
 * be shown in the form with everything typed still there.
 */
/** Who a click or a command comes from, and where to answer; undefined for anything the middleware leaves alone. */
function limitedRequest(body: unknown): { kind: 'clicks' | 'commands'; userId: string; channelId?: string } | undefined {
  const userId = textOf(requestUserId(body));
  if (!userId || !isRecord(body)) return undefined;
  if (typeof body.command === 'string') return { kind: 'commands', userId };
  if (body.type !== 'block_actions') return undefined;
  const channelId = isRecord(body.channel) ? textOf(body.channel.id) : undefined;
  return { kind: 'clicks', userId, ...(channelId ? { channelId } : {}) };
}

/** Counts a click or a command against its person's limit; when over it, answers the person and says true (the request goes no further). */
export async function refuseOverLimit(args: AnyMiddlewareArgs & AllMiddlewareArgs, limits: RateLimiters, log: Logger): Promise<boolean> {
  const request = limitedRequest(args.body);
  if (!request) return false;
  const verdict = await limits[request.kind].take(request.userId);
  if (verdict.ok) return false;
  log.warn(`Rate limit: refused ${request.kind === 'clicks' ? 'a click' : 'a command'} from ${request.userId}`);
  const text = tooFastText(verdict.retryAfterMs);
  const ack = 'ack' in args ? (args.ack as (response?: { response_type: 'ephemeral'; text: string }) => Promise<void>) : undefined;
  if (request.kind === 'commands') {
    // A slash command's acknowledgement is shown to the person, privately.
    await ack?.({ response_type: 'ephemeral', text });
  } else {
    // A click's acknowledgement carries no text: the answer is a private message.
    await ack?.();
    await tellPrivately(args.client, request, text);
  }
  return true;
}
