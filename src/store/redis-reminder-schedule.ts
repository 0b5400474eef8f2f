import type { ReminderOutcome, ReminderSchedule, ScheduledReminder } from '../domain/ports';
import type { ReminderOccurrence } from '../domain/reminder-kinds';
import { scanUnder } from './redis-scan';
import { readEntry, storedDigest, type StoredEntry } from './schedule-entry';

/** The minimal node-redis (v5) client surface the schedule uses: every read and write is one script. */
export interface RedisScheduleClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Occurrences written per script, so one large `add` does not hold the server for long. */
const BATCH = 500;

/*
 * Layout, under the prefix:
 *   pending       sorted set, score = due time (ms), member = occurrence key
 *   claimed       sorted set, score = lease expiry (ms), member = occurrence key
 *   failed        sorted set, score = finishedAt (ms), member = occurrence key
 *   finished      sorted set, score = finishedAt (ms), member = occurrence key (sent, failed or dropped): what pruning reads
 *   finished-indexed  set once the occurrences finished before `finished` existed were added to it
 *   o:<key>       hash: rotationId, kind, dueAt (ms), state, claimedBy, leaseUntil, finishedAt, failure
 *   r:<rotation>  set of the rotation's occurrence keys, in every state
 * The hash is the truth about an occurrence; the sorted sets are its indexes,
 * and every script changes both together, so they never disagree.
 * Scripts that visit occurrences they are not told in advance (reschedule,
 * due, nextFor, failures, pruneFinished, entries) build `o:<key>` names from the prefix (ARGV): fine
 * on one server or a primary with replicas; on Redis Cluster the prefix must
 * carry a hash tag (e.g. `{wfi-rotate}:reminders:`) so every key is in one slot.
 */

/**
 * The body shared by ADD and RESCHEDULE: KEYS from `keyOffset + 1` come in
 * pairs o:<key>, r:<rotation>; ARGV from `argOffset + 1` in fours key,
 * rotationId, kind, dueAt ms. Creates each occurrence whose hash does not
 * exist yet, whatever state an existing one is in.
 */
function addBody(keyOffset: number, argOffset: number): string {
  return `
local pendingIndex = KEYS[1]
for i = 1, (#KEYS - ${keyOffset}) / 2 do
  local hash, rotation = KEYS[${keyOffset} + 2 * i - 1], KEYS[${keyOffset} + 2 * i]
  local a = ${argOffset} + 4 * (i - 1)
  local key, rotationId, kind, due = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  if redis.call('EXISTS', hash) == 0 then
    redis.call('HSET', hash, 'rotationId', rotationId, 'kind', kind, 'dueAt', due, 'state', 'pending')
    redis.call('ZADD', pendingIndex, due, key)
    redis.call('SADD', rotation, key)
  end
end
`;
}

/** KEYS: pending, then pairs o:<key>, r:<rotation>.  ARGV: fours key, rotationId, kind, dueAt ms. */
const ADD = `${addBody(1, 0)}return 0`;

/**
 * KEYS: pending, r:<rotation>, then pairs as ADD.  ARGV: hash prefix, then fours as ADD.
 * Deletes the rotation's pending occurrences, then adds these: one atomic step.
 */
const RESCHEDULE = `
local pending, rotation, hashPrefix = KEYS[1], KEYS[2], ARGV[1]
for _, key in ipairs(redis.call('SMEMBERS', rotation)) do
  local hash = hashPrefix .. key
  local state = redis.call('HGET', hash, 'state')
  if state == 'pending' or not state then
    redis.call('DEL', hash)
    redis.call('ZREM', pending, key)
    redis.call('SREM', rotation, key)
  end
end
${addBody(2, 1)}return 0`;

/**
 * KEYS: pending, claimed, o:<key>.  ARGV: key, owner, now ms, lease expiry ms.
 * Moves a pending occurrence, or a claimed one whose lease ran out, to claimed
 * with this owner; answers 1 when this owner holds it afterwards.
 */
