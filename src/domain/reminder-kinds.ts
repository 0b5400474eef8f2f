import type { BusinessCalendar } from './calendar';

/** The reminder table, one kind per row (the weekly digest is not per rotation). */
export const REMINDER_KINDS = [
  'approval_pending',
  'submit_soon',
  'submit_due',
  'submit_overdue',
  'no_meeting_yet',
  'meeting_tomorrow',
  'meeting_in_one_hour',
  'confirm_receipt',
  'deadline_near',
  'next_cycle',
] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** Who a reminder mentions: only the people who must act. */
export type Audience = 'approvers' | 'requester' | 'attendees' | 'meeting_attendees';

export const AUDIENCE: Record<ReminderKind, readonly Audience[]> = {
  approval_pending: ['approvers'],
  submit_soon: ['requester', 'attendees'],
  submit_due: ['requester', 'attendees'],
  submit_overdue: ['requester', 'attendees', 'approvers'],
  no_meeting_yet: ['requester'],
  meeting_tomorrow: ['meeting_attendees'],
  meeting_in_one_hour: ['meeting_attendees'],
  confirm_receipt: ['meeting_attendees'],
  deadline_near: ['approvers'],
  // The planned rotation keeps the last cycle's requester as its requester.
  next_cycle: ['requester'],
};

/**
 * Sent to each person directly (a direct message from the app) with the
 * meeting's join link; the thread only hears that the meeting is near, since
 * the link is for the people in the handoff, not for the channel.
 */
export const DIRECT_REMINDERS: ReadonlySet<ReminderKind> = new Set(['meeting_tomorrow', 'meeting_in_one_hour']);

/** Escalations are also broadcast to the channel, not only replied in the thread. */
export const ESCALATIONS: ReadonlySet<ReminderKind> = new Set(['submit_overdue', 'deadline_near']);

export interface ReminderPolicy {
  calendar: BusinessCalendar;
  leadBusinessDays: number;
  /** Local hour (in the calendar's zone) at which day-based reminders fall due. */
  reminderHour: number;
  /** 0 (Sunday) … 6 (Saturday), or off. */
  digestDay: number | 'off';
}

/** One occurrence of a reminder: the key is deterministic, so every process computes the same one. */
export interface ReminderOccurrence {
  rotationId: string;
  kind: ReminderKind;
  /** ISO instant. */
  dueAt: string;
  key: string;
}

export function reminderKey(rotationId: string, kind: string, dueAt: string): string {
  return `${rotationId}|${kind}|${dueAt}`;
}
