import type { AuditEntry, Rotation } from './rotation';

/*
 * The audit trail's hash chains, as pure functions given a hasher (SHA-256
 * from node:crypto, which domain/ may not import):
 *
 * - **Each rotation's chain.** Entry i carries `prev`, the hash of entry i-1
 *   (GENESIS for the first), and `hash` = H(canonical { rotationId, index,
 *   entry without its hash }). Editing an entry breaks its hash; removing,
 *   adding or reordering one breaks the next entry's `prev` (and the index in
 *   its hash); an entry moved to another rotation breaks both.
 * - **The store-wide log.** A rotation's chain cannot tell that its last
 *   entries, or the whole rotation, were deleted. So every entry's hash is
 *   also appended, in the order the entries were written, to one log for the
 *   whole store: record n holds (rotation, index, entry hash), `prev` = the
 *   hash of record n-1 and its own hash. Removing or editing a record breaks
 *   the log; deleting an entry or a rotation leaves a record pointing at
 *   something that is gone.
 *
 * Why a log of its own and not a store-wide field on each entry: replicas
 * write different rotations at the same time, each under that rotation's
 * lock only. A chain threaded through the rotations would need every write to
 * take one store-wide lock. The log is appended with a compare-and-append on
 * its head instead (the next sequence number is free, or the append is tried
 * again on the new head: see store/audit-log.ts), so writers of different
 * rotations never wait on each other's locks, and the log's order is the one
 * total order in which the appends won. A Merkle-style digest over the
 * rotations was the other candidate; it needs the same read-modify-write of
 * one value per change, and a mismatch says only that something differs, not
 * which entry.
 *
 * The log is appended after the rotation is written, under its lock, so it
 * always holds a prefix of each rotation's entries, in order. The entries
 * after that prefix ("pending") were written since the log was read, or by a
 * write cut short between the two (a crash, an outage): the rotation's next
 * change logs them. They are counted, not failed: what the chain must catch
 * is an entry changed, removed or reordered, and a rotation deleted, and those
 * all leave a logged record behind that no longer matches.
 */

/** SHA-256 of UTF-8 text, as 64 lower-case hex digits. */
export type Hasher = (text: string) => string;

/** What the first entry of a rotation, and the first record of the log, link to. */
export const GENESIS = '0'.repeat(64);

/**
 * JSON with object keys in sorted order (UTF-16 code units, as Array.sort
 * does), no whitespace, and `undefined` members left out: for the strings,
 * numbers and nulls of an audit entry, the JSON Canonicalization Scheme (RFC
 * 8785), so anyone can recompute a hash from an exported entry.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('canonicalJson: a number must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.keys(value as Record<string, unknown>)
      .sort()
      .flatMap((key) => {
        const member = (value as Record<string, unknown>)[key];
        return member === undefined ? [] : [`${JSON.stringify(key)}:${canonicalJson(member)}`];
      });
    return `{${members.join(',')}}`;
  }
  throw new Error(`canonicalJson: cannot serialise a ${typeof value}`);
}

/** An entry without what the chain adds to it. */
export function entryContent(entry: AuditEntry): Omit<AuditEntry, 'prev' | 'hash'> {
  const { prev: _prev, hash: _hash, ...content } = entry;
  return content;
}

/** Whether two entries record the same thing, whatever the chain says of them. */
export function sameContent(a: AuditEntry, b: AuditEntry): boolean {
  return canonicalJson(entryContent(a)) === canonicalJson(entryContent(b));
}

/** The hash entry `index` of a rotation must carry: over its content and its `prev`, never its own hash. */
export function entryHash(rotationId: string, index: number, entry: AuditEntry, hasher: Hasher): string {
  const { hash: _hash, ...covered } = entry;
  return hasher(canonicalJson({ rotationId, index, entry: covered }));
}

export function isSealed(entry: AuditEntry): entry is AuditEntry & { prev: string; hash: string } {
  return typeof entry.prev === 'string' && typeof entry.hash === 'string';
}

/**
 * The history with every entry that carries no hash sealed onto the one
 * before it; entries that carry one are kept as they are (whether they are
 * right is for `verifyRotationChain` to say, never silently "fixed").
 */
