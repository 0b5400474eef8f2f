import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tempStoreUrl } from './bot-harness';

/** Stores of a test's own on the shared servers: a fresh PostgreSQL database, a Redis database number. */
export function freshPostgresDatabase(url: string): { url: string; drop(): void } {
  const name = `wfi_replicas_${randomUUID().slice(0, 8)}`;
  const admin = (sql: string) => spawnSync('psql', [url, '-q', '-c', sql], { encoding: 'utf8' });
  const created = admin(`CREATE DATABASE ${name}`);
  if (created.status !== 0) throw new Error(`could not create ${name}: ${created.stderr}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.toString(), drop: () => void admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Database 9 unless told: suites that run at the same time each need their own number (12 is npm run bench's, see bench/lib/knobs.ts). */
export function freshRedisDatabase(url: string, database = 9): { url: string; drop(): void } {
  const target = new URL(url);
  target.pathname = `/${database}`;
  const flush = () => void spawnSync('redis-cli', ['-u', target.toString(), 'flushdb'], { encoding: 'utf8' });
  flush();
  return { url: target.toString(), drop: flush };
}


/** Makes a PostgreSQL database refuse and drop every connection, as an outage would, and brings it back. */
export function postgresOutage(adminUrl: string, databaseUrl: string) {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = (sql: string) => spawnSync('psql', [adminUrl, '-q', '-c', sql], { encoding: 'utf8' });
  return {
    begin: () => {
      admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    },
    end: () => void admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`),
  };
}

/** A store location of a test's own. */
export type StoreLocation = { url: string; cleanup(): void };

/**
 * The engines a store contract runs on: memory and SQLite always, Redis and
 * PostgreSQL when TEST_REDIS_URL / TEST_POSTGRES_URL name a server (.ci/run
 * sets both); on a shared server each test keeps apart by its namespace.
 */
export function storeEngines(): Array<[string, () => StoreLocation]> {
  const shared = (url: string | undefined) => (url ? () => ({ url, cleanup: () => undefined }) : undefined);
  const engines: Array<[string, (() => StoreLocation) | undefined]> = [
    ['memory', () => ({ url: 'memory://', cleanup: () => undefined })],
    ['sqlite', () => tempStoreUrl()],
    ['redis', shared(process.env.TEST_REDIS_URL)],
    ['postgres', shared(process.env.TEST_POSTGRES_URL)],
  ];
  return engines.filter((engine): engine is [string, () => StoreLocation] => engine[1] !== undefined);
}
