import Keyv from 'keyv';
import type KeyvPostgres from '@keyv/postgres';
import type pgModule from 'pg';
import { PostgresLocks } from '../engine-locks';
import { SqlAuditLog } from '../sql-audit-log';
import { POSTGRES, SqlReminderSchedule } from '../sql-reminder-schedule';
import { postgresRateCounters } from '../shared-rate-counters';
import { SqlRotationIndex } from '../sql-rotation-index';
import type { RunSql } from '../sql-tables';
import type { StoreEngine } from './engine';

/** The namespace the bot itself uses: its tables keep their plain names. */
const DEFAULT_NAMESPACE = 'wfi-rotate';

/** Loaded only when STORE_URL names PostgreSQL (see the Redis engine). */
function loadPostgres(): { Adapter: typeof KeyvPostgres; Pool: typeof pgModule.Pool } {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
  return {
    Adapter: (require('@keyv/postgres') as { default: typeof KeyvPostgres }).default,
    Pool: (require('pg') as typeof pgModule).Pool,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/**
 * @keyv/postgres on a pool of this store's own. The adapter keeps one pool a
 * process, for the last URL it was given, and its disconnect() ends whichever
 * pool that is: closing one store ended the pool of another (store:migrate
 * between two databases, replicas started in one test process), and a store
 * closed after it ended a pool twice. Nor does it listen to its pool's
 * 'error' (an idle connection dropped by a restart or a failover), which,
 * unheard, ends the process. Here each store makes its pool, hears it, and
 * ends only it; the table and every statement stay the adapter's.
 */
function adapterWithOwnPool(storeUrl: string, onError: (error: Error) => void): KeyvPostgres {
  const { Adapter, Pool } = loadPostgres();
  let pool: pgModule.Pool | undefined;
  class OwnPoolAdapter extends Adapter {
    // Called from the adapter's constructor (once): the pool lives in this closure, not in a field, which would not exist yet.
    override async connect(): Promise<(sql: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>> {
      const own = (pool ??= new Pool({ connectionString: storeUrl, connectionTimeoutMillis: 2000 }).on('error', onError));
      return async (sql, values) => (await own.query(sql, values)).rows as Array<Record<string, unknown>>;
    }

    override async disconnect(): Promise<void> {
      const ending = pool;
      pool = undefined;
      await ending?.end();
    }
  }
  return new OwnPoolAdapter({ uri: storeUrl });
}

/** Several replicas on one PostgreSQL: the schedule is a table, claimed with single statements. */
export const postgresEngine: StoreEngine = {
  schemes: ['postgres', 'postgresql'],
  open(storeUrl, { keyvOptions, namespace, onError }) {
    const adapter = adapterWithOwnPool(storeUrl, onError);
    const query: RunSql = (sql, values) => adapter.query(sql, values);
    const suffix = namespace === DEFAULT_NAMESPACE ? '' : `_${namespace.replace(/[^a-z0-9_]/gi, '_')}`;
    return {
      keyv: new Keyv({ ...keyvOptions, store: adapter }),
      index: new SqlRotationIndex(POSTGRES, query, `wfi_rotation_index${suffix}`),
      reminders: new SqlReminderSchedule(POSTGRES, query, `wfi_reminders${suffix}`),
      locks: new PostgresLocks(query),
      rateCounters: postgresRateCounters(query, `wfi_rate_limits${suffix}`),
      auditLog: new SqlAuditLog(POSTGRES, query, `wfi_audit_log${suffix}`),
    };
  },
};