export function sealHistory(rotationId: string, history: readonly AuditEntry[], hasher: Hasher): AuditEntry[] {
  const sealed: AuditEntry[] = [];
  let prev = GENESIS;
  history.forEach((entry, index) => {
    let next: AuditEntry = entry;
    if (!isSealed(entry)) {
      const linked = { ...entryContent(entry), prev };
      next = { ...linked, hash: entryHash(rotationId, index, linked, hasher) };
    }
    sealed.push(next);
    prev = next.hash ?? GENESIS;
  });
  return sealed;
}

/** One record of the store-wide log: the `index`th entry of a rotation, with its hash, at position `seq` (from 1). */
export interface AuditLogRecord {
  seq: number;
  rotationId: string;
  index: number;
  entryHash: string;
  /** The hash of record seq-1 (GENESIS for the first). */
  prev: string;
  hash: string;
}

/** An entry to log: which one, and its hash. */
export type LoggedEntry = Pick<AuditLogRecord, 'rotationId' | 'index' | 'entryHash'>;

export function logRecordHash(record: Omit<AuditLogRecord, 'hash'>, hasher: Hasher): string {
  const { seq, rotationId, index, entryHash: entry, prev } = record;
  return hasher(canonicalJson({ seq, rotationId, index, entryHash: entry, prev }));
}

/** The record that follows `head` (the log's last record; none when it is empty) for this entry. */
export function nextLogRecord(head: AuditLogRecord | undefined, entry: LoggedEntry, hasher: Hasher): AuditLogRecord {
  const unhashed = { seq: (head?.seq ?? 0) + 1, ...entry, prev: head?.hash ?? GENESIS };
  return { ...unhashed, hash: logRecordHash(unhashed, hasher) };
}

/** What is wrong at a broken link. */
export type AuditProblem =
  /** The rotation has no entry at all. */
  | 'empty'
  /** An entry without a hash: written before the chain existed and not chained yet, or its hash was removed. */
  | 'unsealed'
  /** An entry that does not link to the one before it: an entry was removed, added or reordered before it. */
  | 'unlinked'
  /** An entry whose content does not match its hash: edited. */
  | 'edited'
  /** The rotation's status is not where its trail ends. */
  | 'status_mismatch'
  /** A log record is missing (a gap in the sequence), does not link to the one before, or does not match its hash. */
  | 'log_broken'
  /** The log names a rotation the store does not hold: deleted. */
  | 'rotation_deleted'
  /** The log names an entry the rotation does not hold: removed (or the trail was cut). */
  | 'entry_removed'
  /** The rotation's entry is not the one the log recorded: edited and re-hashed, replaced or reordered. */
  | 'entry_changed'
  /** The log records a rotation's entries out of their order, or one twice. */
  | 'log_order';

/** A broken link: in a rotation's chain (with the entry's index, from 0) or in the store-wide log (with the record's seq). */
export interface AuditFinding {
  problem: AuditProblem;
  rotationId?: string;
  index?: number;
  seq?: number;
  message: string;
}

const PLAIN: Record<'unsealed' | 'unlinked' | 'edited', string> = {
  unsealed: 'carries no hash: it was written before the audit chain existed and not chained since (start the bot once, or run store:migrate), or its hash was removed',
  unlinked: 'does not link to the entry before it: an entry was removed, added or reordered before it',
  edited: 'does not match its hash: the entry was edited',
};

/** The first broken link of a rotation's own chain, if any. */
export function verifyRotationChain(rotation: Rotation, hasher: Hasher): AuditFinding | undefined {
  const rotationId = rotation.id;
  const history: readonly AuditEntry[] = Array.isArray(rotation.history) ? rotation.history : [];
  if (history.length === 0) return { problem: 'empty', rotationId, message: 'has no audit entry at all' };
  let prev = GENESIS;
  for (const [index, entry] of history.entries()) {
    const problem = !isSealed(entry)
      ? 'unsealed'
      : entry.prev !== prev
        ? 'unlinked'
        : entryHash(rotationId, index, entry, hasher) !== entry.hash
          ? 'edited'
          : undefined;
    if (problem) return { problem, rotationId, index, message: `entry ${index} ${PLAIN[problem]}` };
    prev = entry.hash as string;
  }
  const last = history[history.length - 1] as AuditEntry;
  if (last.to !== rotation.status) {
    return {
      problem: 'status_mismatch',
      rotationId,
      index: history.length - 1,
      message: `is ${rotation.status}, but its trail ends in ${last.to}: the rotation was edited`,
    };
  }
  return undefined;
}

