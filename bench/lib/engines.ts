import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import KeyvRedis from '@keyv/redis';
import KeyvPostgres from '@keyv/postgres';
import pg from 'pg';
import type { ReminderSchedule, RotationStore } from '../../src/domain/ports';
import type { ReminderOccurrence } from '../../src/domain/reminder-kinds';
import { redisEngine } from '../../src/store/engines/redis';
import { NAMESPACE, openStore, sqlitePath } from '../../src/store/keyv-factory';
import { KeyvRotationStore } from '../../src/store/keyv-rotation-store';
import type { IndexPage, Posting, RotationIndex } from '../../src/store/rotation-index';
import { SQLITE, SqlReminderSchedule } from '../../src/store/sql-reminder-schedule';
import type { Seeded } from './seed-rotations';

export type EngineName = 'memory' | 'sqlite' | 'redis' | 'postgres';

/** Where one engine's data lives for one benchmark phase, and how to get rid of it after. */
export interface EngineTarget {
  name: EngineName;
  storeUrl: string;
  dispose(): Promise<void>;
}

export interface EngineUrls {
  redis?: string;
  postgres?: string;
}

/**
 * A fresh, empty place per engine: a temp SQLite file, a PostgreSQL database
 * of its own (dropped after), a Redis database number of its own (flushed
 * after). The bot always uses the namespace `wfi-rotate`, so Redis gets a
 * database the bench may empty: one that is empty or holds only our keys.
 */
