import type { ReminderOutcome, ReminderSchedule, ScheduledReminder } from '../domain/ports';
import type { ReminderOccurrence } from '../domain/reminder-kinds';
import { readEntry, storedDigest, type StoredEntry } from './schedule-entry';

/** Runs one statement with its parameters and gives back its rows (none for most writes). */
export type RunSql = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * What differs between the SQL engines the schedule runs on. Everything else
 * (the table, every statement) is the same text on each, written with `?`
 * placeholders that the dialect numbers.
 */
export interface SqlDialect {
  /** The n-th parameter (from 1) of a statement, as the engine writes it. */
  placeholder(n: number): string;
  /** The key column's type: keys must order byte by byte, as `due` breaks ties by key. */
  keyType: string;
  /** The type of the instants (milliseconds since the epoch). */
  instantType: string;
  /** One parameter, an index name: answers a row when an index of that name exists. */
  findIndex: string;
  /**
   * Whether a CREATE … IF NOT EXISTS failed only because another process
   * created the same object at the same moment: it exists now, and the setup
   * is tried again at once.
   */
  lostCreateRace(error: unknown): boolean;
}

export const SQLITE: SqlDialect = {
  placeholder: () => '?',
  keyType: 'TEXT',
  instantType: 'INTEGER',
  findIndex: "SELECT name FROM sqlite_master WHERE type = 'index' AND name = ?",
  // SQLite changes a schema under the file's write lock: a second CREATE … IF NOT EXISTS waits for it, then finds the object.
  lostCreateRace: () => false,
};

/** PostgreSQL error codes a concurrent CREATE … IF NOT EXISTS can still raise: unique_violation (in pg_type or pg_class), duplicate_table, duplicate_object. */
const CREATE_RACE_CODES: ReadonlySet<unknown> = new Set(['23505', '42P07', '42710']);

export const POSTGRES: SqlDialect = {
  placeholder: (n) => `$${n}`,
  // COLLATE "C": byte order whatever the database's locale, as in SQLite.
  keyType: 'TEXT COLLATE "C"',
  instantType: 'BIGINT',
  findIndex: "SELECT 1 AS found FROM pg_class WHERE oid = to_regclass(?) AND relkind = 'i'",
  // Processes starting together can all pass IF NOT EXISTS and then collide in the catalogue.
  lostCreateRace: (error) => CREATE_RACE_CODES.has((error as { code?: unknown } | null)?.code),
};

/** Each of the four objects (table, three indexes) can be lost to a racing process once: then it exists. */
const CREATE_ATTEMPTS = 5;

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
  private ready?: Promise<void>;

  constructor(
    private readonly dialect: SqlDialect,
    private readonly query: RunSql,
    private readonly table = 'wfi_reminders',
  ) {
    if (!/^[a-z_][a-z0-9_]{0,50}$/i.test(table)) throw new Error(`Not a usable table name: ${table}`);
  }

  /**
   * Creates the table and its indexes on first use. A failure (the server is
   * down, the file is locked) is not remembered: the next call tries again.
   */
  private setUp(): Promise<void> {
    this.ready ??= this.createSchema().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async createSchema(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.createObjects();
      } catch (error) {
        if (!this.dialect.lostCreateRace(error) || attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
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
    let n = 0;
    return this.query(sql.replace(/\?/g, () => this.dialect.placeholder(++n)), params);
  }

  private async rows(sql: string, params: unknown[]): Promise<Row[]> {
    await this.setUp();
    return (await this.run(sql, params)) as unknown as Row[];
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
