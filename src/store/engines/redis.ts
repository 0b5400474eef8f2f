import Keyv from 'keyv';
import type KeyvRedis from '@keyv/redis';
import { RedisAuditLog } from '../redis-audit-log';
import { RedisLocks, type RedisLockClient } from '../engine-locks';
import { RedisReminderSchedule, type RedisScheduleClient } from '../redis-reminder-schedule';
import { RedisRotationIndex } from '../redis-rotation-index';
import { causeOf, isErrorLike, tellingError } from '../../lib/error-text';
import { redisRateCounters, type RedisCounterClient } from '../shared-rate-counters';
import type { StoreEngine } from './engine';

interface RedisConnection {
  isReady: boolean;
  once(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

/**
 * Resolves once the client is connected; after `ms`, rejects with what the
 * client last reported meanwhile (`lastError`: "connect ECONNREFUSED …",
 * "WRONGPASS …"), which says why, rather than the wait alone.
 */
function untilReady(connection: RedisConnection, ms: number, lastError: () => Error | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      connection.off('ready', onReady);
      const cause = lastError();
      reject(new Error(`Redis did not answer within ${ms} ms${cause ? `: ${causeOf(cause)}` : ''}`));
    }, ms);
    connection.once('ready', onReady);
  });
}

/**
 * Loaded only when STORE_URL names Redis: with the PostgreSQL client, about
 * 20 MB a process on SQLite does not need.
 */
function loadRedisAdapter(): typeof KeyvRedis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return (require('@keyv/redis') as { default: typeof KeyvRedis }).default;
}

/** Several replicas on one Redis: the schedule is sorted sets and one Lua script per change. */
export const redisEngine: StoreEngine = {
  schemes: ['redis', 'rediss'],
  open(storeUrl, { keyvOptions, namespace }) {
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
    // connecting fails too: every use waits for the connection first (2 s at
    // most), all of them on one wait (a burst of them would otherwise put a
    // 'ready' listener each on the client).
    let connecting: Promise<void> | undefined;
    // What the adapter last reported (a failed connect, a refused password), and when: a wait that runs out says it.
    let reported: { error: Error; at: number } | undefined;
    adapter.on('error', (error: unknown) => {
      if (!isErrorLike(error)) return;
      const recent = reported && Date.now() - reported.at < 5000 ? reported.error : undefined;
      reported = { error: tellingError(recent, error), at: Date.now() };
    });
    const client = async () => {
      const since = Date.now();
      const connection = (await adapter.getClient()) as unknown as RedisConnection;
      if (!connection.isReady) {
        const lastError = () => (reported && reported.at >= since ? reported.error : undefined);
        await (connecting ??= untilReady(connection, 2000, lastError).finally(() => {
          connecting = undefined;
        }));
      }
      return connection as unknown as RedisLockClient & RedisScheduleClient;
    };
    return {
      ready: async () => void (await client()),
      keyv: new Keyv({ ...keyvOptions, store: adapter }),
      index: new RedisRotationIndex(client, `${namespace}:index:`),
      reminders: new RedisReminderSchedule(client, `${namespace}:reminders:`),
      locks: new RedisLocks(client, `${namespace}:lock:`),
      // The adapter's client itself (the object stays the same across reconnections), not client(): a count
      // must not wait up to 2 s for a reconnection; while Redis is not ready it fails at once. The client
      // connects with the store's other uses (the ping at start, each request's reads, the scheduler's tick).
      rateCounters: redisRateCounters(adapter.client as unknown as RedisCounterClient, `${namespace}:rate:`),
      auditLog: new RedisAuditLog(client, `${namespace}:audit:`),
    };
  },
};
