import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { SharedRateCounters } from '../../src/domain/ports';
import type { RateLimitVerdict } from '../../src/domain/rate-limits';
import { openStore, type OpenedStore } from '../../src/store/keyv-factory';
import { postgresRateCounters } from '../../src/store/shared-rate-counters';
import { freshPostgresDatabase } from '../support/databases';

/**
 * The rate limits' counters on the stores replicas share, below the bot:
 * windows that end and start again, keys kept apart by namespace and gone
 * with their window, the PostgreSQL table made by replicas starting together,
 * and its old rows pruned. The bot's side (three replicas, a late store) is
 * shared-rate-limits.test.ts.
 */
const redisUrl = process.env.TEST_REDIS_URL;
const postgresUrl = process.env.TEST_POSTGRES_URL;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ok = (verdicts: RateLimitVerdict[]) => verdicts.map((verdict) => verdict.ok);

type Pg = { query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>; end(): Promise<void> };
function pgPool(url: string): Pg {
  const { Pool } = createRequire(require.resolve('@keyv/postgres'))('pg') as { Pool: new (config: { connectionString: string }) => Pg };
  return new Pool({ connectionString: url });
}

const engines = [
  ['Redis', redisUrl ? () => ({ url: redisUrl, drop: () => undefined }) : undefined],
  ['PostgreSQL', postgresUrl ? () => freshPostgresDatabase(postgresUrl) : undefined],
].filter((e): e is [string, () => { url: string; drop(): void }] => e[1] !== undefined);

(engines.length > 0 ? describe.each(engines) : describe.skip.each([['none', () => ({ url: '', drop: () => undefined })]]))(
  'the rate counters on %s',
  (engine, makeStore) => {
    let location: { url: string; drop(): void };
    let store: OpenedStore;
    let counters: SharedRateCounters;
    let namespace: string;

    beforeEach(async () => {
      location = makeStore();
      namespace = `rate_${randomUUID().slice(0, 8)}`;
      store = openStore(location.url, undefined, namespace);
      counters = store.rateCounters as SharedRateCounters;
      // As the bot does at start: the Redis client connects with the store's first use, never with a count.
      await store.rotations.ping();
    });
    afterEach(async () => {
      await store.rotations.close();
      location.drop();
    });

    it('are there: an engine replicas share counts on the store', () => {
      expect(typeof counters).toBe('function');
    });

    if (engine === 'Redis') {
      it('fail at once, without waiting, while the client is not connected', async () => {
        const unconnected = openStore(location.url, undefined, namespace);
        try {
          await expect((unconnected.rateCounters as SharedRateCounters)('clicks', { limit: 1, windowMs: 1000 }).take('U0A')).rejects.toThrow(/not ready/);
        } finally {
          await unconnected.rotations.close();
        }
      });
    }

    it('refuse past the limit until the window ends, saying how long is left, then count again from zero', async () => {
      const counter = counters('clicks', { limit: 2, windowMs: 1000 });

      const first = [await counter.take('U0A'), await counter.take('U0A'), await counter.take('U0A')];
      expect(ok(first)).toEqual([true, true, false]);
      const retryAfterMs = (first[2] as { retryAfterMs: number }).retryAfterMs;
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(1000);
      expect(await counter.take('U0B')).toEqual({ ok: true });

      await sleep(retryAfterMs + 100);
      expect(ok([await counter.take('U0A'), await counter.take('U0A'), await counter.take('U0A')])).toEqual([true, true, false]);
    });

    it('keep each kind apart, and count one kind of one store in every other store on it', async () => {
      const other = openStore(location.url, undefined, namespace);
      await other.rotations.ping();
      const rule = { limit: 3, windowMs: 60_000 };
      const here = counters('commands', rule);
      const there = (other.rateCounters as SharedRateCounters)('commands', rule);

      const verdicts = [await here.take('U0A'), await there.take('U0A'), await here.take('U0A'), await there.take('U0A')];
      expect(ok(verdicts)).toEqual([true, true, true, false]);
      expect(await counters('clicks', rule).take('U0A')).toEqual({ ok: true });
      await other.rotations.close();
    });

    if (engine === 'Redis') {
      it('keep their keys under the namespace, expiring with the window', async () => {
        await counters('requests', { limit: 10, windowMs: 600_000 }).take('U0A');

        const pttl = spawnSync('redis-cli', ['-u', location.url, 'PTTL', `${namespace}:rate:requests:U0A`], { encoding: 'utf8' });
        const ms = Number(pttl.stdout.trim());
        expect(ms).toBeGreaterThan(590_000);
        expect(ms).toBeLessThanOrEqual(600_000);
      });
    }
  },
);