export interface AuditReport {
  rotations: number;
  entries: number;
  /** Records in the store-wide log. */
  logRecords: number;
  /** The hash of the log's last record (GENESIS when empty): a copy kept elsewhere (a SIEM) shows later if the log's tail was cut. */
  logHead: string;
  /** Entries written but not (yet) in the log: see the note at the top. */
  pending: number;
  /** Empty when every chain verifies; else the first broken link of each broken chain. */
  findings: AuditFinding[];
}

/** The first broken link of the log's own chain (its sequence, links and hashes), if any. */
function verifyLogChain(records: readonly AuditLogRecord[], hasher: Hasher): AuditFinding | undefined {
  let prev = GENESIS;
  for (const [i, record] of records.entries()) {
    const seq = i + 1;
    const about = { rotationId: record.rotationId, index: record.index };
    if (record.seq !== seq) {
      return { problem: 'log_broken', seq, ...about, message: `record ${seq} is missing (the next is ${record.seq}): records were removed from the log` };
    }
    if (record.prev !== prev) {
      return { problem: 'log_broken', seq, ...about, message: `record ${seq} does not link to record ${seq - 1}: records were removed or reordered` };
    }
    const { hash, ...unhashed } = record;
    if (logRecordHash(unhashed, hasher) !== hash) return { problem: 'log_broken', seq, ...about, message: `record ${seq} does not match its hash: it was edited` };
    prev = hash;
  }
  return undefined;
}

/**
 * Every chain of a store: each rotation's, the log's own, and the agreement
 * between them (each logged entry still there, unchanged, each rotation's
 * entries logged in order). Read the log before the rotations: entries only
 * ever grow, so a rotation read after its log records always holds them, and
 * one written meanwhile only adds pending entries.
 */
export function verifyAuditTrail(rotations: readonly Rotation[], records: readonly AuditLogRecord[], hasher: Hasher): AuditReport {
  const byId = new Map(rotations.map((rotation) => [rotation.id, rotation]));
  const firstOf = new Map<string, AuditFinding>();
  const note = (finding: AuditFinding & { rotationId: string }) => {
    if (!firstOf.has(finding.rotationId)) firstOf.set(finding.rotationId, finding);
  };
  for (const rotation of [...rotations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const broken = verifyRotationChain(rotation, hasher);
    if (broken) note({ ...broken, rotationId: rotation.id });
  }

  const logged = new Map<string, number>();
  for (const record of records) {
    const { rotationId, index, seq } = record;
    const where = `entry ${index} is in the store-wide log (record ${seq})`;
    const rotation = byId.get(rotationId);
    const expected = logged.get(rotationId) ?? 0;
    logged.set(rotationId, Math.max(expected, index + 1));
    if (!rotation) {
      note({ problem: 'rotation_deleted', rotationId, index, seq, message: `${where}, but the rotation is not in the store: it was deleted` });
      continue;
    }
    if (index !== expected) {
      note({ problem: 'log_order', rotationId, index, seq, message: `${where} where entry ${expected} was expected: the log was edited` });
      continue;
    }
    const entry = rotation.history[index];
    if (!entry) note({ problem: 'entry_removed', rotationId, index, seq, message: `${where}, but the rotation has no such entry: it was removed` });
    else if (entry.hash !== record.entryHash) {
      note({ problem: 'entry_changed', rotationId, index, seq, message: `${where} with another hash: the entry was edited, replaced or reordered` });
    }
  }

  const logBroken = verifyLogChain(records, hasher);
  const entries = rotations.reduce((sum, rotation) => sum + (Array.isArray(rotation.history) ? rotation.history.length : 0), 0);
  const pending = rotations.reduce((sum, rotation) => {
    const count = Array.isArray(rotation.history) ? rotation.history.length : 0;
    return sum + Math.max(0, count - (logged.get(rotation.id) ?? 0));
  }, 0);
  const byRotation = [...firstOf.values()].sort((a, b) => ((a.rotationId ?? '') < (b.rotationId ?? '') ? -1 : 1));
  return {
    rotations: rotations.length,
    entries,
    logRecords: records.length,
    logHead: records.at(-1)?.hash ?? GENESIS,
    pending,
    findings: [...(logBroken ? [logBroken] : []), ...byRotation],
  };
}

/** One line per broken link: `ROT-4F7K2Q: entry 2 does not match its hash…`, `store-wide log: record 17 …`. */
export function describeFinding(finding: AuditFinding): string {
  return finding.problem === 'log_broken' ? `store-wide log: ${finding.message}` : `${finding.rotationId}: ${finding.message}`;
}
