import type Keyv from 'keyv';
import type { EngineLocks, ReminderSchedule, SharedRateCounters } from '../../domain/ports';
import type { AuditLog } from '../audit-log';
import type { RotationIndex } from '../rotation-index';

/** What one storage engine provides: keyv for the records, their index, a reminder schedule, leases on names, and the store-wide audit log. */
export interface Engine {
  /** Resolves once the engine can take commands; rejects when it cannot in time. */
  ready?: () => Promise<void>;
  keyv: Keyv;
  index: RotationIndex;
  reminders: ReminderSchedule;
  locks: EngineLocks;
  /**
   * The per-person rate limits' counts, on the engine's own connection, for
   * engines several replicas share; undefined for one process's engines
   * (memory, SQLite), where the limits are counted in memory.
   */
  rateCounters?: SharedRateCounters;
  auditLog: AuditLog;
}

export interface EngineContext {
  /**
   * For every engine's keyv: the namespace, and `throwOnErrors`, because keyv 5
   * otherwise turns a broken store into "not found", which would read as a
   * missing rotation instead of an outage.
   */
  keyvOptions: { namespace: string; throwOnErrors: true };
  namespace: string;
  /** Store errors that arrive on no call (an idle pool's broken connection). */
  onError: (error: Error) => void;
}

/**
 * A storage engine: the STORE_URL schemes it serves and how it opens. Adding
 * an engine is one such file (its schedule and locks beside it) and one line
 * in `ENGINES` (`../keyv-factory.ts`).
 */
export interface StoreEngine {
  schemes: readonly string[];
  open(storeUrl: string, context: EngineContext): Engine;
}
