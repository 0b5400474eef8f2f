import type { ApproverDirectory, Clock, Notifier, ReminderSchedule, RotationStore } from '../domain/ports';
import type { ReminderPolicy } from '../domain/reminder-kinds';
import type { LeadTimePolicy } from '../domain/rotation';

/** What the use cases need; wired in `bot.ts`. */
export interface ServiceDeps {
  store: RotationStore;
  reminders: ReminderSchedule;
  reminderPolicy: ReminderPolicy;
  notifier: Notifier;
  approvers: ApproverDirectory;
  clock: Clock;
  policy: LeadTimePolicy;
  allowSelfApproval: boolean;
  randomIndex: (exclusiveMax: number) => number;
  logger: { info(...msg: unknown[]): void; warn(...msg: unknown[]): void; error(...msg: unknown[]): void };
}