const CLAIM = `
local pending, claimed, hash = KEYS[1], KEYS[2], KEYS[3]
local key, owner, now, leaseUntil = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local state = redis.call('HGET', hash, 'state')
if state == 'pending' or (state == 'claimed' and tonumber(redis.call('HGET', hash, 'leaseUntil') or '0') < now) then
  redis.call('HSET', hash, 'state', 'claimed', 'claimedBy', owner, 'leaseUntil', leaseUntil)
  redis.call('ZREM', pending, key)
  redis.call('ZADD', claimed, leaseUntil, key)
  return 1
end
if state == 'claimed' and redis.call('HGET', hash, 'claimedBy') == owner then
  return 1
end
return 0`;

/**
 * KEYS: pending, claimed, failed, finished, o:<key>.  ARGV: key, state, finishedAt ms, failure ('' unless failed).
 * Records the outcome whatever the state was; failures stay indexed for
 * reading, and every finished occurrence by when it finished, for pruning.
 */
const FINISH = `
local pending, claimed, failed, finished, hash = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local key, state, finishedAt, failure = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('EXISTS', hash) == 0 then return 0 end
redis.call('HSET', hash, 'state', state, 'finishedAt', finishedAt)
redis.call('HDEL', hash, 'leaseUntil')
redis.call('ZREM', pending, key)
redis.call('ZREM', claimed, key)
redis.call('ZADD', finished, finishedAt, key)
if state == 'failed' then
  redis.call('HSET', hash, 'failure', failure)
  redis.call('ZADD', failed, finishedAt, key)
else
  redis.call('HDEL', hash, 'failure')
  redis.call('ZREM', failed, key)
end
return 1`;

/** Lua helpers: orders candidates {key, due} by due time, then key byte by byte (as Redis orders equal scores). */
const ORDER = `
local function before(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  local x, y = a[1], b[1]
  for i = 1, math.min(#x, #y) do
    local p, q = string.byte(x, i), string.byte(y, i)
    if p ~= q then return p < q end
  end
  return #x < #y
end
`;

/**
 * KEYS: pending, claimed.  ARGV: now ms, limit, hash prefix.
 * The first `limit` pending occurrences due by now (a range of the due
 * index), and the claimed ones whose lease ran out (a range of the lease
 * index) and that are due; merged by due time then key; each as
 * {key, field, value, …}.
 */
const DUE = `
local now, limit, hashPrefix = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local candidates = {}
if limit > 0 then
  local pending = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, limit)
  for i = 1, #pending, 2 do
    candidates[#candidates + 1] = { pending[i], tonumber(pending[i + 1]) }
  end
  for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])) do
    local due = tonumber(redis.call('HGET', hashPrefix .. key, 'dueAt') or '')
    if due and due <= now then candidates[#candidates + 1] = { key, due } end
  end
end
${ORDER}
table.sort(candidates, before)
local out = {}
for i = 1, math.min(limit, #candidates) do
  local key = candidates[i][1]
  local fields = redis.call('HGETALL', hashPrefix .. key)
  if #fields > 0 then
    table.insert(fields, 1, key)
    out[#out + 1] = fields
  end
end
return out`;

/**
 * KEYS: r:<rotation>.  ARGV: hash prefix, state, 'due' | 'finished'.
 * The rotation's occurrences in that state, earliest due first ('due') or
 * latest finished first ('finished', ties as ZREVRANGE orders them); each as
 * {key, field, value, …}.
 */
