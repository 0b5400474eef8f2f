import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import type { RotationStore } from '../../src/domain/ports';
import { decide } from '../../src/domain/lifecycle';
import type { Rotation, RotationStatus } from '../../src/domain/rotation';
import { NAMESPACE, openStore, sqlitePath } from '../../src/store/keyv-factory';
import { KeyvRotationStore } from '../../src/store/keyv-rotation-store';
import { LISTS, MemoryRotationIndex, postingsOf } from '../../src/store/rotation-index';
import { aPlannedRotation, aRotation, aRotationIn, APPROVER_ID, REQUESTER_ID } from '../../testkit/rotations';
import { tempStoreUrl } from '../support/bot-harness';
import { storeEngines } from '../support/databases';

/**
 * The store's indexed reads (issue 14): what App Home, `list` and the digest
 * read instead of every rotation ever stored, and who opened App Home. One contract on every engine
 * (Redis and PostgreSQL when TEST_REDIS_URL / TEST_POSTGRES_URL are set), two
 * store instances sharing one engine standing in for replicas.
 */

const ids = (rotations: Rotation[]) => rotations.map((r) => r.id);

/** The rotation after one step, taken by `userId` at `at`; the step must be allowed. */
function after(r: Rotation, change: Parameters<typeof decide>[1], userId: string, at = '2026-03-01T10:00:00Z'): Rotation {
  const result = decide(r, change, { actor: { userId, isApprover: userId === APPROVER_ID }, now: new Date(at), allowSelfApproval: false });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.rotation;
}

/** A rotation of its own id, deadline and instance, carried to `status`. */
function rotation(id: string, status: Exclude<RotationStatus, 'planned'>, deadline: string, more: Record<string, unknown> = {}) {
  return aRotationIn(status, { id, deadline, ...more } as Parameters<typeof aRotationIn>[1]);
}

