import Keyv from 'keyv';
import type KeyvPostgres from '@keyv/postgres';
import { PostgresLocks } from '../engine-locks';
import { reportIdlePoolErrors } from '../pg-pool-errors';
import { SqlAuditLog } from '../sql-audit-log';
import { POSTGRES, SqlReminderSchedule } from '../sql-reminder-schedule';
import { SqlRotationIndex } from '../sql-rotation-index';
import type { RunSql } from '../sql-tables';
import type { StoreEngine } from './engine';

/** The namespace the bot itself uses: its tables keep their plain names. */
const DEFAULT_NAMESPACE = 'wfi-rotate';

/** Loaded only when STORE_URL names PostgreSQL (see the Redis engine). */
function loadPostgresAdapter(): typeof KeyvPostgres {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return (require('@keyv/postgres') as { default: typeof KeyvPostgres }).default;
}

/** Several replicas on one PostgreSQL: the schedule is a table, claimed with single statements. */
export const postgresEngine: StoreEngine = {
  schemes: ['postgres', 'postgresql'],
  open(storeUrl, { keyvOptions, namespace, onError }) {
    reportIdlePoolErrors((error) => onError(error));
    const adapter = new (loadPostgresAdapter())({ uri: storeUrl, connectionTimeoutMillis: 2000 });
    const query: RunSql = (sql, values) => adapter.query(sql, values);
    const suffix = namespace === DEFAULT_NAMESPACE ? '' : `_${namespace.replace(/[^a-z0-9_]/gi, '_')}`;
    return {
      keyv: new Keyv({ ...keyvOptions, store: adapter }),
      index: new SqlRotationIndex(POSTGRES, query, `wfi_rotation_index${suffix}`),
      reminders: new SqlReminderSchedule(POSTGRES, query, `wfi_reminders${suffix}`),
      locks: new PostgresLocks(query),
      auditLog: new SqlAuditLog(POSTGRES, query, `wfi_audit_log${suffix}`),
    };
  },
};
