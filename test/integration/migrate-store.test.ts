import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createClient } from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import { main, migrateStore, type MigratableStore, type OpenStore } from '../../src/cli/migrate-store';
import { freePort } from '../../testkit/free-port';
import type { RotationStore, ScheduledReminder, WaitingStep } from '../../src/domain/ports';
import { awaitOutcome } from '../../src/domain/workflow-steps';
import { reminderKey, type ReminderOccurrence } from '../../src/domain/reminder-kinds';
import type { AuditEntry, Rotation } from '../../src/domain/rotation';
import { checkAuditTrail } from '../../src/services/audit-trail';
import type Keyv from 'keyv';
import { openStore, sqlitePath } from '../../src/store/keyv-factory';
import { tempStoreUrl } from '../support/bot-harness';
import { aRotation, aRotationIn, asStored } from '../../testkit/rotations';

/**
 * `npm run store:migrate`: a few hundred rotations in every state, with
 * message locations and reminders in every state, copied between stores and
 * read back. SQLite and memory always; PostgreSQL and Redis when
 * TEST_POSTGRES_URL / TEST_REDIS_URL name a server (.ci/run sets both), each
 * test under its own namespace there, removed after.
 */
const POSTGRES_URL = process.env.TEST_POSTGRES_URL || undefined;
const REDIS_URL = process.env.TEST_REDIS_URL || undefined;
const unset = [!POSTGRES_URL && 'TEST_POSTGRES_URL', !REDIS_URL && 'TEST_REDIS_URL'].filter(Boolean);
if (unset.length > 0) {
  console.log(`${unset.join(' and ')} ${unset.length === 1 ? 'is' : 'are'} not set: migration to ${unset.length === 1 ? 'that server' : 'those servers'} is skipped`);
}

// Each case writes a few hundred rotations, one transaction at a time, to SQLite and back.
jest.setTimeout(60_000);

const FAR_FUTURE = new Date(8.64e15);
const COUNT = 300;
const STATES = ['requested', 'approved', 'rejected', 'submitted', 'meeting_scheduled', 'completed', 'cancelled'] as const;

const idOf = (i: number) => `ROT-${String(i).padStart(6, '0')}`;

function occurrence(rotationId: string, kind: ReminderOccurrence['kind'], dueAt: string): ReminderOccurrence {
  return { rotationId, kind, dueAt, key: reminderKey(rotationId, kind, dueAt) };
}

/** What was seeded, and what a migration of it must bring across. */
interface Seeded {
  rotations: Rotation[];
  /** Workflow executions (request_rotation) with the rotation each made, and the steps (await_rotation) waiting on rotations. */
  executions: Map<string, string>;
  waiting: Map<string, WaitingStep[]>;
  /** Keys of the unfinished occurrences of stored rotations: pending, and claimed ones. */
  unfinishedKeys: string[];
  /** When the pending weekly digest is due: it belongs to no rotation, and its key is the store's. */
  digestDue: string;
  /** Finished occurrences and those of a rotation that is not stored: never copied. */
  leftBehindKeys: string[];
}

/**
 * `count` rotations, one in seven in each state, one in three with its
 * message location; every other one with reminders: two pending, one sent,
 * one failed and, every sixth, one claimed by a replica that died; plus the
 * digest and a reminder of a rotation that no longer exists. Every fifteenth
 * rotation was requested by a workflow step, and every open tenth one has a
 * step waiting on it (with its execution's token, which is not copied); an
 * execution and a waiting step of a rotation that is not stored stay behind.
 */
