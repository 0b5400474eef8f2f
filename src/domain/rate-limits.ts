/** At most `limit` hits per person in `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * Per person: enough for anyone working normally (a team filing a batch of
 * rotations, clicking through steps), and a ceiling on what one account (or a
 * script with a leaked token) can make the bot do. `WFI_RATE_LIMITS` replaces
 * the first three; on Redis and PostgreSQL every replica counts them together.
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
   * recorded; a burst of such replies gets one of each. Always per replica.
   */
  exposureNotices: { limit: 1, windowMs: 60_000 },
} as const satisfies Record<string, RateLimit>;

export type RateLimitKind = keyof typeof RATE_LIMITS;

export type RateLimitRules = Record<RateLimitKind, RateLimit>;

/** The limits on what a person makes the bot do: the ones `WFI_RATE_LIMITS` sets, counted on the shared store. */
export const PERSON_LIMITS = ['clicks', 'commands', 'requests'] as const satisfies readonly RateLimitKind[];

export type PersonLimitKind = (typeof PERSON_LIMITS)[number];

export type RateLimitVerdict = { ok: true } | { ok: false; retryAfterMs: number };
