import type { ScheduledKind } from '../../domain/ports';
import { CONFIRMATIONS, type AuditEntry, type RotationStatus } from '../../domain/rotation';
import { escapeMrkdwn, truncate } from './mrkdwn';

/** The name of each state, wherever a rotation's state is shown. */
export const STATUS_LABELS: Record<RotationStatus, string> = {
  planned: 'Planned: next cycle, not started yet',
  requested: 'Awaiting approval',
  approved: 'Approved: submit the portal request',
  rejected: 'Rejected',
  submitted: 'Submitted: waiting for the vendor\'s meeting',
  meeting_scheduled: 'Handoff meeting scheduled',
  completed: 'Completed: new secret received',
  cancelled: 'Cancelled',
};

/** The name of each reminder kind, on the reminder itself and wherever the schedule is shown. */
export const REMINDER_LABELS: Record<ScheduledKind, string> = {
  approval_pending: 'Approval pending',
  submit_soon: 'Submit soon',
  submit_due: 'Submit today',
  submit_overdue: 'Submission overdue',
  no_meeting_yet: 'No meeting yet',
  meeting_tomorrow: 'Meeting tomorrow',
  meeting_in_one_hour: 'Meeting in one hour',
  confirm_receipt: 'Confirm receipt',
  deadline_near: 'Deadline near',
  next_cycle: 'Next cycle due',
  weekly_digest: 'Weekly digest',
  follow_up: 'Completing the last change (reminders, next cycle)',
};

/** A kind read from the store: a label when known, the escaped value otherwise (a record from a newer version). */
export function reminderLabel(kind: string): string {
  return Object.hasOwn(REMINDER_LABELS, kind) ? REMINDER_LABELS[kind as ScheduledKind] : escapeMrkdwn(truncate(kind, 60));
}

export function confirmationLabel(confirmation: string): string {
  return Object.hasOwn(CONFIRMATIONS, confirmation)
    ? CONFIRMATIONS[confirmation as keyof typeof CONFIRMATIONS]
    : escapeMrkdwn(truncate(confirmation, 100));
}

/** What an audit entry changed, in words: "Approved", "Meeting rescheduled", … */
export function describeChange(entry: Pick<AuditEntry, 'from' | 'to' | 'details' | 'event'>): string {
  if (entry.event === 'secret_exposed') return 'A message in the thread looked like the secret';
  if (entry.event === 'next_cycle_planned') return 'Next cycle planned';
  switch (entry.to) {
    case 'planned':
      return 'Next cycle planned';
    case 'requested':
      return entry.from === 'planned' ? 'Planned cycle started' : 'Requested';
    case 'approved':
      return 'Approved';
    case 'rejected':
      return 'Rejected';
    case 'submitted':
      return 'Portal request recorded';
    case 'meeting_scheduled':
      return entry.details?.rescheduled === 'true' ? 'Meeting rescheduled' : 'Meeting scheduled';
    case 'completed':
      return 'Secret received';
    case 'cancelled':
      return 'Cancelled';
    default: {
      const exhaustive: never = entry.to;
      return exhaustive;
    }
  }
}
