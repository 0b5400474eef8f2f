import type { types } from '@slack/bolt';
import type { AuditEntry, Rotation } from '../../domain/rotation';
import { submitByStanding } from '../../domain/standing';
import { COMMAND } from '../ids';
import { escapeMrkdwn, inlineCode, mention, packLines, plural, calendarDate, truncate } from './mrkdwn';
import { confirmationLabel } from './labels';
import { caseNumberText, joinLinkNotice, meetingTimeText, mentions, reasonText } from './text';
import type { RotationMessageContext, SlackMessage } from './types';

/** A detail the entry recorded; callers fall back to the rotation's current step when it is missing. */
function detail(entry: AuditEntry, key: string): string | undefined {
  const value = entry.details?.[key];
  return value === undefined || value === '' ? undefined : value;
}

function submitByPhrase(rotation: Rotation, context: RotationMessageContext): string {
  const date = calendarDate(rotation.submitBy);
  const { businessDaysLeft } = submitByStanding(rotation, context);
  if (businessDaysLeft > 0) return `by ${date} (${plural(businessDaysLeft, 'business day')} left)`;
  if (businessDaysLeft === 0) return `today (${date} is the submit-by date)`;
  return `today: submit-by was ${date}, ${plural(-businessDaysLeft, 'business day')} ago`;
}

/** Who must hear of the change besides those already mentioned: the requester, unless they made it. */
function requesterPrefix(rotation: Rotation, entry: AuditEntry, alreadyMentioned: readonly string[] = []): string {
  if (entry.actorId === rotation.requesterId || alreadyMentioned.includes(rotation.requesterId)) return '';
  return `${mention(rotation.requesterId)}: `;
}

function meetingLines(rotation: Rotation, entry: AuditEntry): string[] {
  const current = 'meeting' in rotation ? rotation.meeting : undefined;
  const startsAt = detail(entry, 'startsAt') ?? current?.startsAt;
  const timeZone = detail(entry, 'timeZone') ?? current?.timeZone ?? 'UTC';
  const platform = detail(entry, 'platform') ?? current?.platform;
  const hasLink = (detail(entry, 'joinUrl') ?? current?.joinUrl) !== undefined;
  const attendeeIds = detail(entry, 'attendees')?.split(' ').filter(Boolean) ?? current?.attendeeIds ?? [];
  const when = startsAt ? meetingTimeText(startsAt, timeZone) : 'a time not recorded';
  const on = platform ? ` on ${escapeMrkdwn(truncate(platform, 40))}` : '';
  const rescheduled = detail(entry, 'rescheduled') === 'true';
  const requester = requesterPrefix(rotation, entry, attendeeIds);
  return [
    rescheduled
      ? `:calendar: *Meeting rescheduled* to ${when}${on}, by ${mention(entry.actorId)}.`
      : `:calendar: *Handoff meeting scheduled* by ${mention(entry.actorId)}${on}, ${when}.`,
    `Attendees: ${mentions(attendeeIds)}${requester ? ` · requested by ${mention(rotation.requesterId)}` : ''}`,
    joinLinkNotice(hasLink),
    'Next: after the meeting, press *Secret received* on the message above. The secret is handed over in the meeting, never in Slack.',
  ];
}

function completionLines(rotation: Rotation, entry: AuditEntry): string[] {
  const current = rotation.status === 'completed' ? rotation.completion.confirmations.map(confirmationLabel) : undefined;
  const fromEntry = detail(entry, 'confirmations')
    ?.split('; ')
    .map((label) => escapeMrkdwn(truncate(label, 100)));
  const confirmations = fromEntry ?? current ?? [];
  const next = rotation.nextRotationId
    ? `Next cycle planned as ${inlineCode(rotation.nextRotationId)}: it waits in the App Home with a *Start request* button.`
    : rotation.rotationIntervalDays
      ? `The next cycle (due ${plural(rotation.rotationIntervalDays, 'day')} after today) is being planned: it appears in the App Home within a few minutes.`
      : 'No next cycle is planned for this instance.';
  return [
    `:tada: ${requesterPrefix(rotation, entry)}*Secret received*, confirmed by ${mention(entry.actorId)}. The rotation is complete.`,
    ...confirmations.map((label) => `:heavy_check_mark: ${label}`),
    next,
  ];
}

