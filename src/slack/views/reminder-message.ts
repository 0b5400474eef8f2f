import type { types } from '@slack/bolt';
import { AUDIENCE, DIRECT_REMINDERS, ESCALATIONS, type ReminderKind } from '../../domain/reminder-kinds';
import { isTransition, meetingOf, submissionOf, type Rotation } from '../../domain/rotation';
import { businessDaysToDeadline, nextStepAction, submitByStanding } from '../../domain/standing';
import { escapeMrkdwn, inlineCode, mention, packLines, plural, calendarDate, slackDateTime } from './mrkdwn';
import { actionButton, portalButton, startPlannedButton } from './buttons';
import { REMINDER_LABELS, STATUS_LABELS } from './labels';
import { caseNumberText, datesLine, instanceText, joinLink, meetingTimeText } from './text';
import type { RotationMessageContext, SlackMessage } from './types';

export type ReminderMessageContext = RotationMessageContext & {
  /**
   * The approvers as mentions, already formatted (`<@U…>`, `<!subteam^S…>`)
   * from the configuration: inserted as given, only where approvers must act.
   */
  approverMentions: string[];
};

/** Mentions beyond this many characters are counted, so a long approver list cannot push the text over Slack's limits. */
const MENTIONS_MAX_CHARS = 1500;
/** A reminder that fell due this long before it is sent says so: it was caught up after an outage. */
const LATE_AFTER_MS = 15 * 60 * 1000;

/** Exactly the people `AUDIENCE[kind]` names, each once, in the table's order. */
export function reminderMentions(rotation: Rotation, kind: ReminderKind, approverMentions: readonly string[]): string[] {
  const all: string[] = [];
  for (const audience of AUDIENCE[kind]) {
    switch (audience) {
      case 'requester':
        all.push(mention(rotation.requesterId));
        break;
      case 'attendees':
        all.push(...rotation.attendeeIds.map(mention));
        break;
      case 'meeting_attendees':
        all.push(...(meetingOf(rotation)?.attendeeIds ?? rotation.attendeeIds).map(mention));
        break;
      case 'approvers':
        all.push(...approverMentions);
        break;
      default: {
        const exhaustive: never = audience;
        return exhaustive;
      }
    }
  }
  return [...new Set(all.filter((m) => m !== ''))];
}

function mentionLine(all: readonly string[]): string {
  let line = '';
  let shown = 0;
  for (const m of all) {
    const next = line === '' ? m : `${line}, ${m}`;
    if (next.length > MENTIONS_MAX_CHARS) break;
    line = next;
    shown += 1;
  }
  return shown < all.length ? `${line} and ${all.length - shown} more` : line;
}

type Context = Pick<RotationMessageContext, 'now' | 'policy'>;

/** When the portal request is due, in the terms of today: days left, today, or overdue. */
function submitSentence(rotation: Rotation, context: Context): string {
  const submitBy = calendarDate(rotation.submitBy);
  const deadline = calendarDate(rotation.deadline);
  const { businessDaysLeft } = submitByStanding(rotation, context);
  if (businessDaysLeft > 0) {
    return (
      `Open the service request in the vendor's portal by ${submitBy}: ${plural(businessDaysLeft, 'business day')} left. ` +
      `The vendor needs ${plural(context.policy.leadBusinessDays, 'business day')} before the policy deadline (${deadline}).`
    );
  }
  if (businessDaysLeft === 0) {
    return (
      `Open the service request in the vendor's portal *today*: ${submitBy} is the submit-by date, ` +
      `${plural(context.policy.leadBusinessDays, 'business day')} before the policy deadline (${deadline}).`
    );
  }
  return (
    `Open the service request in the vendor's portal *today*: it was due by ${submitBy} and is ` +
    `*overdue by ${plural(-businessDaysLeft, 'business day')}*. Mention the policy deadline (${deadline}) to the vendor.`
  );
}

/** The policy deadline and how far away it is. */
function deadlineSentence(rotation: Rotation, context: Context): string {
  const deadline = calendarDate(rotation.deadline);
  const days = businessDaysToDeadline(rotation, context);
  if (days > 0) return `Policy deadline ${deadline}: ${plural(days, 'business day')} left.`;
  if (days === 0) return `Policy deadline ${deadline}: *today*.`;
  return `Policy deadline ${deadline}: *passed ${plural(-days, 'business day')} ago*.`;
}

