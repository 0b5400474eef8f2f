import type { Config } from '../config';
import type { Clock, RotationStore } from '../domain/ports';
import type { ServiceDeps } from '../services/lifecycle-deps';
import type { RateLimiters } from './rate-limits';
import type { RotationMessageContext } from './views/types';

/** What listeners are given; concrete stores and clients are wired in `bot.ts` only. */
export interface ListenerDeps {
  config: Config;
  store: RotationStore;
  clock: Clock;
  services: ServiceDeps;
  messageContext: () => RotationMessageContext;
  limits: RateLimiters;
  /**
   * A person's time zone from their Slack profile, or undefined when Slack
   * does not answer within a couple of seconds (no retries): asked only after
   * a form is open, never while Slack waits for an answer.
   */
  userTimeZone(userId: string): Promise<string | undefined>;
}
