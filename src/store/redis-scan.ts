/** What the walks below need of a node-redis client: every command is a script. */
export interface RedisEval {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Keys SCAN is asked to look at per step: a short step, so no script holds the server for long. */
const SCAN_COUNT = '1000';

/** A MATCH pattern for the keys that start with `prefix`, its glob characters escaped. */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

/**
 * Walks the keys under `prefix` with a script run once per SCAN step. The
 * script gets ARGV cursor, pattern, count, then `args`, runs
 * `SCAN cursor MATCH pattern COUNT count` itself and answers {next cursor,
 * items}; the items of every step are returned together. SCAN may meet a key
 * twice: callers that count deduplicate. For maintenance and tests only: it
 * visits every key under the prefix.
 */
export async function scanUnder(redis: RedisEval, script: string, prefix: string, args: string[] = [], keys: string[] = []): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor = '0';
  do {
    const reply = (await redis.eval(script, { keys, arguments: [cursor, prefixPattern(prefix), SCAN_COUNT, ...args] })) as [unknown, unknown[]];
    items.push(...reply[1]);
    cursor = String(reply[0]);
  } while (cursor !== '0');
  return items;
}
