import type { types } from '@slack/bolt';
import type { ReminderDisplay, ScheduledKind } from '../../domain/ports';
import { reminderLabel } from './labels';
import { escapeMrkdwn, inlineCode, packLines, plural, slackDateTime, truncate } from './mrkdwn';

/** A reminder of the durable schedule, as the rotation's surfaces show it. */
export interface ReminderSummary {
  kind: ScheduledKind;
  /** ISO instant. */
  dueAt: string;
}

/** A reminder that could not be delivered, with Slack's reason. */
export interface ReminderFailure extends ReminderSummary {
  /** Named where failures of many rotations are listed (App Home); a `ScheduledReminder` fits as is. */
  rotationId?: string;
  failure?: string;
  /** ISO instant it failed. */
  finishedAt?: string;
}

/** What a rotation's surfaces show of its reminders. */
export interface ReminderScheduleView {
  /** The rotation's next pending reminder, shown so people know when the bot will chase them. */
  nextReminder?: ReminderSummary;
  /** Reminders of the rotation that could not be delivered, newest first: nothing is dropped silently. */
  reminderFailures?: ReminderFailure[];
}

/** What a rotation's message and `status` show of its reminders, from the schedule's answer. */
export function toScheduleView(display: ReminderDisplay | undefined): ReminderScheduleView {
  return {
    ...(display?.next ? { nextReminder: { kind: display.next.kind, dueAt: display.next.dueAt } } : {}),
    ...(display && display.failures.length > 0 ? { reminderFailures: display.failures } : {}),
  };
}

/** Undelivered reminders listed, on a rotation or on the App Home; the rest are counted. */
export const REMINDER_FAILURES_MAX = 5;
/** Slack's reason for a failure is short (`channel_not_found`); a longer one (from a newer version) is cut. */
const FAILURE_REASON_MAX = 200;

/**
 * Where undelivered reminders are listed: on one rotation (its message and
 * `status`), under a warning that counts them; or on the App Home, whose list
 * spans every rotation, so each line names its rotation and carries the warning.
 */
export type FailureListing = 'rotation' | 'home';

/** The rotation a failure belongs to, before its label on the Home; none for the weekly digest, which is no rotation's. */
function rotationPrefix(failure: ReminderFailure): string {
  return failure.rotationId === undefined ? '' : `${inlineCode(truncate(failure.rotationId, 40))} `;
}

/** One undelivered reminder: what, when it was due, why it failed and when. */
function failureLine(failure: ReminderFailure, listing: FailureListing): string {
  const label = reminderLabel(failure.kind);
  const what = listing === 'home' ? `:warning: ${rotationPrefix(failure)}${label},` : label;
  const reason = failure.failure ? escapeMrkdwn(truncate(failure.failure, FAILURE_REASON_MAX)) : 'no reason recorded';
  const failedAt = failure.finishedAt ? `, failed ${slackDateTime(failure.finishedAt)}` : '';
  return `• ${what} due ${slackDateTime(failure.dueAt)}: ${reason}${failedAt}`;
}

/**
 * The reminders that could not be delivered, so nothing fails silently: the
 * first few with Slack's reason, the rest counted. Empty when none failed.
 * The App Home heads them with a header like its other parts; a rotation's
 * surfaces with a warning in the same section.
 */
export function failureBlocks(failures: readonly ReminderFailure[], listing: FailureListing): types.KnownBlock[] {
  if (failures.length === 0) return [];
  const lines = failures.slice(0, REMINDER_FAILURES_MAX).map((failure) => failureLine(failure, listing));
  const texts =
    listing === 'home' ? packLines(lines) : packLines([`:warning: *${plural(failures.length, 'reminder')} could not be delivered*`, ...lines]);
  const more = failures.length - REMINDER_FAILURES_MAX;
  return [
    ...(listing === 'home' ? [{ type: 'header' as const, text: { type: 'plain_text' as const, text: 'Reminders that could not be delivered' } }] : []),
    ...texts.map((text): types.KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    ...(more > 0 ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: `…and ${more} more` }] }] : []),
  ];
}

/** "Next reminder: Submit soon <date token>": when the bot will chase next. */
function nextReminderText(next: ReminderSummary): string {
  return `:alarm_clock: Next reminder: ${reminderLabel(next.kind)} ${slackDateTime(next.dueAt)}`;
}

/**
 * The visible schedule of a rotation: the reminders that could not be
 * delivered and its next reminder as a context line. Empty when the context
 * carries neither; the message and `status` both show it.
 */
export function reminderScheduleBlocks(context: ReminderScheduleView): types.KnownBlock[] {
  return [
    ...failureBlocks(context.reminderFailures ?? [], 'rotation'),
    ...(context.nextReminder ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: nextReminderText(context.nextReminder) }] }] : []),
  ];
}
