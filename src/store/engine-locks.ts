import type { EngineLocks } from '../domain/ports';
import { scanUnder } from './redis-scan';
import { POSTGRES, SQLITE, SqlTables, type RunSql } from './sql-tables';

/** Locks of one process only: the memory store is never shared. */
export class MemoryLocks implements EngineLocks {
  private readonly held = new Map<string, { owner: string; until: number }>();

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const current = this.held.get(key);
    if (current && current.until > now && current.owner !== owner) return false;
    this.held.set(key, { owner, until: now + ttlMs });
    return true;
  }

  async release(key: string, owner: string): Promise<void> {
    if (this.held.get(key)?.owner === owner) this.held.delete(key);
  }

  async pruneExpired(graceMs: number): Promise<number> {
    const before = Date.now() - graceMs;
    let removed = 0;
    for (const [key, { until }] of this.held) {
      if (until < before && this.held.delete(key)) removed++;
    }
    return removed;
  }

  async count(): Promise<number> {
    return this.held.size;
  }
}

/**
 * A lock table in the SQLite file: one INSERT … ON CONFLICT takes a free or
 * expired lease atomically across connections; reading the row back tells
 * whether this owner got it. The table is made on first use, as our other
 * tables (SqlTables: a setup that failed is tried again, never remembered).
 */
export class SqliteLocks implements EngineLocks {
  private readonly sql: SqlTables;

  constructor(query: RunSql) {
    this.sql = new SqlTables(SQLITE, query, async () => {
      await this.sql.run('CREATE TABLE IF NOT EXISTS wfi_locks (key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL)');
    });
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    await this.sql.rows(
      `INSERT INTO wfi_locks (key, owner, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE wfi_locks.expires_at < ?`,
      [key, owner, now + ttlMs, now],
    );
    const [row] = await this.sql.rows('SELECT owner FROM wfi_locks WHERE key = ?', [key]);
    return row?.owner === owner;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.sql.rows('DELETE FROM wfi_locks WHERE key = ? AND owner = ?', [key, owner]);
  }

  // No index on expires_at: once pruned, the table holds only the last hour's leases.
  async pruneExpired(graceMs: number): Promise<number> {
    return (await this.sql.rows('DELETE FROM wfi_locks WHERE expires_at < ? RETURNING key', [Date.now() - graceMs])).length;
  }

  async count(): Promise<number> {
    const [row] = await this.sql.rows('SELECT count(*) AS n FROM wfi_locks', []);
    return Number(row?.n ?? 0);
  }
}

/**
 * The same lock table in PostgreSQL, where RETURNING says at once who holds
 * the lease. Replicas starting together race to create it: SqlTables takes a
 * lost race for what it is (the table exists now) instead of failing every
 * later lock of the process.
 */
export class PostgresLocks implements EngineLocks {
  private readonly sql: SqlTables;

  constructor(query: RunSql) {
    this.sql = new SqlTables(POSTGRES, query, async () => {
      await this.sql.run('CREATE TABLE IF NOT EXISTS wfi_locks (key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)');
    });
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const rows = await this.sql.rows(
      `INSERT INTO wfi_locks (key, owner, expires_at) VALUES (?, ?, now() + make_interval(secs => ? / 1000.0))
       ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE wfi_locks.expires_at < now()
       RETURNING owner`,
      [key, owner, ttlMs],
    );
    return rows[0]?.owner === owner;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.sql.rows('DELETE FROM wfi_locks WHERE key = ? AND owner = ?', [key, owner]);
  }

  /**
   * By the server's clock, as `acquire`. A lease taken again meanwhile is
   * safe: PostgreSQL re-checks the WHERE against the row it waited for.
   */
  async pruneExpired(graceMs: number): Promise<number> {
    return (await this.sql.rows('DELETE FROM wfi_locks WHERE expires_at < now() - make_interval(secs => ? / 1000.0) RETURNING key', [graceMs])).length;
  }

  async count(): Promise<number> {
    const [row] = await this.sql.rows('SELECT count(*) AS n FROM wfi_locks', []);
    return Number(row?.n ?? 0);
  }
}

/** The minimal Redis client surface the locks use. */
export interface RedisLockClient {
  set(key: string, value: string, options: { NX: true; PX: number }): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

const RELEASE_IF_OWNER = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** One step of SCAN (see scanUnder): {next cursor, keys}. */
const SCAN_STEP = "return redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])";

/** SET NX PX takes a lease atomically; a small script gives it back only if still ours. */
export class RedisLocks implements EngineLocks {
  constructor(
    private readonly client: () => Promise<RedisLockClient>,
    private readonly prefix = 'wfi-rotate:lock:',
  ) {}

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await (await this.client()).set(this.prefix + key, owner, { NX: true, PX: ttlMs })) === 'OK';
  }

  async release(key: string, owner: string): Promise<void> {
    await (await this.client()).eval(RELEASE_IF_OWNER, { keys: [this.prefix + key], arguments: [owner] });
  }

  /** Nothing to do: every lease is set with PX, so Redis removes it when it runs out. */
  async pruneExpired(_graceMs: number): Promise<number> {
    return 0;
  }

  /** A walk with SCAN (a key met twice counts once): for maintenance and tests, never on a request's path. */
  async count(): Promise<number> {
    return new Set(await scanUnder(await this.client(), SCAN_STEP, this.prefix)).size;
  }
}
