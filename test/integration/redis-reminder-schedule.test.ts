import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { RedisReminderSchedule } from '../../src/store/redis-reminder-schedule';
import { LEASE, occurrence, scheduleContract, T } from '../support/schedule-contract';

/**
 * The schedule's contract on a real Redis server (TEST_REDIS_URL, set by
 * .ci/run), plus what only a shared server can show: many claims from two
 * clients at once, and the indexes left behind. Every case works under its own
 * random key prefix and deletes its keys after.
 */
const url = process.env.TEST_REDIS_URL;

async function connect(redisUrl: string) {
  const client = createClient({ url: redisUrl });
  client.on('error', () => undefined); // a failed command rejects; the test reports it
  await client.connect();
  return client;
}

type Client = Awaited<ReturnType<typeof connect>>;

async function deleteKeys(client: Client, prefix: string): Promise<void> {
  const keys: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch);
  if (keys.length > 0) await client.del(keys);
}

if (url === undefined || url === '') {
  console.log('TEST_REDIS_URL is not set: the reminder schedule suite on Redis is skipped');
  describe.skip('the reminder schedule on redis (TEST_REDIS_URL not set)', () => {
    it('needs a Redis server', () => undefined);
  });
} else {
  /** A fresh schedule under its own prefix, on its own client; `close` deletes its keys. */
  const open = async () => {
    const prefix = `wfi-rotate-test:${randomUUID()}:`;
    const client = await connect(url);
    const clients = [client];
    return {
      prefix,
      client,
      schedule: new RedisReminderSchedule(async () => client, prefix),
      close: async () => {
        await deleteKeys(client, prefix);
        await Promise.all(clients.map((c) => c.close()));
      },
      another: async () => {
        const second = await connect(url);
        clients.push(second);
        return { schedule: new RedisReminderSchedule(async () => second, prefix), close: async () => undefined };
      },
    };
  };

  scheduleContract('redis', open, { sharedAs: 'server' });

  describe('the reminder schedule on redis, across clients', () => {
    let opened: Awaited<ReturnType<typeof open>>;

    beforeEach(async () => {
      opened = await open();
    });
    afterEach(async () => {
      await opened.close();
    });

    it('gives an occurrence to exactly one of 20 concurrent claims from two clients', async () => {
      const second = await opened.another();
      const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      await opened.schedule.add([o]);
      const now = T('2026-03-02T09:00:00Z');
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? opened.schedule : second.schedule).claim(o.key, `owner-${i}`, now, LEASE)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = `owner-${claims.indexOf(true)}`;
      expect(await opened.client.hGet(`${opened.prefix}o:${o.key}`, 'claimedBy')).toBe(winner);
    });

    it('hands an expired lease to exactly one of 20 concurrent claims from two clients', async () => {
      const second = await opened.another();
      const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      await opened.schedule.add([o]);
      expect(await opened.schedule.claim(o.key, 'crashed', T('2026-03-02T09:00:00Z'), LEASE)).toBe(true);
      const later = T('2026-03-02T09:05:00Z');
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? opened.schedule : second.schedule).claim(o.key, `owner-${i}`, later, LEASE)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it('adds each key once when two clients add the same occurrences at once', async () => {
      const second = await opened.another();
      const os = Array.from({ length: 50 }, (_, i) => occurrence(`ROT-${String(i).padStart(6, '0')}`, 'submit_due', '2026-03-02T09:00:00.000Z'));
      await Promise.all([opened.schedule.add(os), second.schedule.add(os), opened.schedule.add(os)]);
      expect(await opened.client.zCard(`${opened.prefix}pending`)).toBe(50);
      expect(await opened.schedule.due(T('2026-03-02T09:00:00Z'), 100)).toHaveLength(50);
    });

    it('keeps its indexes in step with the occurrences: claimed, finished and replanned ones leave the due index', async () => {
      const { client, prefix, schedule } = opened;
      const a = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      const b = occurrence('ROT-AAAAAA', 'submit_soon', '2026-03-03T09:00:00.000Z');
      const c = occurrence('ROT-AAAAAA', 'deadline_near', '2026-03-04T09:00:00.000Z');
      await schedule.add([a, b, c]);
      expect(await client.zRangeWithScores(`${prefix}pending`, 0, -1)).toEqual([
        { value: a.key, score: Date.parse(a.dueAt) },
        { value: b.key, score: Date.parse(b.dueAt) },
        { value: c.key, score: Date.parse(c.dueAt) },
      ]);

      await schedule.claim(a.key, 'x', T('2026-03-02T09:00:00Z'), LEASE);
      expect(await client.zRange(`${prefix}pending`, 0, -1)).toEqual([b.key, c.key]);
      expect(await client.zRangeWithScores(`${prefix}claimed`, 0, -1)).toEqual([{ value: a.key, score: Date.parse('2026-03-02T09:01:00Z') }]);

      await schedule.finish(a.key, { state: 'failed', reason: 'is_archived' }, T('2026-03-02T09:00:05Z'));
      expect(await client.zCard(`${prefix}claimed`)).toBe(0);
      expect(await client.zRange(`${prefix}failed`, 0, -1)).toEqual([a.key]);

      await schedule.reschedule('ROT-AAAAAA', [occurrence('ROT-AAAAAA', 'submit_due', '2026-03-09T09:00:00.000Z')]);
      expect(await client.zCard(`${prefix}pending`)).toBe(1);
      expect(await client.exists(`${prefix}o:${b.key}`)).toBe(0);
      expect(await client.sCard(`${prefix}r:ROT-AAAAAA`)).toBe(2); // the failed one and the new one
      expect(await schedule.failures('ROT-AAAAAA')).toEqual([
        { key: a.key, rotationId: 'ROT-AAAAAA', kind: 'submit_due', dueAt: a.dueAt, state: 'failed', finishedAt: '2026-03-02T09:00:05.000Z', failure: 'is_archived' },
      ]);
    });

    it('indexes finished occurrences by when they finished, and prunes them with their place in every index', async () => {
      const { client, prefix, schedule } = opened;
      const a = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      const b = occurrence('ROT-AAAAAA', 'submit_soon', '2026-03-03T09:00:00.000Z');
      await schedule.add([a, b]);
      await schedule.finish(a.key, { state: 'failed', reason: 'is_archived' }, T('2026-03-02T09:00:05Z'));
      expect(await client.zRangeWithScores(`${prefix}finished`, 0, -1)).toEqual([{ value: a.key, score: Date.parse('2026-03-02T09:00:05Z') }]);

      expect(await schedule.pruneFinished(T('2026-06-01T00:00:00Z'))).toBe(1);
      expect(await client.exists([`${prefix}o:${a.key}`, `${prefix}finished`, `${prefix}failed`])).toBe(0);
      expect(await client.sMembers(`${prefix}r:ROT-AAAAAA`)).toEqual([b.key]);
    });

    it('prunes what a store written before the finished index holds, after indexing it once', async () => {
      const { client, prefix, schedule } = opened;
      const os = Array.from({ length: 30 }, (_, i) => occurrence(`ROT-${String(i).padStart(6, '0')}`, 'submit_due', '2026-03-02T09:00:00.000Z'));
      await schedule.add(os);
      for (const o of os.slice(0, 20)) await schedule.finish(o.key, { state: 'dropped' }, T('2026-03-02T09:00:01Z'));
      // As the previous version left it: finished occurrences in no finished index.
      await client.del([`${prefix}finished`, `${prefix}finished-indexed`]);

      const upgraded = new RedisReminderSchedule(async () => client, prefix);
      expect(await upgraded.pruneFinished(T('2026-06-01T00:00:00Z'))).toBe(20);
      expect(await client.get(`${prefix}finished-indexed`)).toBe('1');
      expect((await upgraded.entries()).map((e) => e.key)).toEqual(os.slice(20).map((o) => o.key).sort());
    });

    it('gives the earliest pending occurrence of a rotation, and nothing for an unknown one', async () => {
      const later = occurrence('ROT-AAAAAA', 'deadline_near', '2026-03-09T09:00:00.000Z');
      const earlier = occurrence('ROT-AAAAAA', 'submit_soon', '2026-03-05T09:00:00.000Z');
      await opened.schedule.add([later, earlier]);
      expect(await opened.schedule.nextFor('ROT-AAAAAA')).toEqual({ ...earlier, state: 'pending' });
      expect(await opened.schedule.nextFor('ROT-ZZZZZZ')).toBeUndefined();
    });
  });
}
