import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import { SqliteLocks } from '../engine-locks';
import { SqlAuditLog } from '../sql-audit-log';
import { SQLITE, SqlReminderSchedule } from '../sql-reminder-schedule';
import { SqlRotationIndex } from '../sql-rotation-index';
import type { RunSql } from '../sql-tables';
import type { StoreEngine } from './engine';

/** The file a `sqlite://PATH` URL names; a relative PATH is taken from the working directory. */
export function sqlitePath(storeUrl: string): string {
  return resolve(storeUrl.replace(/^sqlite:\/\//, ''));
}

/** One file, one process: the default. The schedule and the index are tables of their own beside keyv's, on the same connection. */
export const sqliteEngine: StoreEngine = {
  schemes: ['sqlite'],
  open(storeUrl, { keyvOptions }) {
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
    const run: RunSql = (sql, params) => adapter.query(sql, ...params);
    return {
      keyv: new Keyv({ ...keyvOptions, store: adapter }),
      index: new SqlRotationIndex(SQLITE, run),
      reminders: new SqlReminderSchedule(SQLITE, run),
      locks: new SqliteLocks(run),
      auditLog: new SqlAuditLog(SQLITE, run),
    };
  },
};
