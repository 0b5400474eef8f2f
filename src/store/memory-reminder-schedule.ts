import type { ReminderOutcome, ReminderSchedule, ScheduledReminder } from '../domain/ports';
import type { ReminderOccurrence } from '../domain/reminder-kinds';
import { readEntry, storedDigest, type StoredEntry } from './schedule-entry';

interface Entry extends StoredEntry, Pick<ScheduledReminder, 'state' | 'finishedAt' | 'failure'> {
  dueMs: number;
  claimedBy?: string;
  leaseUntil?: number;
}

function byDue(a: Entry, b: Entry): number {
  return a.dueMs - b.dueMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function withoutBookkeeping({ dueMs: _d, claimedBy: _c, leaseUntil: _l, ...reminder }: Entry): ScheduledReminder {
  return readEntry(reminder);
}

/**
 * The schedule in memory (`memory://`), indexed like the SQL ones: the
 * unfinished occurrences bucketed by due time (day-based reminders share a
 * few instants), each rotation's pending keys, and the failures apart, so what
 * a tick costs follows what is due, not what is stored.
 */
export class MemoryReminderSchedule implements ReminderSchedule {
  private readonly byKey = new Map<string, Entry>();
  /** Keys of the pending and claimed occurrences, by due time. */
  private readonly unfinished = new Map<number, Set<string>>();
  /** The due times in `unfinished`, ascending. */
  private readonly dueTimes: number[] = [];
  private readonly pendingByRotation = new Map<string, Set<string>>();
  /** The occurrences that failed, each once; one finished again with another outcome stays here and is filtered out when read. */
  private readonly failed = new Set<Entry>();

  async add(occurrences: readonly StoredEntry[]): Promise<void> {
    for (const o of occurrences) {
      if (this.byKey.has(o.key)) continue;
      const entry: Entry = { ...o, state: 'pending', dueMs: Date.parse(o.dueAt) };
      this.byKey.set(o.key, entry);
      this.addUnfinished(entry);
      this.pendingKeysOf(o.rotationId).add(o.key);
    }
  }

  addDigest(dueAt: string): Promise<void> {
    return this.add([storedDigest(dueAt)]);
  }

  async reschedule(rotationId: string, occurrences: ReminderOccurrence[]): Promise<void> {
    for (const key of this.pendingKeysOf(rotationId)) {
      const entry = this.byKey.get(key);
      if (entry) this.removeUnfinished(entry);
      this.byKey.delete(key);
    }
    this.pendingByRotation.delete(rotationId);
    await this.add(occurrences);
  }

  async due(now: Date, limit: number): Promise<ScheduledReminder[]> {
    const t = now.getTime();
    const found: ScheduledReminder[] = [];
    for (const dueMs of this.dueTimes) {
      if (dueMs > t || found.length >= limit) break;
      for (const key of [...(this.unfinished.get(dueMs) ?? [])].sort()) {
        const e = this.byKey.get(key);
        if (e && found.length < limit && (e.state === 'pending' || (e.leaseUntil ?? 0) < t)) found.push(withoutBookkeeping(e));
      }
    }
    return found;
  }

  async claim(key: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const e = this.byKey.get(key);
    const t = now.getTime();
    if (!e || !(e.state === 'pending' || (e.state === 'claimed' && (e.leaseUntil ?? 0) < t))) return false;
    Object.assign(e, { state: 'claimed', claimedBy: owner, leaseUntil: t + leaseMs });
    this.pendingByRotation.get(e.rotationId)?.delete(key);
    return true;
  }

  async finish(key: string, outcome: ReminderOutcome, now: Date): Promise<void> {
    const e = this.byKey.get(key);
    if (!e) return;
    if (e.state === 'pending' || e.state === 'claimed') this.removeUnfinished(e);
    this.pendingByRotation.get(e.rotationId)?.delete(key);
    e.state = outcome.state;
    e.finishedAt = now.toISOString();
    if (outcome.state === 'failed') {
      e.failure = outcome.reason;
      this.failed.add(e);
    } else {
      delete e.failure;
    }
    delete e.leaseUntil;
  }

  async nextFor(rotationId: string): Promise<ScheduledReminder | undefined> {
    let next: Entry | undefined;
    for (const key of this.pendingByRotation.get(rotationId) ?? []) {
      const e = this.byKey.get(key);
      if (e && (!next || byDue(e, next) < 0)) next = e;
    }
    return next && withoutBookkeeping(next);
  }

  async failures(rotationId?: string, limit = 20): Promise<ScheduledReminder[]> {
    return [...this.failed]
      .filter((e) => e.state === 'failed' && (rotationId === undefined || e.rotationId === rotationId))
      .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))
      .slice(0, limit)
      .map(withoutBookkeeping);
  }

  /** Walks every entry: the memory store is the tests' and the benchmark's, and this runs once an hour. */
  async pruneFinished(finishedBefore: Date): Promise<number> {
    const before = finishedBefore.getTime();
    let removed = 0;
    for (const [key, e] of this.byKey) {
      if (e.state !== 'pending' && e.state !== 'claimed' && Date.parse(e.finishedAt ?? '') < before) {
        this.byKey.delete(key);
        removed++;
      }
    }
    for (const e of this.failed) if (this.byKey.get(e.key) !== e) this.failed.delete(e);
    return removed;
  }

  async entries(): Promise<ScheduledReminder[]> {
    return [...this.byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(withoutBookkeeping);
  }

  private pendingKeysOf(rotationId: string): Set<string> {
    let keys = this.pendingByRotation.get(rotationId);
    if (!keys) {
      keys = new Set();
      this.pendingByRotation.set(rotationId, keys);
    }
    return keys;
  }

  private addUnfinished(entry: Entry): void {
    let bucket = this.unfinished.get(entry.dueMs);
    if (!bucket) {
      bucket = new Set();
      this.unfinished.set(entry.dueMs, bucket);
      this.dueTimes.splice(this.positionOf(entry.dueMs), 0, entry.dueMs);
    }
    bucket.add(entry.key);
  }

  private removeUnfinished(entry: Entry): void {
    const bucket = this.unfinished.get(entry.dueMs);
    if (!bucket?.delete(entry.key) || bucket.size > 0) return;
    this.unfinished.delete(entry.dueMs);
    this.dueTimes.splice(this.positionOf(entry.dueMs), 1);
  }

  /** Where `dueMs` is or belongs in `dueTimes` (binary search). */
  private positionOf(dueMs: number): number {
    let low = 0;
    let high = this.dueTimes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.dueTimes[mid] as number) < dueMs) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
