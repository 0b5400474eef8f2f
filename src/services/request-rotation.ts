import { isDomainError } from '../domain/errors';
import type { Clock, Notifier, RotationStore } from '../domain/ports';
import { createRotation, rotationId, type LeadTimePolicy, type Rotation, type RotationRequest } from '../domain/rotation';

export interface RequestRotationDeps {
  store: RotationStore;
  notifier: Notifier;
  clock: Clock;
  policy: LeadTimePolicy;
  randomIndex: (exclusiveMax: number) => number;
  logger: { warn(...msg: unknown[]): void; error(...msg: unknown[]): void };
}

const ID_ATTEMPTS = 5;

/** Creates the rotation record first, so a stored rotation never depends on Slack answering. */
export async function saveNewRotation(
  deps: RequestRotationDeps,
  request: RotationRequest,
  requesterId: string,
): Promise<Rotation> {
  const now = deps.clock.now();
  for (let attempt = 1; ; attempt += 1) {
    const rotation = createRotation(request, { id: rotationId(deps.randomIndex), requesterId, now, policy: deps.policy });
    try {
      await deps.store.insert(rotation);
      return rotation;
    } catch (error) {
      // One id in 30^6 collides; try a fresh one a few times before giving up.
      if (!isDomainError(error, 'ROTATION_EXISTS') || attempt >= ID_ATTEMPTS) throw error;
    }
  }
}

/**
 * Posts the rotation's message and remembers where it went. A failure here
 * leaves the rotation stored (it shows in `status` and `list`) and is logged;
 * it never undoes the request.
 */
export async function announceRotation(deps: RequestRotationDeps, rotation: Rotation): Promise<Rotation> {
  const message = await deps.notifier.postRotation(rotation, deps.clock.now());
  await deps.store.setMessage(rotation.id, message);
  return { ...rotation, message };
}
