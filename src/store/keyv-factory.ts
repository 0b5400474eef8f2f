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
export function openKeyv(storeUrl: string): Keyv {
  const options = { namespace: NAMESPACE, throwOnErrors: true };
  if (storeUrl.startsWith('memory://')) return new Keyv({ ...options, store: new Map() });
  if (storeUrl.startsWith('sqlite://')) {
    const path = sqlitePath(storeUrl);
    mkdirSync(dirname(path), { recursive: true });
    // busyTimeout: wait for a lock held by another connection instead of failing at once.
    return new Keyv({ ...options, store: new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 5000 }) });
  }
  throw new UnsupportedStoreError(
    `STORE_URL ${storeUrl.split(':')[0]}:// is not supported yet: use sqlite://PATH (the default) for now`,
  );
}