async function seed(store: MigratableStore, count = COUNT): Promise<Seeded> {
  const rotations: Rotation[] = [];
  const executions = new Map<string, string>();
  const waiting = new Map<string, WaitingStep[]>();
  const unfinishedKeys: string[] = [];
  const leftBehindKeys: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = idOf(i);
    const state = STATES[i % STATES.length]!;
    const overrides = { id, instanceUrl: `https://tenant${i}.wfi.pega.com` };
    let rotation: Rotation = state === 'requested' ? aRotation(overrides) : aRotationIn(state, overrides);
    await store.rotations.insert(rotation);
    rotation = asStored(rotation);
    if (i % 3 === 0) {
      const message = { channelId: 'C0ROTATIONS', ts: `1771581600.${String(i).padStart(6, '0')}` };
      await store.rotations.setMessage(id, message);
      rotation = { ...rotation, message };
    }
    rotations.push(rotation);

    if (i % 15 === 0) {
      await store.steps.onceForExecution(`Fx0REQ${i}`, async () => id);
      executions.set(`Fx0REQ${i}`, id);
    }
    if (i % 10 === 0 && awaitOutcome(rotation).kind === 'wait') {
      const step = { executionId: `Fx0AWAIT${i}`, since: '2026-03-02T10:00:00.000Z' };
      await store.steps.addWaiting(id, { ...step, token: `xwfp-seeded-${i}` });
      waiting.set(id, [step]);
    }

    if (i % 2 === 0) {
      const pending = [occurrence(id, 'submit_soon', '2026-03-04T09:00:00.000Z'), occurrence(id, 'deadline_near', '2026-03-13T09:00:00.000Z')];
      const sent = occurrence(id, 'approval_pending', '2026-02-23T09:00:00.000Z');
      const failed = occurrence(id, 'submit_due', '2026-02-24T09:00:00.000Z');
      const claimed = occurrence(id, 'deadline_near', '2026-03-06T09:00:00.000Z');
      await store.reminders.add([...pending, sent, failed, ...(i % 6 === 0 ? [claimed] : [])]);
      await store.reminders.claim(sent.key, 'replica-a', new Date('2026-02-23T09:00:00Z'), 60_000);
      await store.reminders.finish(sent.key, { state: 'sent' }, new Date('2026-02-23T09:00:01Z'));
      await store.reminders.finish(failed.key, { state: 'failed', reason: 'is_archived' }, new Date('2026-02-24T09:00:01Z'));
      if (i % 6 === 0) await store.reminders.claim(claimed.key, 'replica-that-died', new Date('2026-03-06T09:00:00Z'), 60_000);
      unfinishedKeys.push(...pending.map((o) => o.key), ...(i % 6 === 0 ? [claimed.key] : []));
      leftBehindKeys.push(sent.key, failed.key);
    }
  }
  const digestDue = '2026-03-02T09:00:00.000Z';
  const orphan = occurrence('ROT-GONE00', 'submit_due', '2026-03-04T09:00:00.000Z');
  await store.reminders.addDigest(digestDue);
  await store.reminders.add([orphan]);
  leftBehindKeys.push(orphan.key);
  await store.steps.onceForExecution('Fx0GONE', async () => 'ROT-GONE00');
  await store.steps.addWaiting('ROT-GONE00', { executionId: 'Fx0GONEWAIT', since: '2026-03-02T10:00:00.000Z' });
  return { rotations, executions, waiting, unfinishedKeys, digestDue, leftBehindKeys };
}

/** What a first migration of `seeded` copies. */
const copiedAll = (seeded: Seeded, rotations = seeded.rotations.length) => ({
  rotations,
  reminders: seeded.unfinishedKeys.length,
  digests: 1,
  stepExecutions: seeded.executions.size,
  waitingSteps: [...seeded.waiting.values()].flat().length,
});
/** What a migration run again copies. */
const NOTHING = { rotations: 0, reminders: 0, digests: 0, stepExecutions: 0, waitingSteps: 0 };

const byId = (rotations: Rotation[]) => [...rotations].sort((a, b) => a.id.localeCompare(b.id));
const keysOf = (occurrences: ScheduledReminder[]) => occurrences.flatMap((o) => (o.rotationId === undefined ? [] : [o.key])).sort();
const digestsOf = (occurrences: ScheduledReminder[]) => occurrences.flatMap((o) => (o.kind === 'weekly_digest' ? [o.dueAt] : []));

