import type { EngineLocks, ReminderSchedule } from '../../../src/domain/ports';
import { PRUNE_INTERVAL_MS, Scheduler, type SchedulerDeps } from '../../../src/scheduler/scheduler';
import * as reminderRunner from '../../../src/services/reminders';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deps whose `due()` takes `tickMs` and can be made to fail, and whose prunes
 * are recorded (and can be made to fail): enough to watch the loop itself.
 */
function slowDeps(tickMs: number, failing = { now: false, prune: false }) {
  const stats = { running: 0, maxRunning: 0, ticks: 0, errors: [] as string[], calls: [] as string[], prunedBefore: [] as string[], lockGraces: [] as number[] };
  const clock = { t: Date.parse('2026-03-02T10:00:00Z'), now: () => new Date(clock.t) };
  const reminders = {
    pruneFinished: async (before: Date) => {
      stats.calls.push('prune');
      stats.prunedBefore.push(before.toISOString());
      if (failing.prune) throw new Error('prune refused');
      return 0;
    },
    add: async () => undefined,
    due: async () => {
      stats.running += 1;
      stats.maxRunning = Math.max(stats.maxRunning, stats.running);
      stats.ticks += 1;
      stats.calls.push('due');
      await sleep(tickMs);
      stats.running -= 1;
      if (failing.now) throw new Error('store unreachable');
      return [];
    },
  } as unknown as ReminderSchedule;
  const locks = {
    pruneExpired: async (graceMs: number) => {
      stats.lockGraces.push(graceMs);
      return 0;
    },
  } as unknown as EngineLocks;
  const deps = {
    reminders,
    locks,
    retentionDays: 30,
    reminderPolicy: { calendar: { timeZone: 'UTC', holidays: new Set() }, leadBusinessDays: 10, reminderHour: 9, digestDay: 'off' },
    clock,
    logger: { info: () => undefined, warn: () => undefined, error: (msg: string) => stats.errors.push(msg) },
  } as unknown as SchedulerDeps;
  return { deps, stats, clock };
}

describe('Scheduler', () => {
  it('runs a catch-up tick at start, then ticks on its interval, never two at once', async () => {
    const { deps, stats } = slowDeps(30);
    const scheduler = new Scheduler(deps, { intervalMs: 5 });
    await scheduler.start();
    expect(stats.ticks).toBe(1);
    await sleep(200);
    await scheduler.stop();
    expect(stats.ticks).toBeGreaterThan(2);
    expect(stats.maxRunning).toBe(1);
  });

  it('lets the tick in flight finish on stop and starts no new one', async () => {
    const { deps, stats } = slowDeps(100);
    const scheduler = new Scheduler(deps, { intervalMs: 5 });
    await scheduler.start();
    await sleep(20);
    expect(stats.running).toBe(1);

    await scheduler.stop();
    expect(stats.running).toBe(0);
    const ticks = stats.ticks;
    await sleep(50);
    expect(stats.ticks).toBe(ticks);
  });

  it('logs a failing tick and keeps ticking', async () => {
    const failing = { now: true, prune: false };
    const { deps, stats } = slowDeps(1, failing);
    const scheduler = new Scheduler(deps, { intervalMs: 5 });
    await scheduler.start();
    await sleep(40);
    failing.now = false;
    const ticksWhenHealed = stats.ticks;
    await sleep(40);
    await scheduler.stop();
    expect(stats.errors[0]).toMatch(/Reminder tick failed: store unreachable/);
    expect(stats.ticks).toBeGreaterThan(ticksWhenHealed);
  });

  it('tells each tick since when it could act: its start, then the first tick that worked after failed ones', async () => {
    const runs = jest.spyOn(reminderRunner, 'runDueReminders');
    const failing = { now: false, prune: false };
    const { deps, clock } = slowDeps(0, failing);
    // A long interval: every tick after the first is run by the test.
    const scheduler = new Scheduler(deps, { intervalMs: 60_000 });
    /** Since when the tick run at `iso` was told the bot could act. */
    const actingSinceOfTickAt = async (iso: string) => {
      clock.t = Date.parse(iso);
      await scheduler.tickNow();
      return runs.mock.calls.at(-1)?.[1]?.actingSince?.toISOString();
    };
    await scheduler.start();
    expect(runs.mock.calls.at(-1)?.[1]?.actingSince?.toISOString()).toBe('2026-03-02T10:00:00.000Z');

    // The store stops answering: the tick that fails first still counts from the start...
    failing.now = true;
    expect(await actingSinceOfTickAt('2026-03-02T11:00:00Z')).toBe('2026-03-02T10:00:00.000Z');
    // ...each tick after a failed one counts from its own time, as it may be the one that works.
    expect(await actingSinceOfTickAt('2026-03-03T11:00:00Z')).toBe('2026-03-03T11:00:00.000Z');

    failing.now = false;
    expect(await actingSinceOfTickAt('2026-03-04T11:00:00Z')).toBe('2026-03-04T11:00:00.000Z');
    expect(await actingSinceOfTickAt('2026-03-04T12:00:00Z')).toBe('2026-03-04T11:00:00.000Z');
    await scheduler.stop();
    runs.mockRestore();
  });

  it('prunes after the first tick\'s work, then at most once an hour by its clock', async () => {
    const { deps, stats, clock } = slowDeps(1);
    const scheduler = new Scheduler(deps, { intervalMs: 1e9 });
    await scheduler.start();
    await scheduler.tickNow(); // the first tick, still running
    expect(stats.calls).toEqual(['due', 'prune']);
    expect(stats.prunedBefore).toEqual(['2026-01-31T10:00:00.000Z']); // 30 days of retention
    expect(stats.lockGraces).toEqual([60 * 60 * 1000]);

    clock.t += PRUNE_INTERVAL_MS - 1;
    await scheduler.tickNow();
    await scheduler.tickNow();
    expect(stats.calls).toEqual(['due', 'prune', 'due', 'due']);

    clock.t += 1;
    await scheduler.tickNow();
    await scheduler.tickNow();
    await scheduler.stop();
    expect(stats.calls).toEqual(['due', 'prune', 'due', 'due', 'due', 'prune', 'due']);
    expect(stats.prunedBefore[1]).toBe('2026-01-31T11:00:00.000Z');
  });

  it('logs a failing prune without failing the tick, and tries again an hour later', async () => {
    const failing = { now: false, prune: true };
    const { deps, stats, clock } = slowDeps(1, failing);
    const results: unknown[] = [];
    const scheduler = new Scheduler(deps, { intervalMs: 1e9, onTick: (result) => results.push(result) });
    await scheduler.start();
    await scheduler.tickNow(); // the first tick, still running
    await scheduler.tickNow();
    expect(results).toHaveLength(2);
    expect(stats.errors).toEqual([expect.stringMatching(/^Pruning finished reminders and expired locks failed: prune refused/)]);
    // The locks were pruned all the same.
    expect(stats.lockGraces).toHaveLength(1);

    failing.prune = false;
    clock.t += PRUNE_INTERVAL_MS;
    await scheduler.tickNow();
    await scheduler.stop();
    expect(stats.calls.filter((c) => c === 'prune')).toHaveLength(2);
    expect(stats.errors).toHaveLength(1);
  });
});
