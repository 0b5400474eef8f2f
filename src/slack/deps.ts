import type { Config } from '../config';
import type { Clock, RotationStore } from '../domain/ports';
import type { ServiceDeps } from '../services/lifecycle-deps';
import type { RateLimiters } from './rate-limits';
import type { RotationMessageContext } from './views/rotation-message';

/** What listeners are given; concrete stores and clients are wired in `bot.ts` only. */
export interface ListenerDeps {
  config: Config;
  store: RotationStore;
  clock: Clock;
  services: ServiceDeps;
  messageContext: () => RotationMessageContext;
  limits: RateLimiters;
}
