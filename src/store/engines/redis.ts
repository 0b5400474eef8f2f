import Keyv from 'keyv';
import type KeyvRedis from '@keyv/redis';
import { RedisAuditLog } from '../redis-audit-log';
import { RedisLocks, type RedisLockClient } from '../engine-locks';
import { RedisReminderSchedule, type RedisScheduleClient } from '../redis-reminder-schedule';
import { RedisRotationIndex } from '../redis-rotation-index';
import type { StoreEngine } from './engine';

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
    const client = async () => {
      const connection = (await adapter.getClient()) as unknown as RedisConnection;
      if (!connection.isReady) {
        await (connecting ??= untilReady(connection, 2000).finally(() => {
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
      auditLog: new RedisAuditLog(client, `${namespace}:audit:`),
    };
  },
};