function closureLines(rotation: Rotation, entry: AuditEntry, kind: 'rejected' | 'cancelled'): string[] {
  const closure = rotation.status === 'rejected' ? rotation.rejection : rotation.status === 'cancelled' ? rotation.cancellation : undefined;
  const reason = detail(entry, 'reason') ?? closure?.reason;
  const icon = kind === 'rejected' ? ':x:' : ':no_entry_sign:';
  return [
    `${icon} ${requesterPrefix(rotation, entry)}*${kind === 'rejected' ? 'Rejected' : 'Cancelled'}* by ${mention(entry.actorId)}.`,
    ...(reason ? [`*Reason:* ${reasonText(reason)}`] : []),
    `Nothing more happens with this rotation. If the secret still has to be rotated, request it again with \`${COMMAND}\`.`,
  ];
}

/** Said in the thread, without the text (which the poster is asked to delete). */
function exposureLines(entry: AuditEntry): string[] {
  return [
    `:rotating_light: A message from ${mention(entry.actorId)} in this thread looked like a secret; they were asked to delete it. ` +
      'The WFI client secret is handed over in the vendor meeting and goes straight into your vault, never into Slack.',
    'If it was the WFI client secret, treat it as exposed: complete this rotation with a new secret, or request a fresh one ' +
      `with \`${COMMAND}\`. The bot recorded the report in the rotation's history; it did not keep the text.`,
  ];
}

function changeLines(rotation: Rotation, entry: AuditEntry, context: RotationMessageContext): string[] {
  const actor = mention(entry.actorId);
  if (entry.event === 'secret_exposed') return exposureLines(entry);
  if (entry.event === 'next_cycle_planned') {
    return [`:repeat: Next cycle planned as ${inlineCode(entry.details?.nextRotationId ?? '?')}: it waits in the App Home with a *Start request* button.`];
  }
  switch (entry.to) {
    case 'planned':
      return [`:repeat: Next cycle planned as ${inlineCode(rotation.id)}. Start it from the App Home when it is time.`];
    case 'requested':
      return [
        entry.from === 'planned'
          ? `:arrow_forward: ${actor} started the planned cycle ${inlineCode(rotation.id)}.`
          : `:memo: ${actor} requested this rotation.`,
        'Next: an approver presses *Approve* or *Reject*.',
      ];
    case 'approved':
      return [
        `:white_check_mark: *Approved* by ${actor}.`,
        `${requesterPrefix(rotation, entry)}next, open the service request in the vendor's portal ${submitByPhrase(rotation, context)}, ` +
          'with the values in the message above, then press *Mark submitted in portal*.',
      ];
    case 'rejected':
    case 'cancelled':
      return closureLines(rotation, entry, entry.to);
    case 'submitted': {
      const submission = 'submission' in rotation ? rotation.submission : undefined;
      const caseNumber = detail(entry, 'caseNumber') ?? submission?.caseNumber;
      const submittedOn = detail(entry, 'submittedOn') ?? submission?.submittedOn;
      const facts = [
        ...(caseNumber ? [`case ${caseNumberText(caseNumber)}`] : []),
        ...(submittedOn ? [`submitted on ${calendarDate(submittedOn)}`] : []),
      ];
      return [
        `:outbox_tray: ${requesterPrefix(rotation, entry)}*Portal request submitted*${facts.length > 0 ? ` (${facts.join(', ')})` : ''}, recorded by ${actor}.`,
        'Next: the vendor sets up the handoff meeting; when it does, press *Meeting scheduled*.',
      ];
    }
    case 'meeting_scheduled':
      return meetingLines(rotation, entry);
    case 'completed':
      return completionLines(rotation, entry);
    default: {
      const exhaustive: never = entry.to;
      return exhaustive;
    }
  }
}

/**
 * The short reply in the rotation message's thread after a change: what
 * changed, who did it, what comes next, mentioning the requester (and, for a
 * meeting, the attendees) so they hear of it. The thread reads as a timeline.
 */
export function buildChangeReply(rotation: Rotation, entry: AuditEntry, context: RotationMessageContext): SlackMessage {
  const lines = changeLines(rotation, entry, context);
  const blocks: types.KnownBlock[] = packLines(lines).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  return { text: `${rotation.id}: ${lines.join('\n')}`, blocks };
}
