import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import type { ReminderSchedule, RotationStore } from '../domain/ports';
import { KeyvRotationStore } from './keyv-rotation-store';
import { MemoryReminderSchedule } from './memory-reminder-schedule';
import { SqliteReminderSchedule, type SqlQuery } from './sqlite-reminder-schedule';

export const NAMESPACE = 'wfi-rotate';

export class UnsupportedStoreError extends Error {}

/** The file a `sqlite://PATH` URL names; a relative PATH is taken from the working directory. */
export function sqlitePath(storeUrl: string): string {
  return resolve(storeUrl.replace(/^sqlite:\/\//, ''));
}

type ErrorListener = (error: Error) => void;

interface Engine {
  keyv: Keyv;
  reminders: ReminderSchedule;
}

/**
 * `throwOnErrors` because keyv 5 otherwise turns a broken store into "not
 * found", which would read as a missing rotation instead of an outage.
 */
function openEngine(storeUrl: string, onError: ErrorListener): Engine {
  const options = { namespace: NAMESPACE, throwOnErrors: true };
  let engine: Engine;
  if (storeUrl.startsWith('memory://')) {
    engine = { keyv: new Keyv({ ...options, store: new Map() }), reminders: new MemoryReminderSchedule() };
  } else if (storeUrl.startsWith('sqlite://')) {
    const path = sqlitePath(storeUrl);
    mkdirSync(dirname(path), { recursive: true });
    // busyTimeout: wait for a lock held by another connection instead of failing at once.
    const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 2000 });
    // The adapter opens the file in its constructor and leaves a failure there
    // unhandled, which would crash the process; every later call still rejects
    // with it, so the failure is reported where the store is used.
    adapter.query('SELECT 1').catch(() => undefined);
    const query: SqlQuery = (sql, ...params) => adapter.query(sql, ...params);
    engine = { keyv: new Keyv({ ...options, store: adapter }), reminders: new SqliteReminderSchedule(query) };
  } else {
    throw new UnsupportedStoreError(
      `STORE_URL ${storeUrl.split(':')[0]}:// is not supported yet: use sqlite://PATH (the default) for now`,
    );
  }
  // keyv also emits each failure as an 'error' event, which would crash the
  // process with no listener; callers get the same error from the rejected call.
  engine.keyv.on('error', onError);
  return engine;
}

/** The keyv store a STORE_URL names (rotations only); tests read it directly. */
export function openKeyv(storeUrl: string, onError: ErrorListener = () => undefined): Keyv {
  return openEngine(storeUrl, onError).keyv;
}

/** Everything STORE_URL holds: rotations and the reminder schedule, on one connection (closed with the rotations). */
export function openStore(storeUrl: string, onError: ErrorListener = () => undefined): { rotations: RotationStore; reminders: ReminderSchedule } {
  const { keyv, reminders } = openEngine(storeUrl, onError);
  return { rotations: new KeyvRotationStore(keyv), reminders };
}
