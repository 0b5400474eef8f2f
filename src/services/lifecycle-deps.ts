import type { ApproverDirectory, Clock, Notifier, PeopleDirectory, ReminderMetrics, ReminderSchedule, RotationStore } from '../domain/ports';
import type { ReminderPolicy } from '../domain/reminder-kinds';
import type { LeadTimePolicy } from '../domain/rotation';
import type { HomeRefresh } from './home-publisher';
import type { WorkflowStepDeps } from './waiting-steps';

/** What the use cases need; wired in `bot.ts`. */
export interface ServiceDeps {
  store: RotationStore;
  reminders: ReminderSchedule;
  reminderPolicy: ReminderPolicy;
  notifier: Notifier;
  /** Whose App Home a change touched: published shortly, once a burst (services/home-publisher.ts). */
  homes: HomeRefresh;
  approvers: ApproverDirectory;
  /** People's names, for the JSON Lines export; without one it carries ids alone. */
  people?: PeopleDirectory;
  clock: Clock;
  policy: LeadTimePolicy;
  allowSelfApproval: boolean;
  randomIndex: (exclusiveMax: number) => number;
  logger: { info(...msg: unknown[]): void; warn(...msg: unknown[]): void; error(...msg: unknown[]): void };
  /** Counts what the scheduler's ticks do with each reminder (GET /metrics); unset when metrics are off. */
  metrics?: ReminderMetrics;
  /**
   * Installed org-wide on an Enterprise Grid org (auth.test at start): the
   * export fills its workspace column. Unset on a workspace install.
   */
  orgWide?: boolean;
  /** The custom workflow steps' store and Slack completion; unset where no workflow step runs (some tests, tools). */
  steps?: WorkflowStepDeps;
}
