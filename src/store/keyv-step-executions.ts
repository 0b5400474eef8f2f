import type Keyv from 'keyv';
import { CodedError } from '../domain/errors';
import type { EngineLocks, StepExecutionStore, WaitingStep } from '../domain/ports';
import { Leases } from './leases';

const EXECUTION_PREFIX = 'step-execution:';
const WAITING_PREFIX = 'step-waiting:';
/** Long enough for creating a rotation (a few writes), short enough that a crashed holder blocks a redelivery for seconds only. */
const LEASE_MS = 10_000;
const LEASE_WAIT_MS = 12_000;

/**
 * Custom workflow steps' records in the store's keyv, beside the rotations
 * (under prefixes the rotations' listing skips), each read-compare-write under
 * the engine's lease on its name, so replicas on one store agree.
 */
export class KeyvStepExecutions implements StepExecutionStore {
  private readonly leases: Leases;

  constructor(
    private readonly keyv: Keyv,
    locks: EngineLocks,
  ) {
    this.leases = new Leases(locks, { ttlMs: LEASE_MS, waitMs: LEASE_WAIT_MS });
  }

  private exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.leases.run(name, work, () => new CodedError('STORE_BUSY', `${name} is busy; try again`));
  }

  onceForExecution(executionId: string, create: () => Promise<string>): Promise<{ rotationId: string; created: boolean }> {
    const key = `${EXECUTION_PREFIX}${executionId}`;
    return this.exclusive(key, async () => {
      const recorded: unknown = await this.keyv.get(key);
      if (typeof recorded === 'string') return { rotationId: recorded, created: false };
      const rotationId = await create();
      await this.keyv.set(key, rotationId);
      return { rotationId, created: true };
    });
  }

  addWaiting(rotationId: string, step: WaitingStep): Promise<void> {
    const key = `${WAITING_PREFIX}${rotationId}`;
    return this.exclusive(key, async () => {
      const steps = asSteps(await this.keyv.get(key));
      if (steps.some((s) => s.executionId === step.executionId)) return;
      await this.keyv.set(key, [...steps, step]);
    });
  }

  takeWaiting(rotationId: string): Promise<WaitingStep[]> {
    const key = `${WAITING_PREFIX}${rotationId}`;
    return this.exclusive(key, async () => {
      const steps = asSteps(await this.keyv.get(key));
      if (steps.length > 0) await this.keyv.delete(key);
      return steps;
    });
  }

  async waiting(): Promise<Map<string, WaitingStep[]>> {
    const found = new Map<string, WaitingStep[]>();
    const iterate = this.keyv.iterator;
    if (!iterate) throw new Error('This store cannot list its waiting steps');
    for await (const [key, raw] of iterate.call(this.keyv, undefined) as AsyncIterable<[string, unknown]>) {
      if (key.startsWith(WAITING_PREFIX)) found.set(key.slice(WAITING_PREFIX.length), asSteps(raw));
    }
    return found;
  }
}

function asSteps(raw: unknown): WaitingStep[] {
  return Array.isArray(raw) ? (raw as WaitingStep[]) : [];
}
