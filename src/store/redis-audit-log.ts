import type { AuditLogRecord } from '../domain/audit-chain';
import type { AuditLog } from './audit-log';
import type { RedisEval } from './redis-scan';

/**
 * KEYS: the log (a list), the counts (a hash).  ARGV: seq, the record as JSON, the rotation id.
 * Appends only as the list's next element: the check and the push are one step.
 */
const TRY_APPEND = `
if redis.call('LLEN', KEYS[1]) + 1 ~= tonumber(ARGV[1]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
return 1`;

/** KEYS: the log.  ARGV: first, last position. */
const RANGE = "return redis.call('LRANGE', KEYS[1], ARGV[1], ARGV[2])";

/** KEYS: the counts.  ARGV: the rotation id. */
const COUNT = "return redis.call('HGET', KEYS[1], ARGV[1])";

/** Records read per script when the log is read whole. */
const PAGE = 1000;

/**
 * The store-wide audit log on Redis: a list of records (JSON) under the
 * prefix, and a hash of how many entries of each rotation it holds, changed
 * together by one script. On Redis Cluster the prefix needs a hash tag, as
 * for the schedule.
 */
export class RedisAuditLog implements AuditLog {
  constructor(
    private readonly client: () => Promise<RedisEval>,
    private readonly prefix: string,
  ) {}

  private get keys() {
    return { log: `${this.prefix}log`, counts: `${this.prefix}counts` };
  }

  private async range(first: number, last: number): Promise<AuditLogRecord[]> {
    const reply = await (await this.client()).eval(RANGE, { keys: [this.keys.log], arguments: [String(first), String(last)] });
    return (reply as unknown[]).map((item) => JSON.parse(String(item)) as AuditLogRecord);
  }

  async head(): Promise<AuditLogRecord | undefined> {
    return (await this.range(-1, -1))[0];
  }

  async tryAppend(record: AuditLogRecord): Promise<boolean> {
    const reply = await (await this.client()).eval(TRY_APPEND, {
      keys: [this.keys.log, this.keys.counts],
      arguments: [String(record.seq), JSON.stringify(record), record.rotationId],
    });
    return Number(reply) === 1;
  }

  async countOf(rotationId: string): Promise<number> {
    const reply = await (await this.client()).eval(COUNT, { keys: [this.keys.counts], arguments: [rotationId] });
    return Number(reply ?? 0);
  }

  async records(): Promise<AuditLogRecord[]> {
    const all: AuditLogRecord[] = [];
    for (;;) {
      const page = await this.range(all.length, all.length + PAGE - 1);
      all.push(...page);
      if (page.length < PAGE) return all;
    }
  }
}
