import type { types } from '@slack/bolt';
import type { RotationIn } from '../../domain/rotation';
import { escapeMrkdwn, inlineCode } from './mrkdwn';
import { actionButton } from './buttons';
import { instanceText, joinLink, meetingTimeText, mentions } from './text';
import type { SlackMessage } from './types';

/**
 * The handoff meeting with its join link, as a direct message to one person
 * in the handoff or one approver: the link (often with the meeting's passcode
 * in it) never goes to the channel. Sent when the meeting is set and each time
 * it is moved; carries the button to confirm receipt afterwards.
 */
export function buildMeetingDetails(rotation: RotationIn<'meeting_scheduled'>): SlackMessage {
  const { meeting } = rotation;
  const rescheduled = rotation.history.at(-1)?.details?.rescheduled === 'true';
  const link = joinLink(meeting.joinUrl);
  const when = meetingTimeText(meeting.startsAt, meeting.timeZone);
  const lines = [
    `:calendar: *Handoff meeting ${rescheduled ? 'moved' : 'set'}* · ${inlineCode(rotation.id)} for ${instanceText(rotation.instanceUrl)} (${escapeMrkdwn(rotation.environmentType)})`,
    `${rescheduled ? 'It is now' : 'It is'} ${when}, on ${escapeMrkdwn(meeting.platform)}.`,
    link ? `${link} (keep this link to the people in the handoff: it may carry the meeting's passcode)` : 'No join link was given: the vendor\'s invitation has it.',
    `Attendees: ${mentions(meeting.attendeeIds)}`,
    'You get this as someone in the handoff or as an approver. The vendor hands the new secret over in this meeting; it goes straight into your vault, never into Slack. Afterwards, press *Secret received*.',
  ];
  const blocks: types.KnownBlock[] = [
    ...lines.map((text): types.KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    { type: 'actions', block_id: 'meeting_actions', elements: [actionButton(rotation, 'complete')] },
  ];
  return { text: `Handoff meeting ${rescheduled ? 'moved' : 'set'} for ${rotation.id}: ${when}`, blocks };
}
