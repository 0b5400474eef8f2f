import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type Keyv from 'keyv';
import { main } from '../../src/cli/audit-verify';
import type { OpenStore } from '../../src/cli/migrate-store';
import { GENESIS, entryHash, sealHistory, type AuditLogRecord } from '../../src/domain/audit-chain';
import type { RotationStore } from '../../src/domain/ports';
import type { AuditEntry, Rotation } from '../../src/domain/rotation';
import { sha256Hex } from '../../src/lib/sha256';
import { changeRotation } from '../../src/services/change-rotation';
import { checkAuditTrail } from '../../src/services/audit-trail';
import { openStore } from '../../src/store/keyv-factory';
import { APPROVER_ID, aRotation, aRotationIn, REQUESTER_ID, rotationIdAt } from '../../testkit/rotations';
import { tempStoreUrl } from '../support/bot-harness';
import { storeEngines, type StoreLocation } from '../support/databases';

/**
 * The audit trail's hash chains on every engine: what the store writes is
 * chained and logged, an untouched store verifies (after three replicas wrote
 * at once too), and a store edited behind the bot's back fails `audit:verify`
 * at the entry that was touched.
 */
const engines = storeEngines();
jest.setTimeout(60_000);

type Raw = Rotation & Record<string, unknown>;

const keyvOf = (store: RotationStore): Keyv => (store as unknown as { keyv: Keyv }).keyv;

/**
 * What `audit:verify` prints and answers for this store: it opens its own
 * connection to it, or (the memory store lives in one object) is handed that
 * object, which it must not close.
 */
async function verifyWith(url: string, open: OpenStore): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--store', url], { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, open);
  return { code, out, err };
}

/** The requester records the portal request of an approved rotation, through the one way a rotation changes. */
const recordSubmission = (store: RotationStore, rotationId: string) =>
  changeRotation(
    { store, clock: { now: () => new Date('2026-02-23T10:00:00Z') }, allowSelfApproval: false },
    { rotationId, actor: { userId: REQUESTER_ID, isApprover: false }, change: { type: 'record_submission', caseNumber: 'CS-0123456', submittedOn: '2026-02-23' } },
  );

