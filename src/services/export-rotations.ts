import { stringify } from 'csv-stringify/sync';
import type { AuditEntry, Rotation } from '../domain/rotation';

export const EXPORT_COLUMNS = [
  'rotation_id',
  'instance_url',
  'environment_type',
  'requester',
  'deadline',
  'submit_by',
  'current_status',
  'entry_at',
  'actor',
  'from',
  'to',
  'details',
] as const;

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection), and free text
// such as a reason or a case number reaches the export; a leading apostrophe makes the cell plain text.
const FORMULA_START = /^[=+\-@\t\r]/;

function guardFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function byInstant(a: string, b: string): number {
  const diff = Date.parse(a) - Date.parse(b);
  if (Number.isNaN(diff)) return a < b ? -1 : a > b ? 1 : 0;
  return diff;
}

/** The details of an entry, led by its event when it records one (`event=secret_exposed; …`). */
function detailsCell(entry: AuditEntry): string {
  const details = { ...(entry.event ? { event: entry.event } : {}), ...entry.details };
  return Object.entries(details)
    .map(([key, value]) => `${key}=${value}`)
    .join('; ');
}

/**
 * All rotations and their whole history as CSV evidence for an auditor: one
 * row per audit entry (who, when, from, to, details) next to the rotation it
 * belongs to, oldest rotation first and each history in time order. The
 * header row is always there, so an empty export still says what it would hold.
 */
export function rotationsToCsv(rotations: Rotation[]): string {
  const ordered = [...rotations].sort((a, b) => byInstant(a.createdAt, b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rows = ordered.flatMap((rotation) =>
    // Sorting is stable, so entries recorded at the same instant keep the order they were appended in.
    [...rotation.history]
      .sort((a, b) => byInstant(a.at, b.at))
      .map((entry) =>
        [
          rotation.id,
          rotation.instanceUrl,
          rotation.environmentType,
          rotation.requesterId,
          rotation.deadline,
          rotation.submitBy,
          rotation.status,
          entry.at,
          entry.actorId,
          entry.from ?? '',
          entry.to,
          detailsCell(entry),
        ].map(guardFormula),
      ),
  );
  return stringify(rows, { header: true, columns: [...EXPORT_COLUMNS] });
}
