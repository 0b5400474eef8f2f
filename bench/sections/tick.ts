import { performance } from 'node:perf_hooks';
import type { MessageRef } from '../../src/domain/rotation';
import type { Notifier } from '../../src/domain/ports';
import { runDueReminders, type ReminderDeps } from '../../src/services/reminders';
import { CallCounter, counting } from '../lib/counting';
import { openBenchStore, prepareEngine, type EngineName, type EngineUrls } from '../lib/engines';
import { BENCH_NOW, BENCH_POLICY, seededRotation, type Seeded } from '../lib/seed-rotations';
import { median, ratio } from '../lib/stats';

/**
 * Section 3: the cost of one scheduler tick against the number of stored
 * rotations, in-process, with the real `runDueReminders` on the real store
 * engines. Each measured tick finds exactly ten rotations due among
 * thousands that are not; the notifier does nothing, so what is timed is the
 * tick's own work and the store's, not a fake Slack's.
 */

export const DUE_PER_TICK = 10;
const SEED_BATCH = 5000;

export interface TickPoint {
  size: number;
  /** Median time of the measured ticks, ms. */
  tickMs: number;
  /** Slowest measured tick, ms. */
  maxTickMs: number;
  /** Records the tick's store calls handed back, per tick (median). */
  rowsRead: number;
  /** Store calls per tick (median). */
  calls: number;
  /** Time inside store calls per tick (median), ms; two calls run side by side, and both count in full. */
  storeMs: number;
  /** Per store method in the last measured tick: calls, rows handed back, ms. */
  byMethod: Record<string, { calls: number; rows: number; ms: number }>;
  ticks: number;
  /** How long filling the store up to this size took, ms (not part of any tick). */
  seedMs: number;
}

export interface TickEngineResult {
  engine: EngineName;
  points: TickPoint[];
  /** Tick time at the largest size over the smallest: ~1 when a tick costs what is due. */
  growth: number;
  error?: string;
}

/** Answers every Notifier call at once: a Proxy, so a method added to the port needs no change here. */
function nullNotifier(): Notifier {
  const message: MessageRef = { channelId: 'C0CHANNEL1', ts: '1700000000.000100' };
  // `then` stays undefined, so the notifier is never mistaken for a Promise.
  return new Proxy({} as Notifier, { get: (_target, property) => (property === 'then' ? undefined : async () => message) });
}

export async function tickEngine(engine: EngineName, sizes: number[], ticks: number, urls: EngineUrls, log: (line: string) => void): Promise<TickEngineResult> {
  const target = await prepareEngine(engine, urls);
  const store = await openBenchStore(target);
  const counter = new CallCounter();
  const errors: string[] = [];
  const deps: ReminderDeps = {
    store: counting(store.rotations, 'rotations', counter),
    reminders: counting(store.reminders, 'reminders', counter),
    reminderPolicy: BENCH_POLICY,
    policy: BENCH_POLICY,
    notifier: nullNotifier(),
    // A tick's follow-ups change Homes too; this section times the tick, not the Home publishes after it.
    homes: { changed: () => undefined },
    approvers: { statusOf: async () => 'not_approver', knownApproverIds: () => [] },
    clock: { now: () => BENCH_NOW },
    randomIndex: () => 0,
    allowSelfApproval: false,
    logger: { info: () => undefined, warn: () => undefined, error: (...msg: unknown[]) => void errors.push(msg.join(' ')) },
  };
  let nextIndex = 0;
  let stored = 0;
  const seed = async (count: number, due: boolean) => {
    for (let done = 0; done < count; done += SEED_BATCH) {
      const batch: Seeded[] = [];
      for (let i = 0; i < Math.min(SEED_BATCH, count - done); i += 1) batch.push(seededRotation(nextIndex++, due));
      await store.seed(batch);
    }
    stored += count;
  };
  /** One tick with exactly DUE_PER_TICK rotations due; the ten are added first, outside the timing. */
  const tick = async () => {
    await seed(DUE_PER_TICK, true);
    counter.reset();
    const started = performance.now();
    const result = await runDueReminders(deps);
    const ms = performance.now() - started;
    if (result.sent.length !== DUE_PER_TICK) {
      throw new Error(`${engine}: a tick sent ${result.sent.length} reminders, expected ${DUE_PER_TICK} (${errors.slice(-3).join('; ')})`);
    }
    const byMethod = Object.fromEntries(
      [...counter.byMethod].map(([method, m]) => [method, { calls: m.calls, rows: m.rows, ms: Number(m.ms.toFixed(3)) }]),
    );
    const storeMs = [...counter.byMethod.values()].reduce((total, m) => total + m.ms, 0);
    return { ms, rows: counter.rows, calls: counter.calls, storeMs, byMethod };
  };

  const points: TickPoint[] = [];
  try {
    for (const size of [...sizes].sort((a, b) => a - b)) {
      const seedStarted = performance.now();
      // Stored rotations = `size` when a tick runs: the not-due ones, plus the ten due it adds.
      await seed(Math.max(0, size - DUE_PER_TICK - stored), false);
      await store.settle();
      const seedMs = performance.now() - seedStarted;
      // Two ticks unmeasured: the first at a size pays for JIT and cold caches, which would flatter the ratio.
      await tick();
      await tick();
      const measured = [];
      for (let i = 0; i < ticks; i += 1) measured.push(await tick());
      const point: TickPoint = {
        size,
        tickMs: median(measured.map((m) => m.ms)),
        maxTickMs: Math.max(...measured.map((m) => m.ms)),
        rowsRead: median(measured.map((m) => m.rows)),
        calls: median(measured.map((m) => m.calls)),
        storeMs: median(measured.map((m) => m.storeMs)),
        byMethod: measured[measured.length - 1]?.byMethod ?? {},
        ticks,
        seedMs,
      };
      points.push(point);
      log(
        `  tick ${engine} ${size}: ${point.tickMs.toFixed(2)} ms, ${point.rowsRead} rows, ${point.calls} calls (seeded in ${(seedMs / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    await store.close().catch(() => undefined);
    await target.dispose().catch(() => undefined);
  }
  const first = points[0];
  const last = points[points.length - 1];
  return { engine, points, growth: first && last ? ratio(last.tickMs, first.tickMs) : Number.NaN };
}
