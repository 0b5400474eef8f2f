import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import { CodedError } from '../../domain/errors';
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

/**
 * Creates `dir` and the directories missing above it, one level at a time,
 * or throws STORE_UNAVAILABLE naming the level that could not be made and why.
 * Not `mkdirSync(dir, { recursive: true })`: on Node 20, when a level cannot
 * be made and still reads as missing (ENOENT under /proc), it retries forever,
 * synchronously, at full CPU and deaf to SIGTERM.
 */
export function createDirectory(dir: string): void {
  const missing: string[] = [];
  for (let level = dir; !existsSync(level) && dirname(level) !== level; level = dirname(level)) missing.unshift(level);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Made meanwhile by another process: fine, if it is a directory (checked below).
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CodedError('STORE_UNAVAILABLE', `cannot create the directory ${level} (${(error as Error).message})`, { cause: error });
      }
    }
  }
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CodedError('STORE_UNAVAILABLE', `${dir} is not a directory`);
  }
}

/** One file, one process: the default. The schedule and the index are tables of their own beside keyv's, on the same connection. */
export const sqliteEngine: StoreEngine = {
  schemes: ['sqlite'],
  open(storeUrl, { keyvOptions }) {
    const path = sqlitePath(storeUrl);
    createDirectory(dirname(path));
    // SQLite would say only "SQLITE_CANTOPEN: unable to open database file".
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      throw new CodedError('STORE_UNAVAILABLE', `${path} is a directory: name the SQLite file in it, e.g. ${join(path, 'wfi-rotate.sqlite')}`);
    }
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
