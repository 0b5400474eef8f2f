import { isDomainError } from '../domain/errors';
import { startPlannedRotation } from '../domain/lifecycle';
import { createRotation, rotationId, type Rotation, type RotationRequest } from '../domain/rotation';
import { refreshDashboards } from './dashboards';
import type { ServiceDeps } from './lifecycle-deps';
import { reminderDisplay, replanReminders } from './reminders';

export type RequestRotationDeps = Pick<
  ServiceDeps,
  'store' | 'reminders' | 'reminderPolicy' | 'notifier' | 'clock' | 'policy' | 'randomIndex' | 'logger'
>;

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
      await replanReminders(deps, rotation);
      return rotation;
    } catch (error) {
      // One id in 30^6 collides; try a fresh one a few times before giving up.
      if (!isDomainError(error, 'ROTATION_EXISTS') || attempt >= ID_ATTEMPTS) throw error;
    }
  }
}

/**
 * Turns a planned next cycle into a request with what the form says. Returns
 * undefined when it is no longer planned (someone else started or cancelled it).
 */
export async function startPlanned(
  deps: RequestRotationDeps,
  plannedId: string,
  request: RotationRequest,
  actorId: string,
): Promise<Rotation | undefined> {
  const planned = await deps.store.get(plannedId);
  if (!planned || planned.status !== 'planned') return undefined;
  const started = startPlannedRotation(planned, request, { actorId, now: deps.clock.now(), policy: deps.policy });
  if (!(await deps.store.replace(started, planned.version))) return undefined;
  await replanReminders(deps, started);
  return started;
}

/**
 * Posts the rotation's message and remembers where it went. A failure here
 * leaves the rotation stored (it shows in `status` and `list`) and is logged;
 * it never undoes the request.
 */
export async function announceRotation(deps: RequestRotationDeps, rotation: Rotation): Promise<Rotation> {
  const display = await reminderDisplay(deps, rotation.id).catch(() => ({ failures: [] }));
  const message = await deps.notifier.postRotation(rotation, deps.clock.now(), display);
  await deps.store.setMessage(rotation.id, message);
  await refreshDashboards(deps, [rotation.requesterId, ...rotation.attendeeIds]);
  return { ...rotation, message };
}
