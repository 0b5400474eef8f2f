import type { ReminderDisplay } from '../domain/ports';
import { isInHandoff, isOpen, type Rotation } from '../domain/rotation';
import { viewFor, type RotationView } from './dashboards';
import type { ServiceDeps } from './lifecycle-deps';
import { reminderDisplay } from './reminders';

export interface RotationStatus {
  rotation: Rotation;
  reminders: ReminderDisplay;
  /**
   * Whether the person asking sees everything (they are in the handoff or an
   * approver), the meeting's join link included; anyone else sees what the
   * rotation's channel shows.
   */
  seesEverything: boolean;
}

/** `/wfi-rotate status ID`: one rotation for one person; undefined when there is no such rotation. */
export async function rotationStatus(
  deps: Pick<ServiceDeps, 'store' | 'reminders' | 'approvers'>,
  id: string,
  viewerId: string,
): Promise<RotationStatus | undefined> {
  const rotation = await deps.store.get(id);
  if (!rotation) return undefined;
  const [reminders, seesEverything] = await Promise.all([
    reminderDisplay(deps, rotation.id),
    isInHandoff(rotation, viewerId) ? Promise.resolve(true) : deps.approvers.statusOf(viewerId).then((status) => status === 'approver'),
  ]);
  return { rotation, reminders, seesEverything };
}

/** `/wfi-rotate list`: the open rotations one person may see (every one for an approver, else their own). */
export async function openRotationsFor(deps: Pick<ServiceDeps, 'store' | 'approvers'>, viewerId: string): Promise<RotationView> {
  const view = await viewFor(deps, viewerId, [], { everyone: () => deps.store.active(), own: (id) => deps.store.activeInvolving(id) });
  return { ...view, rotations: view.rotations.filter(isOpen) };
}
