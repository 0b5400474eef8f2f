import { stringify } from 'csv-stringify/sync';
import type { AuditReport } from '../domain/audit-chain';
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
  // Last, so readers of the columns before it keep working.
  'workspace',
] as const;

/** How the export is made: on an org-wide install it says each rotation's workspace. */
export interface ExportOptions {
  orgWide?: boolean;
}

/**
 * The workspace (team id) a rotation was requested in, on an org-wide
 * install, where rotations of several workspaces are exported together; on a
 * workspace install, and for a rotation made before it was recorded, none.
 */
function workspaceCell(rotation: Rotation, options: ExportOptions): string | undefined {
  return options.orgWide ? rotation.workspace?.teamId : undefined;
}

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

/** Oldest rotation first, then by id; the caller's array is left as it is. */
function oldestFirst(rotations: readonly Rotation[]): Rotation[] {
  return [...rotations].sort((a, b) => byInstant(a.createdAt, b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * All rotations and their whole history as CSV evidence for an auditor: one
 * row per audit entry (who, when, from, to, details) next to the rotation it
 * belongs to, oldest rotation first and each history in time order. The
 * header row is always there, so an empty export still says what it would hold.
 * The last column is the rotation's workspace (see `workspaceCell`), empty
 * but on an org-wide install.
 */
export function rotationsToCsv(rotations: Rotation[], options: ExportOptions = {}): string {
  const rows = oldestFirst(rotations).flatMap((rotation) =>
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
          workspaceCell(rotation, options) ?? '',
        ].map(guardFormula),
      ),
  );
  return stringify(rows, { header: true, columns: [...EXPORT_COLUMNS] });
}

/**
 * The same evidence as JSON Lines, for a SIEM: one object per audit entry
 * (`type: "audit_entry"`), each with its rotation, the people by id and by
 * name (null when Slack could not say), and its place in the hash chain:
 * `entry_index` (from 0), `prev_hash` and `hash`. Entries come in chain order,
 * which is the order they were written. Anyone can recompute a hash from a
 * line alone: SHA-256 of the canonical JSON (RFC 8785) of { rotationId,
 * index, entry }, where entry is { at, actorId, from, to, prev } plus
 * `details` and `event` when they are not null (SECURITY.md, "The audit
 * trail's hash chains").
 * `workspace_id` is the rotation's workspace on an org-wide install, else null.
 * The last line (`type: "audit_verification"`) says whether every chain
 * verified when the export was made and gives the store-wide log's head: kept
 * by the SIEM, it shows later whether the log was cut after this export.
 */
export function rotationsToJsonLines(
  rotations: Rotation[],
  context: { names: ReadonlyMap<string, string>; audit: AuditReport; exportedAt: Date } & ExportOptions,
): string {
  const name = (id: string) => context.names.get(id) ?? null;
  const lines = oldestFirst(rotations).flatMap((rotation) =>
    rotation.history.map((entry, index) => ({
      type: 'audit_entry',
      rotation_id: rotation.id,
      instance_url: rotation.instanceUrl,
      environment_type: rotation.environmentType,
      requester_id: rotation.requesterId,
      requester_name: name(rotation.requesterId),
      deadline: rotation.deadline,
      submit_by: rotation.submitBy,
      current_status: rotation.status,
      workspace_id: workspaceCell(rotation, context) ?? null,
      entry_index: index,
      at: entry.at,
      actor_id: entry.actorId,
      actor_name: name(entry.actorId),
      from: entry.from,
      to: entry.to,
      event: entry.event ?? null,
      details: entry.details ?? null,
      prev_hash: entry.prev ?? null,
      hash: entry.hash ?? null,
    })),
  );
  const { audit } = context;
  const verification = {
    type: 'audit_verification',
    exported_at: context.exportedAt.toISOString(),
    verified: audit.findings.length === 0,
    rotations: audit.rotations,
    entries: audit.entries,
    log_records: audit.logRecords,
    log_head: audit.logHead,
    pending: audit.pending,
    broken: audit.findings.map((finding) => ({
      rotation_id: finding.rotationId ?? null,
      entry_index: finding.index ?? null,
      log_seq: finding.seq ?? null,
      problem: finding.problem,
      message: finding.message,
    })),
  };
  return [...lines, verification].map((line) => `${JSON.stringify(line)}\n`).join('');
}

/** Everyone an export names: the requesters and whoever took a step. */
export function peopleIn(rotations: readonly Rotation[]): string[] {
  return [...new Set(rotations.flatMap((rotation) => [rotation.requesterId, ...rotation.history.map((entry) => entry.actorId)]))];
}
