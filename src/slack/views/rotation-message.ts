import type { types } from '@slack/bolt';
import { allowedActions, type ActionType } from '../../domain/lifecycle';
import {
  awaitsSubmission,
  CONFIRMATIONS,
  isOpen,
  type AuditEntry,
  type Closure,
  type Completion,
  type LeadTimePolicy,
  type Meeting,
  type Rotation,
  type RotationStatus,
  type Step,
  type Submission,
} from '../../domain/rotation';
import type { ScheduledKind } from '../../domain/ports';
import { submitByStanding } from '../../domain/standing';
import { buildServiceRequest, PORTAL_NOTES, PORTAL_STEPS, SHORT_DESCRIPTION } from '../../domain/service-request';
import { ACTIONS } from '../ids';
import { buttonValue } from '../parse/button-value';
import {
  escapedChunks,
  escapeMrkdwn,
  httpsLink,
  inlineCode,
  mention,
  packLines,
  plural,
  SECTION_TEXT_MAX,
  calendarDate,
  slackDateTime,
  truncate,
  wallClockTime,
} from './mrkdwn';

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

export interface RotationMessageContext {
  now: Date;
  policy: LeadTimePolicy;
  portalUrl?: string;
  /** The rotation's next pending reminder, shown so people know when the bot will chase them. */
  nextReminder?: ReminderSummary;
  /** Reminders of the rotation that could not be delivered, newest first: nothing is dropped silently. */
  reminderFailures?: ReminderFailure[];
}

export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

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

/** A reason is at most 500 characters when entered; a stored one is shown no longer than this. */
const REASON_MAX = 500;
/** Case numbers are at most 40 characters when entered. */
const CASE_NUMBER_MAX = 60;
/** Instance URLs are normalised host names; this only guards the layout against a damaged record. */
const INSTANCE_MAX = 200;
/** Attendees are at most 20 when entered. */
const ATTENDEES_MAX = 25;

interface ButtonSpec {
  actionId: string;
  label: string;
  style?: 'primary' | 'danger';
}

/** The button of each action. Rescheduling is the same action as scheduling, named for the state it is offered in. */
function buttonSpec(action: ActionType, status: RotationStatus): ButtonSpec {
  switch (action) {
    case 'approve':
      return { actionId: ACTIONS.approve, label: 'Approve', style: 'primary' };
    case 'reject':
      return { actionId: ACTIONS.reject, label: 'Reject', style: 'danger' };
    case 'record_submission':
      return { actionId: ACTIONS.recordSubmission, label: 'Mark submitted in portal', style: 'primary' };
    case 'schedule_meeting':
      return status === 'meeting_scheduled'
        ? { actionId: ACTIONS.scheduleMeeting, label: 'Reschedule meeting' }
        : { actionId: ACTIONS.scheduleMeeting, label: 'Meeting scheduled', style: 'primary' };
    case 'complete':
      return { actionId: ACTIONS.complete, label: 'Secret received', style: 'primary' };
    case 'cancel':
      // No confirm dialog: a modal asking for the reason follows, and closing it changes nothing.
      return { actionId: ACTIONS.cancel, label: 'Cancel' };
    default: {
      const exhaustive: never = action;
      return exhaustive;
    }
  }
}

/** The button for one action on one rotation; the message, App Home and reminders all use this one. */
export function actionButton(rotation: Pick<Rotation, 'id' | 'version' | 'status'>, action: ActionType): types.Button {
  const spec = buttonSpec(action, rotation.status);
  return {
    type: 'button',
    action_id: spec.actionId,
    text: { type: 'plain_text', text: spec.label },
    ...(spec.style ? { style: spec.style } : {}),
    value: buttonValue(rotation),
  };
}

function submitByText(rotation: Rotation, context: RotationMessageContext): string {
  const date = calendarDate(rotation.submitBy);
  const submission = submissionOf(rotation);
  if (submission) return `${date}\nsubmitted on ${calendarDate(submission.submittedOn)}`;
  if (!awaitsSubmission(rotation)) return date;
  const { businessDaysLeft } = submitByStanding(rotation, context);
  if (businessDaysLeft > 0) return `${date}\n${plural(businessDaysLeft, 'business day')} left`;
  if (businessDaysLeft === 0) return `${date}\n*due today*`;
  return `${date}\n*overdue by ${plural(-businessDaysLeft, 'business day')}*`;
}