export async function prepareEngine(name: EngineName, urls: EngineUrls): Promise<EngineTarget> {
  switch (name) {
    case 'memory':
      return { name, storeUrl: 'memory://', dispose: async () => undefined };
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'wfi-rotate-bench-'));
      return { name, storeUrl: `sqlite://${join(dir, 'data', 'store.sqlite')}`, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    }
    case 'redis': {
      if (!urls.redis) throw new Error('no Redis URL (BENCH_REDIS_URL or TEST_REDIS_URL)');
      const storeUrl = urls.redis;
      await emptyRedis(storeUrl, true);
      return { name, storeUrl, dispose: () => emptyRedis(storeUrl, false) };
    }
    case 'postgres': {
      if (!urls.postgres) throw new Error('no PostgreSQL URL (BENCH_POSTGRES_URL or TEST_POSTGRES_URL)');
      const database = `wfi_bench_${randomBytes(4).toString('hex')}`;
      await adminQuery(urls.postgres, `CREATE DATABASE ${database}`);
      const target = new URL(urls.postgres);
      target.pathname = `/${database}`;
      return {
        name,
        storeUrl: target.toString(),
        dispose: () => adminQuery(urls.postgres as string, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
      };
    }
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Flushes the bench's Redis database, refusing (before the run) if it holds keys that are not the bot's. */
async function emptyRedis(url: string, checkFirst: boolean): Promise<void> {
  const adapter = new KeyvRedis(url);
  try {
    const client = (await adapter.getClient()) as unknown as {
      scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string | string[]>;
      flushDb(): Promise<unknown>;
    };
    if (checkFirst) {
      for await (const keys of client.scanIterator({ MATCH: '*', COUNT: 1000 })) {
        const foreign = ([] as string[]).concat(keys).find((key) => !key.startsWith(NAMESPACE));
        if (foreign) throw new Error(`${url} holds keys that are not the bench's (e.g. ${foreign}); point BENCH_REDIS_URL at an empty database number`);
      }
    }
    await client.flushDb();
  } finally {
    await adapter.disconnect();
  }
}

/** An opened store (as the bot opens it) with a fast way to fill it. */
export interface BenchStore {
  name: EngineName;
  rotations: RotationStore;
  reminders: ReminderSchedule;
  /** Adds rotations, their message refs, their places in the index and their pending reminders, in the layout the bot writes. */
  seed(batch: readonly Seeded[]): Promise<void>;
  /** Brings the store to the state a long-lived one is in after a bulk load (PostgreSQL: vacuumed and analysed). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** A row of the rotation index: a rotation's place in one list. */
interface IndexRow extends Posting {
  id: string;
}

/** An index that keeps what the store puts in it, to be written to the engine in bulk. */
class RecordingIndex implements RotationIndex {
  readonly rows: IndexRow[] = [];

  async put(id: string, postings: readonly Posting[]): Promise<void> {
    for (const posting of postings) this.rows.push({ id, ...posting });
  }

  async remove(): Promise<void> {
    throw new Error('the bench only inserts: nothing leaves a list while seeding');
  }

  async range(_list: string, _page: IndexPage): Promise<string[]> {
    return [];
  }
}

/**
 * The records the bot would write for these rotations, read back as keyv
 * entries, and the rotation index's rows: the real KeyvRotationStore writes
 * them (insert, then setMessage, as a submission does) into a Map and a
 * recording index, so whatever keys and lists it uses today (records,
 * message refs, thread index, the lists App Home and `list` read) are the
 * ones the engine gets.
 */
async function recordsOf(batch: readonly Seeded[]): Promise<{ entries: Array<{ key: string; value: unknown }>; index: IndexRow[] }> {
  const keyv = new Keyv({ namespace: NAMESPACE, store: new Map() });
  const index = new RecordingIndex();
  const store = new KeyvRotationStore(keyv, { index });
  for (const { rotation, message } of batch) {
    await store.insert(rotation);
    await store.setMessage(rotation.id, message);
  }
  const entries: Array<{ key: string; value: unknown }> = [];
  for await (const [key, value] of (keyv.iterator as NonNullable<Keyv['iterator']>).call(keyv, undefined) as AsyncIterable<[string, unknown]>) {
    entries.push({ key, value });
  }
  return { entries, index: index.rows };
}

const occurrencesOf = (batch: readonly Seeded[]): ReminderOccurrence[] => batch.flatMap((s) => s.occurrences);

/** Runs `work` over `items` in `parallel` interleaved lanes: enough to keep a connection busy, not a flood of promises. */
async function inLanes<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function openBenchStore(target: EngineTarget): Promise<BenchStore> {
  const opened = openStore(target.storeUrl);
  await opened.rotations.ping();
  // As the bot's first start on an empty store: marked as indexed (the seed below keeps the index), so a
  // bot started on it later does not index every seeded rotation again before it answers.
  await opened.rotations.migrate();
  // The schedule and the index make their tables on first use; the bulk writers below need them to exist.
  await opened.reminders.due(new Date(0), 1);
  await opened.rotations.active({ limit: 1 });
  const base = { name: target.name, rotations: opened.rotations, reminders: opened.reminders, settle: async () => undefined };

  switch (target.name) {
    case 'memory':
      // Nothing to bulk-load into: the store's Map is its own. Its calls are in-process and cheap.
      return {
        ...base,
        seed: async (batch) => {
          for (const { rotation, message } of batch) {
            await opened.rotations.insert(rotation);
            await opened.rotations.setMessage(rotation.id, message);
          }
          await opened.reminders.add(occurrencesOf(batch));
        },
        close: () => opened.rotations.close(),
      };
    case 'sqlite': {
      // A second connection to the same file, so the seed can run in one transaction (one fsync, not one per row).
      const adapter = new KeyvSqlite({ uri: `sqlite://${sqlitePath(target.storeUrl)}`, busyTimeout: 10_000 });
      const keyv = new Keyv({ namespace: NAMESPACE, store: adapter, throwOnErrors: true });
      const schedule = new SqlReminderSchedule(SQLITE, (sql, params) => adapter.query(sql, ...params));
      return {
        ...base,
        seed: async (batch) => {
          const { entries, index } = await recordsOf(batch);
          await adapter.query('BEGIN');
          try {
            for (const part of chunks(entries, 1000)) await keyv.setMany(part);
            // SqlRotationIndex.put's own upsert, 500 rows a statement instead of one.
            for (const part of chunks(index, 500)) {
              await adapter.query(
                `INSERT INTO wfi_rotation_index (list, id, rank) VALUES ${part.map(() => '(?, ?, ?)').join(', ')}
                 ON CONFLICT (list, id) DO UPDATE SET rank = excluded.rank`,
                ...part.flatMap((row) => [row.list, row.id, row.rank]),
              );
            }
            await inLanes(chunks(occurrencesOf(batch), 50), 8, (part) => schedule.add(part));
            await adapter.query('COMMIT');
          } catch (error) {
            await adapter.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        },
        close: async () => {
          await opened.rotations.close();
          await adapter.disconnect();
        },
      };
    }
    case 'redis': {
      // The engine as the bot opens it, for its keyv and its index: the bot's key layout by construction.
      const engine = redisEngine.open(target.storeUrl, {
        keyvOptions: { namespace: NAMESPACE, throwOnErrors: true },
        namespace: NAMESPACE,
        onError: () => undefined,
      });
      await engine.ready?.();
      return {
        ...base,
        seed: async (batch) => {
          const { entries, index } = await recordsOf(batch);
          for (const part of chunks(entries, 1000)) await engine.keyv.setMany(part);
          // The index's own put (one script a rotation), 32 at a time so the connection stays busy.
          const byRotation = new Map<string, Posting[]>();
          for (const { id, list, rank } of index) byRotation.set(id, [...(byRotation.get(id) ?? []), { list, rank }]);
          await inLanes([...byRotation], 32, ([id, postings]) => engine.index.put(id, postings));
          // The schedule's own add: one Lua script per 500 occurrences, the bot's layout by construction.
          await opened.reminders.add(occurrencesOf(batch));
        },
        close: async () => {
          await opened.rotations.close();
          await engine.keyv.disconnect();
        },
      };
    }
    case 'postgres': {
      const adapter = new KeyvPostgres({ uri: target.storeUrl });
      const keyv = new Keyv({ namespace: NAMESPACE, store: adapter, throwOnErrors: true });
      return {
        ...base,
        seed: async (batch) => {
          const { entries, index } = await recordsOf(batch);
          for (const part of chunks(entries, 2000)) await keyv.setMany(part);
          // SqlRotationIndex.put's own upsert, 5,000 rows per round trip instead of one.
          for (const part of chunks(index, 5000)) {
            await adapter.query(
              `INSERT INTO wfi_rotation_index (list, id, rank)
               SELECT list, id, rank FROM UNNEST($1::text[], $2::text[], $3::bigint[]) AS t(list, id, rank)
               ON CONFLICT (list, id) DO UPDATE SET rank = excluded.rank`,
              [part.map((row) => row.list), part.map((row) => row.id), part.map((row) => row.rank)],
            );
          }
          // SqlReminderSchedule.add's own INSERT … ON CONFLICT DO NOTHING, for 5,000 rows per round trip instead of one.
          for (const part of chunks(occurrencesOf(batch), 5000)) {
            await adapter.query(
              `INSERT INTO wfi_reminders (key, rotation_id, kind, due_at, state)
               SELECT key, rotation_id, kind, due_at, 'pending' FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[])
                 AS t(key, rotation_id, kind, due_at)
               ON CONFLICT (key) DO NOTHING`,
              [part.map((o) => o.key), part.map((o) => o.rotationId), part.map((o) => o.kind), part.map((o) => Date.parse(o.dueAt))],
            );
          }
        },
        // Autovacuum would analyse the freshly loaded tables anyway; left to itself it does so in the middle of the measured ticks.
        settle: async () => void (await adapter.query('VACUUM ANALYZE')),
        close: async () => {
          await opened.rotations.close();
          await keyv.disconnect();
        },
      };
    }
  }
}
