import { openStore } from '../../src/store/keyv-factory';
import { DEFAULT_RETENTION_DAYS } from '../../src/domain/retention';
import type { SchedulerDeps } from '../../src/scheduler/scheduler';
import type { RecordingNotifier } from './recording-notifier';
import type { DashboardDeps } from '../../src/services/dashboards';
import { HomePublisher } from '../../src/services/home-publisher';

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

/** The services' ports and what the scheduler needs besides them (to prune): the engine's locks, the retention. */
export function servicesOn(storeUrl: string, clock: VirtualClock, notifier: RecordingNotifier, namespace?: string): SchedulerDeps & { close(): Promise<void> } {
  const { rotations, reminders, locks } = openStore(storeUrl, undefined, namespace);
  let n = 0;
  const deps = {
    store: rotations,
    reminders,
    notifier,
    approvers: { statusOf: async (id) => (id === APPROVER ? 'approver' : 'not_approver'), knownApproverIds: () => [APPROVER] },
    clock,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  } satisfies DashboardDeps;
  // Given the deps object itself, which is returned: a test replacing its logger or notifier reaches the Home publisher too.
  const homes = new HomePublisher(deps);
  return Object.assign(deps, {
    reminderPolicy,
    homes,
    policy,
    allowSelfApproval: false,
    randomIndex: (max: number) => (n++ * 7) % max,
    locks,
    retentionDays: DEFAULT_RETENTION_DAYS,
    close: async () => {
      await homes.stop();
      await rotations.close();
    },
  });
}

