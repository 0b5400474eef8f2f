import { randomUUID } from 'node:crypto';
import type Keyv from 'keyv';
import { openStore } from '../../src/store/keyv-factory';
import type { EngineLocks, RotationStore } from '../../src/domain/ports';
import type { AuditEntry, Rotation } from '../../src/domain/rotation';
import { aRotation, aRotationIn, asStored } from '../../testkit/rotations';
import { freshPostgresDatabase, storeEngines } from '../support/databases';
import { isCodedError } from '../../src/domain/errors';

/**
 * One contract, run against every engine: memory and SQLite always, Redis and
 * PostgreSQL when TEST_REDIS_URL / TEST_POSTGRES_URL name a server (.ci/run
 * sets both). Each test gets its own namespace on a shared server.
 */
const engines = storeEngines();
if (!process.env.TEST_REDIS_URL || !process.env.TEST_POSTGRES_URL) {
  console.warn('rotation-store.test.ts: set TEST_REDIS_URL and TEST_POSTGRES_URL to run the Redis and PostgreSQL variants');
}

/**
 * The keyv under a store: for writing a record as another release (or a
 * damaged write) left it, and for making the adapter fail the way it does in
 * production. The store keeps it private; tests reach it here only.
 */
const keyvOf = (store: RotationStore): Keyv => (store as unknown as { keyv: Keyv }).keyv;

