import type { ReminderOutcome, ReminderSchedule, ScheduledReminder } from '../domain/ports';
import type { ReminderOccurrence } from '../domain/reminder-kinds';
import type { SqlQuery } from './engine-locks';


interface Row {
  key: string;
  rotation_id: string;
  kind: string;
  due_at: number;
  state: ScheduledReminder['state'];
  finished_at: number | null;
  failure: string | null;
}

const COLUMNS = 'key, rotation_id, kind, due_at, state, finished_at, failure';

function toReminder(row: Row): ScheduledReminder {
  return {
    key: row.key,
    rotationId: row.rotation_id,
    kind: row.kind as ScheduledReminder['kind'],
    dueAt: new Date(row.due_at).toISOString(),
    state: row.state,
    ...(row.finished_at !== null ? { finishedAt: new Date(row.finished_at).toISOString() } : {}),
    ...(row.failure !== null ? { failure: row.failure } : {}),
  };
}

/**
 * The reminder schedule in its own table of the SQLite file, beside keyv's:
 * keyv has neither range queries nor compare-and-set, and both are one SQL
 * statement here. The (state, due_at) index makes finding what is due cost in
 * proportion to what is due; each claim is a single UPDATE, which SQLite runs
 * atomically across connections and processes.
 */
export class SqliteReminderSchedule implements ReminderSchedule {
  private ready?: Promise<void>;

  constructor(private readonly query: SqlQuery) {}

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await this.query(`CREATE TABLE IF NOT EXISTS wfi_reminders (
        key TEXT PRIMARY KEY,
        rotation_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        claimed_by TEXT,
        lease_until INTEGER,
        finished_at INTEGER,
        failure TEXT
      )`);
      await this.query('CREATE INDEX IF NOT EXISTS wfi_reminders_due ON wfi_reminders (state, due_at)');
      // With due_at, a rotation's next reminder is read straight from the index (nextFor); without it
      // SQLite walked every pending reminder in due order, a cost that grew with the store.
      await this.query('DROP INDEX IF EXISTS wfi_reminders_rotation');
      await this.query('CREATE INDEX IF NOT EXISTS wfi_reminders_rotation_due ON wfi_reminders (rotation_id, state, due_at)');
    })();
    return this.ready;
  }

  private async rows(sql: string, ...params: unknown[]): Promise<Row[]> {
    await this.init();
    return (await this.query(sql, ...params)) as unknown as Row[];
  }

  async add(occurrences: Array<Omit<ScheduledReminder, 'state'>>): Promise<void> {
    for (const o of occurrences) {
      await this.rows(
        "INSERT OR IGNORE INTO wfi_reminders (key, rotation_id, kind, due_at, state) VALUES (?, ?, ?, ?, 'pending')",
        o.key,
        o.rotationId,
        o.kind,
        Date.parse(o.dueAt),
      );
    }
  }

  async reschedule(rotationId: string, occurrences: ReminderOccurrence[]): Promise<void> {
    await this.rows("DELETE FROM wfi_reminders WHERE rotation_id = ? AND state = 'pending'", rotationId);
    await this.add(occurrences);
  }

  async due(now: Date, limit: number): Promise<ScheduledReminder[]> {
    const t = now.getTime();
    const rows = await this.rows(
      `SELECT ${COLUMNS} FROM (
         SELECT ${COLUMNS} FROM wfi_reminders WHERE state = 'pending' AND due_at <= ?
         UNION ALL
         SELECT ${COLUMNS} FROM wfi_reminders WHERE state = 'claimed' AND due_at <= ? AND lease_until < ?
       ) ORDER BY due_at, key LIMIT ?`,
      t,
      t,
      t,
      limit,
    );
    return rows.map(toReminder);
  }

  async claim(key: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const t = now.getTime();
    await this.rows(
      `UPDATE wfi_reminders SET state = 'claimed', claimed_by = ?, lease_until = ?
       WHERE key = ? AND (state = 'pending' OR (state = 'claimed' AND lease_until < ?))`,
      owner,
      t + leaseMs,
      key,
      t,
    );
    const [row] = (await this.rows("SELECT claimed_by FROM wfi_reminders WHERE key = ? AND state = 'claimed'", key)) as unknown as Array<{
      claimed_by: string;
    }>;
    return row?.claimed_by === owner;
  }

  async finish(key: string, outcome: ReminderOutcome, now: Date): Promise<void> {
    await this.rows(
      'UPDATE wfi_reminders SET state = ?, finished_at = ?, failure = ?, lease_until = NULL WHERE key = ?',
      outcome.state,
      now.getTime(),
      outcome.state === 'failed' ? outcome.reason : null,
      key,
    );
  }

  async nextFor(rotationId: string): Promise<ScheduledReminder | undefined> {
    const [row] = await this.rows(
      `SELECT ${COLUMNS} FROM wfi_reminders WHERE rotation_id = ? AND state = 'pending' ORDER BY due_at LIMIT 1`,
      rotationId,
    );
    return row ? toReminder(row) : undefined;
  }

  async failures(rotationId?: string, limit = 20): Promise<ScheduledReminder[]> {
    const rows =
      rotationId === undefined
        ? await this.rows(`SELECT ${COLUMNS} FROM wfi_reminders WHERE state = 'failed' ORDER BY finished_at DESC LIMIT ?`, limit)
        : await this.rows(
            `SELECT ${COLUMNS} FROM wfi_reminders WHERE rotation_id = ? AND state = 'failed' ORDER BY finished_at DESC LIMIT ?`,
            rotationId,
            limit,
          );
    return rows.map(toReminder);
  }
}
