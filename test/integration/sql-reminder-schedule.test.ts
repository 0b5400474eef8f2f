import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { POSTGRES, SQLITE, SqlReminderSchedule, type RunSql, type SqlDialect } from '../../src/store/sql-reminder-schedule';
import { occurrence, T } from '../support/schedule-contract';

/**
 * What the one SQL schedule does around its statements, on each SQL engine
 * (PostgreSQL when TEST_POSTGRES_URL names a server): its setup is tried again
 * after a failure, survives losing a race with another replica, and drops the
 * index an earlier version made only where it is still there. The contract
 * itself runs in reminder-schedule.test.ts and postgres-reminder-schedule.test.ts.
 */
const POSTGRES_URL = process.env.TEST_POSTGRES_URL || undefined;
if (!POSTGRES_URL) console.log('TEST_POSTGRES_URL is not set: the SQL schedule setup on PostgreSQL is skipped');

/** One database to run statements on, with a table name of its own. */
interface Database {
  query: RunSql;
  table: string;
  close(): Promise<void>;
}

function sqliteDatabase(): Database {
  const dir = mkdtempSync(join(tmpdir(), 'wfi-rotate-sql-'));
  const adapter = new KeyvSqlite({ uri: `sqlite://${join(dir, 'store.sqlite')}`, busyTimeout: 2000 });
  return {
    query: (sql, params) => adapter.query(sql, ...params),
    table: 'wfi_reminders',
    close: async () => {
      await adapter.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The part of pg's Pool used here; pg comes with @keyv/postgres and ships no types of its own. */
interface PgPool {
  query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
}

function postgresDatabase(url: string): Database {
  const { Pool } = createRequire(require.resolve('@keyv/postgres'))('pg') as { Pool: new (config: { connectionString: string }) => PgPool };
  const pool = new Pool({ connectionString: url });
  const table = `wfi_test_${randomBytes(6).toString('hex')}`;
  return {
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    table,
    close: async () => {
      try {
        await pool.query(`DROP TABLE IF EXISTS ${table}`);
      } finally {
        await pool.end();
      }
    },
  };
}

/** A query that records each statement, and fails the ones `failWith` says to. */
function watched(query: RunSql, failWith: (sql: string) => Error | undefined = () => undefined) {
  const statements: string[] = [];
  const run: RunSql = async (sql, params) => {
    statements.push(sql);
    const error = failWith(sql);
    if (error) throw error;
    return query(sql, params);
  };
  return { run, statements };
}

/** An error as the driver raises it, with the engine's code. */
const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

const engines: Array<[string, SqlDialect, (() => Database) | undefined]> = [
  ['sqlite', SQLITE, sqliteDatabase],
  ['postgres', POSTGRES, POSTGRES_URL ? () => postgresDatabase(POSTGRES_URL) : undefined],
];

describe.each(engines)('the SQL reminder schedule on %s', (_name, dialect, open) => {
  const maybe = open ? it : it.skip;
  let db: Database;

  beforeEach(() => {
    if (open) db = open();
  });
  afterEach(async () => {
    if (open) await db.close();
  });

  maybe('tries its setup again on the next call after a failure, instead of failing from then on', async () => {
    let down = true;
    const { run } = watched(db.query, (sql) => (down && sql.startsWith('CREATE TABLE') ? coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED') : undefined));
    const schedule = new SqlReminderSchedule(dialect, run, db.table);
    const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');

    await expect(schedule.add([o])).rejects.toThrow(/ECONNREFUSED/);
    await expect(schedule.due(T('2026-03-02T09:00:00Z'), 10)).rejects.toThrow(/ECONNREFUSED/);
    down = false;

    await schedule.add([o]);
    expect((await schedule.due(T('2026-03-02T09:00:00Z'), 10)).map((d) => d.key)).toEqual([o.key]);
  });

  maybe('sets up once while it works: one CREATE TABLE for many calls', async () => {
    const { run, statements } = watched(db.query);
    const schedule = new SqlReminderSchedule(dialect, run, db.table);
    await Promise.all(['ROT-AAAAAA', 'ROT-BBBBBB'].map((id) => schedule.add([occurrence(id, 'submit_due', '2026-03-02T09:00:00.000Z')])));
    await schedule.due(T('2026-03-02T09:00:00Z'), 10);
    expect(statements.filter((sql) => sql.startsWith('CREATE TABLE'))).toHaveLength(1);
  });

  maybe('drops the rotation index an earlier version made, and only where it is still there', async () => {
    // A store as the earlier version left it: the table with its old (rotation_id, state) index.
    const first = new SqlReminderSchedule(dialect, db.query, db.table);
    await first.due(T('2026-03-02T09:00:00Z'), 1);
    await db.query(`DROP INDEX ${db.table}_rotation_due`, []);
    await db.query(`CREATE INDEX ${db.table}_rotation ON ${db.table} (rotation_id, state)`, []);

    const upgraded = watched(db.query);
    await new SqlReminderSchedule(dialect, upgraded.run, db.table).due(T('2026-03-02T09:00:00Z'), 1);
    expect(upgraded.statements.filter((sql) => sql.startsWith('DROP INDEX'))).toEqual([`DROP INDEX IF EXISTS ${db.table}_rotation`]);
    const found = (name: string) => db.query(dialect.findIndex.replace('?', dialect.placeholder(1)), [name]);
    expect(await found(`${db.table}_rotation`)).toEqual([]);
    expect(await found(`${db.table}_rotation_due`)).toHaveLength(1);

    // The next start finds nothing to drop and drops nothing.
    const next = watched(db.query);
    await new SqlReminderSchedule(dialect, next.run, db.table).due(T('2026-03-02T09:00:00Z'), 1);
    expect(next.statements.filter((sql) => sql.startsWith('DROP'))).toEqual([]);
  });

  maybe('gives a store made before pruning its finished_at index at the next start, and prunes what it had', async () => {
    // A store as the version before pruning left it: no finished_at index, and finished rows.
    const earlier = new SqlReminderSchedule(dialect, db.query, db.table);
    const old = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
    await earlier.add([old, occurrence('ROT-AAAAAA', 'deadline_near', '2026-03-09T09:00:00.000Z')]);
    await earlier.finish(old.key, { state: 'sent' }, T('2026-03-02T09:00:01Z'));
    await db.query(`DROP INDEX ${db.table}_finished`, []);
    const found = (name: string) => db.query(dialect.findIndex.replace('?', dialect.placeholder(1)), [name]);
    expect(await found(`${db.table}_finished`)).toEqual([]);

    const upgraded = new SqlReminderSchedule(dialect, db.query, db.table);
    expect(await upgraded.pruneFinished(T('2026-06-01T00:00:00Z'))).toBe(1);
    expect(await found(`${db.table}_finished`)).toHaveLength(1);
    expect((await upgraded.entries()).map((e) => e.kind)).toEqual(['deadline_near']);
  });
});

describe('the SQL reminder schedule on sqlite, pruning', () => {
  it('finds what to prune through the finished_at index, not by scanning the table', async () => {
    const db = sqliteDatabase();
    try {
      const { run, statements } = watched(db.query);
      await new SqlReminderSchedule(SQLITE, run, db.table).pruneFinished(T('2026-06-01T00:00:00Z'));
      const prune = statements.find((sql) => sql.trim().startsWith('DELETE')) as string;
      const plan = await db.query(`EXPLAIN QUERY PLAN ${prune}`, [0, 10, 0]);
      const steps = plan.map((row) => String(row.detail));
      expect(steps).toContain(`SEARCH ${db.table} USING INDEX ${db.table}_finished (finished_at<?)`);
      expect(steps.filter((step) => step.startsWith('SCAN'))).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

(POSTGRES_URL ? describe : describe.skip)('the SQL reminder schedule on postgres, racing another replica', () => {
  let db: Database;
  beforeEach(() => {
    db = postgresDatabase(POSTGRES_URL!);
  });
  afterEach(() => db.close());

  it.each([
    ['a unique violation in the catalogue', '23505'],
    ['a duplicate table', '42P07'],
    ['a duplicate index', '42710'],
  ])('tries again at once when its CREATE loses to another replica (%s)', async (_what, code) => {
    let lost = false;
    const { run } = watched(db.query, (sql) => {
      if (lost || !sql.startsWith('CREATE')) return undefined;
      lost = true;
      return coded('duplicate key value violates unique constraint "pg_type_typname_nsp_index"', code);
    });
    const schedule = new SqlReminderSchedule(POSTGRES, run, db.table);
    const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');

    await schedule.add([o]);
    expect((await schedule.due(T('2026-03-02T09:00:00Z'), 10)).map((d) => d.key)).toEqual([o.key]);
  });

  it('gives up on a race it keeps losing, and tries again on the next call', async () => {
    let losing = true;
    const { run } = watched(db.query, (sql) => (losing && sql.startsWith('CREATE') ? coded('relation already exists', '42P07') : undefined));
    const schedule = new SqlReminderSchedule(POSTGRES, run, db.table);

    await expect(schedule.due(T('2026-03-02T09:00:00Z'), 10)).rejects.toThrow(/already exists/);
    losing = false;
    expect(await schedule.due(T('2026-03-02T09:00:00Z'), 10)).toEqual([]);
  });
});
