import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { RunSql } from '../../src/store/sql-tables';
import { POSTGRES, SqlReminderSchedule } from '../../src/store/sql-reminder-schedule';
import { LEASE, occurrence, scheduleContract, T } from '../support/schedule-contract';

/**
 * The schedule's contract on a real PostgreSQL server (TEST_POSTGRES_URL, set
 * by .ci/run), plus what only a shared server can show: many claims from two
 * connection pools at once (two replicas), and several processes creating the
 * table together. Every case works on its own randomly named table and drops
 * it after.
 */
const url = process.env.TEST_POSTGRES_URL;

/** The part of pg's Pool used here; pg comes with @keyv/postgres and ships no types of its own. */
interface PgPool {
  query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
}
type PoolConstructor = new (config: { connectionString: string; max?: number }) => PgPool;

function newPool(connectionString: string): PgPool {
  // Resolved from @keyv/postgres, which is what the bot talks to PostgreSQL through.
  const { Pool } = createRequire(require.resolve('@keyv/postgres'))('pg') as { Pool: PoolConstructor };
  return new Pool({ connectionString, max: 10 });
}

const queryOf =
  (pool: PgPool): RunSql =>
  async (sql, values) =>
    (await pool.query(sql, values)).rows;

if (url === undefined || url === '') {
  console.log('TEST_POSTGRES_URL is not set: the reminder schedule suite on PostgreSQL is skipped');
  describe.skip('the reminder schedule on postgres (TEST_POSTGRES_URL not set)', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  /** A fresh schedule on its own table and pool; `another` is a second pool (another replica); `close` drops the table. */
  const open = () => {
    const table = `wfi_test_${randomBytes(6).toString('hex')}`;
    const pools = [newPool(url)];
    const pool = pools[0]!;
    return {
      table,
      pool,
      schedule: new SqlReminderSchedule(POSTGRES, queryOf(pool), table),
      close: async () => {
        try {
          await pool.query(`DROP TABLE IF EXISTS ${table}`);
        } finally {
          await Promise.all(pools.map((p) => p.end()));
        }
      },
      another: async () => {
        const second = newPool(url);
        pools.push(second);
        return { pool: second, schedule: new SqlReminderSchedule(POSTGRES, queryOf(second), table), close: async () => undefined };
      },
    };
  };

  scheduleContract('postgres', open, { sharedAs: 'server' });

  describe('the reminder schedule on postgres, across pools', () => {
    let opened: ReturnType<typeof open>;

    beforeEach(() => {
      opened = open();
    });
    afterEach(async () => {
      await opened.close();
    });

    it('gives an occurrence to exactly one of 20 concurrent claims from two pools', async () => {
      const second = await opened.another();
      const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      await opened.schedule.add([o]);
      const now = T('2026-03-02T09:00:00Z');
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? opened.schedule : second.schedule).claim(o.key, `owner-${i}`, now, LEASE)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      const { rows } = await opened.pool.query(`SELECT state, claimed_by, lease_until FROM ${opened.table} WHERE key = $1`, [o.key]);
      expect(rows).toEqual([{ state: 'claimed', claimed_by: `owner-${claims.indexOf(true)}`, lease_until: String(now.getTime() + LEASE) }]);
    });

    it('hands an expired lease to exactly one of 20 concurrent claims from two pools', async () => {
      const second = await opened.another();
      const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      await opened.schedule.add([o]);
      expect(await opened.schedule.claim(o.key, 'crashed', T('2026-03-02T09:00:00Z'), LEASE)).toBe(true);
      const later = T('2026-03-02T09:05:00Z');
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? opened.schedule : second.schedule).claim(o.key, `owner-${i}`, later, LEASE)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it('creates its table once when several processes start on it together', async () => {
      const second = await opened.another();
      // Fresh instances each create the table on first use: ten at once, over two pools.
      const schedules = Array.from(
        { length: 10 },
        (_, i) => new SqlReminderSchedule(POSTGRES, queryOf(i % 2 === 0 ? opened.pool : second.pool), opened.table),
      );
      await Promise.all(schedules.map((s, i) => s.add([occurrence(`ROT-${String(i).padStart(6, '0')}`, 'submit_due', '2026-03-02T09:00:00.000Z')])));
      expect(await opened.schedule.due(T('2026-03-02T09:00:00Z'), 100)).toHaveLength(10);
      const { rows } = await opened.pool.query('SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [opened.table]);
      expect(rows.map((r) => r.indexname)).toEqual([`${opened.table}_due`, `${opened.table}_finished`, `${opened.table}_pkey`, `${opened.table}_rotation_due`]);
    });

    it('adds each key once when two pools add the same occurrences at once', async () => {
      const second = await opened.another();
      const os = Array.from({ length: 50 }, (_, i) => occurrence(`ROT-${String(i).padStart(6, '0')}`, 'submit_due', '2026-03-02T09:00:00.000Z'));
      await Promise.all([opened.schedule.add(os), second.schedule.add(os), opened.schedule.add(os)]);
      expect(await opened.schedule.due(T('2026-03-02T09:00:00Z'), 100)).toHaveLength(50);
    });

    it('stores instants as BIGINT milliseconds and reads them back as the same ISO instants', async () => {
      const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.123Z');
      await opened.schedule.add([o]);
      await opened.schedule.finish(o.key, { state: 'failed', reason: 'is_archived' }, T('2026-03-02T09:00:05.456Z'));
      const { rows } = await opened.pool.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 AND column_name IN ('due_at', 'lease_until', 'finished_at') ORDER BY column_name`,
        [opened.table],
      );
      expect(rows).toEqual([
        { column_name: 'due_at', data_type: 'bigint' },
        { column_name: 'finished_at', data_type: 'bigint' },
        { column_name: 'lease_until', data_type: 'bigint' },
      ]);
      expect(await opened.schedule.failures()).toEqual([
        { key: o.key, rotationId: 'ROT-AAAAAA', kind: 'submit_due', dueAt: o.dueAt, state: 'failed', finishedAt: '2026-03-02T09:00:05.456Z', failure: 'is_archived' },
      ]);
    });

    it('returns every unfinished occurrence when asked far in the future (as the store migration does)', async () => {
      const os = Array.from({ length: 30 }, (_, i) => occurrence('ROT-AAAAAA', 'submit_due', new Date(Date.UTC(2030 + i, 0, 1)).toISOString()));
      await opened.schedule.add(os);
      await opened.schedule.claim(os[5]!.key, 'x', T('2026-03-02T09:00:00Z'), LEASE);
      const all = await opened.schedule.due(new Date(8.64e15), 1_000_000);
      expect(all.map((o) => o.key)).toEqual(os.map((o) => o.key));
    });

    it('gives the earliest pending occurrence of a rotation, and nothing for an unknown one', async () => {
      const later = occurrence('ROT-AAAAAA', 'deadline_near', '2026-03-09T09:00:00.000Z');
      const earlier = occurrence('ROT-AAAAAA', 'submit_soon', '2026-03-05T09:00:00.000Z');
      await opened.schedule.add([later, earlier]);
      expect(await opened.schedule.nextFor('ROT-AAAAAA')).toEqual({ ...earlier, state: 'pending' });
      expect(await opened.schedule.nextFor('ROT-ZZZZZZ')).toBeUndefined();
    });

    it('refuses a table name that is not a plain identifier', () => {
      expect(() => new SqlReminderSchedule(POSTGRES, queryOf(opened.pool), 'reminders; DROP TABLE keyv')).toThrow(/table name/);
    });
  });
}