function lateWarning(rotation: Rotation, context: RotationMessageContext): types.KnownBlock[] {
  // Once the portal request is made (or the rotation is closed) there is nothing left to hurry.
  if (rotation.lateByBusinessDays <= 0 || !awaitsSubmission(rotation)) return [];
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          `:warning: *Late:* this request was made after its submit-by date (${calendarDate(rotation.submitBy)}), ` +
          `${plural(rotation.lateByBusinessDays, 'business day')} short of the vendor's ${context.policy.leadBusinessDays}-business-day lead time. ` +
          'Open the portal request today and mention the policy deadline to the vendor.',
      },
    },
  ];
}

const NOTES_HEADING = '*Notes*\n';

/** Notes are at most 2000 characters, but escaped they can be 8000: as many sections as they take. */
function notesBlocks(rotation: Rotation): types.KnownBlock[] {
  if (!rotation.notes) return [];
  return escapedChunks(rotation.notes, SECTION_TEXT_MAX - NOTES_HEADING.length).map((chunk, i) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: i === 0 ? `${NOTES_HEADING}${chunk}` : chunk },
  }));
}

function serviceRequestBlock(rotation: Rotation): types.KnownBlock {
  // Each value sits in its own preformatted element: Slack shows a copy button
  // on each, so a value goes into the portal in one action, exactly as given.
  const elements = buildServiceRequest(rotation).flatMap((field) => [
    {
      type: 'rich_text_section' as const,
      elements: [{ type: 'text' as const, text: `${field.tab} tab · ${field.label}`, style: { bold: true } }],
    },
    { type: 'rich_text_preformatted' as const, elements: [{ type: 'text' as const, text: field.value }] },
  ]);
  return { type: 'rich_text', elements } as types.RichTextBlock;
}

// The union gives each state exactly its steps; these read them from any state that has them.
function approvalOf(rotation: Rotation): Step | undefined {
  return 'approval' in rotation ? rotation.approval : undefined;
}
function submissionOf(rotation: Rotation): Submission | undefined {
  return 'submission' in rotation ? rotation.submission : undefined;
}
function meetingOf(rotation: Rotation): Meeting | undefined {
  return 'meeting' in rotation ? rotation.meeting : undefined;
}
function completionOf(rotation: Rotation): Completion | undefined {
  return 'completion' in rotation ? rotation.completion : undefined;
}
function closureOf(rotation: Rotation): { kind: 'Rejected' | 'Cancelled'; closure: Closure } | undefined {
  if (rotation.status === 'rejected') return { kind: 'Rejected', closure: rotation.rejection };
  if (rotation.status === 'cancelled') return { kind: 'Cancelled', closure: rotation.cancellation };
  return undefined;
}

/** Who turned a planned next cycle into this request, and when. */
function startedBy(rotation: Rotation): AuditEntry | undefined {
  if (!rotation.previousRotationId || rotation.status === 'planned') return undefined;
  return rotation.history.find((entry) => entry.from === 'planned' && entry.to === 'requested');
}

/** "by <@U> <date token>": who did a step and when. */
function byWhom(step: Step): string {
  return `by ${mention(step.by)} ${slackDateTime(step.at)}`;
}

export function reasonText(reason: string): string {
  return escapeMrkdwn(truncate(reason, REASON_MAX));
}

export function caseNumberText(caseNumber: string): string {
  return inlineCode(truncate(caseNumber, CASE_NUMBER_MAX));
}

export function instanceText(instanceUrl: string): string {
  return escapeMrkdwn(truncate(instanceUrl, INSTANCE_MAX));
}

export function mentions(userIds: readonly string[]): string {
  const shown = userIds.slice(0, ATTENDEES_MAX).map(mention).join(', ');
  return userIds.length > ATTENDEES_MAX ? `${shown} and ${userIds.length - ATTENDEES_MAX} more` : shown;
}

/**
 * A meeting's start: a date token each reader sees in their own zone, with
 * the wall-clock time in the zone it was entered in as the fallback, and
 * that time again in words so everyone can check it against the invitation.
 */
export function meetingTimeText(startsAt: string, timeZone: string): string {
  const wallClock = wallClockTime(startsAt, truncate(timeZone, 60));
  return `${slackDateTime(startsAt, wallClock)} (${escapeMrkdwn(wallClock)})`;
}

/** "<https://…|Join the meeting>", only for an https link: for direct messages and those who may see it, never the channel. */
export function joinLink(joinUrl: string | undefined): string | undefined {
  return joinUrl ? httpsLink(joinUrl, 'Join the meeting') : undefined;
}

