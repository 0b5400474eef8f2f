import { randomUUID } from 'node:crypto';
import type { EngineLocks } from '../domain/ports';
import { KeyedMutex } from '../lib/keyed-mutex';

/**
 * Work done holding a name: exclusive in this process (a mutex) and across
 * processes (the engine's lease, `EngineLocks`); keyv alone has no such thing.
 * A lease is waited for at most `waitMs`, then `busy()` is thrown.
 */
export class Leases {
  private readonly local = new KeyedMutex();
  private readonly owner = randomUUID();

  constructor(
    private readonly locks: EngineLocks,
    private readonly timing: { ttlMs: number; waitMs: number },
  ) {}

  run<T>(name: string, work: () => Promise<T>, busy: () => Error): Promise<T> {
    return this.local.run(name, async () => {
      const deadline = Date.now() + this.timing.waitMs;
      while (!(await this.locks.acquire(name, this.owner, this.timing.ttlMs))) {
        if (Date.now() > deadline) throw busy();
        await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
      }
      try {
        return await work();
      } finally {
        await this.locks.release(name, this.owner).catch(() => undefined);
      }
    });
  }
}