describe.each(engines)('the audit trail on %s', (engine, makeUrl) => {
  let location: StoreLocation;
  let namespace: string;
  let store: RotationStore;
  const opened: RotationStore[] = [];

  /** Another replica on the same store (the memory store lives in one process: the same object). */
  function replica(): RotationStore {
    if (engine === 'memory') return store;
    const other = openStore(location.url, undefined, namespace).rotations;
    opened.push(other);
    return other;
  }

  beforeEach(() => {
    location = makeUrl();
    namespace = `audit_${randomUUID().slice(0, 8)}`;
    store = openStore(location.url, undefined, namespace).rotations;
    opened.push(store);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    for (const s of opened.splice(0)) await s.close().catch(() => undefined);
    location.cleanup();
  });

  const verified = () => (engine === 'memory' ? checkAuditTrail(store) : checkAuditTrail(replica()));
  /**
   * `audit:verify` on its own connection (the memory store: on the one object), closed after the test rather
   * than by the command: @keyv/postgres shares one pool per process, which the command's close would end.
   */
  const verify = (url: string, ns: string) =>
    verifyWith(url, (u, onError) => {
      const own = engine === 'memory' ? store : openStore(u, onError, ns).rotations;
      if (own !== store) opened.push(own);
      return { rotations: Object.assign(Object.create(own) as RotationStore, { close: async () => undefined }), reminders: undefined as never, steps: undefined as never };
    });

  describe('what the store writes', () => {
    it('links every entry it writes to the one before and logs it, in order, whatever hashes the writer handed in', async () => {
      await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
      const requested = (await store.get('ROT-AAAAAA')) as Rotation;
      // A writer that hands in an entry with a hash of its own choosing: the store's hash replaces it.
      const approved = aRotationIn('approved', { id: 'ROT-AAAAAA' });
      const forged = { ...approved, history: [...requested.history, { ...(approved.history[1] as AuditEntry), prev: GENESIS, hash: 'f'.repeat(64) }] };
      expect(await store.replace(forged, 1)).toBe(true);

      const stored = (await store.get('ROT-AAAAAA')) as Rotation;
      expect(stored.history[0]?.prev).toBe(GENESIS);
      expect(stored.history[1]?.prev).toBe(stored.history[0]?.hash);
      stored.history.forEach((entry, i) => expect(entry.hash).toBe(entryHash('ROT-AAAAAA', i, entry, sha256Hex)));
      expect((await store.auditLog()).map((r) => [r.seq, r.rotationId, r.index, r.entryHash])).toEqual([
        [1, 'ROT-AAAAAA', 0, stored.history[0]?.hash],
        [2, 'ROT-AAAAAA', 1, stored.history[1]?.hash],
      ]);
      expect(await verified()).toMatchObject({ findings: [], pending: 0, logRecords: 2, entries: 2 });
    });

    it('keeps the hashes a copied rotation carries (store:migrate), so its chain verifies in the new store as it did before', async () => {
      const copied = { ...aRotationIn('submitted', { id: 'ROT-AAAAAA' }) };
      const sealed = { ...copied, history: sealHistory(copied.id, copied.history, sha256Hex) };

      await store.insert(sealed);

      expect((await store.get('ROT-AAAAAA'))?.history).toEqual(sealed.history);
      expect(await verified()).toMatchObject({ findings: [], pending: 0 });
    });

    it('keeps a write whose logging failed, tells, and logs the entry with the rotation\'s next change', async () => {
      const errors: Error[] = [];
      const reporting = openStore(location.url, (e) => errors.push(e), namespace).rotations;
      if (engine !== 'memory') opened.push(reporting);
      const log = (reporting as unknown as { log: { tryAppend: (r: AuditLogRecord) => Promise<boolean> } }).log;
      await reporting.insert(aRotation({ id: 'ROT-AAAAAA' }));
      jest.spyOn(log, 'tryAppend').mockRejectedValueOnce(new Error('connection lost'));

      expect(await reporting.replace(aRotationIn('approved', { id: 'ROT-AAAAAA' }), 1)).toBe(true);

      expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^ROT-AAAAAA was written, but its audit entries could not be added.*connection lost/)]);
      expect(await checkAuditTrail(reporting)).toMatchObject({ findings: [], pending: 1, logRecords: 1 });
      expect((await recordSubmission(reporting, 'ROT-AAAAAA')).ok).toBe(true);
      expect(await checkAuditTrail(reporting)).toMatchObject({ findings: [], pending: 0, logRecords: 3 });
      expect((await reporting.auditLog()).map((r) => r.index)).toEqual([0, 1, 2]);
    });
  });

  describe('a store made before the chain existed', () => {
    async function writeLegacy(rotations: Rotation[]) {
      const keyv = keyvOf(store);
      // As an earlier release left it: no hashes, no log, neither the index's nor the chain's version set.
      for (const rotation of rotations) await keyv.set(`rotation:${rotation.id}`, rotation);
      await keyv.delete('audit-chain-version');
      await keyv.delete('index-version');
    }

    it('fails audit:verify until it is migrated (at the bot\'s start, or by store:migrate), then verifies; the chain covers its old entries from there on', async () => {
      const old = [aRotationIn('completed', { id: 'ROT-OLD222' }), aRotationIn('rejected', { id: 'ROT-OLD333' })];
      await writeLegacy(old);

      const before = await verify(location.url, namespace);
      expect(before.code).toBe(1);
      expect(before.out).toContain('  ROT-OLD222: entry 0 carries no hash: it was written before the audit chain existed and not chained since (start the bot once, or run store:migrate), or its hash was removed');

      expect(await store.migrate()).toBe(2);
      // Once is enough: a second start finds the store up to date.
      expect(await store.migrate()).toBe(0);

      const after = await verify(location.url, namespace);
      expect(after).toMatchObject({ code: 0, err: [] });
      expect(after.out[0]).toMatch(/verifies: 2 rotation\(s\), 7 entries, 7 record\(s\) in the store-wide log/);
      expect((await store.get('ROT-OLD222'))?.history.map((e) => e.event ?? e.to)).toEqual(old[0]?.history.map((e) => e.to));
    });

    it('chains, at its next write, an entry an older replica appended without a hash during a rolling upgrade', async () => {
      await store.insert(aRotation({ id: 'ROT-AAAAAA' }));
      const stored = (await store.get('ROT-AAAAAA')) as Raw;
      const approved = aRotationIn('approved', { id: 'ROT-AAAAAA' });
      // The old release writes the approval as it always did: no hash, no log.
      await keyvOf(store).set('rotation:ROT-AAAAAA', { ...approved, history: [...stored.history, approved.history[1]] });
      expect((await verify(location.url, namespace)).out).toContain(
        '  ROT-AAAAAA: entry 1 carries no hash: it was written before the audit chain existed and not chained since (start the bot once, or run store:migrate), or its hash was removed',
      );

      expect((await recordSubmission(store, 'ROT-AAAAAA')).ok).toBe(true);
      expect(await verify(location.url, namespace)).toMatchObject({ code: 0 });
    });
  });

  describe('three replicas writing at once', () => {
    it('leaves chains that verify: each entry logged once, in each rotation\'s order, nothing pending', async () => {
      const replicas = [store, replica(), replica()];
      const ids = Array.from({ length: 9 }, (_, i) => rotationIdAt(i, 'Z'));
      let tick = Date.parse('2026-02-21T10:00:00Z');
      const deps = (s: RotationStore) => ({ store: s, clock: { now: () => new Date((tick += 1000)) }, allowSelfApproval: false });

      // Each replica makes three rotations, all at once.
      await Promise.all(ids.map((id, i) => (replicas[i % 3] as RotationStore).insert(aRotation({ id }))));
      // Every replica races every step of every rotation (a double click reaching three replicas), and each
      // replica reports an exposure in each thread, which keeps the version, so those all land.
      const race = (change: Parameters<typeof changeRotation>[1]['change'], actor: { userId: string; isApprover: boolean }) =>
        Promise.all(ids.flatMap((rotationId) => replicas.map((s) => changeRotation(deps(s), { rotationId, actor, change }, { attempts: 20 }))));
      await race({ type: 'approve' }, { userId: APPROVER_ID, isApprover: true });
      await Promise.all(
        ids.flatMap((rotationId) =>
          replicas.map((s, r) =>
            changeRotation(deps(s), { rotationId, actor: { userId: `U0POSTER${r}`, isApprover: false }, change: { type: 'report_exposure', channelId: 'C0ROTATIONS', messageTs: `1.00000${r}` } }, { attempts: 20 }),
          ),
        ),
      );
      await race({ type: 'record_submission', caseNumber: 'CS-0123456', submittedOn: '2026-02-23' }, { userId: REQUESTER_ID, isApprover: false });

      const rotations = await store.list();
      expect(rotations.map((r) => r.history.length)).toEqual(ids.map(() => 6));
      const report = await checkAuditTrail(store);
      expect(report).toMatchObject({ findings: [], pending: 0, rotations: 9, entries: 54, logRecords: 54 });
      const log = await store.auditLog();
      expect(new Set(log.map((r) => `${r.rotationId}:${r.index}`)).size).toBe(54);
      expect((await verify(location.url, namespace)).code).toBe(0);
    });
  });

  describe('a store edited behind the bot\'s back', () => {
    const A = 'ROT-AAAAAA';
    const B = 'ROT-BBBBBB';
    const C = 'ROT-CCCCCC';

    beforeEach(async () => {
      // Logged in this order: A's five entries (records 1-5), B's three (6-8), C's one (9).
      await store.insert(aRotationIn('completed', { id: A }));
      await store.insert(aRotationIn('submitted', { id: B }));
      await store.insert(aRotation({ id: C }));
    });

    async function edit(id: string, change: (raw: Raw) => Raw | undefined): Promise<void> {
      const keyv = keyvOf(store);
      const raw = (await keyv.get(`rotation:${id}`)) as Raw;
      const next = change(structuredClone(raw));
      if (next) await keyv.set(`rotation:${id}`, next);
      else await keyv.delete(`rotation:${id}`);
    }

    it('passes untouched', async () => {
      const { code, out } = await verify(location.url, namespace);

      expect(code).toBe(0);
      expect(out[0]).toMatch(/^The audit trail of .* verifies: 3 rotation\(s\), 9 entries, 9 record\(s\) in the store-wide log \(head [0-9a-f]{64}\)\.$/);
    });

    it.each<[string, string, (raw: Raw) => Raw | undefined, string]>([
      [
        'an entry changed',
        A,
        (raw) => {
          (raw.history[2] as AuditEntry).details = { ...raw.history[2]?.details, caseNumber: 'CS-9999999' };
          return raw;
        },
        'ROT-AAAAAA: entry 2 does not match its hash: the entry was edited',
      ],
      [
        'an entry removed',
        B,
        (raw) => ({ ...raw, history: raw.history.filter((_, i) => i !== 1) }),
        'ROT-BBBBBB: entry 1 does not link to the entry before it: an entry was removed, added or reordered before it',
      ],
      [
        'two entries reordered',
        A,
        (raw) => ({ ...raw, history: [raw.history[0], raw.history[2], raw.history[1], raw.history[3], raw.history[4]] as AuditEntry[] }),
        'ROT-AAAAAA: entry 1 does not link to the entry before it: an entry was removed, added or reordered before it',
      ],
      ['a rotation deleted', C, () => undefined, 'ROT-CCCCCC: entry 0 is in the store-wide log (record 9), but the rotation is not in the store: it was deleted'],
      [
        'the last entry cut and the status set back to match',
        A,
        (raw) => {
          const { completion: _completion, ...rest } = raw as Raw & { completion?: unknown };
          return { ...rest, status: 'meeting_scheduled', history: raw.history.slice(0, -1) } as Raw;
        },
        'ROT-AAAAAA: entry 4 is in the store-wide log (record 5), but the rotation has no such entry: it was removed',
      ],
      [
        'an entry changed and its rotation\'s whole chain recomputed (by someone who knows the algorithm but not the log)',
        B,
        (raw) => ({
          ...raw,
          history: sealHistory(
            B,
            raw.history.map(({ prev: _p, hash: _h, ...content }, i) => (i === 1 ? { ...content, actorId: 'U0SOMEONE' } : content)),
            sha256Hex,
          ),
        }),
        'ROT-BBBBBB: entry 1 is in the store-wide log (record 7) with another hash: the entry was edited, replaced or reordered',
      ],
      [
        'the status changed',
        C,
        (raw) => ({ ...raw, status: 'approved' }) as Raw,
        'ROT-CCCCCC: is approved, but its trail ends in requested: the rotation was edited',
      ],
    ])('fails with %s, naming the rotation and the entry', async (_what, id, change, expected) => {
      await edit(id, change);

      const { code, out } = await verify(location.url, namespace);

      expect(code).toBe(1);
      expect(out[0]).toMatch(/does NOT verify: 1 broken chain\(s\); the first broken link of each:$/);
      expect(out[1]).toBe(`  ${expected}`);
      expect(out).toHaveLength(3);
    });

    it('fails with two rotations touched, naming each at its first broken link', async () => {
      await edit(A, (raw) => {
        (raw.history[3] as AuditEntry).actorId = 'U0SOMEONE';
        (raw.history[1] as AuditEntry).actorId = 'U0SOMEONE';
        return raw;
      });
      await edit(C, () => undefined);

      const { code, out } = await verify(location.url, namespace);

      expect(code).toBe(1);
      expect(out.slice(1, 3)).toEqual([
        '  ROT-AAAAAA: entry 1 does not match its hash: the entry was edited',
        '  ROT-CCCCCC: entry 0 is in the store-wide log (record 9), but the rotation is not in the store: it was deleted',
      ]);
    });
  });
});