describe.each(storeEngines())('the rotation index on %s', (_engine, makeUrl) => {
  let location: { url: string; cleanup(): void };
  let store: RotationStore;
  let replica: RotationStore;

  beforeEach(() => {
    location = makeUrl();
    const namespace = `test_${randomUUID().slice(0, 8)}`;
    store = openStore(location.url, undefined, namespace).rotations;
    // memory:// is one process's own: there the "replica" is the same store.
    replica = location.url === 'memory://' ? store : openStore(location.url, undefined, namespace).rotations;
  });
  afterEach(async () => {
    await store.close();
    if (replica !== store) await replica.close();
    location.cleanup();
  });

  it('lists open and planned rotations by deadline, ties by id, in pages, and nothing finished', async () => {
    const { planned, completed } = aPlannedRotation({ id: 'ROT-PREV22', deadline: '2026-04-01' });
    const rotations = [
      rotation('ROT-CCCCCC', 'approved', '2026-05-10'),
      rotation('ROT-BBBBBB', 'requested', '2026-05-10'),
      rotation('ROT-AAAAAA', 'requested', '2026-06-01'),
      rotation('ROT-DDDDDD', 'cancelled', '2026-04-02'),
      completed,
      planned,
    ];
    for (const r of rotations) await store.insert(r);
    const expected = [...rotations.filter((r) => r.status !== 'cancelled' && r.status !== 'completed')]
      .sort((a, b) => (a.deadline !== b.deadline ? (a.deadline < b.deadline ? -1 : 1) : a.id < b.id ? -1 : 1))
      .map((r) => r.id);
    expect(ids(await replica.active())).toEqual(expected);
    expect(ids(await replica.active({ limit: 2 }))).toEqual(expected.slice(0, 2));
    expect(ids(await replica.active({ limit: 2, offset: 2 }))).toEqual(expected.slice(2, 4));
    expect(ids(await replica.active({ limit: 2, offset: 4 }))).toEqual([]);
    expect(await replica.active({ limit: 1 })).toEqual([await store.get(expected[0] as string)]);
  });

  it('moves a rotation from the open list to the completed list as it changes, newest completion first', async () => {
    const early = rotation('ROT-EEEEEE', 'meeting_scheduled', '2026-05-01');
    const late = rotation('ROT-FFFFFF', 'meeting_scheduled', '2026-05-02');
    for (const r of [early, late]) await store.insert(r);
    expect(ids(await replica.recentlyCompleted({ limit: 10 }))).toEqual([]);
    const complete = (r: Rotation, at: string) => after(r, { type: 'complete', confirmations: ['vault', 'integrations'] }, REQUESTER_ID, at);
    expect(await replica.replace(complete(late, '2026-04-20T10:00:00Z'), late.version)).toBe(true);
    expect(await store.replace(complete(early, '2026-04-21T10:00:00Z'), early.version)).toBe(true);
    expect(ids(await store.active())).toEqual([]);
    expect(ids(await store.recentlyCompleted({ limit: 10 }))).toEqual(['ROT-EEEEEE', 'ROT-FFFFFF']);
    expect(ids(await store.recentlyCompleted({ limit: 1, offset: 1 }))).toEqual(['ROT-FFFFFF']);
  });

  it("lists a person's rotations (requester, attendee, meeting invitee) and an instance's, latest deadline first", async () => {
    const mine = rotation('ROT-GGGGGG', 'requested', '2026-05-01', { attendeeIds: [REQUESTER_ID, 'U0FRIEND1'] });
    // testkit's meeting invites U0ATTENDEE, who is in the handoff from then on (not an attendee of the request here).
    const met = rotation('ROT-HHHHHH', 'meeting_scheduled', '2026-06-01', { attendeeIds: [REQUESTER_ID] });
    const theirs = rotation('ROT-JJJJJJ', 'approved', '2026-06-15', { requesterId: 'U0SOMEONE', attendeeIds: ['U0SOMEONE'] });
    const other = rotation('ROT-IIIIII', 'cancelled', '2026-07-01', { instanceUrl: 'https://other.wfi.pega.com', attendeeIds: [REQUESTER_ID] });
    for (const r of [mine, met, theirs, other]) await store.insert(r);
    expect(ids(await replica.involving(REQUESTER_ID, { limit: 10 }))).toEqual(['ROT-IIIIII', 'ROT-HHHHHH', 'ROT-GGGGGG']);
    expect(ids(await replica.involving(REQUESTER_ID, { limit: 1, offset: 1 }))).toEqual(['ROT-HHHHHH']);
    // Their open and planned ones, earliest deadline first, however long their history.
    expect(ids(await replica.activeInvolving(REQUESTER_ID))).toEqual(['ROT-GGGGGG', 'ROT-HHHHHH']);
    expect(ids(await replica.activeInvolving('U0ATTENDEE'))).toEqual(['ROT-HHHHHH']);
    expect(ids(await replica.activeInvolving('U0STRANGER'))).toEqual([]);
    expect(ids(await replica.involving('U0FRIEND1', { limit: 10 }))).toEqual(['ROT-GGGGGG']);
    expect(ids(await replica.involving('U0ATTENDEE', { limit: 10 }))).toEqual(['ROT-HHHHHH']);
    expect(ids(await replica.involving('U0SOMEONE', { limit: 10 }))).toEqual(['ROT-JJJJJJ']);
    expect(ids(await replica.involving('U0STRANGER', { limit: 10 }))).toEqual([]);
    expect(ids(await replica.ofInstance(mine.instanceUrl, { limit: 10 }))).toEqual(['ROT-JJJJJJ', 'ROT-HHHHHH', 'ROT-GGGGGG']);
    expect(ids(await replica.ofInstance(other.instanceUrl, { limit: 10 }))).toEqual(['ROT-IIIIII']);
  });

  it('records who opened App Home, for every replica, and answers which of some people did in one read', async () => {
    expect(await replica.homeViewers([REQUESTER_ID, 'U0FRIEND1'])).toEqual([]);
    await store.recordHomeViewer(REQUESTER_ID);
    await replica.recordHomeViewer('U0FRIEND1');
    // Recording twice is recording once, and the second time writes nothing.
    const writes = jest.spyOn(Keyv.prototype, 'set');
    await store.recordHomeViewer(REQUESTER_ID);
    expect(writes).not.toHaveBeenCalled();
    writes.mockRestore();
    expect(await replica.homeViewers(['U0STRANGER', 'U0FRIEND1', REQUESTER_ID, 'U0FRIEND1'])).toEqual(['U0FRIEND1', REQUESTER_ID]);
    expect(await store.homeViewers([APPROVER_ID])).toEqual([]);
    expect(await store.homeViewers([])).toEqual([]);
    // Not rotations: neither a listing nor a full read sees them.
    expect(await store.list()).toEqual([]);
    expect(await store.active()).toEqual([]);
  });

  it('stays right when replicas change many rotations at once, racing on the same ones', async () => {
    const rotations = Array.from({ length: 12 }, (_, i) => rotation(`ROT-R${String(i).padStart(5, '0')}`, 'requested', `2026-05-${String(10 + i)}`));
    for (const r of rotations) await store.insert(r);
    const approve = (r: Rotation) => after(r, { type: 'approve' }, APPROVER_ID);
    const cancel = (r: Rotation) => after(r, { type: 'cancel', reason: 'Moved' }, REQUESTER_ID);
    // Each rotation: one replica approves, the other cancels, from the same version; exactly one wins.
    const outcomes = await Promise.all(
      rotations.map((r) => Promise.all([store.replace(approve(r), r.version), replica.replace(cancel(r), r.version)])),
    );
    expect(outcomes.every(([a, b]) => a !== b)).toBe(true);
    const approvedIds = rotations.filter((_, i) => outcomes[i]?.[0]).map((r) => r.id);
    expect(ids(await store.active())).toEqual(approvedIds);
    expect((await replica.active()).every((r) => r.status === 'approved')).toBe(true);
  });
});

