import type { ReminderOutcome, ReminderSchedule, ScheduledReminder } from '../domain/ports';
import type { ReminderOccurrence } from '../domain/reminder-kinds';

interface Entry extends ScheduledReminder {
  claimedBy?: string;
  leaseUntil?: number;
}

/**
 * The schedule in memory, for `memory://` stores in tests: every call scans
 * every entry, which is fine for a test's few dozen and nothing else.
 */
export class MemoryReminderSchedule implements ReminderSchedule {
  private readonly entries = new Map<string, Entry>();

  async add(occurrences: Array<Omit<ScheduledReminder, 'state'>>): Promise<void> {
    for (const o of occurrences) if (!this.entries.has(o.key)) this.entries.set(o.key, { ...o, state: 'pending' });
  }

  async reschedule(rotationId: string, occurrences: ReminderOccurrence[]): Promise<void> {
    for (const [key, e] of this.entries) if (e.rotationId === rotationId && e.state === 'pending') this.entries.delete(key);
    await this.add(occurrences);
  }

  async due(now: Date, limit: number): Promise<ScheduledReminder[]> {
    const t = now.getTime();
    return [...this.entries.values()]
      .filter((e) => Date.parse(e.dueAt) <= t && (e.state === 'pending' || (e.state === 'claimed' && (e.leaseUntil ?? 0) < t)))
      .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.key.localeCompare(b.key))
      .slice(0, limit)
      .map(({ claimedBy: _c, leaseUntil: _l, ...reminder }) => reminder);
  }

  async claim(key: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const e = this.entries.get(key);
    const t = now.getTime();
    if (!e || !(e.state === 'pending' || (e.state === 'claimed' && (e.leaseUntil ?? 0) < t))) return false;
    Object.assign(e, { state: 'claimed', claimedBy: owner, leaseUntil: t + leaseMs });
    return true;
  }

  async finish(key: string, outcome: ReminderOutcome, now: Date): Promise<void> {
    const e = this.entries.get(key);
    if (!e) return;
    e.state = outcome.state;
    e.finishedAt = now.toISOString();
    if (outcome.state === 'failed') e.failure = outcome.reason;
    delete e.leaseUntil;
  }

  async nextFor(rotationId: string): Promise<ScheduledReminder | undefined> {
    return (await this.pendingOf(rotationId))[0];
  }

  async failures(rotationId?: string, limit = 20): Promise<ScheduledReminder[]> {
    return [...this.entries.values()]
      .filter((e) => e.state === 'failed' && (rotationId === undefined || e.rotationId === rotationId))
      .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))
      .slice(0, limit);
  }

  private async pendingOf(rotationId: string): Promise<ScheduledReminder[]> {
    return [...this.entries.values()]
      .filter((e) => e.rotationId === rotationId && e.state === 'pending')
      .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  }
}
