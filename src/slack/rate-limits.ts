import type { AllMiddlewareArgs, AnyMiddlewareArgs, Logger } from '@slack/bolt';
import type { Clock } from '../domain/ports';
import { tellPrivately } from './listeners/respond-privately';
import { isRecord, textOf } from './parse/request-form';
import { requestUserId } from './parse/request-user';

export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * Per person, per replica: enough for anyone working normally (a team filing
 * a batch of rotations, clicking through steps), and a ceiling on what one
 * account (or a script with a leaked token) can make the bot do. Each replica
 * counts on its own, so N replicas allow up to N times as much.
 */
export const RATE_LIMITS = {
  /** Rotations created (request forms that passed validation). */
  requests: { limit: 10, windowMs: 10 * 60_000 },
  /** Button clicks, on messages and on App Home. */
  clicks: { limit: 30, windowMs: 60_000 },
  /** `/wfi-rotate` invocations (the form, list, status, export). */
  commands: { limit: 20, windowMs: 60_000 },
  /**
   * Per person and rotation: the direct message asking to delete a
   * secret-looking reply, and the notice in the thread. Every report is still
   * recorded; a burst of such replies gets one of each.
   */
  exposureNotices: { limit: 1, windowMs: 60_000 },
} as const satisfies Record<string, RateLimit>;

export type RateLimitVerdict = { ok: true } | { ok: false; retryAfterMs: number };

/** Above this many people tracked, finished windows are swept so memory stays bounded. */
const SWEEP_AT = 10_000;

/** A sliding window per key: at most `limit` hits in any `windowMs`. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly rule: RateLimit,
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

export interface RateLimiters {
  requests: RateLimiter;
  clicks: RateLimiter;
  commands: RateLimiter;
  exposureNotices: RateLimiter;
}

export type RateLimitRules = Record<keyof RateLimiters, RateLimit>;

export function rateLimiters(clock: Clock, rules: RateLimitRules = RATE_LIMITS): RateLimiters {
  return {
    requests: new RateLimiter(rules.requests, clock),
    clicks: new RateLimiter(rules.clicks, clock),
    commands: new RateLimiter(rules.commands, clock),
    exposureNotices: new RateLimiter(rules.exposureNotices, clock),
  };
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
 * answered privately, before any listener (or store read) runs. Request
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
  const verdict = request && limits[request.kind].take(request.userId);
  if (!request || !verdict || verdict.ok) return false;
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