describe('npm run audit:verify (the compiled command, as an operator runs it)', () => {
  const ROOT = join(__dirname, '..', '..');
  const run = (storeUrl: string) =>
    spawnSync('npm', ['run', '--silent', 'audit:verify'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, STORE_URL: storeUrl },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('reads STORE_URL, exits 0 on an untouched store, and 1 naming the entry once one was edited', async () => {
    const location = tempStoreUrl();
    try {
      const store = openStore(location.url).rotations;
      await store.insert(aRotationIn('submitted', { id: 'ROT-AAAAAA' }));
      await store.close();

      const untouched = run(location.url);
      expect(untouched.stdout).toMatch(/^The audit trail of sqlite:\/\/.* verifies: 1 rotation\(s\), 3 entries, 3 record\(s\)/);
      expect(untouched.status).toBe(0);

      const editor = openStore(location.url).rotations;
      const keyv = keyvOf(editor);
      const raw = (await keyv.get('rotation:ROT-AAAAAA')) as Rotation;
      (raw.history[2] as AuditEntry).details = { caseNumber: 'CS-7777777', submittedOn: '2026-02-23' };
      await keyv.set('rotation:ROT-AAAAAA', raw);
      await editor.close();

      const edited = run(location.url);
      expect(edited.stdout).toContain('  ROT-AAAAAA: entry 2 does not match its hash: the entry was edited');
      expect(edited.status).toBe(1);
    } finally {
      location.cleanup();
    }
  });

  it('exits 2 when there is no store to check', () => {
    const result = run('sqlite:///nonexistent/wfi-rotate.sqlite');

    expect(result.stderr).toContain('There is no store at sqlite:///nonexistent/wfi-rotate.sqlite');
    expect(result.status).toBe(2);
  });
});

describe('the audit:verify command line', () => {
  async function run(argv: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, openStore, env);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('prints its usage with --help', async () => {
    expect(await run(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('Usage: npm run audit:verify [-- --store URL]') });
  });

  it.each([[['--force']], [['extra']]])('refuses %j with its usage and exits 2', async (argv) => {
    expect(await run(argv)).toMatchObject({ code: 2, err: expect.stringContaining('Usage: npm run audit:verify') });
  });

  it('names a STORE_URL the bot would refuse, and exits 2', async () => {
    expect(await run([], { STORE_URL: 'mysql://db/wfi' })).toEqual({
      code: 2,
      out: '',
      err: 'STORE_URL must be sqlite://PATH, redis://HOST:PORT, rediss://…, postgres://USER@HOST/DATABASE or postgresql://… (got "mysql://db/wfi")',
    });
  });

  it('never prints a password', async () => {
    const { err } = await run(['--store', 'postgres://wfi:hunter22@127.0.0.1:1/wfi']);

    expect(err).toContain('postgres://wfi:***@127.0.0.1:1/wfi');
    expect(err).not.toContain('hunter22');
  });
});
