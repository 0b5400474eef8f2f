import Keyv from 'keyv';
import { MemoryAuditLog } from '../audit-log';
import { MemoryLocks } from '../engine-locks';
import { MemoryReminderSchedule } from '../memory-reminder-schedule';
import { MemoryRotationIndex } from '../rotation-index';
import type { StoreEngine } from './engine';

/** In this process only, gone with it: the tests' and the benchmark's store. */
export const memoryEngine: StoreEngine = {
  schemes: ['memory'],
  open: (_storeUrl, { keyvOptions }) => ({
    keyv: new Keyv({ ...keyvOptions, store: new Map() }),
    index: new MemoryRotationIndex(),
    reminders: new MemoryReminderSchedule(),
    locks: new MemoryLocks(),
    auditLog: new MemoryAuditLog(),
  }),
};
