import type { ReminderSchedule } from '../../../src/domain/ports';
import { Scheduler } from '../../../src/scheduler/scheduler';
import type { ReminderDeps } from '../../../src/services/reminders';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deps whose `due()` takes `tickMs` and can be made to fail: enough to watch the loop itself. */
function slowDeps(tickMs: number, failing = { now: false }) {
  const stats = { running: 0, maxRunning: 0, ticks: 0, errors: [] as string[] };
  const reminders = {
    add: async () => undefined,
    due: async () => {
      stats.running += 1;
      stats.maxRunning = Math.max(stats.maxRunning, stats.running);
      stats.ticks += 1;
      await sleep(tickMs);
      stats.running -= 1;
      if (failing.now) throw new Error('store unreachable');
      return [];
    },
  } as unknown as ReminderSchedule;
  const deps = {
    reminders,
    reminderPolicy: { calendar: { timeZone: 'UTC', holidays: new Set() }, leadBusinessDays: 10, reminderHour: 9, digestDay: 'off' },
    clock: { now: () => new Date('2026-03-02T10:00:00Z') },
    logger: { warn: () => undefined, error: (msg: string) => stats.errors.push(msg) },
  } as unknown as ReminderDeps;
  return { deps, stats };
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
    const failing = { now: true };
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
});
