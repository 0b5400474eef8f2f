import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';

export const NAMESPACE = 'wfi-rotate';

export class UnsupportedStoreError extends Error {}

/** The file a `sqlite://PATH` URL names; a relative PATH is taken from the working directory. */
export function sqlitePath(storeUrl: string): string {
  return resolve(storeUrl.replace(/^sqlite:\/\//, ''));
}

/**
 * Opens the keyv store a STORE_URL names. `throwOnErrors` because keyv 5
 * otherwise turns a broken store into "not found", which would read as a
 * missing rotation instead of an outage.
 */
export function openKeyv(storeUrl: string, onError: (error: Error) => void = () => undefined): Keyv {
  const keyv = createKeyv(storeUrl);
  // keyv also emits each failure as an 'error' event, which would crash the
  // process with no listener; callers get the same error from the rejected call.
  keyv.on('error', onError);
  return keyv;
}

function createKeyv(storeUrl: string): Keyv {
  const options = { namespace: NAMESPACE, throwOnErrors: true };
  if (storeUrl.startsWith('memory://')) return new Keyv({ ...options, store: new Map() });
  if (storeUrl.startsWith('sqlite://')) {
    const path = sqlitePath(storeUrl);
    mkdirSync(dirname(path), { recursive: true });
    // busyTimeout: wait for a lock held by another connection instead of failing at once.
    const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 2000 });
    // The adapter opens the file in its constructor and leaves a failure there
    // unhandled, which would crash the process; every later call still rejects
    // with it, so the failure is reported where the store is used.
    adapter.query('SELECT 1').catch(() => undefined);
    return new Keyv({ ...options, store: adapter });
  }
  throw new UnsupportedStoreError(
    `STORE_URL ${storeUrl.split(':')[0]}:// is not supported yet: use sqlite://PATH (the default) for now`,
  );
}
