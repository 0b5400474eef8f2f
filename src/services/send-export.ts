import type { ExportFormat } from '../domain/ports';
import { peopleIn, rotationsToCsv, rotationsToJsonLines } from './export-rotations';
import { readAuditTrail } from './audit-trail';
import type { ServiceDeps } from './lifecycle-deps';

/**
 * Evidence for an audit: every rotation and its whole history, as CSV or as
 * JSON Lines (with names and each entry's hash), to the person who asked,
 * with whether the audit trail's hash chains verify.
 */
export async function sendRotationExport(
  deps: Pick<ServiceDeps, 'store' | 'notifier' | 'clock' | 'people' | 'orgWide'>,
  userId: string,
  format: ExportFormat = 'csv',
): Promise<number> {
  const { rotations, report: audit } = await readAuditTrail(deps.store);
  const now = deps.clock.now();
  const workspaces = { orgWide: deps.orgWide === true };
  const content =
    format === 'csv'
      ? rotationsToCsv(rotations, workspaces)
      : rotationsToJsonLines(rotations, { names: await namesIn(deps, rotations), audit, exportedAt: now, ...workspaces });
  await deps.notifier.sendExport(userId, { format, content, rotations: rotations.length, audit }, now);
  return rotations.length;
}

/** Names are a courtesy: without a directory, or when it fails, the export carries the ids alone. */
async function namesIn(deps: Pick<ServiceDeps, 'people'>, rotations: Parameters<typeof peopleIn>[0]): Promise<ReadonlyMap<string, string>> {
  return (await deps.people?.namesOf(peopleIn(rotations)).catch(() => undefined)) ?? new Map();
}