describe('reading the index when it holds an id that no longer belongs (a writer died between the index and the rotation)', () => {
  it('leaves the rotation out, and still reads a whole listing past a page that lost ids', async () => {
    const index = new MemoryRotationIndex();
    const store = new KeyvRotationStore(new Keyv({ namespace: NAMESPACE }), { index });
    const open = Array.from({ length: 600 }, (_, i) => aRotation({ id: `ROT-${String(i).padStart(6, '0')}`, deadline: '2026-05-01' }));
    for (const r of open) await store.insert(r);
    // 300 finished rotations that stayed in the open list, ranked before every open one.
    for (let i = 0; i < 300; i++) {
      const done = aRotationIn('cancelled', { id: `ROT-X${String(i).padStart(5, '0')}`, deadline: '2026-04-01' });
      await store.insert(done);
      await index.put(done.id, [{ list: LISTS.active, rank: Date.parse('2026-04-01T00:00:00Z') }]);
    }
    const active = await store.active();
    expect(active).toHaveLength(600);
    expect(active.every((r) => r.status === 'requested')).toBe(true);
    expect(await store.active({ limit: 300 })).toEqual([]);
  });
});

describe('a store made before the index', () => {
  it('is indexed once at migrate (SQLite): every rotation is found, and a second migrate reads nothing more', async () => {
    const location = tempStoreUrl();
    mkdirSync(dirname(sqlitePath(location.url)), { recursive: true });
    // The earlier release: keyv on the same file, no index table.
    const before = new KeyvRotationStore(new Keyv({ namespace: NAMESPACE, store: new KeyvSqlite({ uri: `sqlite://${sqlitePath(location.url)}` }) }));
    const rotations = [rotation('ROT-OLD001', 'approved', '2026-05-01'), rotation('ROT-OLD002', 'completed', '2026-04-01')];
    for (const r of rotations) await before.insert(r);
    await before.close();
    const store = openStore(location.url).rotations;
    try {
      expect(await store.active()).toEqual([]);
      expect(await store.migrate()).toBe(2);
      expect(ids(await store.active())).toEqual(['ROT-OLD001']);
      expect(ids(await store.recentlyCompleted({ limit: 5 }))).toEqual(['ROT-OLD002']);
      expect(ids(await store.involving(REQUESTER_ID, { limit: 5 }))).toEqual(['ROT-OLD001', 'ROT-OLD002']);
      expect(ids(await store.activeInvolving(REQUESTER_ID))).toEqual(['ROT-OLD001']);
      expect(await store.migrate()).toBe(0);
    } finally {
      await store.close();
      location.cleanup();
    }
  });
});

describe('a store indexed by an earlier version of the index', () => {
  it("is indexed again at migrate: each person's open rotations get their own list", async () => {
    const keyv = new Keyv({ namespace: NAMESPACE });
    const before = new KeyvRotationStore(keyv);
    await before.insert(rotation('ROT-OLD003', 'approved', '2026-05-01'));
    // What version 1 of the index left: its marker, and no person-active lists.
    await keyv.set('index-version', 1);
    const store = new KeyvRotationStore(keyv);
    expect(await store.activeInvolving(REQUESTER_ID)).toEqual([]);
    expect(await store.migrate()).toBe(1);
    expect(ids(await store.activeInvolving(REQUESTER_ID))).toEqual(['ROT-OLD003']);
  });
});

describe('where a rotation is indexed', () => {
  it('follows its state: open and planned in the active list, completed in the completed list, always its people and instance', () => {
    const lists = (r: Rotation) => postingsOf(r).map((p) => p.list).sort();
    const requested = aRotation({ id: 'ROT-PPPPPP', attendeeIds: [REQUESTER_ID, 'U0FRIEND1'] });
    expect(lists(requested)).toEqual(
      [
        LISTS.active,
        LISTS.instance(requested.instanceUrl),
        LISTS.person('U0FRIEND1'),
        LISTS.person(REQUESTER_ID),
        LISTS.personActive('U0FRIEND1'),
        LISTS.personActive(REQUESTER_ID),
      ].sort(),
    );
    const completed = aRotationIn('completed', { id: 'ROT-PPPPPP' });
    expect(lists(completed)).toContain(LISTS.completed);
    expect(lists(completed)).not.toContain(LISTS.active);
    expect(lists(completed)).not.toContain(LISTS.personActive(REQUESTER_ID));
    expect(postingsOf(completed).find((p) => p.list === LISTS.completed)?.rank).toBe(Date.parse(completed.completion.at));
    expect(lists(aRotationIn('cancelled', { id: 'ROT-PPPPPP' }))).not.toContain(LISTS.active);
  });
});