/** What the rotation is waiting for in its current state, for reminders not tied to one step. */
function waitingFor(rotation: Rotation): string {
  const caseNumber = submissionOf(rotation)?.caseNumber;
  const meeting = meetingOf(rotation);
  switch (rotation.status) {
    case 'planned':
      return 'The next cycle has not been started: *Start request* opens the form prefilled.';
    case 'requested':
      return 'It still needs an approver\'s approval before the portal request can be opened.';
    case 'approved':
      return 'The service request is still to be opened in the vendor\'s portal; then press *Mark submitted in portal*.';
    case 'submitted':
      return `The vendor has not set the handoff meeting yet${caseNumber ? `: chase them about case ${caseNumberText(caseNumber)}` : ''}.`;
    case 'meeting_scheduled':
      return meeting
        ? `The handoff meeting is ${meetingTimeText(meeting.startsAt, meeting.timeZone)}; press *Secret received* once the new secret is handed over.`
        : 'Press *Secret received* once the new secret is handed over.';
    case 'completed':
    case 'rejected':
    case 'cancelled':
      return `It is ${STATUS_LABELS[rotation.status].toLowerCase()}: nothing is left to do.`;
    default: {
      const exhaustive: never = rotation;
      return exhaustive;
    }
  }
}

/** The next step once the portal request is made; what is said before it depends on approval. */
function afterSubmitting(rotation: Rotation): string {
  if (rotation.status === 'requested') return 'It still needs an approver\'s approval first.';
  if (rotation.status === 'approved') return 'Then press *Mark submitted in portal* with the case number.';
  return waitingFor(rotation);
}

/** The meeting, when and where; with its join link while it is still ahead. */
function meetingLines(rotation: Rotation, opening: (when: string) => string, after: string, withLink: boolean): string[] {
  const meeting = meetingOf(rotation);
  if (!meeting) return [waitingFor(rotation)];
  const link = withLink ? joinLink(meeting.joinUrl) : undefined;
  return [
    `${opening(meetingTimeText(meeting.startsAt, meeting.timeZone))} on ${escapeMrkdwn(meeting.platform)}.`,
    ...(link ? [link] : []),
    after,
  ];
}

/** When the rotation became the request it is now: a started next cycle was created long before. */
function requestedAt(rotation: Rotation): string {
  return [...rotation.history].reverse().find((entry) => isTransition(entry) && entry.to === 'requested')?.at ?? rotation.createdAt;
}

/** A planned cycle is requested first, then approved, then opened in the portal: all before its submit-by. */
function nextCycleSentence(rotation: Rotation, context: Context): string {
  const submitBy = calendarDate(rotation.submitBy);
  const deadline = calendarDate(rotation.deadline);
  const { businessDaysLeft } = submitByStanding(rotation, context);
  const left =
    businessDaysLeft > 0
      ? `${plural(businessDaysLeft, 'business day')} left`
      : businessDaysLeft === 0
        ? '*today*'
        : `*overdue by ${plural(-businessDaysLeft, 'business day')}*`;
  return (
    `Request it now, so it can be approved and opened in the vendor's portal by ${submitBy} (${left}), ` +
    `${plural(context.policy.leadBusinessDays, 'business day')} before the policy deadline (${deadline}).`
  );
}

/** What to do next and by when: the body of the reminder, one line per thought. */
function bodyLines(rotation: Rotation, kind: ReminderKind, context: Context): string[] {
  switch (kind) {
    case 'approval_pending':
      return [
        `This rotation has been waiting for approval since ${slackDateTime(requestedAt(rotation))}. ` +
          'Approve it, or reject it with a reason, so the portal request can be opened in time.',
        submitSentence(rotation, context),
      ];
    case 'submit_soon':
    case 'submit_due':
    case 'submit_overdue':
      return [submitSentence(rotation, context), afterSubmitting(rotation)];
    case 'no_meeting_yet': {
      const caseNumber = submissionOf(rotation)?.caseNumber;
      if (rotation.status !== 'submitted' || !caseNumber) return [waitingFor(rotation), deadlineSentence(rotation, context)];
      const submittedOn = calendarDate(rotation.submission.submittedOn);
      return [
        `The portal request was submitted on ${submittedOn} and the vendor has not set the handoff meeting yet.`,
        `Chase the vendor for a meeting date, quoting case ${caseNumberText(caseNumber)}, then press *Meeting scheduled*.`,
        deadlineSentence(rotation, context),
      ];
    }
    case 'meeting_tomorrow':
      return meetingLines(
        rotation,
        (when) => `The handoff meeting is tomorrow, ${when},`,
        'The vendor hands over the new secret there; afterwards press *Secret received*.',
        true,
      );
    case 'meeting_in_one_hour':
      return meetingLines(
        rotation,
        (when) => `The handoff meeting starts in one hour, ${when},`,
        'Have your vault ready for the new secret; afterwards press *Secret received*.',
        true,
      );
    case 'confirm_receipt':
      return meetingLines(
        rotation,
        (when) => `The handoff meeting was ${when},`,
        'Once the new secret is in your vault and the integrations use it, press *Secret received*. ' +
          deadlineSentence(rotation, context),
        false,
      );
    case 'deadline_near':
      return [deadlineSentence(rotation, context), `This rotation is at *${STATUS_LABELS[rotation.status]}*. ${waitingFor(rotation)}`];
    case 'next_cycle':
      return [
        `The next cycle for ${instanceText(rotation.instanceUrl)} is due to be requested.`,
        nextCycleSentence(rotation, context),
        rotation.status === 'planned' ? '*Start request* opens the request form prefilled.' : waitingFor(rotation),
      ];
    default: {
      const exhaustive: never = kind;
      return exhaustive;
    }
  }
}

