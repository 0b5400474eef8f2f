import type { ReminderOutcome, ReminderSchedule, ScheduledReminder } from '../domain/ports';
import type { ReminderOccurrence } from '../domain/reminder-kinds';
import { readEntry, storedDigest, type StoredEntry } from './schedule-entry';
import { SqlTables, tableName, type RunSql, type SqlDialect } from './sql-tables';

export { POSTGRES, SQLITE, type RunSql, type SqlDialect } from './sql-tables';

/** Rows deleted per statement when pruning: short statements, so no prune holds SQLite's write lock for long. */
const PRUNE_BATCH = 1000;

const FINISHED_STATES = "('sent', 'failed', 'dropped')";

const COLUMNS = 'key, rotation_id, kind, due_at, state, finished_at, failure';

/** A row as the driver gives it: pg returns BIGINT as a string (it may exceed 2^53; these instants never do). */
interface Row {
  key: string;
  rotation_id: string;
  kind: string;
  due_at: string | number;
  state: ScheduledReminder['state'];
  finished_at: string | number | null;
  failure: string | null;
}

const isoOf = (ms: string | number) => new Date(Number(ms)).toISOString();

function toReminder(row: Row): ScheduledReminder {
  return readEntry({
    key: row.key,
    rotationId: row.rotation_id,
    kind: row.kind as ScheduledReminder['kind'],
    dueAt: isoOf(row.due_at),
    state: row.state,
    ...(row.finished_at !== null ? { finishedAt: isoOf(row.finished_at) } : {}),
    ...(row.failure !== null ? { failure: row.failure } : {}),
  });
}

/**
 * The reminder schedule in its own table beside keyv's, on SQLite or
 * PostgreSQL: keyv has neither range queries nor compare-and-set, and both
 * are one SQL statement here. Instants are integer milliseconds; the
 * (state, due_at) index makes finding what is due cost in proportion to what
 * is due. A claim is one UPDATE … RETURNING, which the engine serialises on
 * the row (PostgreSQL re-checks the WHERE against the committed row, SQLite
 * holds the file's write lock), so across processes and replicas exactly one
 * claimant gets it.
 */
export class SqlReminderSchedule implements ReminderSchedule {
  private readonly sql: SqlTables;

  constructor(
    private readonly dialect: SqlDialect,
    query: RunSql,
    private readonly table = 'wfi_reminders',
  ) {
    tableName(table);
    this.sql = new SqlTables(dialect, query, () => this.createObjects());
  }

  private async createObjects(): Promise<void> {
    const { table: t, dialect } = this;
    await this.run(`CREATE TABLE IF NOT EXISTS ${t} (
      key ${dialect.keyType} PRIMARY KEY,
      rotation_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      due_at ${dialect.instantType} NOT NULL,
      state TEXT NOT NULL,
      claimed_by TEXT,
      lease_until ${dialect.instantType},
      finished_at ${dialect.instantType},
      failure TEXT
    )`);
    await this.run(`CREATE INDEX IF NOT EXISTS ${t}_due ON ${t} (state, due_at)`);
    await this.run(`CREATE INDEX IF NOT EXISTS ${t}_rotation_due ON ${t} (rotation_id, state, due_at)`);
    // Pruning finds what finished before the retention cutoff here instead of scanning the table.
    // Stores made before pruning get it at their next start (or `npm run store:migrate`), like any index here.
    await this.run(`CREATE INDEX IF NOT EXISTS ${t}_finished ON ${t} (finished_at)`);
    // Stores made before due_at joined the rotation's index still have the old one, which
    // rotation_due replaces (nextFor reads a rotation's next reminder straight from it).
    // Looked up first: dropping is a schema change, not worth taking at every start.
    const old = `${t}_rotation`;
    if ((await this.run(dialect.findIndex, [old])).length > 0) await this.run(`DROP INDEX IF EXISTS ${old}`);
  }

  private run(sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
    return this.sql.run(sql, params);
  }

  private async rows(sql: string, params: unknown[]): Promise<Row[]> {
    return (await this.sql.rows(sql, params)) as unknown as Row[];
  }

  async add(occurrences: readonly StoredEntry[]): Promise<void> {
    for (const o of occurrences) {
      await this.rows(
        `INSERT INTO ${this.table} (key, rotation_id, kind, due_at, state) VALUES (?, ?, ?, ?, 'pending')
         ON CONFLICT (key) DO NOTHING`,
        [o.key, o.rotationId, o.kind, Date.parse(o.dueAt)],
      );
    }
  }

