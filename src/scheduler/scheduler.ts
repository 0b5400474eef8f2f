import { runDueReminders, scheduleDigest, type ReminderDeps, type TickResult } from '../services/reminders';

export interface SchedulerOptions {
  intervalMs: number;
  /** Called after each tick (tests and logs). */
  onTick?: (result: TickResult) => void;
}

/**
 * The tick loop. It holds no state of its own: each tick reads what is due
 * from the store. Ticks are chained (the next is set when one ends), so a slow
 * or failing tick never overlaps the next; `stop()` lets the tick in flight
 * finish and starts no new one. The first tick runs at once: the catch-up pass
 * for what fell due while the bot was down.
 */
export class Scheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly deps: ReminderDeps,
    private readonly options: SchedulerOptions,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    try {
      await scheduleDigest(this.deps, this.deps.clock.now());
    } catch (error) {
      this.deps.logger.error(`The weekly digest could not be scheduled: ${(error as Error).message}`);
    }
    this.tickNow();
  }

  /** Runs one tick now unless one is running; resolves when it is done. */
  tickNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) return this.running;
    clearTimeout(this.timer);
    this.running = this.tick().finally(() => {
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(() => void this.tickNow(), this.options.intervalMs);
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    try {
      const result = await runDueReminders(this.deps);
      this.options.onTick?.(result);
    } catch (error) {
      // The store may be down: the next tick tries again; nothing is lost, as nothing was claimed.
      this.deps.logger.error(`Reminder tick failed: ${(error as Error).message}`);
    }
  }
}
