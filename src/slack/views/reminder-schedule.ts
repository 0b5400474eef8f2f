import type { types } from '@slack/bolt';
import type { ReminderDisplay, ScheduledKind } from '../../domain/ports';
import { reminderLabel } from './labels';
import { escapeMrkdwn, packLines, plural, slackDateTime, truncate } from './mrkdwn';

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

/** Undelivered reminders listed on a rotation; the rest are counted. */
export const REMINDER_FAILURES_MAX = 5;
/** Slack's reason for a failure is short (`channel_not_found`); a longer one is cut. */
const FAILURE_REASON_MAX = 200;

/** "Next reminder: Submit soon <date token>": when the bot will chase next. */
export function nextReminderText(next: ReminderSummary): string {
  return `:alarm_clock: Next reminder: ${reminderLabel(next.kind)} ${slackDateTime(next.dueAt)}`;
}

/** One line per undelivered reminder: what, when it was due, why it failed. */
export function reminderFailureLines(failures: readonly ReminderFailure[], max: number = REMINDER_FAILURES_MAX): string[] {
  const lines = failures.slice(0, max).map((f) => {
    const reason = f.failure ? escapeMrkdwn(truncate(f.failure, FAILURE_REASON_MAX)) : 'no reason recorded';
    const failedAt = f.finishedAt ? `, failed ${slackDateTime(f.finishedAt)}` : '';
    return `• ${reminderLabel(f.kind)} due ${slackDateTime(f.dueAt)}: ${reason}${failedAt}`;
  });
  if (failures.length > max) lines.push(`…and ${failures.length - max} more`);
  return lines;
}

/**
 * The visible schedule of a rotation: its next reminder as a context line and
 * the reminders that could not be delivered as a warning. Empty when the
 * context carries neither; the message and `status` both show it.
 */
export function reminderScheduleBlocks(context: ReminderScheduleView): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = [];
  const failures = context.reminderFailures ?? [];
  if (failures.length > 0) {
    const heading = `:warning: *${plural(failures.length, 'reminder')} could not be delivered*`;
    for (const text of packLines([heading, ...reminderFailureLines(failures)])) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
    }
  }
  if (context.nextReminder) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: nextReminderText(context.nextReminder) }] });
  }
  return blocks;
}
