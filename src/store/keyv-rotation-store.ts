import type Keyv from 'keyv';
import { CodedError } from '../domain/errors';
import { entryContent, sameContent, sealHistory, type AuditLogRecord, type Hasher } from '../domain/audit-chain';
import type { EngineLocks, Page, RotationStore } from '../domain/ports';
import { MemoryLocks } from './engine-locks';
import { ROTATION_SCHEMA_VERSION, type AuditEntry, type MessageRef, type Rotation } from '../domain/rotation';
import { Leases } from './leases';
import { sha256Hex } from '../lib/sha256';
import { appendToLog, MemoryAuditLog, type AuditLog } from './audit-log';
import { belongsTo, LISTS, MemoryRotationIndex, postingsOf, type IndexPage, type RotationIndex } from './rotation-index';

const ROTATION_PREFIX = 'rotation:';
const MESSAGE_PREFIX = 'message:';
const rotationKey = (id: string) => `${ROTATION_PREFIX}${id}`;
// Where a rotation's message lives is Slack bookkeeping, written once right
// after posting, while someone may already be clicking its buttons: kept
// apart so a transition written from an earlier read cannot erase it.
const messageKey = (id: string) => `${MESSAGE_PREFIX}${id}`;
// The way back, from a thread's parent message to its rotation: a message
// event names only the channel and the parent's ts.
const threadKey = (message: MessageRef) => `thread:${message.channelId}:${message.ts}`;
// Who has opened the bot's Home tab: only their Homes are published when a rotation changes.
const homeViewerKey = (userId: string) => `home:${userId}`;
const HEALTH_KEY = 'health';
// Set once every rotation is in the index: a store made before the index existed is indexed at its first start.
const INDEX_VERSION_KEY = 'index-version';
// 2: each person's open and planned rotations got a list of their own.
const INDEX_VERSION = 2;
// Set once every rotation's audit trail is chained and logged: a store made before the chain existed is chained at its first start.
const AUDIT_CHAIN_VERSION_KEY = 'audit-chain-version';
const AUDIT_CHAIN_VERSION = 1;
/** Ids read from the index per step when a listing is read whole. */
const LISTING_PAGE = 500;

/**
 * Records are plain JSON (keyv serialises with JSON): dates are ISO strings and
 * calendar dates, never `Date` objects, and every record says its schema
 * version so a later release can migrate what an earlier one wrote.
 */
function revive(raw: unknown, id: string, message: unknown): Rotation {
  const record = raw as Partial<Rotation> | null;
  if (!record || typeof record !== 'object' || record.schemaVersion !== ROTATION_SCHEMA_VERSION) {
    throw new CodedError('SCHEMA_UNSUPPORTED', `Rotation ${id} was stored with an unknown schema version`);
  }
  return (message ? { ...record, message } : record) as Rotation;
}

function withoutMessage(rotation: Rotation): Omit<Rotation, 'message'> {
  const { message: _message, ...record } = rotation;
  return record;
}

/**
 * Whether `next` keeps every entry of `stored`, in order. Entries are only
 * ever appended, and some writes keep the version (a secret_exposed entry, the
 * link to a planned next cycle, so that no button goes stale): a write made
 * from a read older than such a write would otherwise erase its entry. It is
 * refused like a version mismatch, and the writer reads again. Entries are
 * compared by what they record: the chain's hashes are the store's to set.
 */
function extendsHistory(stored: readonly AuditEntry[] | undefined, next: readonly AuditEntry[]): boolean {
  const before = stored ?? [];
  return before.length <= next.length && before.every((entry, i) => sameContent(entry, next[i] as AuditEntry));
}

/** The entries a writer appends, stripped of any hash they came with: only the store links an entry into the chain. */
function unsealed(entries: readonly AuditEntry[]): AuditEntry[] {
  return entries.map(entryContent);
}

/** A lease long enough for one read-compare-write, short enough that a crashed holder blocks nobody for long. */
const LOCK_TTL_MS = 5_000;
const LOCK_WAIT_MS = 3_000;

