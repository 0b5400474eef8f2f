import { performance } from 'node:perf_hooks';
import { runDueReminders, scheduleDigest, type ReminderDeps, type TickResult } from '../services/reminders';
import { pruneFinished, type PruneResult, type RetentionDeps } from '../services/retention';

export type SchedulerDeps = ReminderDeps & RetentionDeps;

export interface SchedulerOptions {
  intervalMs: number;
  /** Called after each tick (tests and logs). */
  onTick?: (result: TickResult) => void;
  /** Called after each prune that succeeded (tests). */
  onPrune?: (result: PruneResult) => void;
  /** Counts each tick for the bot's metrics (GET /metrics); unset when metrics are off. */
  metrics?: TickMetrics;
}

/** What a tick reports for the metrics. */
export interface TickMetrics {
  /** A tick ended after `seconds` (its reminders, not the prune); `result` unless it failed (the store down). */
  tickFinished(seconds: number, result: TickResult | undefined): void;
}

/** How often a process prunes the store at most: finished rows are kept for days, so once an hour is plenty. */
export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The tick loop. It keeps nothing of the schedule: each tick reads what is
 * due from the store (it only remembers since when it could act, for the
 * retries of reminders that fell due while it could not). Ticks are chained (the next is set when one ends), so a slow
 * or failing tick never overlaps the next; `stop()` lets the tick in flight
 * finish and starts no new one. The first tick runs at once: the catch-up pass
 * for what fell due while the bot was down. After its work, a tick prunes the
 * store (the first one, then at most once every PRUNE_INTERVAL_MS by the
 * deps' clock); every replica does, which is safe.
 */
export class Scheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private lastPruneAt?: number;
  /**
   * Since when this process has been able to work through the schedule: its
   * first tick, or the first tick after failed ones (unset after a failure).
   */
  private actingSince?: Date;

  constructor(
    private readonly deps: SchedulerDeps,
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
    const startedAt = performance.now();
    let result: TickResult | undefined;
    try {
      // The first tick, or the first after failed ones (the store did not answer): what fell due meanwhile gets its retries from now.
      this.actingSince ??= this.deps.clock.now();
      result = await runDueReminders(this.deps, { actingSince: this.actingSince });
      this.options.onTick?.(result);
    } catch (error) {
      // The store may be down: the next tick tries again; nothing is lost, as nothing was claimed.
      this.actingSince = undefined;
      this.deps.logger.error(`Reminder tick failed: ${(error as Error).message}`);
    }
    this.options.metrics?.tickFinished((performance.now() - startedAt) / 1000, result);
    await this.pruneWhenDue();
  }

  /** Never fails the tick: a prune that fails is logged and tried again an interval later. */
  private async pruneWhenDue(): Promise<void> {
    const now = this.deps.clock.now();
    if (this.lastPruneAt !== undefined && now.getTime() - this.lastPruneAt < PRUNE_INTERVAL_MS) return;
    this.lastPruneAt = now.getTime();
    try {
      const result = await pruneFinished(this.deps, now);
      this.options.onPrune?.(result);
    } catch (error) {
      this.deps.logger.error(`Pruning finished reminders and expired locks failed: ${(error as Error).message}`);
    }
  }
}