/** The target holds exactly the seeded rotations, the unfinished reminders and the digest as pending ones. */
async function expectMigrated(target: MigratableStore, seeded: Seeded): Promise<void> {
  expect(byId(await target.rotations.list())).toEqual(byId(seeded.rotations));
  const unfinished = await target.reminders.due(FAR_FUTURE, 1_000_000);
  expect(keysOf(unfinished)).toEqual([...seeded.unfinishedKeys].sort());
  expect(digestsOf(unfinished)).toEqual([seeded.digestDue]);
  expect(unfinished.every((o) => o.state === 'pending')).toBe(true);
  expect(await target.reminders.failures()).toEqual([]);
  const sample = seeded.rotations[0]!;
  expect(await target.rotations.get(sample.id)).toEqual(sample);
  expect((await target.reminders.nextFor(sample.id))?.kind).toBe('submit_soon');
  expect(await target.steps.executions()).toEqual(seeded.executions);
  expect(await target.steps.waiting()).toEqual(seeded.waiting);
}

/** A plain object delegating to a store, whose methods a test may replace. */
function wrap(store: RotationStore): RotationStore {
  return {
    insert: (rotation) => store.insert(rotation),
    get: (id) => store.get(id),
    replace: (rotation, version) => store.replace(rotation, version),
    setMessage: (id, message) => store.setMessage(id, message),
    findByMessage: (message) => store.findByMessage(message),
    list: () => store.list(),
    active: (page) => store.active(page),
    involving: (userId, page) => store.involving(userId, page),
    activeInvolving: (userId) => store.activeInvolving(userId),
    ofInstance: (instanceUrl, page) => store.ofInstance(instanceUrl, page),
    recentlyCompleted: (page) => store.recentlyCompleted(page),
    recordHomeViewer: (userId) => store.recordHomeViewer(userId),
    homeViewers: (userIds) => store.homeViewers(userIds),
    auditLog: () => store.auditLog(),
    migrate: () => store.migrate(),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

/** Opens stores and closes every one of them after the test. */
function storeTracker() {
  const opened: MigratableStore[] = [];
  const cleanups: Array<() => unknown> = [];
  return {
    open(url: string, namespace?: string): MigratableStore {
      const store = openStore(url, undefined, namespace);
      opened.push(store);
      return store;
    },
    sqlite(): string {
      const location = tempStoreUrl();
      cleanups.push(location.cleanup);
      return location.url;
    },
    onCleanup(cleanup: () => unknown) {
      cleanups.push(cleanup);
    },
    async closeAll() {
      for (const store of opened.splice(0)) await store.rotations.close().catch(() => undefined);
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    },
  };
}

describe('migrating a store', () => {
  const stores = storeTracker();
  afterEach(() => stores.closeAll());

  it('copies a few hundred rotations and their pending reminders from memory to SQLite, verified', async () => {
    const source = stores.open('memory://');
    const seeded = await seed(source);
    const target = stores.open(stores.sqlite());

    const result = await migrateStore(source, target);

    expect(result).toEqual(copiedAll(seeded));
    await expectMigrated(target, seeded);
  });

  it('copies from one SQLite file to another; a second run copies nothing and changes nothing', async () => {
    const sourceUrl = stores.sqlite();
    const seeded = await seed(stores.open(sourceUrl));
    const targetUrl = stores.sqlite();

    expect(await migrateStore(stores.open(sourceUrl), stores.open(targetUrl))).toEqual(copiedAll(seeded));
    expect(await migrateStore(stores.open(sourceUrl), stores.open(targetUrl))).toEqual(NOTHING);

    // Read back through fresh connections: it is in the file, not in a cache.
    await expectMigrated(stores.open(targetUrl), seeded);
  });

  it('completes what an interrupted run left out: missing rotations, message locations and reminders', async () => {
    const source = stores.open('memory://');
    const seeded = await seed(source, 30);
    const target = stores.open(stores.sqlite());
    // As if an earlier run stopped early: some rotations there without their message, no reminders at all.
    for (const rotation of seeded.rotations.slice(0, 10)) await target.rotations.insert(rotation);

    expect(await migrateStore(source, target)).toEqual(copiedAll(seeded, 20));
    await expectMigrated(target, seeded);
  });

  it('refuses, copying nothing, when the target holds a rotation at another version, and names it', async () => {
    const source = stores.open('memory://');
    const seeded = await seed(source, 20);
    const target = stores.open(stores.sqlite());
    const submitted = seeded.rotations.find((r) => r.status === 'submitted')!;
    await target.rotations.insert(aRotation({ id: submitted.id }));

    const migration = migrateStore(source, target);
    await expect(migration).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    await expect(migration).rejects.toThrow(new RegExp(`${submitted.id} \\(version ${submitted.version} in the source, 1 in the target\\)`));
    expect((await target.rotations.list()).map((r) => r.id)).toEqual([submitted.id]);
    expect(await target.reminders.due(FAR_FUTURE, 1000)).toEqual([]);
  });

  it('copies the workflow steps\' records without the execution tokens: a step waiting is completed with the bot\'s token after', async () => {
    const source = stores.open('memory://');
    const seeded = await seed(source, 20);
    const target = stores.open(stores.sqlite());

    await migrateStore(source, target);

    const [rotationId, [step]] = [...seeded.waiting][0] as [string, WaitingStep[]];
    expect(await target.steps.takeWaiting(rotationId)).toEqual([step]);
    expect((await source.steps.takeWaiting(rotationId))[0]?.token).toMatch(/^xwfp-seeded-/);
    // A redelivery of a workflow's request_rotation to the target finds the rotation its first delivery made.
    const [executionId, made] = [...seeded.executions][1] as [string, string];
    expect(await target.steps.onceForExecution(executionId, async () => 'ROT-NEW000')).toEqual({ rotationId: made, created: false });
  });

  it('refuses, copying nothing, when the target records a workflow execution with another rotation, and names it', async () => {
    const source = stores.open('memory://');
    const seeded = await seed(source, 10);
    const target = stores.open(stores.sqlite());
    const [executionId, rotationId] = [...seeded.executions][0] as [string, string];
    await target.steps.onceForExecution(executionId, async () => 'ROT-OTHER0');

    await expect(migrateStore(source, target)).rejects.toThrow(
      `The target already records a workflow execution with another rotation, so nothing was copied: ${executionId} (${rotationId} in the source, ROT-OTHER0 in the target)`,
    );
    expect(await target.rotations.list()).toEqual([]);
    expect(await target.steps.waiting()).toEqual(new Map());
  });

  it('refuses, copying nothing, a source whose audit trail does not verify, and names the broken link', async () => {
    const source = stores.open('memory://');
    await seed(source, 10);
    const keyv = (source.rotations as unknown as { keyv: Keyv }).keyv;
    const edited = (await keyv.get('rotation:ROT-000003')) as Rotation;
    (edited.history[1] as AuditEntry).actorId = 'U0SOMEONE';
    await keyv.set('rotation:ROT-000003', edited);
    const target = stores.open(stores.sqlite());

    await expect(migrateStore(source, target)).rejects.toThrow(
      "The source's audit trail does not verify, so nothing was copied (run npm run audit:verify on it): " +
        'ROT-000003: entry 1 does not match its hash: the entry was edited',
    );
    expect(await target.rotations.list()).toEqual([]);
    expect(await target.reminders.due(FAR_FUTURE, 1000)).toEqual([]);
  });

  it('copies a store made before the audit chain existed, and chains its entries in the target', async () => {
    const source = stores.open('memory://');
    const old = [aRotationIn('completed', { id: 'ROT-OLD222' }), aRotation({ id: 'ROT-OLD333' })];
    // As an earlier release wrote them: no hash, no log.
    for (const rotation of old) await (source.rotations as unknown as { keyv: Keyv }).keyv.set(`rotation:${rotation.id}`, rotation);
    const target = stores.open(stores.sqlite());

    expect(await migrateStore(source, target)).toMatchObject({ rotations: 2 });

    expect(await checkAuditTrail(target.rotations)).toMatchObject({ findings: [], pending: 0, entries: 6, logRecords: 6 });
    expect(byId(await target.rotations.list())).toEqual(old.map(asStored));
  });

  it('reports a target that does not hold what was written to it', async () => {
    const source = stores.open('memory://');
    await seed(source, 5);
    const target = stores.open('memory://');
    // A target that takes every write and then lists nothing.
    const lossy: MigratableStore = { ...target, rotations: { ...wrap(target.rotations), list: async () => [] } };

    await expect(migrateStore(source, lossy)).rejects.toThrow(/does not match the source after copying \(5 of 5\): ROT-000000 is missing, ROT-000001 is missing/);
  });

  (POSTGRES_URL ? it : it.skip)('copies from SQLite to PostgreSQL and back, through openStore', async () => {
    const url = POSTGRES_URL!;
    const namespace = `mig_${randomBytes(5).toString('hex')}`;
    stores.onCleanup(() => dropPostgresNamespace(url, namespace));
    const sourceUrl = stores.sqlite();
    const seeded = await seed(stores.open(sourceUrl));
    const target = stores.open(url, namespace);

    expect(await migrateStore(stores.open(sourceUrl), target)).toEqual(copiedAll(seeded));
    await expectMigrated(target, seeded);
    expect(await migrateStore(stores.open(sourceUrl), target)).toEqual(NOTHING);

    const back = stores.open(stores.sqlite());
    expect(await migrateStore(target, back)).toEqual(copiedAll(seeded));
    await expectMigrated(back, seeded);
  });

  (REDIS_URL ? it : it.skip)('copies from SQLite to Redis and back, through openStore', async () => {
    const url = REDIS_URL!;
    const namespace = `mig_${randomBytes(5).toString('hex')}`;
    stores.onCleanup(() => dropRedisNamespace(url, namespace));
    const sourceUrl = stores.sqlite();
    const seeded = await seed(stores.open(sourceUrl));
    const target = stores.open(url, namespace);

    expect(await migrateStore(stores.open(sourceUrl), target)).toEqual(copiedAll(seeded));
    await expectMigrated(target, seeded);
    expect(await migrateStore(stores.open(sourceUrl), target)).toEqual(NOTHING);

    const back = stores.open(stores.sqlite());
    expect(await migrateStore(target, back)).toEqual(copiedAll(seeded));
    await expectMigrated(back, seeded);
  });
});

describe('the store:migrate command', () => {
  const stores = storeTracker();
  afterEach(() => stores.closeAll());

  function run(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    return main(argv, { stdout: (line) => out.push(line), stderr: (line) => err.push(line) }).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
  }

  it('copies, verifies, says so and exits 0, leaving both stores closed', async () => {
    const from = stores.sqlite();
    const source = stores.open(from);
    const seeded = await seed(source, 40);
    await source.rotations.close();
    const to = stores.sqlite();

    const result = await run(['--from', from, '--to', to]);

    expect(result).toEqual({
      code: 0,
      out: `Copied 40 rotations, ${seeded.unfinishedKeys.length} pending reminders, the weekly digest, 3 workflow executions and 2 waiting workflow steps from ${from} to ${to}; verified.`,
      err: '',
    });
    await expectMigrated(stores.open(to), seeded);
    expect(await run(['--from', from, '--to', to])).toMatchObject({ code: 0, out: expect.stringMatching(/^Copied 0 rotations and 0 pending reminders/) });
  });

  it('names the weekly digest of a store written by the previous version, instead of counting it as a pending reminder', async () => {
    const from = stores.sqlite();
    const source = stores.open(from);
    await source.reminders.due(FAR_FUTURE, 1); // makes the table
    await source.rotations.close();
    // Nothing in it but the digest, as the previous version stored it: under the stand-in rotation '*'.
    const adapter = new KeyvSqlite({ uri: `sqlite://${sqlitePath(from)}` });
    await adapter.query(
      "INSERT INTO wfi_reminders (key, rotation_id, kind, due_at, state) VALUES ('*|weekly_digest|2026-03-02T09:00:00.000Z', '*', 'weekly_digest', ?, 'pending')",
      Date.parse('2026-03-02T09:00:00.000Z'),
    );
    await adapter.disconnect();
    const to = stores.sqlite();

    expect(await run(['--from', from, '--to', to])).toEqual({
      code: 0,
      out: `Copied 0 rotations, 0 pending reminders and the weekly digest from ${from} to ${to}; verified.`,
      err: '',
    });
    expect(await stores.open(to).reminders.due(FAR_FUTURE, 10)).toEqual([expect.objectContaining({ kind: 'weekly_digest', dueAt: '2026-03-02T09:00:00.000Z' })]);
  });

  it('exits 1 with the conflicting rotation named', async () => {
    const from = stores.sqlite();
    const source = stores.open(from);
    await seed(source, 3);
    await source.rotations.close();
    const to = stores.sqlite();
    const target = stores.open(to);
    await target.rotations.insert(aRotationIn('approved', { id: idOf(0) }));
    await target.rotations.close();

    const result = await run(['--from', from, '--to', to]);

    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/failed: .*ROT-000000 \(version 1 in the source, 2 in the target\)/);
  });

  it.each([
    [[], /--from and --to are required/],
    [['--from', 'sqlite://a.sqlite'], /--to is required/],
    [['--to', 'sqlite://a.sqlite'], /--from is required/],
    [['--from', 'sqlite://data/store.sqlite', '--to', 'sqlite://./data/../data/store.sqlite'], /name the same store/],
    [['--from', 'postgres://u:secret@db/wfi', '--to', 'postgres://u:secret@db/wfi/'], /name the same store \(postgres:\/\/u:\*\*\*@db\/wfi\)/],
    [['--from', 'sqlite://a.sqlite', '--to', 'sqlite://b.sqlite', '--force'], /Unknown option '--force'/],
    [['--from', 'sqlite://a.sqlite', '--to', 'sqlite://b.sqlite', 'extra'], /positional argument/],
  ])('refuses %j with a clear reason and exits 1', async (argv, reason) => {
    const result = await run(argv);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(reason);
    expect(result.out).toBe('');
  });

  it('refuses a source SQLite file that does not exist (instead of copying an empty store)', async () => {
    const from = stores.sqlite();
    const result = await run(['--from', from, '--to', stores.sqlite()]);
    expect(result).toEqual({
      code: 1,
      out: '',
      err: `--from ${from} names no store: there is no file ${sqlitePath(from)} (the bot makes its SQLite file when it first starts).`,
    });
  });

  it('names the flag and the value of a URL that is no store, before opening anything, in the words of the command line', async () => {
    const result = await run(['--from', 'mysql://wfi:hunter22@db/wfi', '--to', 'data/wfi.sqlite']);

    expect(result.code).toBe(1);
    expect(result.err.split('\n').slice(0, 2)).toEqual([
      '--from must be sqlite://PATH, redis://HOST:PORT, rediss://…, postgres://USER@HOST/DATABASE or postgresql://… (got "mysql://wfi:***@db/wfi")',
      '--to must be sqlite://PATH, redis://HOST:PORT, rediss://…, postgres://USER@HOST/DATABASE or postgresql://… (got "data/wfi.sqlite"; for a SQLite file write sqlite://data/wfi.sqlite)',
    ]);
    expect(result.err).toContain('Usage: npm run store:migrate');
    for (const unsaid of ['STORE_URL', 'memory://', 'hunter22']) expect(result.err).not.toContain(unsaid);
  });

  it('keeps the cause of a store that refuses connections, naming the flag, without its password', async () => {
    const closed = await freePort();
    const from = stores.sqlite();
    await seed(stores.open(from), 1);

    const result = await run(['--from', from, '--to', `redis://:hunter22@127.0.0.1:${closed}`]);

    expect(result).toEqual({
      code: 1,
      out: '',
      err:
        `Migration from ${from} to redis://:***@127.0.0.1:${closed} failed: indexing the target (--to): ` +
        `Redis did not answer within 2000 ms: connect ECONNREFUSED 127.0.0.1:${closed}`,
    });
  });

  it('names a target directory that cannot be made, and the flag', async () => {
    const from = stores.sqlite();
    await seed(stores.open(from), 1);
    const result = await run(['--from', from, '--to', 'sqlite:///proc/nope/wfi.sqlite']);
    expect(result.err).toBe(
      `Migration from ${from} to sqlite:///proc/nope/wfi.sqlite failed: opening the target (--to): cannot create the directory /proc/nope (ENOENT: no such file or directory, mkdir '/proc/nope')`,
    );
  });

  it('names the weekly digest of an empty store as the digest, not as a pending reminder', async () => {
    const from = stores.sqlite();
    const source = stores.open(from);
    // What a bot leaves in a store nobody has used yet: the next weekly digest.
    await source.reminders.addDigest('2026-03-02T09:00:00.000Z');
    await source.rotations.close();
    const to = stores.sqlite();

    expect(await run(['--from', from, '--to', to])).toEqual({
      code: 0,
      out: `Copied 0 rotations, 0 pending reminders and the weekly digest from ${from} to ${to}; verified.`,
      err: '',
    });
  });

  it('fails when a store reported an error it did not throw (a listing cut short), so nothing is claimed as verified', async () => {
    const source = openStore('memory://');
    await seed(source, 3);
    const quietlyFailing: OpenStore = (url, onError) => {
      if (url !== 'memory://source') return openStore('memory://', onError);
      // Lists nothing and says so only through the error listener, as @keyv/postgres's iterator does.
      return {
        reminders: source.reminders,
        steps: source.steps,
        rotations: {
          ...wrap(source.rotations),
          list: async () => {
            onError(new Error('Iterator failed at cursor start: Connection terminated'));
            return [];
          },
        },
      };
    };
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['--from', 'memory://source', '--to', 'memory://target'], { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, quietlyFailing);

    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/a store reported an error while copying, so the copy may be incomplete .*: the source: Iterator failed at cursor start: Connection terminated/);
    await source.rotations.close();
  });

  it('prints its usage with --help', async () => {
    expect(await run(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('Usage: npm run store:migrate -- --from URL --to URL') });
  });

});

/** The part of pg's Pool used here; pg comes with @keyv/postgres and ships no types of its own. */
interface PgPool {
  query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
}

/** Removes a test namespace from PostgreSQL: its keyv rows and its reminder table. */
async function dropPostgresNamespace(url: string, namespace: string): Promise<void> {
  const { Pool } = createRequire(require.resolve('@keyv/postgres'))('pg') as { Pool: new (config: { connectionString: string }) => PgPool };
  const pool = new Pool({ connectionString: url });
  try {
    await pool.query('DELETE FROM keyv WHERE position($1 in key) > 0', [`${namespace}:`]);
    await pool.query(`DROP TABLE IF EXISTS wfi_reminders_${namespace}`);
    await pool.query(`DROP TABLE IF EXISTS wfi_audit_log_${namespace}`);
  } finally {
    await pool.end();
  }
}

/** Removes a test namespace from Redis: every key that names it. */
async function dropRedisNamespace(url: string, namespace: string): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `*${namespace}*`, COUNT: 1000 })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
  } finally {
    await client.close();
  }
}
