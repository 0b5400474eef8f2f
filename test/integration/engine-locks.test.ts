import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { EngineLocks } from '../../src/domain/ports';
import { PostgresLocks } from '../../src/store/engine-locks';
import { openStore } from '../../src/store/keyv-factory';
import { tempStoreUrl } from '../support/bot-harness';
import { freshPostgresDatabase } from '../support/databases';

/**
 * The rotations' write leases on every engine: what `count` sees and what
 * `pruneExpired` removes (SQLite and PostgreSQL keep a row per lease until
 * pruned; Redis lets each lease expire by itself). PostgreSQL gets a database
 * of its own, as its lock table is shared by every namespace; Redis a namespace.
 */
const HOUR = 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface OpenedLocks {
  locks: EngineLocks;
  close(): Promise<void>;
}

function opener(url: string, cleanup: () => void = () => undefined, namespace?: string): () => OpenedLocks {
  return () => {
    const opened = openStore(url, undefined, namespace);
    return {
      locks: opened.locks,
      close: async () => {
        await opened.rotations.close();
        cleanup();
      },
    };
  };
}

const engines: Array<[string, (() => OpenedLocks) | undefined, { expireByThemselves: boolean }]> = [
  ['memory', opener('memory://'), { expireByThemselves: false }],
  [
    'sqlite',
    () => {
      const location = tempStoreUrl();
      return opener(location.url, location.cleanup)();
    },
    { expireByThemselves: false },
  ],
  [
    'postgres',
    process.env.TEST_POSTGRES_URL
      ? () => {
          const database = freshPostgresDatabase(process.env.TEST_POSTGRES_URL as string);
          return opener(database.url, database.drop)();
        }
      : undefined,
    { expireByThemselves: false },
  ],
  [
    'redis',
    process.env.TEST_REDIS_URL ? opener(process.env.TEST_REDIS_URL, undefined, `wfi-rotate-test-locks-${randomUUID()}`) : undefined,
    { expireByThemselves: true },
  ],
];
if (!process.env.TEST_POSTGRES_URL || !process.env.TEST_REDIS_URL) console.log('engine-locks.test.ts: set TEST_REDIS_URL and TEST_POSTGRES_URL to run the locks on Redis and PostgreSQL');

describe.each(engines)('the engine locks on %s', (_name, open, { expireByThemselves }) => {
  const maybe = open ? it : it.skip;
  let opened: OpenedLocks;

  beforeEach(() => {
    if (open) opened = open();
  });
  afterEach(async () => {
    if (open) await opened.close();
  });

  maybe('counts every lock row, expired ones included, and prunes only leases that ran out longer ago than the grace', async () => {
    const { locks } = opened;
    expect(await locks.count()).toBe(0);
    expect(await locks.acquire('ROT-AAAAAA', 'one', 1)).toBe(true);
    expect(await locks.acquire('ROT-BBBBBB', 'one', 1)).toBe(true);
    expect(await locks.acquire('ROT-CCCCCC', 'two', HOUR)).toBe(true);
    await sleep(50);

    expect(await locks.count()).toBe(expireByThemselves ? 1 : 3);
    expect(await locks.pruneExpired(HOUR)).toBe(0);
    expect(await locks.count()).toBe(expireByThemselves ? 1 : 3);

    expect(await locks.pruneExpired(0)).toBe(expireByThemselves ? 0 : 2);
    expect(await locks.count()).toBe(1);
    // The lease still held stays held; a pruned one can be taken again.
    expect(await locks.acquire('ROT-CCCCCC', 'three', HOUR)).toBe(false);
    expect(await locks.acquire('ROT-AAAAAA', 'three', HOUR)).toBe(true);
    await locks.release('ROT-AAAAAA', 'three');
    await locks.release('ROT-CCCCCC', 'two');
    expect(await locks.count()).toBe(0);
  });

  maybe('prunes each expired lease once when two prune at the same time', async () => {
    const { locks } = opened;
    for (let i = 0; i < 20; i++) await locks.acquire(`ROT-${String(i).padStart(6, '0')}`, 'one', 1);
    await sleep(50);
    const removed = await Promise.all([locks.pruneExpired(0), locks.pruneExpired(0)]);
    expect(removed[0] + removed[1]).toBe(expireByThemselves ? 0 : 20);
    expect(await locks.count()).toBe(0);
  });
});

/**
 * Replicas starting together on a new PostgreSQL store all create the lock
 * table at once; the ones that lose the race in the catalogue (23505) must
 * still take locks, then and later: the lock table was once made by a setup
 * that remembered its failure, and that replica refused every approval until
 * it was restarted.
 */
(process.env.TEST_POSTGRES_URL ? describe : describe.skip)('the PostgreSQL locks of replicas starting together', () => {
  const url = process.env.TEST_POSTGRES_URL as string;

  it('are taken in every replica, though all of them create the lock table at the same moment', async () => {
    const database = freshPostgresDatabase(url);
    // Four stores, four pools (as four replicas have), racing.
    const replicas = Array.from({ length: 4 }, () => openStore(database.url));
    try {
      for (const round of [1, 2]) {
        const taken = await Promise.all(replicas.map(({ locks }, i) => locks.acquire(`ROT-${round}0000${i}`, `replica-${i}`, HOUR)));
        expect(taken).toEqual([true, true, true, true]);
      }
      expect(await replicas[0]!.locks.count()).toBe(8);
    } finally {
      await Promise.all(replicas.map(({ rotations }) => rotations.close()));
      database.drop();
    }
  });

  it('take a lost race for what it is, and try a failed setup again on the next call', async () => {
    const database = freshPostgresDatabase(url);
    const { Pool } = createRequire(require.resolve('@keyv/postgres'))('pg') as {
      Pool: new (config: { connectionString: string }) => { query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>; end(): Promise<void> };
    };
    const pool = new Pool({ connectionString: database.url });
    // The first CREATE loses to another replica; the next two fail as a server that is going away would.
    const failures = [
      Object.assign(new Error('duplicate key value violates unique constraint "pg_type_typname_nsp_index"'), { code: '23505' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ];
    const locks = new PostgresLocks(async (sql, params) => {
      const failure = sql.startsWith('CREATE') ? failures.shift() : undefined;
      if (failure) throw failure;
      return (await pool.query(sql, params)).rows;
    });
    try {
      await expect(locks.acquire('ROT-AAAAAA', 'one', HOUR)).rejects.toThrow(/administrator command/);
      expect(await locks.acquire('ROT-AAAAAA', 'one', HOUR)).toBe(true);
      expect(await locks.acquire('ROT-AAAAAA', 'two', HOUR)).toBe(false);
    } finally {
      await pool.end();
      database.drop();
    }
  });
});
