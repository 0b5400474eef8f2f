import type { IndexPage, Posting, RotationIndex } from './rotation-index';
import type { RedisEval } from './redis-scan';

/** KEYS: the lists' sorted sets.  ARGV: the id, then one rank per list. */
const PUT = `
for i, list in ipairs(KEYS) do redis.call('ZADD', list, ARGV[i + 1], ARGV[1]) end
return 0`;

/** KEYS: the lists' sorted sets.  ARGV: the id. */
const REMOVE = `
for _, list in ipairs(KEYS) do redis.call('ZREM', list, ARGV[1]) end
return 0`;

/**
 * KEYS: the list.  ARGV: first, last position, 'rev' or ''.
 * Equal ranks are ordered by id, byte by byte (a sorted set orders equal scores by member).
 */
const RANGE = `
if ARGV[3] == 'rev' then return redis.call('ZREVRANGE', KEYS[1], ARGV[1], ARGV[2]) end
return redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2])`;

/**
 * The rotation index on Redis: a sorted set per list (score = rank, member =
 * rotation id) under the prefix; a rotation's postings change in one script.
 * On Redis Cluster the prefix needs a hash tag, as for the schedule.
 */
export class RedisRotationIndex implements RotationIndex {
  constructor(
    private readonly client: () => Promise<RedisEval>,
    private readonly prefix: string,
  ) {}

  async put(id: string, postings: readonly Posting[]): Promise<void> {
    if (postings.length === 0) return;
    await (await this.client()).eval(PUT, {
      keys: postings.map((posting) => this.prefix + posting.list),
      arguments: [id, ...postings.map((posting) => String(posting.rank))],
    });
  }

  async remove(id: string, lists: readonly string[]): Promise<void> {
    if (lists.length === 0) return;
    await (await this.client()).eval(REMOVE, { keys: lists.map((list) => this.prefix + list), arguments: [id] });
  }

  async range(list: string, { limit, offset = 0, newestFirst = false }: IndexPage): Promise<string[]> {
    if (limit <= 0) return [];
    const reply = await (await this.client()).eval(RANGE, {
      keys: [this.prefix + list],
      arguments: [String(offset), String(offset + limit - 1), newestFirst ? 'rev' : ''],
    });
    return (reply as unknown[]).map(String);
  }
}
