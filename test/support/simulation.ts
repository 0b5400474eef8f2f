import { openStore } from '../../src/store/keyv-factory';
import type { ServiceDeps } from '../../src/services/lifecycle-deps';
import type { RecordingNotifier } from './recording-notifier';

/** Services over a real store, a virtual clock and a recording notifier: reminders without HTTP. */
export const HOUR = 60 * 60 * 1000;
export const APPROVER = 'U0APPROVE1';
export const REQUESTER = 'U0REQUEST1';
const calendar = { timeZone: 'UTC', holidays: new Set<string>() };
const policy = { calendar, leadBusinessDays: 10 };
const reminderPolicy = { ...policy, reminderHour: 9, digestDay: 1 };

/** A virtual clock the test moves by hand. */
export class VirtualClock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
  set(iso: string) {
    this.t = Date.parse(iso);
  }
}

export function servicesOn(storeUrl: string, clock: VirtualClock, notifier: RecordingNotifier, namespace?: string): ServiceDeps & { close(): Promise<void> } {
  const { rotations, reminders } = openStore(storeUrl, undefined, namespace);
  let n = 0;
  return {
    store: rotations,
    reminders,
    reminderPolicy,
    notifier,
    approvers: { statusOf: async (id) => (id === APPROVER ? 'approver' : 'not_approver'), knownApproverIds: () => [APPROVER] },
    clock,
    policy,
    allowSelfApproval: false,
    randomIndex: (max) => (n++ * 7) % max,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    close: () => rotations.close(),
  };
}

