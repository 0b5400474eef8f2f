import { performance } from 'node:perf_hooks';

/**
 * A closed loop: `concurrency` virtual users, each starting its next task
 * when its last one is done, until `count` tasks ran. Closed rather than a
 * fixed arrival rate, so a slow app is measured at the concurrency asked for
 * instead of drowning in a queue. Resolves with the wall time, ms.
 */
export async function closedLoop(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return performance.now() - started;
}

/** Waits `ms`: lets a process settle (timers, GC) before its memory is read. */
export function pause(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
