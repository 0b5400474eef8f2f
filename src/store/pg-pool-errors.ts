import type pgModule from 'pg';

let installed = false;

/**
 * When PostgreSQL drops an idle pooled connection (a restart, a failover, an
 * administrator), `pg` reports it as an 'error' event on the pool, and an
 * 'error' event nobody listens to ends the Node process. @keyv/postgres makes
 * its pool itself and does not listen, so every pool `pg` creates here gets a
 * listener that logs instead: the next query reconnects or fails, and that
 * failure is reported where the store is used.
 */
export function reportIdlePoolErrors(onError: (error: Error) => void): void {
  if (installed) return;
  installed = true;
  // Required here, not at the top: a bot on SQLite never loads the PostgreSQL client (see keyv-factory.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as typeof pgModule;
  const Pool = pg.Pool;
  pg.Pool = class ListeningPool extends Pool {
    constructor(config?: pgModule.PoolConfig) {
      super(config);
      this.on('error', onError);
    }
  } as typeof pg.Pool;
}
