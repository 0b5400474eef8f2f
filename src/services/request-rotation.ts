import { isCodedError } from '../domain/errors';
import { todayIn } from '../domain/calendar';
import { plannedStartRequest, startPlannedRefusal } from '../domain/lifecycle';
import { validateRotationRequest, type FieldErrors, type RawRotationRequest } from '../domain/rotation-request';
import { approverFlag } from '../domain/ports';
import { createRotation, rotationId, type Rotation, type RotationRequest, type Workspace } from '../domain/rotation';
import { involvedPeople } from './dashboards';
import { followUpNow, recordFollowUp } from './follow-up';
import type { ServiceDeps } from './lifecycle-deps';
import { changeRotation, type ChangeOutcome } from './change-rotation';
import { reminderDisplay } from './reminders';

const ID_ATTEMPTS = 5;

/**
 * Creates the rotation record first, so a stored rotation never depends on
 * Slack answering; its reminders are planned when it is announced (after the
 * person has their answer), or by the next tick if that fails.
 */
export async function saveNewRotation(deps: ServiceDeps, request: RotationRequest, requesterId: string, workspace?: Workspace): Promise<Rotation> {
  const now = deps.clock.now();
  for (let attempt = 1; ; attempt += 1) {
    const rotation = createRotation(request, { id: rotationId(deps.randomIndex), requesterId, now, policy: deps.policy, ...(workspace ? { workspace } : {}) });
    try {
      await recordFollowUp(deps, rotation.id);
      await deps.store.insert(rotation);
      return rotation;
    } catch (error) {
      // One id in 30^6 collides; try a fresh one a few times before giving up.
      if (!isCodedError(error, 'ROTATION_EXISTS') || attempt >= ID_ATTEMPTS) throw error;
    }
  }
}

export type StartPlannedOutcome =
  | { ok: true; rotation: Rotation }
  | { ok: false; error: Exclude<ChangeOutcome, { ok: true }>['error'] }
  | { ok: false; fieldErrors: FieldErrors };

/**
 * Turns a planned next cycle into a request with the form's deadline, extra
 * attendees, notes and interval. Only the people of the last cycle and the
 * approvers may; the instance, channel, requester and attendees stay the
 * owning team's, and the starter is added to the attendees.
 */
export async function startPlanned(
  deps: ServiceDeps,
  plannedId: string,
  form: Pick<RawRotationRequest, 'deadline' | 'attendeeIds' | 'notes' | 'rotationIntervalDays'>,
  starterId: string,
  context: { instanceDomain: string },
): Promise<StartPlannedOutcome> {
  const actor = { userId: starterId, isApprover: approverFlag(await deps.approvers.statusOf(starterId)) };
  const planned = await deps.store.get(plannedId);
  if (!planned) return { ok: false, error: { code: 'ROTATION_NOT_FOUND' } };
  const refused = startPlannedRefusal(planned, actor);
  if (refused) return { ok: false, error: refused };
  const now = deps.clock.now();
  const checked = validateRotationRequest(plannedStartRequest(planned, form, starterId), {
    instanceDomain: context.instanceDomain,
    today: todayIn(deps.policy.calendar, now),
  });
  if (!checked.ok) return { ok: false, fieldErrors: checked.errors };
  const started = await changeRotation(
    deps,
    { rotationId: plannedId, actor, change: { type: 'start', request: checked.request, policy: deps.policy }, expectedVersion: planned.version },
    { beforeWrite: () => recordFollowUp(deps, planned.id) },
  );
  return started.ok ? { ok: true, rotation: started.rotation } : started;
}

/**
 * Posts the rotation's message and remembers where it went; the App Home of
 * everyone involved who opened it follows shortly. A failure here
 * leaves the rotation stored (it shows in `status` and `list`) and is logged;
 * it never undoes the request.
 */
export async function announceRotation(deps: ServiceDeps, saved: Rotation): Promise<Rotation> {
  const rotation = await followUpNow(deps, saved);
  const display = await reminderDisplay(deps, rotation.id).catch(() => ({ failures: [] }));
  const message = await deps.notifier.postRotation(rotation, deps.clock.now(), display);
  if (!(await deps.store.setMessage(rotation.id, message))) {
    deps.logger.warn(`${rotation.id} was posted, but is no longer in the store to record where`);
  }
  deps.homes.changed(involvedPeople(rotation, deps.approvers.knownApproverIds(), rotation.requesterId));
  return { ...rotation, message };
}