(postgresUrl ? describe : describe.skip)('the PostgreSQL rate counters of replicas starting together', () => {
  const url = postgresUrl as string;

  it('count exactly in every replica, though all of them create the table at the same moment', async () => {
    const database = freshPostgresDatabase(url);
    // Four stores, four pools, each with its own table setup.
    const replicas = Array.from({ length: 4 }, () => openStore(database.url));
    try {
      const rule = { limit: 6, windowMs: 60_000 };
      const counters = replicas.map((replica) => (replica.rateCounters as SharedRateCounters)('clicks', rule));
      const verdicts: RateLimitVerdict[] = [];
      for (let round = 0; round < 3; round += 1) verdicts.push(...(await Promise.all(counters.map((counter) => counter.take('U0A')))));
      expect(verdicts.filter((verdict) => verdict.ok)).toHaveLength(6);
    } finally {
      await Promise.all(replicas.map(({ rotations }) => rotations.close()));
      database.drop();
    }
  });

  it('take a lost race to create the table for what it is (the library alone would crash the process on 42P07)', async () => {
    const database = freshPostgresDatabase(url);
    const pool = pgPool(database.url);
    const lost = [Object.assign(new Error('relation "wfi_rate_limits" already exists'), { code: '42P07' })];
    const counters = postgresRateCounters(async (sql, params) => {
      const failure = sql.startsWith('CREATE') ? lost.shift() : undefined;
      if (failure) {
        // Another replica made it meanwhile.
        await pool.query(sql);
        throw failure;
      }
      return (await pool.query(sql, params)).rows;
    }, 'wfi_rate_limits');
    try {
      const counter = counters('commands', { limit: 1, windowMs: 60_000 });
      expect(ok([await counter.take('U0A'), await counter.take('U0A')])).toEqual([true, false]);
    } finally {
      await pool.end();
      database.drop();
    }
  });

  it('delete, now and then, the rows whose window ended over an hour ago, and keep the others', async () => {
    const database = freshPostgresDatabase(url);
    const pool = pgPool(database.url);
    const realNow = Date.now();
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(realNow);
      const counters = postgresRateCounters(async (sql, params) => (await pool.query(sql, params)).rows, 'Wfi_Rate_Limits_Test');
      const counter = counters('clicks', { limit: 5, windowMs: 60_000 });
      // Two hours ago, and a minute ago: one window ended long ago, one is over but recent.
      now.mockReturnValue(realNow - 2 * 3_600_000);
      await counter.take('U0OLD');
      now.mockReturnValue(realNow - 60_000);
      await counter.take('U0RECENT');
      const keys = async () => (await pool.query('SELECT key FROM wfi_rate_limits_test ORDER BY key')).rows.map((row) => row.key);
      expect(await keys()).toEqual(['clicks:U0OLD', 'clicks:U0RECENT']);

      // Within five minutes of the last prune (the counters' start), nothing is deleted.
      now.mockReturnValue(realNow + 4 * 60_000);
      await counter.take('U0NOW');
      await sleep(200);
      expect(await keys()).toEqual(['clicks:U0NOW', 'clicks:U0OLD', 'clicks:U0RECENT']);

      now.mockReturnValue(realNow + 6 * 60_000);
      await counter.take('U0NOW');
      // Not awaited by the hit: looked for a few seconds (Date.now stands still here).
      for (let i = 0; i < 100 && (await keys()).includes('clicks:U0OLD'); i += 1) await sleep(50);
      expect(await keys()).toEqual(['clicks:U0NOW', 'clicks:U0RECENT']);
    } finally {
      now.mockRestore();
      await pool.end();
      database.drop();
    }
  });
});