const OF_ROTATION = `
local hashPrefix, wanted, order = ARGV[1], ARGV[2], ARGV[3]
local candidates, fieldsOf = {}, {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local fields = redis.call('HGETALL', hashPrefix .. key)
  local h = {}
  for i = 1, #fields, 2 do h[fields[i]] = fields[i + 1] end
  if h.state == wanted then
    local score = tonumber(order == 'due' and h.dueAt or h.finishedAt) or 0
    candidates[#candidates + 1] = { key, score }
    table.insert(fields, 1, key)
    fieldsOf[key] = fields
  end
end
${ORDER}
table.sort(candidates, before)
local out = {}
for i = 1, #candidates do
  local j = order == 'due' and i or #candidates + 1 - i
  out[i] = fieldsOf[candidates[j][1]]
end
return out`;

/** KEYS: failed.  ARGV: limit, hash prefix.  The newest failures; each as {key, field, value, …}. */
const FAILURES = `
local out = {}
for _, key in ipairs(redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', '-inf', 'LIMIT', 0, tonumber(ARGV[1]))) do
  local fields = redis.call('HGETALL', ARGV[2] .. key)
  if #fields > 0 then
    table.insert(fields, 1, key)
    out[#out + 1] = fields
  end
end
return out`;

/**
 * KEYS: finished, failed.  ARGV: cutoff ms, limit, hash prefix, rotation set prefix.
 * Deletes up to `limit` occurrences that finished before the cutoff, oldest
 * first (a range of the finished index, so it costs what it removes), with
 * their place in their rotation's set and in the failures; pending and claimed
 * ones are never in the finished index, and are checked for anyway.
 * Answers {removed, looked at}.
 */
const PRUNE = `
local finished, failed = KEYS[1], KEYS[2]
local hashPrefix, rotationPrefix = ARGV[3], ARGV[4]
local keys = redis.call('ZRANGEBYSCORE', finished, '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local removed = 0
for _, key in ipairs(keys) do
  local hash = hashPrefix .. key
  local state = redis.call('HGET', hash, 'state')
  if state == 'sent' or state == 'failed' or state == 'dropped' then
    local rotationId = redis.call('HGET', hash, 'rotationId')
    redis.call('DEL', hash)
    if rotationId then redis.call('SREM', rotationPrefix .. rotationId, key) end
    redis.call('ZREM', failed, key)
    removed = removed + 1
  end
  redis.call('ZREM', finished, key)
end
return { removed, #keys }`;

/**
 * KEYS: finished, finished-indexed.  ARGV: cursor, pattern, count, hash prefix (see scanUnder).
 * One SCAN step over the occurrences: adds the finished ones to the finished
 * index (stores written before it existed); sets finished-indexed after the last step.
 */
const INDEX_EARLIER_FINISHED = `
local reply = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
local added = 0
for _, hash in ipairs(reply[2]) do
  local state = redis.call('HGET', hash, 'state')
  local finishedAt = redis.call('HGET', hash, 'finishedAt')
  if finishedAt and (state == 'sent' or state == 'failed' or state == 'dropped') then
    added = added + redis.call('ZADD', KEYS[1], 'NX', finishedAt, string.sub(hash, #ARGV[4] + 1))
  end
end
if reply[1] == '0' then redis.call('SET', KEYS[2], '1') end
return { reply[1], { added } }`;

/**
 * ARGV: cursor, pattern, count, hash prefix (see scanUnder).
 * One SCAN step over the occurrences, each as {key, field, value, …}.
 */
const ENTRIES = `
local reply = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
local out = {}
for _, hash in ipairs(reply[2]) do
  local fields = redis.call('HGETALL', hash)
  if #fields > 0 then
    table.insert(fields, 1, string.sub(hash, #ARGV[4] + 1))
    out[#out + 1] = fields
  end
end
return { reply[1], out }`;

/** Occurrences deleted per prune script. */
const PRUNE_BATCH = 500;

const STATES: ReadonlyArray<ScheduledReminder['state']> = ['pending', 'claimed', 'sent', 'failed', 'dropped'];

