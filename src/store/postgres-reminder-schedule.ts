import type { ReminderOutcome, ReminderSchedule, ScheduledReminder } from '../domain/ports';
import type { ReminderOccurrence } from '../domain/reminder-kinds';
import type { PgQuery } from './engine-locks';

/** pg returns BIGINT columns as strings (they may exceed 2^53); these instants never do. */
interface Row {
  key: string;
  rotation_id: string;
  kind: string;
  due_at: string | number;
  state: ScheduledReminder['state'];
  finished_at: string | number | null;
  failure: string | null;
}

const COLUMNS = 'key, rotation_id, kind, due_at, state, finished_at, failure';

/** PostgreSQL error codes a concurrent CREATE … IF NOT EXISTS can still raise. */
const UNIQUE_VIOLATION = '23505';
const DUPLICATE_TABLE = '42P07';
const DUPLICATE_OBJECT = '42710';
/** Each of the three objects (table, two indexes) can be lost to a racing process once: then it exists. */
const CREATE_ATTEMPTS = 4;

function toReminder(row: Row): ScheduledReminder {
  return {
    key: row.key,
    rotationId: row.rotation_id,
    kind: row.kind as ScheduledReminder['kind'],
    dueAt: new Date(Number(row.due_at)).toISOString(),
    state: row.state,
    ...(row.finished_at !== null ? { finishedAt: new Date(Number(row.finished_at)).toISOString() } : {}),
    ...(row.failure !== null ? { failure: row.failure } : {}),
  };
}

function isCreateRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === UNIQUE_VIOLATION || code === DUPLICATE_TABLE || code === DUPLICATE_OBJECT;
}

/**
 * The reminder schedule in its own PostgreSQL table, beside keyv's: the same
 * table and statements as the SQLite schedule. Instants are BIGINT
 * milliseconds; the (state, due_at) index makes finding what is due cost in
 * proportion to what is due; a claim is one UPDATE … RETURNING, which
 * PostgreSQL serialises on the row (a concurrent claimant re-checks the WHERE
 * against the committed row and matches nothing), so across any number of
 * replicas exactly one gets it.
 */
export class PostgresReminderSchedule implements ReminderSchedule {
  private ready?: Promise<void>;
  private readonly table: string;

  constructor(
    private readonly query: PgQuery,
    table = 'wfi_reminders',
  ) {
    if (!/^[a-z_][a-z0-9_]{0,50}$/i.test(table)) throw new Error(`Not a usable table name: ${table}`);
    this.table = table;
  }

  /**
   * Creates the table once, lazily. Processes starting together can all pass
   * CREATE … IF NOT EXISTS and collide in the catalogue (a unique violation
   * on pg_type or pg_class, code 23505): the loser tries again and then finds
   * what the winner made. A failure (the server is down) is not remembered,
   * so a later call tries again.
   */
  private init(): Promise<void> {
    this.ready ??= (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.createTable();
        } catch (error) {
          if (!isCreateRace(error) || attempt >= CREATE_ATTEMPTS) throw error;
        }
      }
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async createTable(): Promise<void> {
    const t = this.table;
    // COLLATE "C": keys order byte by byte, as in SQLite, whatever the database's locale.
    await this.query(`CREATE TABLE IF NOT EXISTS ${t} (
      key TEXT COLLATE "C" PRIMARY KEY,
      rotation_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      due_at BIGINT NOT NULL,
      state TEXT NOT NULL,
      claimed_by TEXT,
      lease_until BIGINT,
      finished_at BIGINT,
      failure TEXT
    )`);
    await this.query(`CREATE INDEX IF NOT EXISTS ${t}_due ON ${t} (state, due_at)`);
    // With due_at, a rotation's next reminder (nextFor) is read straight from the index, as on SQLite.
    await this.query(`DROP INDEX IF EXISTS ${t}_rotation`);
    await this.query(`CREATE INDEX IF NOT EXISTS ${t}_rotation_due ON ${t} (rotation_id, state, due_at)`);
  }

  private async rows(sql: string, values: unknown[]): Promise<Row[]> {
    await this.init();
    return (await this.query(sql, values)) as unknown as Row[];
  }

  async add(occurrences: Array<Omit<ScheduledReminder, 'state'>>): Promise<void> {
    for (const o of occurrences) {
      await this.rows(
        `INSERT INTO ${this.table} (key, rotation_id, kind, due_at, state) VALUES ($1, $2, $3, $4, 'pending')
         ON CONFLICT (key) DO NOTHING`,
        [o.key, o.rotationId, o.kind, Date.parse(o.dueAt)],
      );
    }
  }

  async reschedule(rotationId: string, occurrences: ReminderOccurrence[]): Promise<void> {
    await this.rows(`DELETE FROM ${this.table} WHERE rotation_id = $1 AND state = 'pending'`, [rotationId]);
    await this.add(occurrences);
  }

  async due(now: Date, limit: number): Promise<ScheduledReminder[]> {
    // Each branch walks the (state, due_at) index and stops at `limit`; the merge is at most 2 × limit rows.
    const rows = await this.rows(
      `(SELECT ${COLUMNS} FROM ${this.table} WHERE state = 'pending' AND due_at <= $1 ORDER BY due_at, key LIMIT $2)
       UNION ALL
       (SELECT ${COLUMNS} FROM ${this.table} WHERE state = 'claimed' AND due_at <= $1 AND lease_until < $1 ORDER BY due_at, key LIMIT $2)
       ORDER BY due_at, key LIMIT $2`,
      [now.getTime(), limit],
    );
    return rows.map(toReminder);
  }

  async claim(key: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const t = now.getTime();
    const rows = (await this.rows(
      `UPDATE ${this.table} SET state = 'claimed', claimed_by = $1, lease_until = $2
       WHERE key = $3 AND (state = 'pending' OR (state = 'claimed' AND lease_until < $4))
       RETURNING claimed_by`,
      [owner, t + leaseMs, key, t],
    )) as unknown as Array<{ claimed_by: string }>;
    return rows[0]?.claimed_by === owner;
  }

  async finish(key: string, outcome: ReminderOutcome, now: Date): Promise<void> {
    await this.rows(`UPDATE ${this.table} SET state = $1, finished_at = $2, failure = $3, lease_until = NULL WHERE key = $4`, [
      outcome.state,
      now.getTime(),
      outcome.state === 'failed' ? outcome.reason : null,
      key,
    ]);
  }

  async nextFor(rotationId: string): Promise<ScheduledReminder | undefined> {
    const [row] = await this.rows(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE rotation_id = $1 AND state = 'pending' ORDER BY due_at LIMIT 1`,
      [rotationId],
    );
    return row ? toReminder(row) : undefined;
  }

  async failures(rotationId?: string, limit = 20): Promise<ScheduledReminder[]> {
    const rows =
      rotationId === undefined
        ? await this.rows(`SELECT ${COLUMNS} FROM ${this.table} WHERE state = 'failed' ORDER BY finished_at DESC LIMIT $1`, [limit])
        : await this.rows(
            `SELECT ${COLUMNS} FROM ${this.table} WHERE rotation_id = $1 AND state = 'failed' ORDER BY finished_at DESC LIMIT $2`,
            [rotationId, limit],
          );
    return rows.map(toReminder);
  }
}
