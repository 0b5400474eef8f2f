/**
 * Serialises work per key inside one process: a read-compare-write on a
 * rotation cannot interleave with another on the same rotation. Across
 * processes the store's own primitive (engine locks, compare-and-set) is
 * what holds; this only spares a process from racing itself.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