/** One `{key, field, value, …}` reply of a script, as the port's shape (dates as ISO strings). */
function toReminder(reply: unknown): ScheduledReminder {
  if (!Array.isArray(reply) || reply.length === 0) throw new Error(`unexpected reply from the reminder schedule: ${String(reply)}`);
  const [key, ...pairs] = reply.map(String) as [string, ...string[]];
  const h = new Map<string, string>();
  for (let i = 0; i + 1 < pairs.length; i += 2) h.set(pairs[i] as string, pairs[i + 1] as string);
  const state = h.get('state') as ScheduledReminder['state'];
  if (!STATES.includes(state)) throw new Error(`reminder ${key} has an unknown state: ${String(state)}`);
  const finishedAt = h.get('finishedAt');
  const failure = h.get('failure');
  return readEntry({
    key,
    rotationId: h.get('rotationId') ?? '',
    kind: h.get('kind') as ScheduledReminder['kind'],
    dueAt: new Date(Number(h.get('dueAt'))).toISOString(),
    state,
    ...(finishedAt !== undefined ? { finishedAt: new Date(Number(finishedAt)).toISOString() } : {}),
    ...(failure !== undefined ? { failure } : {}),
  });
}

function toReminders(reply: unknown): ScheduledReminder[] {
  if (!Array.isArray(reply)) throw new Error(`unexpected reply from the reminder schedule: ${String(reply)}`);
  return reply.map(toReminder);
}

/** An ISO instant as the integer milliseconds the indexes are scored by. */
function ms(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`not an ISO instant: ${iso}`);
  return String(t);
}

/**
 * The reminder schedule in Redis: sorted sets index pending occurrences by due
 * time, claimed ones by lease expiry and failures by when they failed, so
 * finding what is due is a range read costing what is due; a hash per
 * occurrence holds its state. Every change touching more than one key is one
 * Lua script, which Redis runs atomically, so two processes can never both
 * claim an occurrence and `add` never revives a finished one.
 */
export class RedisReminderSchedule implements ReminderSchedule {
  /** The finished index's catch-up on a store written before it existed (see indexEarlierFinished). */
  private indexed?: Promise<void>;

  constructor(
    private readonly client: () => Promise<RedisScheduleClient>,
    private readonly prefix = 'wfi-rotate:reminders:',
  ) {}

  private get pendingKey(): string {
    return `${this.prefix}pending`;
  }
  private get claimedKey(): string {
    return `${this.prefix}claimed`;
  }
  private get failedKey(): string {
    return `${this.prefix}failed`;
  }
  private get finishedKey(): string {
    return `${this.prefix}finished`;
  }
  private get hashPrefix(): string {
    return `${this.prefix}o:`;
  }
  private rotationKey(rotationId: string): string {
    return `${this.prefix}r:${rotationId}`;
  }

  private async run(script: string, keys: string[], args: string[]): Promise<unknown> {
    return (await this.client()).eval(script, { keys, arguments: args });
  }

  /** The KEYS and ARGV of ADD for these occurrences. */
  private addParts(occurrences: readonly StoredEntry[]): { keys: string[]; args: string[] } {
    const keys: string[] = [];
    const args: string[] = [];
    for (const o of occurrences) {
      keys.push(this.hashPrefix + o.key, this.rotationKey(o.rotationId));
      args.push(o.key, o.rotationId, o.kind, ms(o.dueAt));
    }
    return { keys, args };
  }

  async add(occurrences: readonly StoredEntry[]): Promise<void> {
    for (let i = 0; i < occurrences.length; i += BATCH) {
      const { keys, args } = this.addParts(occurrences.slice(i, i + BATCH));
      await this.run(ADD, [this.pendingKey, ...keys], args);
    }
  }

  addDigest(dueAt: string): Promise<void> {
    return this.add([storedDigest(dueAt)]);
  }

