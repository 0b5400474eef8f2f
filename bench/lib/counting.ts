import { performance } from 'node:perf_hooks';

/**
 * Counting proxies around the store's ports: every call the tick makes is
 * counted, and so is every record a read hands back (an array counts its
 * length, a record 1, nothing 0). That is "rows read" as the bot sees them:
 * if a tick's rows grow with the store, the bot reads what is stored; if
 * only its time grows, the engine scans behind an answer that stays small.
 */
export class CallCounter {
  calls = 0;
  rows = 0;
  /** Calls, rows and time spent per method (the tick awaits one call at a time, so times add up). */
  readonly byMethod = new Map<string, { calls: number; rows: number; ms: number }>();

  reset(): void {
    this.calls = 0;
    this.rows = 0;
    this.byMethod.clear();
  }

  note(method: string, rows: number, ms: number): void {
    this.calls += 1;
    this.rows += rows;
    const entry = this.byMethod.get(method) ?? { calls: 0, rows: 0, ms: 0 };
    entry.calls += 1;
    entry.rows += rows;
    entry.ms += ms;
    this.byMethod.set(method, entry);
  }
}

/** Rows in a read's answer; writes (void, booleans) read nothing. */
export function rowsIn(answer: unknown): number {
  if (Array.isArray(answer)) return answer.length;
  if (answer !== null && typeof answer === 'object') return 1;
  return 0;
}

/** `target` with each method call counted in `counter` under `label.method`. */
export function counting<T extends object>(target: T, label: string, counter: CallCounter): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(object, args);
        const method = `${label}.${String(property)}`;
        if (result instanceof Promise) {
          return result.then((answer: unknown) => {
            counter.note(method, rowsIn(answer), performance.now() - started);
            return answer;
          });
        }
        counter.note(method, rowsIn(result), performance.now() - started);
        return result;
      };
    },
  });
}
