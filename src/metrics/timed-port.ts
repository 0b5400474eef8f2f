import { performance } from 'node:perf_hooks';

/** Records one store operation: which port and method, how long it took, whether it failed. */
export type ObserveOperation = (store: string, operation: string, seconds: number, failed: boolean) => void;

/**
 * A store port (RotationStore, ReminderSchedule, EngineLocks) whose every
 * method call is timed and, when it fails, counted: the port is what the
 * services and the scheduler call, so each call is one operation as they see
 * it (the store's own calls to itself are not counted twice). Only wrapped
 * when metrics are on.
 */
export function timedPort<T extends object>(port: T, store: string, observe: ObserveOperation): T {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(port, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || key === 'constructor') return value;
      let wrapper = wrappers.get(key);
      if (!wrapper) {
        const operation = String(key);
        const method = value as (...args: unknown[]) => unknown;
        wrapper = (...args: unknown[]) => {
          const startedAt = performance.now();
          const done = (failed: boolean) => observe(store, operation, (performance.now() - startedAt) / 1000, failed);
          let result: unknown;
          try {
            result = method.apply(target, args);
          } catch (error) {
            done(true);
            throw error;
          }
          if (!(result instanceof Promise)) {
            done(false);
            return result;
          }
          return result.then(
            (answer: unknown) => {
              done(false);
              return answer;
            },
            (error: unknown) => {
              done(true);
              throw error;
            },
          );
        };
        wrappers.set(key, wrapper);
      }
      return wrapper;
    },
  });
}