describe.each(engines)('the rotation store on %s', (engine, makeUrl) => {
  let location: { url: string; cleanup(): void };
  let store: RotationStore;
  let locks: EngineLocks;
  let namespace: string;
  let closed: boolean;

  beforeEach(() => {
    location = makeUrl();
    namespace = `test_${randomUUID().slice(0, 8)}`;
    ({ rotations: store, locks } = openStore(location.url, undefined, namespace));
    closed = false;
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    if (!closed) await store.close();
    location.cleanup();
  });

  it('gives back what was inserted, and nothing for an unknown id', async () => {
    const rotation = aRotation({ id: 'ROT-AAAAAA' });
    await store.insert(rotation);
    expect(await store.get('ROT-AAAAAA')).toEqual(asStored(rotation));
    expect(await store.get('ROT-BBBBBB')).toBeUndefined();
  });

  it('refuses a second insert under the same id', async () => {
    await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
    const error = await store.insert(aRotation({ id: 'ROT-AAAAAA' })).catch((e: unknown) => e);
    expect(isCodedError(error, 'ROTATION_EXISTS')).toBe(true);
  });

  it('replaces only from the expected version', async () => {
    const requested = aRotation({ id: 'ROT-AAAAAA' });
    await store.insert(requested);
    const approved = aRotationIn('approved', { id: 'ROT-AAAAAA' });

    expect(await store.replace(approved, 2)).toBe(false);
    expect((await store.get('ROT-AAAAAA'))?.status).toBe('requested');
    expect(await store.replace(approved, 1)).toBe(true);
    expect(await store.get('ROT-AAAAAA')).toEqual(asStored(approved));
    expect(await store.replace(approved, 1)).toBe(false);
  });

  it('lets exactly one of many concurrent replaces from the same version win', async () => {
    await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.replace(aRotationIn('approved', { id: 'ROT-AAAAAA' }), 1)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  // Each store has its own connection (SQLite), client (Redis) or pool (PostgreSQL): two stores are two processes.
  if (engine !== 'memory') {
    it('lets exactly one of two connections (two processes) write from the same version', async () => {
      const other = openStore(location.url, undefined, namespace).rotations;
      try {
        await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
        const attempts = Array.from({ length: 6 }, (_, i) =>
          (i % 2 === 0 ? store : other).replace(aRotationIn('approved', { id: 'ROT-AAAAAA' }), 1),
        );
        expect((await Promise.all(attempts)).filter(Boolean)).toHaveLength(1);
        expect((await other.get('ROT-AAAAAA'))?.version).toBe(2);
      } finally {
        await other.close();
      }
    });
  }

  it('keeps the message location when a transition read before it was recorded is written', async () => {
    await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
    const readBeforePosting = await store.get('ROT-AAAAAA');
    await store.setMessage('ROT-AAAAAA', { channelId: 'C0CHANNEL1', ts: '1.2' });
    const approved = { ...aRotationIn('approved', { id: 'ROT-AAAAAA' }), history: readBeforePosting?.history ?? [] };

    expect(await store.replace(approved, 1)).toBe(true);
    expect((await store.get('ROT-AAAAAA'))?.message).toEqual({ channelId: 'C0CHANNEL1', ts: '1.2' });
  });

  it('refuses a write that would drop an entry recorded at the same version since it was read', async () => {
    await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
    const readByAClick = (await store.get('ROT-AAAAAA')) as Rotation;
    // A same-version write (as a secret_exposed report makes) lands first…
    const exposure: AuditEntry = { at: '2026-03-02T10:05:00.000Z', actorId: 'U0ATTEND01', from: 'requested', to: 'requested', event: 'secret_exposed' };
    expect(await store.replace({ ...readByAClick, history: [...readByAClick.history, exposure] }, 1)).toBe(true);
    // …so the click's write, made from the older read, would erase it: refused.
    const approval: AuditEntry = { at: '2026-03-02T10:06:00.000Z', actorId: 'U0APPROVE1', from: 'requested', to: 'approved' };
    const approved = { ...aRotationIn('approved', { id: 'ROT-AAAAAA' }), history: [...readByAClick.history, approval] };
    expect(await store.replace(approved, 1)).toBe(false);

    // Made again from a fresh read, it keeps both.
    const fresh = (await store.get('ROT-AAAAAA')) as Rotation;
    expect(await store.replace({ ...approved, history: [...fresh.history, approval] }, 1)).toBe(true);
    expect((await store.get('ROT-AAAAAA'))?.history.map((e) => e.event ?? e.to)).toEqual(['requested', 'secret_exposed', 'approved']);
  });

  it('refuses a message location for a rotation that does not exist, and records nothing', async () => {
    expect(await store.setMessage('ROT-ZZZZZZ', { channelId: 'C1', ts: '1' })).toBe(false);
    expect(await store.findByMessage({ channelId: 'C1', ts: '1' })).toBeUndefined();
  });

  it('finds the rotation whose message is a thread parent, and nothing for any other message', async () => {
    await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
    await store.insert(aRotation({ id: 'ROT-BBBBBB' }));
    await store.setMessage('ROT-AAAAAA', { channelId: 'C0CHANNEL1', ts: '1700000000.000100' });
    await store.setMessage('ROT-BBBBBB', { channelId: 'C0CHANNEL2', ts: '1700000000.000100' });

    expect(await store.findByMessage({ channelId: 'C0CHANNEL1', ts: '1700000000.000100' })).toBe('ROT-AAAAAA');
    expect(await store.findByMessage({ channelId: 'C0CHANNEL2', ts: '1700000000.000100' })).toBe('ROT-BBBBBB');
    expect(await store.findByMessage({ channelId: 'C0CHANNEL1', ts: '1700000000.000200' })).toBeUndefined();
    expect((await store.list()).map((r) => r.id).sort()).toEqual(['ROT-AAAAAA', 'ROT-BBBBBB']);
  });

  it('lists every rotation once, with its message location', async () => {
    for (const id of ['ROT-AAAAAA', 'ROT-BBBBBB', 'ROT-CCCCCC']) await store.insert(aRotation({ id }));
    await store.setMessage('ROT-BBBBBB', { channelId: 'C0CHANNEL1', ts: '9.9' });
    await store.ping();

    const listed = await store.list();
    expect(listed.map((r) => r.id).sort()).toEqual(['ROT-AAAAAA', 'ROT-BBBBBB', 'ROT-CCCCCC']);
    expect(listed.find((r) => r.id === 'ROT-BBBBBB')?.message).toEqual({ channelId: 'C0CHANNEL1', ts: '9.9' });
  });

  it('says it recorded a message location for a rotation it holds', async () => {
    await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
    expect(await store.setMessage('ROT-AAAAAA', { channelId: 'C0CHANNEL1', ts: '1.2' })).toBe(true);
  });

  it.each([
    ['of a schema version it does not know', { ...aRotation({ id: 'ROT-AAAAAA' }), schemaVersion: 2 }],
    ['that is no record at all (null)', null],
    ['that is no record at all (a string)', 'ROT-AAAAAA'],
  ])('refuses a stored record %s with SCHEMA_UNSUPPORTED, when read and when listed', async (_what, raw) => {
    await keyvOf(store).set('rotation:ROT-AAAAAA', raw);

    const read = await store.get('ROT-AAAAAA').catch((e: unknown) => e);
    expect(isCodedError(read, 'SCHEMA_UNSUPPORTED')).toBe(true);
    expect((read as Error).message).toBe('Rotation ROT-AAAAAA was stored with an unknown schema version');
    expect(isCodedError(await store.list().catch((e: unknown) => e), 'SCHEMA_UNSUPPORTED')).toBe(true);
  });

  it('refuses a write whose history drops or rewrites a stored entry, at the expected version', async () => {
    const approved = aRotationIn('approved', { id: 'ROT-AAAAAA' });
    await store.insert({ ...approved, version: 1 });
    const [requested, approval] = approved.history as [AuditEntry, AuditEntry];
    const next = { ...approved, version: 2 };

    expect(await store.replace({ ...next, history: [requested] }, 1)).toBe(false);
    expect(await store.replace({ ...next, history: [{ ...requested, actorId: 'U0SOMEONE' }, approval] }, 1)).toBe(false);
    expect((await store.get('ROT-AAAAAA'))?.version).toBe(1);
    // Every stored entry kept, in order, and one more: written.
    expect(await store.replace({ ...next, history: [requested, approval, { ...approval, at: '2026-03-02T10:00:00.000Z' }] }, 1)).toBe(true);
  });

  it('takes a stored record without a history as having none: any history extends it', async () => {
    const { history: _history, ...withoutHistory } = aRotation({ id: 'ROT-AAAAAA' });
    await keyvOf(store).set('rotation:ROT-AAAAAA', withoutHistory);
    const approved = aRotationIn('approved', { id: 'ROT-AAAAAA' });

    expect(await store.replace(approved, 1)).toBe(true);
    expect(await store.get('ROT-AAAAAA')).toEqual(asStored(approved));
  });

  it("fails a write the adapter reports only as an 'error' event (Redis resolves a write while offline), and leaves no listener behind", async () => {
    const keyv = keyvOf(store);
    const listeners = keyv.listeners('error').length;
    // The write "succeeds", but the adapter said otherwise on the side.
    jest.spyOn(keyv, 'set').mockImplementationOnce(async () => {
      keyv.emit('error', new Error('connection lost'));
      return true;
    });

    await expect(store.insert(aRotation({ id: 'ROT-AAAAAA' }))).rejects.toThrow('connection lost');
    expect(keyv.listeners('error')).toHaveLength(listeners);

    // And the next write, with nothing reported, goes through.
    await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
    expect(keyv.listeners('error')).toHaveLength(listeners);
    expect((await store.get('ROT-AAAAAA'))?.id).toBe('ROT-AAAAAA');
  });

  it('ping fails when the store cannot write, whether the adapter throws or only reports it', async () => {
    const keyv = keyvOf(store);
    await store.ping();
    jest.spyOn(keyv, 'set').mockRejectedValueOnce(new Error('READONLY'));
    await expect(store.ping()).rejects.toThrow('READONLY');
    jest.spyOn(keyv, 'set').mockImplementationOnce(async () => {
      keyv.emit('error', new Error('connection lost'));
      return true;
    });
    await expect(store.ping()).rejects.toThrow('connection lost');
  });

  it('close disconnects from the engine', async () => {
    const disconnect = jest.spyOn(keyvOf(store), 'disconnect');
    await store.close();
    closed = true;
    expect(disconnect).toHaveBeenCalledTimes(1);
  });

  describe("another process holding the rotation's lease", () => {
    // The leases of SQLite and PostgreSQL are not namespaced: an id of this test's own, so that no other run of
    // these suites on the same server waits on this one (or this one on it).
    let id: string;
    const other = `another-process-${randomUUID()}`;
    beforeEach(async () => {
      id = `ROT-${randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase()}`;
      await store.insert(aRotation({ id }));
      expect(await locks.acquire(`rotation:${id}`, other, 10_000)).toBe(true);
    });
    afterEach(() => locks.release(`rotation:${id}`, other));

    it('past the wait (3 s), fails the change with STORE_BUSY, having tried again about every 20 ms', async () => {
      // The pause between tries is 10 + 20 × random ms: at 0.5 exactly 20 ms, so some 150 tries in 3 s.
      jest.spyOn(Math, 'random').mockReturnValue(0.5);
      const tries = jest.spyOn(locks, 'acquire');
      const started = Date.now();

      const error = await store.replace(aRotationIn('approved', { id }), 1).catch((e: unknown) => e);

      expect(isCodedError(error, 'STORE_BUSY')).toBe(true);
      expect((error as Error).message).toBe(`Rotation ${id} is busy; try again`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
      // Not hammering the engine (a pause of 10 ms or less would make 300 tries or more), nor giving up early.
      expect(tries.mock.calls.length).toBeLessThan(200);
      expect(tries.mock.calls.length).toBeGreaterThan(20);
      expect((await store.get(id))?.status).toBe('requested');
    });

    it('released within the wait, lets the change through', async () => {
      setTimeout(() => void locks.release(`rotation:${id}`, other), 300);
      const started = Date.now();

      expect(await store.replace(aRotationIn('approved', { id }), 1)).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect((await store.get(id))?.status).toBe('approved');
    });

    it("does not hold up another rotation's change", async () => {
      await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
      expect(await store.replace(aRotationIn('approved', { id: 'ROT-AAAAAA' }), 1)).toBe(true);
    });
  });
});

/**
 * Two PostgreSQL stores in one process (store:migrate between two databases,
 * replicas in one test process): each has a pool of its own, so closing one
 * leaves the other working, and each is ended once. @keyv/postgres alone keeps
 * one pool a process and ends whichever is current on any store's close.
 */
(process.env.TEST_POSTGRES_URL ? describe : describe.skip)('two PostgreSQL stores in one process', () => {
  it('close independently, whichever closes first, on one database or two', async () => {
    const first = freshPostgresDatabase(process.env.TEST_POSTGRES_URL as string);
    const second = freshPostgresDatabase(process.env.TEST_POSTGRES_URL as string);
    try {
      const a = openStore(first.url).rotations;
      const b = openStore(second.url).rotations;
      const c = openStore(second.url).rotations;
      await Promise.all([a, b, c].map((store) => store.ping()));
      await b.insert(aRotation({ id: 'ROT-BBBBBB' }));

      await a.close();
      expect(await c.get('ROT-BBBBBB')).toEqual(expect.objectContaining({ id: 'ROT-BBBBBB' }));
      await b.close();
      expect(await c.get('ROT-BBBBBB')).toEqual(expect.objectContaining({ id: 'ROT-BBBBBB' }));
      await c.close();
      await expect(c.get('ROT-BBBBBB')).rejects.toThrow();
    } finally {
      first.drop();
      second.drop();
    }
  });
});
