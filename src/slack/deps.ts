import type { Config } from '../config';
import type { Clock, RotationStore } from '../domain/ports';
import type { RequestRotationDeps } from '../services/request-rotation';
import type { RotationMessageContext } from './views/rotation-message';

/** What listeners are given; concrete stores and clients are wired in `index.ts` and `app.ts` only. */
export interface ListenerDeps {
  config: Config;
  store: RotationStore;
  clock: Clock;
  requests: RequestRotationDeps;
  messageContext: () => RotationMessageContext;
}