/** What a rotation store runs on besides keyv; each defaults to this process's own. */
export interface StoreEngineParts {
  locks?: EngineLocks;
  index?: RotationIndex;
  auditLog?: AuditLog;
  /** Resolves once the engine takes commands. */
  ready?: () => Promise<void>;
  /** Failures that reach no caller: an entry written but not logged (see `logFrom`). */
  onError?: (error: Error) => void;
}

/**
 * Rotations in keyv, with the engine's index of them. The index is kept in
 * step under each rotation's write lock: the postings of the new state are
 * added before the rotation is written and the ones it left are removed after,
 * so a crash in between leaves an extra id in a list (readers check each
 * rotation they read against the list) but never a missing one.
 *
 * The store also keeps the audit chain (domain/audit-chain.ts): under the
 * same lock it links each new entry to the stored one before it (it alone
 * knows, at that moment, what is stored), writes the rotation, then appends
 * the new entries' hashes to the store-wide log. Whatever the lifecycle hands
 * in, no write can leave an entry out of the chain or fork it.
 */
export class KeyvRotationStore implements RotationStore {
  private readonly leases: Leases;
  private readonly index: RotationIndex;
  private readonly log: AuditLog;
  private readonly hasher: Hasher = sha256Hex;
  private readonly ready: () => Promise<void>;
  private readonly onError: (error: Error) => void;
  /**
   * People this process has recorded as App Home viewers: the record never
   * changes once written, so each is written once per process instead of on
   * every open of the tab (the most frequent event the bot gets).
   */
  private readonly recordedHomeViewers = new Set<string>();

  constructor(
    private readonly keyv: Keyv,
    parts: StoreEngineParts = {},
  ) {
    this.leases = new Leases(parts.locks ?? new MemoryLocks(), { ttlMs: LOCK_TTL_MS, waitMs: LOCK_WAIT_MS });
    this.index = parts.index ?? new MemoryRotationIndex();
    this.log = parts.auditLog ?? new MemoryAuditLog();
    this.ready = parts.ready ?? (async () => undefined);
    this.onError = parts.onError ?? (() => undefined);
  }

  /**
   * Runs keyv calls so that a failure the adapter only reports as an 'error'
   * event (the Redis adapter resolves a write while offline; the PostgreSQL
   * iterator stops early) is thrown like any other: a missing rotation must
   * never be confused with an unreachable store.
   */
  private async guarded<T>(operation: () => Promise<T>): Promise<T> {
    let failure: Error | undefined;
    const listener = (error: Error) => {
      failure ??= error;
    };
    this.keyv.on('error', listener);
    try {
      await this.ready();
      const result = await operation();
      if (failure) throw failure;
      return result;
    } finally {
      this.keyv.off('error', listener);
    }
  }

