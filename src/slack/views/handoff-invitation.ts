import { createEvent, type EventAttributes } from 'ics';
import { isTransition, type AuditEntry, type Meeting, type Rotation, type RotationIn } from '../../domain/rotation';
import { wallClockTime } from './mrkdwn';

/** A calendar file (RFC 5545) to upload with a direct message. */
export interface CalendarFile {
  filename: string;
  title: string;
  content: string;
}

/** What a cancellation needs of the meeting it calls off (a moved meeting's earlier time is in its audit entry). */
export type CancelledMeeting = Pick<Meeting, 'startsAt' | 'timeZone' | 'platform'>;

/**
 * The meeting has no end in the domain (the vendor sets the agenda): an hour
 * blocks the time in people's calendars.
 */
const DURATION = { hours: 1 } as const;
const PRODUCT_ID = '-//wfi-rotate//handoff meeting//EN';

/**
 * One UID per rotation's handoff: a calendar files a move (a higher SEQUENCE)
 * or a cancellation under the event it already holds.
 */
export function handoffUid(rotationId: string): string {
  return `${rotationId.toLowerCase()}-handoff@wfi-rotate`;
}

/** Each time the meeting was set or moved: the entries a calendar counts as revisions. */
function meetingRevisions(history: readonly AuditEntry[]): number {
  return history.filter((entry) => isTransition(entry) && entry.to === 'meeting_scheduled').length;
}

/**
 * The file's events, in UTC (`DTSTART:…Z`): the one form every calendar reads
 * the same, showing each reader the meeting in their own zone. The zone the
 * meeting was set in and its wall-clock time there are in the description.
 */
function event(rotation: Rotation, meeting: CancelledMeeting, lines: string[]): EventAttributes {
  return {
    uid: handoffUid(rotation.id),
    productId: PRODUCT_ID,
    start: Date.parse(meeting.startsAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: DURATION,
    description: lines.join('\n'),
    classification: 'CONFIDENTIAL',
    transp: 'OPAQUE',
  };
}

function render(attributes: EventAttributes & { timestamp: number }): string {
  // DTSTAMP is when the change was recorded (not "now"), so the same change always gives the same file.
  const { error, value } = createEvent(attributes);
  if (error || !value) throw new Error(`The calendar file could not be built: ${error?.message ?? 'no output'}`);
  return value;
}

function title(rotation: Rotation): string {
  return `WFI client secret handoff - ${rotation.id} (${rotation.instanceUrl.replace(/^https:\/\//, '')})`;
}

/**
 * The handoff meeting as a calendar event, for the people in the handoff,
 * who get its join link by direct message anyway: the link is in it (as the
 * location and URL) and nothing else that is not already in that message.
 * Never the secret: the bot never has it. METHOD:PUBLISH (an event to add,
 * with no replies expected): the bot has no one's e-mail address to name an
 * organizer or attendees, which a REQUEST needs. Each move sends the same UID
 * with a SEQUENCE one higher, so the calendar moves the event it holds.
 */
export function buildHandoffInvitation(rotation: RotationIn<'meeting_scheduled'>): CalendarFile {
  const { meeting } = rotation;
  const link = meeting.joinUrl?.startsWith('https://') ? meeting.joinUrl : undefined;
  const lines = [
    `Handoff of the new Workforce Intelligence client secret for ${rotation.instanceUrl} (${rotation.environmentType}), rotation ${rotation.id}.`,
    `When: ${wallClockTime(meeting.startsAt, meeting.timeZone)}, on ${meeting.platform}.`,
    link ? `Join: ${link}` : "No join link was given: the vendor's invitation has it.",
    'The vendor hands the new secret over in this meeting. It goes straight into your vault: never into Slack, e-mail or a calendar.',
    'Keep this event to the people in the handoff: the join link may carry the meeting passcode.',
  ];
  const content = render({
    ...event(rotation, meeting, lines),
    method: 'PUBLISH',
    status: 'CONFIRMED',
    sequence: Math.max(0, meetingRevisions(rotation.history) - 1),
    timestamp: Date.parse(meeting.at),
    title: title(rotation),
    location: link ?? meeting.platform,
    ...(link ? { url: link } : {}),
  });
  return { filename: `handoff-${rotation.id}.ics`, title: `Handoff meeting ${rotation.id} (calendar)`, content };
}

/** Why a person's handoff meeting is off: the rotation was cancelled, or a move left them off the meeting. */
export type CancellationReason = 'rotation_cancelled' | 'uninvited';

/**
 * The cancellation of the handoff meeting (METHOD:CANCEL, STATUS:CANCELLED,
 * the same UID): when the rotation is cancelled (a SEQUENCE past the last
 * move), or for someone a move left off the meeting (the move's SEQUENCE,
 * past the invitation they hold). No join link in it.
 */
export function buildHandoffCancellation(rotation: Rotation, meeting: CancelledMeeting, change: { at: string; why: CancellationReason }): CalendarFile {
  const revisions = meetingRevisions(rotation.history);
  const lines = [
    change.why === 'rotation_cancelled'
      ? `The handoff of the new Workforce Intelligence client secret for ${rotation.instanceUrl}, rotation ${rotation.id}, is cancelled: the rotation was cancelled.`
      : `You were taken off the handoff meeting of rotation ${rotation.id} (${rotation.instanceUrl}) when it was moved.`,
    `It was set for ${wallClockTime(meeting.startsAt, meeting.timeZone)}, on ${meeting.platform}.`,
  ];
  const content = render({
    ...event(rotation, meeting, lines),
    method: 'CANCEL',
    status: 'CANCELLED',
    sequence: change.why === 'rotation_cancelled' ? revisions : Math.max(0, revisions - 1),
    timestamp: Date.parse(change.at),
    title: `Cancelled: ${title(rotation)}`,
    location: meeting.platform,
  });
  return { filename: `handoff-${rotation.id}-cancelled.ics`, title: `Handoff meeting ${rotation.id} cancelled (calendar)`, content };
}