/**
 * What the channel is told instead of the join link: the link often carries
 * the passcode of the meeting in which the vendor reads the secret out, so it
 * goes to the people in the handoff and the approvers only.
 */
export function joinLinkNotice(hasLink: boolean): string {
  return hasLink
    ? ':lock: The join link went to the attendees, the requester and the approvers in a direct message.'
    : 'The meeting details went to the attendees, the requester and the approvers in a direct message.';
}

export function confirmationLabel(confirmation: string): string {
  return Object.hasOwn(CONFIRMATIONS, confirmation)
    ? CONFIRMATIONS[confirmation as keyof typeof CONFIRMATIONS]
    : escapeMrkdwn(truncate(confirmation, 100));
}

/** The steps taken so far, one section each, in the order they happened. */
function stepBlocks(rotation: Rotation): types.KnownBlock[] {
  const steps: string[][] = [];
  if (rotation.status === 'planned' && rotation.previousRotationId) {
    steps.push([
      `:repeat: *Next cycle* of ${inlineCode(rotation.previousRotationId)}, not started yet. ` +
        'Start it from the App Home when it is time; the request form opens prefilled.',
    ]);
  }
  const started = startedBy(rotation);
  if (started) {
    steps.push([
      `:arrow_forward: *Next cycle* of ${inlineCode(rotation.previousRotationId ?? '')}, started by ${mention(started.actorId)} ${slackDateTime(started.at)}`,
    ]);
  }
  const approval = approvalOf(rotation);
  if (approval) steps.push([`:white_check_mark: *Approved* ${byWhom(approval)}`]);
  const submission = submissionOf(rotation);
  if (submission) {
    steps.push([
      `:outbox_tray: *Portal request submitted*: case ${caseNumberText(submission.caseNumber)}, ` +
        `submitted on ${calendarDate(submission.submittedOn)}; recorded ${byWhom(submission)}`,
    ]);
  }
  const meeting = meetingOf(rotation);
  if (meeting) {
    steps.push([
      `:calendar: *Handoff meeting* on ${escapeMrkdwn(meeting.platform)}, ${meetingTimeText(meeting.startsAt, meeting.timeZone)}`,
      `Attendees: ${mentions(meeting.attendeeIds)}`,
      `Scheduled ${byWhom(meeting)}`,
      ...(rotation.status === 'meeting_scheduled' ? [joinLinkNotice(meeting.joinUrl !== undefined)] : []),
    ]);
  }
  const completion = completionOf(rotation);
  if (completion) {
    steps.push([
      `:tada: *Secret received*, confirmed ${byWhom(completion)}`,
      ...(completion.confirmations.length > 0
        ? completion.confirmations.map((c) => `:heavy_check_mark: ${confirmationLabel(c)}`)
        : ['No confirmations were ticked.']),
    ]);
  }
  const closure = closureOf(rotation);
  if (closure) {
    const icon = closure.kind === 'Rejected' ? ':x:' : ':no_entry_sign:';
    steps.push([`${icon} *${closure.kind}* ${byWhom(closure.closure)}`, `*Reason:* ${reasonText(closure.closure.reason)}`]);
  }
  if (rotation.status === 'completed' && rotation.nextRotationId) {
    steps.push([
      `:repeat: *Next cycle planned* as ${inlineCode(rotation.nextRotationId)}: it waits in the App Home with a *Start request* button.`,
    ]);
  }
  return steps.flatMap((lines) => packLines(lines).map((text) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } })));
}

/** While the portal request is still to be made: every value to copy and the steps, as posted at first. */
function portalBlocks(rotation: Rotation): types.KnownBlock[] {
  return [
    { type: 'divider' },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '*Service request for the vendor\'s portal*: copy each value into the field of the same name.',
      },
    },
    serviceRequestBlock(rotation),
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Steps in the portal*\n${PORTAL_STEPS.map((step, i) => `${i + 1}. ${escapeMrkdwn(step)}`).join('\n')}`,
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${escapeMrkdwn(PORTAL_NOTES)}\nHandoff attendees: ${mentions(rotation.attendeeIds)}`,
        },
      ],
    },
  ];
}