  /**
   * Read-compare-write on one rotation, exclusive in this process (a mutex)
   * and across processes (the engine's lease); keyv alone has no such thing.
   */
  private exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.leases.run(`rotation:${id}`, work, () => new CodedError('STORE_BUSY', `Rotation ${id} is busy; try again`));
  }

  /**
   * A rotation copied from another store (store:migrate) keeps the hashes it
   * carries, so its chain verifies in the target as it did in the source;
   * entries without one are chained here.
   */
  insert(rotation: Rotation): Promise<void> {
    const key = rotationKey(rotation.id);
    return this.exclusive(rotation.id, async () => {
      const history = sealHistory(rotation.id, rotation.history, this.hasher);
      await this.guarded(async () => {
        if (await this.keyv.has(key)) throw new CodedError('ROTATION_EXISTS', `Rotation ${rotation.id} already exists`);
        await this.index.put(rotation.id, postingsOf(rotation));
        await this.keyv.set(key, { ...withoutMessage(rotation), history });
      });
      await this.logAfterWrite(rotation.id, history);
    });
  }

  async get(id: string): Promise<Rotation | undefined> {
    const [raw, message] = await this.guarded(() => Promise.all([this.keyv.get(rotationKey(id)), this.keyv.get(messageKey(id))]));
    return raw === undefined ? undefined : revive(raw, id, message);
  }

  replace(rotation: Rotation, expectedVersion: number): Promise<boolean> {
    return this.exclusive(rotation.id, async () => {
      const history = await this.guarded(async () => {
        const current = (await this.keyv.get(rotationKey(rotation.id))) as Rotation | undefined;
        if (!current || current.version !== expectedVersion || !extendsHistory(current.history, rotation.history)) return undefined;
        // The stored entries as stored (an entry an older release wrote without a hash is chained now), then the new ones.
        const stored = current.history ?? [];
        const chained = sealHistory(rotation.id, [...stored, ...unsealed(rotation.history.slice(stored.length))], this.hasher);
        const postings = postingsOf(rotation);
        await this.index.put(rotation.id, postings);
        await this.keyv.set(rotationKey(rotation.id), { ...withoutMessage(rotation), history: chained });
        const kept = new Set(postings.map((posting) => posting.list));
        await this.index.remove(
          rotation.id,
          postingsOf(current).flatMap((posting) => (kept.has(posting.list) ? [] : [posting.list])),
        );
        return chained;
      });
      if (!history) return false;
      await this.logAfterWrite(rotation.id, history);
      return true;
    });
  }

  /**
   * Appends to the store-wide log the rotation's entries it does not hold yet:
   * the ones just written, and any a write cut short before its logging left
   * behind (the log holds a prefix of each rotation's entries, so a count says
   * which). Under the rotation's lock, so its entries go in in order.
   */
  private async logFrom(id: string, history: readonly AuditEntry[]): Promise<void> {
    const logged = await this.guarded(() => this.log.countOf(id));
    const entries = history.slice(logged).map((entry, i) => ({ rotationId: id, index: logged + i, entryHash: entry.hash as string }));
    if (entries.length > 0) await this.guarded(() => appendToLog(this.log, entries, this.hasher));
  }

  /**
   * After the rotation is written the change stands: a failure to log it is
   * reported, not thrown (the caller would tell the person nothing was saved),
   * and the rotation's next change logs what is missing.
   */
  private async logAfterWrite(id: string, history: readonly AuditEntry[]): Promise<void> {
    try {
      await this.logFrom(id, history);
    } catch (error) {
      this.onError(new Error(`${id} was written, but its audit entries could not be added to the store-wide log (its next change adds them): ${(error as Error).message}`));
    }
  }

  auditLog(): Promise<AuditLogRecord[]> {
    return this.guarded(() => this.log.records());
  }

  setMessage(id: string, message: MessageRef): Promise<boolean> {
    return this.guarded(async () => {
      if (!(await this.keyv.has(rotationKey(id)))) return false;
      await this.keyv.set(messageKey(id), message);
      await this.keyv.set(threadKey(message), id);
      return true;
    });
  }

  async findByMessage(message: MessageRef): Promise<string | undefined> {
    const id: unknown = await this.guarded(() => this.keyv.get(threadKey(message)));
    return typeof id === 'string' ? id : undefined;
  }

  async list(): Promise<Rotation[]> {
    // Read-only iteration; adapters that page by offset or SCAN may repeat a key, so ids are de-duplicated.
    const records = new Map<string, unknown>();
    const messages = new Map<string, unknown>();
    const iterate = this.keyv.iterator;
    if (!iterate) throw new Error('This store cannot list its rotations');
    await this.guarded(async () => {
      for await (const [key, raw] of iterate.call(this.keyv, undefined) as AsyncIterable<[string, unknown]>) {
        if (key.startsWith(ROTATION_PREFIX)) records.set(key.slice(ROTATION_PREFIX.length), raw);
        else if (key.startsWith(MESSAGE_PREFIX)) messages.set(key.slice(MESSAGE_PREFIX.length), raw);
      }
    });
    return [...records].map(([id, raw]) => revive(raw, id, messages.get(id)));
  }

  active(page?: Page): Promise<Rotation[]> {
    return page ? this.listed(LISTS.active, page) : this.whole(LISTS.active);
  }

  activeInvolving(userId: string): Promise<Rotation[]> {
    return this.whole(LISTS.personActive(userId));
  }

  /** A list read whole, in pages: for the lists that hold only open and planned rotations. */
  private async whole(list: string): Promise<Rotation[]> {
    const all: Rotation[] = [];
    for (let offset = 0; ; offset += LISTING_PAGE) {
      const { rotations, ids } = await this.read(list, { limit: LISTING_PAGE, offset });
      all.push(...rotations);
      // Ended by the ids the index gave, not by the rotations kept: a page can lose stale ids.
      if (ids < LISTING_PAGE) return all;
    }
  }

  involving(userId: string, page: Page): Promise<Rotation[]> {
    return this.listed(LISTS.person(userId), { ...page, newestFirst: true });
  }

  ofInstance(instanceUrl: string, page: Page): Promise<Rotation[]> {
    return this.listed(LISTS.instance(instanceUrl), { ...page, newestFirst: true });
  }

  recentlyCompleted(page: Page): Promise<Rotation[]> {
    return this.listed(LISTS.completed, { ...page, newestFirst: true });
  }

  private async listed(list: string, page: IndexPage): Promise<Rotation[]> {
    return (await this.read(list, page)).rotations;
  }

  /**
   * A page of one of the index's lists, read back in the list's order; ids
   * that no longer belong are skipped (`ids` says how many the index gave).
   */
  private async read(list: string, page: IndexPage): Promise<{ rotations: Rotation[]; ids: number }> {
    const ids = await this.guarded(() => this.index.range(list, page));
    if (ids.length === 0) return { rotations: [], ids: 0 };
    const [records, messages] = await this.guarded(() =>
      Promise.all([this.keyv.getMany<unknown>(ids.map(rotationKey)), this.keyv.getMany<unknown>(ids.map(messageKey))]),
    );
    const rotations = ids.flatMap((id, i) => {
      const raw = records[i];
      if (raw === undefined || raw === null) return [];
      const rotation = revive(raw, id, messages[i]);
      return belongsTo(rotation, list) ? [rotation] : [];
    });
    return { rotations, ids: ids.length };
  }

  async recordHomeViewer(userId: string): Promise<void> {
    if (this.recordedHomeViewers.has(userId)) return;
    await this.guarded(() => this.keyv.set(homeViewerKey(userId), true));
    this.recordedHomeViewers.add(userId);
  }

  async homeViewers(userIds: readonly string[]): Promise<string[]> {
    const people = [...new Set(userIds)];
    if (people.length === 0) return [];
    const recorded = await this.guarded(() => this.keyv.getMany<unknown>(people.map(homeViewerKey)));
    return people.filter((_, i) => recorded[i] !== undefined && recorded[i] !== null);
  }

  async migrate(): Promise<number> {
    const [indexVersion, chainVersion] = await this.guarded(() => Promise.all([this.keyv.get(INDEX_VERSION_KEY), this.keyv.get(AUDIT_CHAIN_VERSION_KEY)]));
    const index = indexVersion !== INDEX_VERSION;
    const chain = chainVersion !== AUDIT_CHAIN_VERSION;
    if (!index && !chain) return 0;
    // Oldest first, so the log lists the entries found here in the order their rotations were made.
    const rotations = (await this.list()).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
    for (const { id } of rotations) {
      // Under the rotation's lock, from a fresh read: a replica may be changing it meanwhile.
      await this.exclusive(id, async () => {
        const current = (await this.guarded(() => this.keyv.get(rotationKey(id)))) as Rotation | undefined;
        if (!current) return;
        if (index) await this.guarded(() => this.index.put(id, postingsOf(current)));
        if (!chain) return;
        // Entries written before the chain existed are chained as they are found now: the chain vouches for them from here on.
        const history = sealHistory(id, current.history ?? [], this.hasher);
        if (history.some((entry, i) => entry !== current.history?.[i])) await this.guarded(() => this.keyv.set(rotationKey(id), { ...current, history }));
        await this.logFrom(id, history);
      });
    }
    await this.guarded(async () => {
      await this.keyv.set(INDEX_VERSION_KEY, INDEX_VERSION);
      await this.keyv.set(AUDIT_CHAIN_VERSION_KEY, AUDIT_CHAIN_VERSION);
    });
    return rotations.length;
  }

  async ping(): Promise<void> {
    await this.guarded(() => this.keyv.set(HEALTH_KEY, Date.now()));
  }

  async close(): Promise<void> {
    await this.keyv.disconnect();
  }
}
