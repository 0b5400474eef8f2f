import { CodedError } from '../domain/errors';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import type KeyvRedis from '@keyv/redis';
import type KeyvPostgres from '@keyv/postgres';
import type { EngineLocks, ReminderSchedule, RotationStore } from '../domain/ports';
import { MemoryLocks, PostgresLocks, RedisLocks, SqliteLocks, type PgQuery, type RedisLockClient, type SqlQuery } from './engine-locks';
import { KeyvRotationStore } from './keyv-rotation-store';
import { MemoryReminderSchedule } from './memory-reminder-schedule';
import { reportIdlePoolErrors } from './pg-pool-errors';
import { RedisReminderSchedule, type RedisScheduleClient } from './redis-reminder-schedule';
import { POSTGRES, SQLITE, SqlReminderSchedule } from './sql-reminder-schedule';

export const NAMESPACE = 'wfi-rotate';


/** The file a `sqlite://PATH` URL names; a relative PATH is taken from the working directory. */
export function sqlitePath(storeUrl: string): string {
  return resolve(storeUrl.replace(/^sqlite:\/\//, ''));
}

type ErrorListener = (error: Error) => void;

interface RedisConnection {
  isReady: boolean;
  once(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

function untilReady(connection: RedisConnection, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      connection.off('ready', onReady);
      reject(new Error(`Redis did not answer within ${ms} ms`));
    }, ms);
    connection.once('ready', onReady);
  });
}

interface Engine {
  /** Resolves once the engine can take commands; rejects when it cannot in time. */
  ready?: () => Promise<void>;
  keyv: Keyv;
  reminders: ReminderSchedule;
  locks: EngineLocks;
}

/**
 * `throwOnErrors` because keyv 5 otherwise turns a broken store into "not
 * found", which would read as a missing rotation instead of an outage.
 */
function openEngine(storeUrl: string, onError: ErrorListener, namespace: string): Engine {
  const options = { namespace, throwOnErrors: true };
  let engine: Engine;
  if (storeUrl.startsWith('memory://')) {
    engine = { keyv: new Keyv({ ...options, store: new Map() }), reminders: new MemoryReminderSchedule(), locks: new MemoryLocks() };
  } else if (storeUrl.startsWith('sqlite://')) {
    const path = sqlitePath(storeUrl);
    mkdirSync(dirname(path), { recursive: true });
    // busyTimeout: wait for a lock held by another connection instead of failing at once.
    // iterationLimit: the adapter pages through a listing with OFFSET, 10 rows a page by default, which
    // made listing 10,000 rotations take about 19 s (npm run bench); 1,000 a page takes well under a second.
    const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 2000, iterationLimit: 1000 });
    // The adapter opens the file in its constructor and leaves a failure there
    // unhandled, which would crash the process; every later call still rejects
    // with it, so the failure is reported where the store is used.
    adapter.query('SELECT 1').catch(() => undefined);
    const query: SqlQuery = (sql, ...params) => adapter.query(sql, ...params);
    engine = {
      keyv: new Keyv({ ...options, store: adapter }),
      reminders: new SqlReminderSchedule(SQLITE, (sql, params) => query(sql, ...params)),
      locks: new SqliteLocks(query),
    };
  } else if (/^rediss?:\/\//.test(storeUrl)) {
    // Don't throw on a failed connect: the health check and each request report the outage, and the client reconnects.
    // While Redis is down, commands fail at once instead of queueing (a request
    // must get its answer within Slack's 3 seconds); the client keeps reconnecting.
    const adapter = new (loadRedisAdapter())(
      {
        url: storeUrl,
        disableOfflineQueue: true,
        socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 2000) },
      },
      { throwOnConnectError: false, connectionTimeout: 2000 },
    );
    // Without the offline queue, a command sent while the client is still
    // connecting fails too: every use waits for the connection first (2 s at most).
    const client = async () => {
      const connection = (await adapter.getClient()) as unknown as RedisConnection;
      if (!connection.isReady) await untilReady(connection, 2000);
      return connection as unknown as RedisLockClient & RedisScheduleClient;
    };
    engine = {
      ready: async () => void (await client()),
      keyv: new Keyv({ ...options, store: adapter }),
      reminders: new RedisReminderSchedule(client, `${namespace}:reminders:`),
      locks: new RedisLocks(client, `${namespace}:lock:`),
    };
  } else if (/^postgres(ql)?:\/\//.test(storeUrl)) {
    reportIdlePoolErrors((error) => onError(error));
    const adapter = new (loadPostgresAdapter())({ uri: storeUrl, connectionTimeoutMillis: 2000 });
    const query: PgQuery = (sql, values) => adapter.query(sql, values);
    engine = {
      keyv: new Keyv({ ...options, store: adapter }),
      reminders: new SqlReminderSchedule(POSTGRES, query, `wfi_reminders${namespace === NAMESPACE ? '' : `_${namespace.replace(/[^a-z0-9_]/gi, '_')}`}`),
      locks: new PostgresLocks(query),
    };
  } else {
    throw new CodedError('STORE_URL_UNSUPPORTED', `STORE_URL must be sqlite://PATH, redis://…, postgres://… or memory:// (got ${storeUrl.split(':')[0]}:)`);
  }
  // keyv also emits each failure as an 'error' event, which would crash the
  // process with no listener; callers get the same error from the rejected call.
  engine.keyv.on('error', onError);
  return engine;
}

/**
 * The Redis and PostgreSQL clients are loaded only when STORE_URL names them:
 * together they add about 20 MB to a process that runs on SQLite.
 */
function loadRedisAdapter(): typeof KeyvRedis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return (require('@keyv/redis') as { default: typeof KeyvRedis }).default;
}

function loadPostgresAdapter(): typeof KeyvPostgres {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return (require('@keyv/postgres') as { default: typeof KeyvPostgres }).default;
}

/** The keyv store a STORE_URL names (rotations only); tests read it directly. */
export function openKeyv(storeUrl: string, onError: ErrorListener = () => undefined): Keyv {
  return openEngine(storeUrl, onError, NAMESPACE).keyv;
}

/**
 * Everything STORE_URL holds: rotations and the reminder schedule, on one
 * connection (closed with the rotations). `namespace` keeps test suites that
 * share one Redis or PostgreSQL server apart.
 */
export function openStore(
  storeUrl: string,
  onError: ErrorListener = () => undefined,
  namespace: string = NAMESPACE,
): { rotations: RotationStore; reminders: ReminderSchedule } {
  const { keyv, reminders, locks, ready } = openEngine(storeUrl, onError, namespace);
  return { rotations: new KeyvRotationStore(keyv, locks, ready), reminders };
}
