import { prepareEngine } from '../bench/lib/engines';
import type { Engine } from './simulation';

/**
 * A place of its own for one run, emptied after: a PostgreSQL database made
 * and dropped, Redis database 14 (flushed before and after; refused if it
 * holds keys that are not the bot's), the SQLite file given. A store shared
 * with other suites' leftovers would make every full read slower as they pile
 * up, and leave the run's own rows behind.
 */
export async function soakPlace(engine: Engine, url: string): Promise<{ storeUrl: string; dispose(): Promise<void> }> {
  switch (engine) {
    case 'postgres':
      return prepareEngine('postgres', { postgres: url });
    case 'redis': {
      const own = new URL(url);
      own.pathname = '/14';
      return prepareEngine('redis', { redis: own.toString() });
    }
    default:
      return { storeUrl: url, dispose: async () => undefined };
  }
}
