import { nextLogRecord, type AuditLogRecord, type Hasher, type LoggedEntry } from '../domain/audit-chain';

/**
 * The store-wide audit log (domain/audit-chain.ts) on one engine: records in
 * sequence, appended only. Each engine gives the one atomic step the chain
 * needs across replicas, `tryAppend`: the record goes in only if its
 * sequence number is the next one, so of two replicas that read the same head
 * exactly one appends, and the other reads the new head and tries again.
 */
export interface AuditLog {
  /** The last record, if any. */
  head(): Promise<AuditLogRecord | undefined>;
  /** Appends the record if `record.seq` is the log's length + 1; false when another writer got there first. */
  tryAppend(record: AuditLogRecord): Promise<boolean>;
  /** How many of this rotation's entries the log holds. */
  countOf(rotationId: string): Promise<number>;
  /** Every record, by sequence: a full read, for verification and maintenance. */
  records(): Promise<AuditLogRecord[]>;
}

/**
 * Rounds of read-the-head → append before giving up: each lost round means
 * another replica appended, so this is only reached under a flood of writes
 * far past what people clicking make (the entries are then logged with the
 * rotation's next change).
 */
const APPEND_ATTEMPTS = 200;

/** Appends these entries in order, each onto the head as it then is, retrying a lost race on the head. */
export async function appendToLog(log: AuditLog, entries: readonly LoggedEntry[], hasher: Hasher): Promise<void> {
  for (const entry of entries) {
    for (let attempt = 1; ; attempt += 1) {
      if (await log.tryAppend(nextLogRecord(await log.head(), entry, hasher))) break;
      if (attempt >= APPEND_ATTEMPTS) {
        throw new Error(`the store-wide audit log kept moving: ${entry.rotationId} entry ${entry.index} was not logged`);
      }
      // Another replica appended: a short, random pause so that the same two do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 20)));
    }
  }
}

/** The log in this process: the memory store's. */
export class MemoryAuditLog implements AuditLog {
  private readonly log: AuditLogRecord[] = [];
  private readonly counts = new Map<string, number>();

  async head(): Promise<AuditLogRecord | undefined> {
    return this.log.at(-1);
  }

  async tryAppend(record: AuditLogRecord): Promise<boolean> {
    if (record.seq !== this.log.length + 1) return false;
    this.log.push({ ...record });
    this.counts.set(record.rotationId, (this.counts.get(record.rotationId) ?? 0) + 1);
    return true;
  }

  async countOf(rotationId: string): Promise<number> {
    return this.counts.get(rotationId) ?? 0;
  }

  async records(): Promise<AuditLogRecord[]> {
    return this.log.map((record) => ({ ...record }));
  }
}
