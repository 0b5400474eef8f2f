import type * as Flexible from 'rate-limiter-flexible';
import type { SharedRateCounter, SharedRateCounters } from '../domain/ports';
import type { RateLimit, RateLimitVerdict } from '../domain/rate-limits';
import { POSTGRES, SqlTables, type RunSql } from './sql-tables';

/** Loaded only when STORE_URL names Redis or PostgreSQL (as their keyv adapters): a bot on SQLite counts in memory. */
function loadLibrary(): typeof Flexible {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return require('rate-limiter-flexible') as typeof Flexible;
}

const ALLOWED: RateLimitVerdict = { ok: true };

/** The library refuses a hit over the limit by rejecting with a RateLimiterRes, and reports a store failure with an Error. */
function counterOf(library: typeof Flexible, limiter: Flexible.RateLimiterAbstract): SharedRateCounter {
  return {
    take: (key) =>
      limiter.consume(key).then(
        () => ALLOWED,
        (outcome: unknown) => {
          if (outcome instanceof library.RateLimiterRes) return { ok: false, retryAfterMs: outcome.msBeforeNext };
          throw outcome;
        },
      ),
  };
}

/** What every kind's limiter is given: its window (in whole seconds, as Redis expires keys), its limit, its keys' prefix. */
function limiterOptions(keyPrefix: string, rule: RateLimit) {
  return {
    keyPrefix,
    points: rule.limit,
    duration: Math.max(1, Math.ceil(rule.windowMs / 1000)),
    // A person over the limit is refused by this process until their window ends, without asking the store
    // again: a flood from one account costs the store one round trip per replica, not one per request.
    inMemoryBlockOnConsumed: rule.limit + 1,
  };
}

/** What the Redis limiter uses of a node-redis (v4 or later) client: EVAL with keys and arguments, and whether it is connected. */
export interface RedisCounterClient {
  readonly isReady: boolean;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/**
 * Counted in Redis, on the store's own client: one Lua script a hit (INCRBY,
 * with the window's expiry set on the first), keys under `prefix` that expire
 * by themselves.
 */
export function redisRateCounters(client: RedisCounterClient, prefix: string): SharedRateCounters {
  const library = loadLibrary();
  return (kind, rule) =>
    counterOf(
      library,
      new library.RateLimiterRedis({
        storeClient: client,
        // node-redis' call shapes (eval with { keys, arguments }), not ioredis'.
        useRedisPackage: true,
        // While the client reconnects, a hit fails at once (and is counted in this process) instead of waiting.
        rejectIfRedisNotReady: true,
        ...limiterOptions(`${prefix}${kind}`, rule),
      }),
    );
}

/** How often a process deletes rows whose window ended long ago (PostgreSQL keeps expired rows). */
const PRUNE_EVERY_MS = 5 * 60_000;
/** Rows are deleted an hour after their window ended: replicas' clocks may differ a little, and the library writes expiries by each one's clock. */
const PRUNE_AFTER_MS = 60 * 60_000;

/**
 * Counted in a PostgreSQL table, through the store's own pool: one INSERT …
 * ON CONFLICT … RETURNING a hit. The table is the library's (it inserts by
 * position: key, points, expire), made here through SqlTables rather than by
 * the library (`tableCreated`): the library's own CREATE, run from its
 * constructor, rejects unhandled when replicas starting together lose the
 * race with 42P07, which would end the process; SqlTables takes a lost race
 * for what it is, and retries a setup that failed.
 */
export function postgresRateCounters(query: RunSql, table: string): SharedRateCounters {
  const library = loadLibrary();
  // The library quotes the name: lower case, so the quoted and unquoted names are one table.
  const name = table.toLowerCase();
  const sql = new SqlTables(POSTGRES, query, async () => {
    await sql.run(`CREATE TABLE IF NOT EXISTS "${name}" (key VARCHAR(255) PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire BIGINT)`);
  });
  // What the library calls on a pg Pool: query({ text, values, name }) answering rows and rowCount. The
  // statement's name (a prepared statement per connection) is dropped: the store's query function has none.
  const storeClient = {
    query: async ({ text, values }: { text: string; values?: unknown[] }) => {
      const rows = await sql.rows(text, values ?? []);
      return { rows, rowCount: rows.length };
    },
  };
  let prunedAt = Date.now();
  // Not awaited, at most every PRUNE_EVERY_MS: a failure is left to the next one.
  const pruneNowAndThen = () => {
    const now = Date.now();
    if (now - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now;
    sql.rows(`DELETE FROM "${name}" WHERE expire < ?`, [now - PRUNE_AFTER_MS]).catch(() => undefined);
  };
  return (kind, rule) => {
    const counter = counterOf(
      library,
      new library.RateLimiterPostgres({
        storeClient,
        storeType: 'pool',
        tableName: name,
        tableCreated: true,
        // Pruned above, by the hits themselves: the library's own timer would outlive the store when the bot stops.
        clearExpiredByTimeout: false,
        ...limiterOptions(kind, rule),
      }),
    );
    return {
      take: (key) => {
        pruneNowAndThen();
        return counter.take(key);
      },
    };
  };
}
