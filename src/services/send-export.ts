import { rotationsToCsv } from './export-rotations';
import type { ServiceDeps } from './lifecycle-deps';

/** Evidence for an audit: every rotation and its whole history, as CSV, to the person who asked. */
export async function sendRotationExport(deps: Pick<ServiceDeps, 'store' | 'notifier'>, userId: string): Promise<number> {
  const rotations = await deps.store.list();
  await deps.notifier.sendExport(userId, rotationsToCsv(rotations), rotations.length);
  return rotations.length;
}
