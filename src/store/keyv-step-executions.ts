import type Keyv from 'keyv';
import { CodedError } from '../domain/errors';
import type { EngineLocks, StepExecutionStore, WaitingStep } from '../domain/ports';
import { EXECUTION_TOKEN_FRESH_MS } from '../domain/workflow-steps';
import { Leases } from './leases';

const EXECUTION_PREFIX = 'step-execution:';
const WAITING_PREFIX = 'step-waiting:';
const TOKEN_PREFIX = 'step-token:';
/** Long enough for creating a rotation (a few writes), short enough that a crashed holder blocks a redelivery for seconds only. */
const LEASE_MS = 10_000;
const LEASE_WAIT_MS = 12_000;

/**
 * Custom workflow steps' records in the store's keyv, beside the rotations
 * (under prefixes the rotations' listing skips), each read-compare-write under
 * the engine's lease on its name, so replicas on one store agree.
 *
 * A waiting step's token is a key of its own with a time to live
 * (EXECUTION_TOKEN_FRESH_MS, unless given): Slack takes it for 15 minutes at
 * most, so it is not kept for the weeks a rotation takes. Redis removes it
 * when it expires; SQLite and PostgreSQL never hand it out after, and delete
 * the row when it is next read or listed.
 */
export class KeyvStepExecutions implements StepExecutionStore {
  private readonly leases: Leases;
  private readonly tokenTtlMs: number;

  constructor(
    private readonly keyv: Keyv,
    locks: EngineLocks,
    options: { tokenTtlMs?: number } = {},
  ) {
    this.leases = new Leases(locks, { ttlMs: LEASE_MS, waitMs: LEASE_WAIT_MS });
    this.tokenTtlMs = options.tokenTtlMs ?? EXECUTION_TOKEN_FRESH_MS;
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
      // The token first: if the list is not written, the token expires on its own.
      if (step.token !== undefined) await this.keyv.set(`${TOKEN_PREFIX}${step.executionId}`, step.token, this.tokenTtlMs);
      await this.keyv.set(key, [...steps, { executionId: step.executionId, since: step.since }]);
    });
  }

  takeWaiting(rotationId: string): Promise<WaitingStep[]> {
    const key = `${WAITING_PREFIX}${rotationId}`;
    return this.exclusive(key, async () => {
      const steps = asSteps(await this.keyv.get(key));
      if (steps.length === 0) return [];
      const tokenKeys = steps.map((step) => `${TOKEN_PREFIX}${step.executionId}`);
      const tokens: unknown[] = await this.keyv.getMany(tokenKeys);
      await this.keyv.delete(key);
      await Promise.all(tokenKeys.map((tokenKey) => this.keyv.delete(tokenKey)));
      return steps.map((step, i) => {
        const token = tokens[i];
        return typeof token === 'string' ? { ...step, token } : step;
      });
    });
  }

  waiting(): Promise<Map<string, WaitingStep[]>> {
    return this.listed(WAITING_PREFIX, asSteps);
  }

  executions(): Promise<Map<string, string>> {
    return this.listed(EXECUTION_PREFIX, (raw) => (typeof raw === 'string' ? raw : undefined));
  }

  /** Every record under `prefix` that `read` makes sense of, by the rest of its key (a full read of the store: for store:migrate and tests). */
  private async listed<T>(prefix: string, read: (raw: unknown) => T | undefined): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    const iterate = this.keyv.iterator;
    if (!iterate) throw new Error('This store cannot list its workflow steps');
    for await (const [key, raw] of iterate.call(this.keyv, undefined) as AsyncIterable<[string, unknown]>) {
      const value = key.startsWith(prefix) ? read(raw) : undefined;
      if (value !== undefined) found.set(key.slice(prefix.length), value);
    }
    return found;
  }
}

/** A stored list of waiting steps; a token stored inside one by an earlier release is left out. */
function asSteps(raw: unknown): WaitingStep[] {
  return Array.isArray(raw) ? (raw as WaitingStep[]).map(({ executionId, since }) => ({ executionId, since })) : [];
}