/** After the portal step (or instead of it): one line, so the message stays short. */
function portalSummaryBlock(rotation: Rotation): types.KnownBlock {
  const submission = submissionOf(rotation);
  const request = `"${escapeMrkdwn(SHORT_DESCRIPTION)}" for ${instanceText(rotation.instanceUrl)} (${escapeMrkdwn(rotation.environmentType)})`;
  const text = submission
    ? `Service request ${request}: portal case ${caseNumberText(submission.caseNumber)}. Handoff attendees: ${mentions(rotation.attendeeIds)}`
    : `Service request ${request}: not opened in the portal.`;
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function actionsBlocks(rotation: Rotation, context: RotationMessageContext): types.KnownBlock[] {
  const actions = allowedActions(rotation.status);
  const buttons: types.Button[] = actions.filter((a) => a !== 'cancel').map((a) => actionButton(rotation, a));
  if (context.portalUrl && isOpen(rotation) && awaitsSubmission(rotation)) {
    buttons.push({
      type: 'button',
      action_id: ACTIONS.openPortal,
      text: { type: 'plain_text', text: 'Open My Support Portal' },
      url: context.portalUrl,
    });
  }
  if (actions.includes('cancel')) buttons.push(actionButton(rotation, 'cancel'));
  return buttons.length > 0 ? [{ type: 'actions', block_id: 'rotation_actions', elements: buttons }] : [];
}

/** What an audit entry changed, in words: "Approved", "Meeting rescheduled", … */
export function describeChange(entry: Pick<AuditEntry, 'from' | 'to' | 'details' | 'event'>): string {
  if (entry.event === 'secret_exposed') return 'A message in the thread looked like the secret';
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

function lastChangeBlock(rotation: Rotation): types.KnownBlock[] {
  const last = rotation.history.at(-1);
  if (!last) return [];
  return [
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Last change: ${describeChange(last)} by ${mention(last.actorId)} · ${slackDateTime(last.at)}` }],
    },
  ];
}

/** Undelivered reminders listed on a rotation; the rest are counted. */
export const REMINDER_FAILURES_MAX = 5;
/** Slack's reason for a failure is short (`channel_not_found`); a longer one is cut. */
const FAILURE_REASON_MAX = 200;

/** A kind read from the store: a label when known, the escaped value otherwise (a record from a newer version). */
export function reminderLabel(kind: string): string {
  return Object.hasOwn(REMINDER_LABELS, kind) ? REMINDER_LABELS[kind as ScheduledKind] : escapeMrkdwn(truncate(kind, 60));
}

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
export function reminderScheduleBlocks(context: Pick<RotationMessageContext, 'nextReminder' | 'reminderFailures'>): types.KnownBlock[] {
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

/** Header, key facts and the late warning: the top of the rotation message and of `status`. */
export function buildRotationSummary(rotation: Rotation, context: RotationMessageContext): types.KnownBlock[] {
  return [
    { type: 'header', text: { type: 'plain_text', text: `WFI client secret rotation ${rotation.id}` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Instance*\n${instanceText(rotation.instanceUrl)}` },
        { type: 'mrkdwn', text: `*Environment type*\n${escapeMrkdwn(rotation.environmentType)}` },
        { type: 'mrkdwn', text: `*Status*\n${STATUS_LABELS[rotation.status]}` },
        { type: 'mrkdwn', text: `*Requested by*\n${mention(rotation.requesterId)}` },
        { type: 'mrkdwn', text: `*Policy deadline*\n${calendarDate(rotation.deadline)}` },
        { type: 'mrkdwn', text: `*Submit to the vendor by*\n${submitByText(rotation, context)}` },
      ],
    },
    ...lateWarning(rotation, context),
  ];
}

/**
 * The one message that represents a rotation in its channel. The same builder
 * renders it for `chat.postMessage` and for every later `chat.update`, so it
 * always shows the current state, every step taken, and only the buttons
 * `allowedActions` accepts now.
 */
export function buildRotationMessage(rotation: Rotation, context: RotationMessageContext): SlackMessage {
  const url = instanceText(rotation.instanceUrl);
  const steps = stepBlocks(rotation);
  const blocks: types.KnownBlock[] = [
    ...buildRotationSummary(rotation, context),
    ...notesBlocks(rotation),
    ...(steps.length > 0 ? [{ type: 'divider' as const }, ...steps] : []),
    ...(awaitsSubmission(rotation) ? portalBlocks(rotation) : [portalSummaryBlock(rotation)]),
    ...actionsBlocks(rotation, context),
    ...reminderScheduleBlocks(context),
    ...lastChangeBlock(rotation),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: ':lock: The new secret is handed over in the vendor\'s meeting. Never paste it in Slack.',
        },
      ],
    },
  ];
  return {
    text: `WFI client secret rotation ${rotation.id} for ${url}: ${STATUS_LABELS[rotation.status]}, submit by ${calendarDate(rotation.submitBy)}`,
    blocks,
  };
}