const ICONS: Record<ReminderKind, string> = {
  approval_pending: ':hourglass_flowing_sand:',
  submit_soon: ':bell:',
  submit_due: ':bell:',
  submit_overdue: ':rotating_light:',
  no_meeting_yet: ':telephone_receiver:',
  meeting_tomorrow: ':calendar:',
  meeting_in_one_hour: ':calendar:',
  confirm_receipt: ':white_check_mark:',
  deadline_near: ':rotating_light:',
  next_cycle: ':repeat:',
};

function titleLine(rotation: Rotation, kind: ReminderKind): string {
  const label = ESCALATIONS.has(kind) ? `Escalation: ${REMINDER_LABELS[kind]}` : REMINDER_LABELS[kind];
  const icon = ESCALATIONS.has(kind) ? ':rotating_light:' : ICONS[kind];
  return `${icon} *${label}* · ${inlineCode(rotation.id)} for ${instanceText(rotation.instanceUrl)} (${escapeMrkdwn(rotation.environmentType)})`;
}

/** The button for the next step in the rotation's current state, at its current version. */
function reminderButtons(rotation: Rotation, kind: ReminderKind, context: RotationMessageContext): types.Button[] {
  if (rotation.status === 'planned') return kind === 'next_cycle' ? [startPlannedButton(rotation, 'primary')] : [];
  const next = nextStepAction(rotation.status);
  const buttons = next ? [actionButton(rotation, next)] : [];
  const submitting = kind === 'submit_soon' || kind === 'submit_due' || kind === 'submit_overdue';
  const portal = submitting ? portalButton(rotation, context.portalUrl) : undefined;
  return portal ? [...buttons, portal] : buttons;
}

/**
 * Where a reminder goes: a reply in the rotation's thread, or a direct message
 * to one person. A meeting reminder (DIRECT_REMINDERS) is both: each attendee
 * gets it with the join link, and the thread gets a note without it.
 */
export type ReminderDelivery = 'thread' | 'direct';

/** What a meeting reminder's thread note says: that the meeting is near, and that the link went out directly. */
function meetingNearLines(rotation: Rotation, kind: ReminderKind): string[] {
  const meeting = meetingOf(rotation);
  if (!meeting) return [waitingFor(rotation)];
  const when = meetingTimeText(meeting.startsAt, meeting.timeZone);
  const opening = kind === 'meeting_in_one_hour' ? `The handoff meeting starts in one hour, ${when}` : `The handoff meeting is tomorrow, ${when}`;
  return [`${opening}, on ${escapeMrkdwn(meeting.platform)}.`, 'Each attendee was sent the reminder and the join link in a direct message.'];
}

/**
 * A reminder: names the rotation, says what to do next and by when, carries
 * the button for it, and (in the thread) mentions only the people `AUDIENCE`
 * names for the kind. Rendered from the rotation's current state, so a
 * reminder sent late (after an outage) still tells the truth. A meeting
 * reminder carries the join link only when `delivery` is `direct`.
 */
export function buildReminderMessage(
  rotation: Rotation,
  occurrence: { kind: ReminderKind; dueAt: string },
  context: ReminderMessageContext,
  delivery: ReminderDelivery = 'thread',
): SlackMessage {
  const { kind } = occurrence;
  const note = delivery === 'thread' && DIRECT_REMINDERS.has(kind);
  // In a direct message the person is addressed already; a note in the thread calls nobody (the attendees were told directly).
  const people = delivery === 'thread' && !note ? mentionLine(reminderMentions(rotation, kind, context.approverMentions)) : '';
  const body = note ? meetingNearLines(rotation, kind) : bodyLines(rotation, kind, context);
  const lines = [titleLine(rotation, kind), ...(people ? [people] : []), ...body];
  const dueMs = Date.parse(occurrence.dueAt);
  const late = !Number.isNaN(dueMs) && context.now.getTime() - dueMs > LATE_AFTER_MS;
  const buttons = note ? [] : reminderButtons(rotation, kind, context);
  const blocks: types.KnownBlock[] = [
    ...packLines(lines).map((text): types.KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text:
            `${datesLine(rotation, context)}` +
            (late ? ` · This reminder fell due ${slackDateTime(occurrence.dueAt)} while the bot was away.` : ''),
        },
      ],
    },
    ...(buttons.length > 0 ? [{ type: 'actions' as const, block_id: 'reminder_actions', elements: buttons }] : []),
  ];
  const prefix = ESCALATIONS.has(kind) ? 'Escalation: ' : '';
  return {
    text: `${prefix}${REMINDER_LABELS[kind]}: ${rotation.id} for ${instanceText(rotation.instanceUrl)}, submit by ${calendarDate(rotation.submitBy)}, deadline ${calendarDate(rotation.deadline)}`,
    blocks,
  };
}
