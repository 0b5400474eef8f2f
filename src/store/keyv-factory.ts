import { CodedError } from '../domain/errors';
import type { EngineLocks, ReminderSchedule, RotationStore, SharedRateCounters, StepExecutionStore } from '../domain/ports';
import type { Engine, StoreEngine } from './engines/engine';
import { memoryEngine } from './engines/memory';
import { postgresEngine } from './engines/postgres';
import { redisEngine } from './engines/redis';
import { sqliteEngine } from './engines/sqlite';
import { KeyvRotationStore } from './keyv-rotation-store';
import { KeyvStepExecutions } from './keyv-step-executions';
import { STORE_URL_FORMS } from './store-url';

export const NAMESPACE = 'wfi-rotate';

export { sqlitePath } from './engines/sqlite';

type ErrorListener = (error: Error) => void;

/** Every storage engine, by the STORE_URL schemes it serves. */
const ENGINES: readonly StoreEngine[] = [memoryEngine, sqliteEngine, redisEngine, postgresEngine];

function openEngine(storeUrl: string, onError: ErrorListener, namespace: string): Engine {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(storeUrl)?.[1]?.toLowerCase();
  const engine = ENGINES.find((candidate) => scheme !== undefined && candidate.schemes.includes(scheme));
  if (!engine) {
    throw new CodedError('STORE_URL_UNSUPPORTED', `no store engine serves "${storeUrl.split(':')[0]}:"; use ${STORE_URL_FORMS}`);
  }
  const opened = engine.open(storeUrl, { keyvOptions: { namespace, throwOnErrors: true }, namespace, onError });
  // keyv also emits each failure as an 'error' event, which would crash the
  // process with no listener; callers get the same error from the rejected call.
  opened.keyv.on('error', onError);
  return opened;
}

/** What STORE_URL holds, all on one connection (closed with the rotations). */
export interface OpenedStore {
  rotations: RotationStore;
  reminders: ReminderSchedule;
  /** The rotations' write leases: only pruning and tests use them directly. */
  locks: EngineLocks;
  /** Custom workflow steps: which execution made which rotation, and the steps waiting on rotations. */
  steps: StepExecutionStore;
  /** The rate limits' shared counts, on Redis and PostgreSQL only (see Engine). */
  rateCounters?: SharedRateCounters;
}

/**
 * Everything STORE_URL holds. `namespace` keeps test suites that share one
 * Redis or PostgreSQL server apart.
 */
export function openStore(storeUrl: string, onError: ErrorListener = () => undefined, namespace: string = NAMESPACE): OpenedStore {
  const { keyv, index, reminders, locks, auditLog, ready, rateCounters } = openEngine(storeUrl, onError, namespace);
  return {
    rotations: new KeyvRotationStore(keyv, { locks, index, auditLog, ready, onError }),
    reminders,
    locks,
    steps: new KeyvStepExecutions(keyv, locks),
    ...(rateCounters ? { rateCounters } : {}),
  };
}
