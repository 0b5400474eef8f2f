import { openKeyv } from '../../src/store/keyv-factory';
import { KeyvRotationStore } from '../../src/store/keyv-rotation-store';
import { aRotation, aRotationIn } from '../support/rotations';
import { tempStoreUrl } from '../support/bot-harness';
import { isDomainError } from '../../src/domain/errors';

/** One contract, run against every engine the store can use here (Redis and PostgreSQL join with the scale-out work). */
const engines: Array<[string, () => { url: string; cleanup(): void }]> = [
  ['memory', () => ({ url: 'memory://', cleanup: () => undefined })],
  ['sqlite', () => tempStoreUrl()],
];

describe.each(engines)('the rotation store on %s', (_engine, makeUrl) => {
  let location: { url: string; cleanup(): void };
  let store: KeyvRotationStore;

  beforeEach(() => {
    location = makeUrl();
    store = new KeyvRotationStore(openKeyv(location.url));
  });
  afterEach(async () => {
    await store.close();
    location.cleanup();
  });

  it('gives back what was inserted, and nothing for an unknown id', async () => {
    const rotation = aRotation({ id: 'ROT-AAAAAA' });
    await store.insert(rotation);
    expect(await store.get('ROT-AAAAAA')).toEqual(rotation);
    expect(await store.get('ROT-BBBBBB')).toBeUndefined();
  });

  it('refuses a second insert under the same id', async () => {
    await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
    const error = await store.insert(aRotation({ id: 'ROT-AAAAAA' })).catch((e: unknown) => e);
    expect(isDomainError(error, 'ROTATION_EXISTS')).toBe(true);
  });

  it('replaces only from the expected version', async () => {
    const requested = aRotation({ id: 'ROT-AAAAAA' });
    await store.insert(requested);
    const approved = aRotationIn('approved', { id: 'ROT-AAAAAA' });

    expect(await store.replace(approved, 2)).toBe(false);
    expect((await store.get('ROT-AAAAAA'))?.status).toBe('requested');
    expect(await store.replace(approved, 1)).toBe(true);
    expect(await store.get('ROT-AAAAAA')).toEqual(approved);
    expect(await store.replace(approved, 1)).toBe(false);
  });

  it('lets exactly one of many concurrent replaces from the same version win', async () => {
    await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.replace(aRotationIn('approved', { id: 'ROT-AAAAAA' }), 1)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps the message location when a transition read before it was recorded is written', async () => {
    await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
    const readBeforePosting = await store.get('ROT-AAAAAA');
    await store.setMessage('ROT-AAAAAA', { channelId: 'C0CHANNEL1', ts: '1.2' });
    const approved = { ...aRotationIn('approved', { id: 'ROT-AAAAAA' }), history: readBeforePosting?.history ?? [] };

    expect(await store.replace(approved, 1)).toBe(true);
    expect((await store.get('ROT-AAAAAA'))?.message).toEqual({ channelId: 'C0CHANNEL1', ts: '1.2' });
  });

  it('refuses a message location for a rotation that does not exist', async () => {
    const error = await store.setMessage('ROT-ZZZZZZ', { channelId: 'C1', ts: '1' }).catch((e: unknown) => e);
    expect(isDomainError(error, 'ROTATION_NOT_FOUND')).toBe(true);
  });

  it('lists every rotation once, with its message location', async () => {
    for (const id of ['ROT-AAAAAA', 'ROT-BBBBBB', 'ROT-CCCCCC']) await store.insert(aRotation({ id }));
    await store.setMessage('ROT-BBBBBB', { channelId: 'C0CHANNEL1', ts: '9.9' });
    await store.ping();

    const listed = await store.list();
    expect(listed.map((r) => r.id).sort()).toEqual(['ROT-AAAAAA', 'ROT-BBBBBB', 'ROT-CCCCCC']);
    expect(listed.find((r) => r.id === 'ROT-BBBBBB')?.message).toEqual({ channelId: 'C0CHANNEL1', ts: '9.9' });
  });
});
