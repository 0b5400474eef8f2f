import type { types } from '@slack/bolt';
import type { Rotation, RotationIn } from '../../domain/rotation';
import type { CancellationReason, CancelledMeeting } from './handoff-invitation';
import { escapeMrkdwn, inlineCode } from './mrkdwn';
import { actionButton } from './buttons';
import { instanceText, joinLink, meetingTimeText, mentions } from './text';
import type { SlackMessage } from './types';

/**
 * The handoff meeting with its join link, as a direct message to one person
 * in the handoff or one approver: the link (often with the meeting's passcode
 * in it) never goes to the channel. Sent when the meeting is set and each time
 * it is moved; carries the button to confirm receipt afterwards. The people
 * in the handoff get the meeting's calendar file with it (`calendarFile`).
 */
export function buildMeetingDetails(rotation: RotationIn<'meeting_scheduled'>, options: { calendarFile?: boolean } = {}): SlackMessage {
  const { meeting } = rotation;
  const rescheduled = rotation.history.at(-1)?.details?.rescheduled === 'true';
  const link = joinLink(meeting.joinUrl);
  const when = meetingTimeText(meeting.startsAt, meeting.timeZone);
  const lines = [
    `:calendar: *Handoff meeting ${rescheduled ? 'moved' : 'set'}* · ${inlineCode(rotation.id)} for ${instanceText(rotation.instanceUrl)} (${escapeMrkdwn(rotation.environmentType)})`,
    `${rescheduled ? 'It is now' : 'It is'} ${when}, on ${escapeMrkdwn(meeting.platform)}.`,
    link ? `${link} (keep this link to the people in the handoff: it may carry the meeting's passcode)` : 'No join link was given: the vendor\'s invitation has it.',
    `Attendees: ${mentions(meeting.attendeeIds)}`,
    ...(options.calendarFile
      ? [':spiral_calendar_pad: The calendar file below puts it in your calendar; if the meeting is moved or cancelled, the next one updates it.']
      : []),
    'You get this as someone in the handoff or as an approver. The vendor hands the new secret over in this meeting; it goes straight into your vault, never into Slack. Afterwards, press *Secret received*.',
  ];
  const blocks: types.KnownBlock[] = [
    ...lines.map((text): types.KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    { type: 'actions', block_id: 'meeting_actions', elements: [actionButton(rotation, 'complete')] },
  ];
  return { text: `Handoff meeting ${rescheduled ? 'moved' : 'set'} for ${rotation.id}: ${when}`, blocks };
}

/**
 * A person's handoff meeting is off (the rotation was cancelled, or a move
 * left them off it): a direct message carrying the calendar cancellation. No
 * join link: it no longer concerns them.
 */
export function buildMeetingCancelled(rotation: Rotation, meeting: CancelledMeeting, why: CancellationReason): SlackMessage {
  const when = meetingTimeText(meeting.startsAt, meeting.timeZone);
  const headline =
    why === 'rotation_cancelled'
      ? `:x: *Handoff meeting cancelled* · ${inlineCode(rotation.id)} for ${instanceText(rotation.instanceUrl)}: the rotation was cancelled.`
      : `:calendar: *You are no longer in the handoff meeting* of ${inlineCode(rotation.id)} for ${instanceText(rotation.instanceUrl)}: it was moved without you.`;
  const lines = [headline, `It was set for ${when}, on ${escapeMrkdwn(meeting.platform)}. The calendar file below takes it out of your calendar.`];
  return {
    text: `Handoff meeting of ${rotation.id} ${why === 'rotation_cancelled' ? 'cancelled' : 'no longer yours'}`,
    blocks: lines.map((text): types.KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  };
}