  addDigest(dueAt: string): Promise<void> {
    return this.add([storedDigest(dueAt)]);
  }

  async reschedule(rotationId: string, occurrences: ReminderOccurrence[]): Promise<void> {
    await this.rows(`DELETE FROM ${this.table} WHERE rotation_id = ? AND state = 'pending'`, [rotationId]);
    await this.add(occurrences);
  }

  async due(now: Date, limit: number): Promise<ScheduledReminder[]> {
    const t = now.getTime();
    // Each branch walks the (state, due_at) index and stops at `limit`; the merge is at most 2 × limit rows.
    const rows = await this.rows(
      `SELECT ${COLUMNS} FROM (SELECT ${COLUMNS} FROM ${this.table} WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, key LIMIT ?) AS pending
       UNION ALL
       SELECT ${COLUMNS} FROM (SELECT ${COLUMNS} FROM ${this.table} WHERE state = 'claimed' AND due_at <= ? AND lease_until < ? ORDER BY due_at, key LIMIT ?) AS expired
       ORDER BY due_at, key LIMIT ?`,
      [t, limit, t, t, limit, limit],
    );
    return rows.map(toReminder);
  }

  async claim(key: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const t = now.getTime();
    const [row] = await this.rows(
      `UPDATE ${this.table} SET state = 'claimed', claimed_by = ?, lease_until = ?
       WHERE key = ? AND (state = 'pending' OR (state = 'claimed' AND lease_until < ?))
       RETURNING claimed_by`,
      [owner, t + leaseMs, key, t],
    );
    return (row as { claimed_by?: string } | undefined)?.claimed_by === owner;
  }

  async finish(key: string, outcome: ReminderOutcome, now: Date): Promise<void> {
    await this.rows(`UPDATE ${this.table} SET state = ?, finished_at = ?, failure = ?, lease_until = NULL WHERE key = ?`, [
      outcome.state,
      now.getTime(),
      outcome.state === 'failed' ? outcome.reason : null,
      key,
    ]);
  }

  async nextFor(rotationId: string): Promise<ScheduledReminder | undefined> {
    // Ties by key, as `due` and the other engines break them.
    const [row] = await this.rows(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE rotation_id = ? AND state = 'pending' ORDER BY due_at, key LIMIT 1`,
      [rotationId],
    );
    return row ? toReminder(row) : undefined;
  }

  /**
   * Batches of one statement each, oldest first, walking the finished_at
   * index. Two processes pruning at once may pick the same rows: the second
   * delete finds them gone and skips them (PostgreSQL re-checks the WHERE
   * against the row it waited for; SQLite runs one writer at a time), and
   * whichever removed some goes on to the next batch.
   */
  async pruneFinished(finishedBefore: Date): Promise<number> {
    const t = finishedBefore.getTime();
    let removed = 0;
    for (;;) {
      // Only finish() sets finished_at, so the batch is chosen by it alone: a state condition
      // there would have SQLite walk the (state, due_at) index through every finished row.
      const rows = await this.rows(
        `DELETE FROM ${this.table}
         WHERE key IN (SELECT key FROM ${this.table} WHERE finished_at < ? ORDER BY finished_at LIMIT ?)
           AND finished_at < ? AND state IN ${FINISHED_STATES}
         RETURNING key`,
        [t, PRUNE_BATCH, t],
      );
      // Until a batch finds nothing: one that lost all its rows to another process is not the end.
      if (rows.length === 0) return removed;
      removed += rows.length;
    }
  }

  async entries(): Promise<ScheduledReminder[]> {
    return (await this.rows(`SELECT ${COLUMNS} FROM ${this.table} ORDER BY key`, [])).map(toReminder);
  }

  async failures(rotationId?: string, limit = 20): Promise<ScheduledReminder[]> {
    const rows =
      rotationId === undefined
        ? await this.rows(`SELECT ${COLUMNS} FROM ${this.table} WHERE state = 'failed' ORDER BY finished_at DESC LIMIT ?`, [limit])
        : await this.rows(`SELECT ${COLUMNS} FROM ${this.table} WHERE rotation_id = ? AND state = 'failed' ORDER BY finished_at DESC LIMIT ?`, [
            rotationId,
            limit,
          ]);
    return rows.map(toReminder);
  }
}