  async reschedule(rotationId: string, occurrences: ReminderOccurrence[]): Promise<void> {
    // The delete and the first batch are one script: no process sees the rotation without its reminders.
    const { keys, args } = this.addParts(occurrences.slice(0, BATCH));
    await this.run(RESCHEDULE, [this.pendingKey, this.rotationKey(rotationId), ...keys], [this.hashPrefix, ...args]);
    if (occurrences.length > BATCH) await this.add(occurrences.slice(BATCH));
  }

  async due(now: Date, limit: number): Promise<ScheduledReminder[]> {
    const n = Math.max(0, Math.floor(limit));
    return toReminders(await this.run(DUE, [this.pendingKey, this.claimedKey], [String(now.getTime()), String(n), this.hashPrefix]));
  }

  async claim(key: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const t = now.getTime();
    const reply = await this.run(CLAIM, [this.pendingKey, this.claimedKey, this.hashPrefix + key], [key, owner, String(t), String(t + leaseMs)]);
    return Number(reply) === 1;
  }

  async finish(key: string, outcome: ReminderOutcome, now: Date): Promise<void> {
    await this.run(
      FINISH,
      [this.pendingKey, this.claimedKey, this.failedKey, this.finishedKey, this.hashPrefix + key],
      [key, outcome.state, String(now.getTime()), outcome.state === 'failed' ? outcome.reason : ''],
    );
  }

  async nextFor(rotationId: string): Promise<ScheduledReminder | undefined> {
    return (await this.ofRotation(rotationId, 'pending', 'due'))[0];
  }

  async failures(rotationId?: string, limit = 20): Promise<ScheduledReminder[]> {
    const n = Math.max(0, Math.floor(limit));
    if (n === 0) return [];
    if (rotationId !== undefined) return (await this.ofRotation(rotationId, 'failed', 'finished')).slice(0, n);
    return toReminders(await this.run(FAILURES, [this.failedKey], [String(n), this.hashPrefix]));
  }

  /**
   * Scripts of PRUNE_BATCH each, until one finds nothing more before the
   * cutoff. Each script is atomic, so processes pruning at once never remove
   * one occurrence twice or half of one. A store written before the finished
   * index existed is indexed once first (a walk over every occurrence).
   */
  async pruneFinished(finishedBefore: Date): Promise<number> {
    await this.indexEarlierFinished();
    let removed = 0;
    for (;;) {
      const [gone, seen] = (await this.run(
        PRUNE,
        [this.finishedKey, this.failedKey],
        [String(finishedBefore.getTime()), String(PRUNE_BATCH), this.hashPrefix, this.rotationKey('')],
      )) as [number, number];
      removed += Number(gone);
      if (Number(seen) < PRUNE_BATCH) return removed;
    }
  }

  /** Once per process (again after a failure), and a no-op once the store says it was done. */
  private indexEarlierFinished(): Promise<void> {
    this.indexed ??= (async () => {
      const marker = `${this.prefix}finished-indexed`;
      if (Number(await this.run("return redis.call('EXISTS', KEYS[1])", [marker], [])) === 1) return;
      await scanUnder(await this.client(), INDEX_EARLIER_FINISHED, this.hashPrefix, [this.hashPrefix], [this.finishedKey, marker]);
    })().catch((error: unknown) => {
      this.indexed = undefined;
      throw error;
    });
    return this.indexed;
  }

  /** A walk with SCAN over every occurrence: for maintenance and tests. */
  async entries(): Promise<ScheduledReminder[]> {
    const byKey = new Map<string, ScheduledReminder>();
    for (const reply of await scanUnder(await this.client(), ENTRIES, this.hashPrefix, [this.hashPrefix])) {
      const entry = toReminder(reply);
      byKey.set(entry.key, entry);
    }
    return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async ofRotation(rotationId: string, state: ScheduledReminder['state'], order: 'due' | 'finished'): Promise<ScheduledReminder[]> {
    return toReminders(await this.run(OF_ROTATION, [this.rotationKey(rotationId)], [this.hashPrefix, state, order]));
  }
}
