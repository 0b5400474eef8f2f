import { decide, type MeetingDetails, type RotationAction } from '../../../../src/domain/lifecycle';
import type { Rotation, RotationIn } from '../../../../src/domain/rotation';
import { checkMeeting } from '../../../../src/domain/step-inputs';
import { buildHandoffCancellation, buildHandoffInvitation, handoffUid } from '../../../../src/slack/views/handoff-invitation';
import { buildMeetingCancelled, buildMeetingDetails } from '../../../../src/slack/views/meeting-details';
import { aRotationIn, REQUESTER_ID } from '../../../../testkit/rotations';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';
import { theEvent, unfold } from '../../../support/icalendar';

const LINK = 'https://acme.webex.com/meet/handoff?pwd=Tr33Frog';

/** The wall-clock time of an instant in a zone, by the runtime's own zone data (not the code under test's). */
function wallClock(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** A meeting as the meeting form makes it from what a person picks. */
function meetingAt(date: string, time: string, timeZone: string, extra: Partial<MeetingDetails> = {}): MeetingDetails {
  const checked = checkMeeting({ platform: 'Webex', date, time, timeZone, joinUrl: LINK, attendeeIds: [REQUESTER_ID, 'U0INVITEE1'] }, { now: new Date('2026-02-20T00:00:00Z') });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return { ...checked.value, ...extra };
}

function step(rotation: Rotation, action: RotationAction, at: string): Rotation {
  const result = decide(rotation, action, { actor: { userId: REQUESTER_ID, isApprover: false }, now: new Date(at), allowSelfApproval: false });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.rotation;
}

const scheduled = (meeting: MeetingDetails, at = '2026-02-25T10:00:00Z') =>
  step(aRotationIn('submitted'), { type: 'schedule_meeting', meeting }, at) as RotationIn<'meeting_scheduled'>;

describe('the handoff meeting as a calendar file', () => {
  it.each([
    // Winter and summer time, both sides of the Atlantic, a zone with a half-hour offset, and a meeting the day after New York moved its clocks.
    ['2026-03-24', '15:00', 'Europe/Berlin', '2026-03-24T14:00:00.000Z'],
    ['2026-07-01', '09:30', 'Europe/Berlin', '2026-07-01T07:30:00.000Z'],
    ['2026-03-09', '09:30', 'America/New_York', '2026-03-09T13:30:00.000Z'],
    ['2026-03-06', '09:30', 'America/New_York', '2026-03-06T14:30:00.000Z'],
    ['2026-04-02', '16:00', 'Asia/Kolkata', '2026-04-02T10:30:00.000Z'],
    ['2026-04-02', '08:00', 'Pacific/Auckland', '2026-04-01T19:00:00.000Z'],
  ])('given a meeting set for %s %s in %s, when built, then a standard reader finds it at that time in that zone, in UTC', (date, time, zone, utc) => {
    const rotation = scheduled(meetingAt(date, time, zone));

    const event = theEvent(buildHandoffInvitation(rotation).content);

    expect(event.startProperty.value).toMatch(/Z$/);
    expect(event.start.toISOString()).toBe(utc);
    expect(wallClock(event.start, zone)).toBe(`${date} ${time}`);
    expect(event.end?.getTime()).toBe(event.start.getTime() + 60 * 60 * 1000);
    expect(event.description).toContain(`When: ${date} ${time} ${zone}, on Webex.`);
  });

  it('given a meeting set, when built, then it is a confirmed event to add, with the join link, and nothing else private', () => {
    const rotation = scheduled(meetingAt('2026-03-24', '15:00', 'Europe/Berlin'));
    const file = buildHandoffInvitation(rotation);
    const event = theEvent(file.content);

    expect(file.filename).toBe('handoff-ROT-4F7K2Q.ics');
    expect(event).toMatchObject({
      method: 'PUBLISH',
      uid: 'rot-4f7k2q-handoff@wfi-rotate',
      sequence: 0,
      status: 'CONFIRMED',
      summary: 'WFI client secret handoff - ROT-4F7K2Q (acme.wfi.pega.com)',
      location: LINK,
      url: LINK,
      classification: 'CONFIDENTIAL',
    });
    expect(event.dtstamp.toISOString()).toBe('2026-02-25T10:00:00.000Z');
    expect(event.description?.split('\n')).toEqual([
      'Handoff of the new Workforce Intelligence client secret for https://acme.wfi.pega.com (Production), rotation ROT-4F7K2Q.',
      'When: 2026-03-24 15:00 Europe/Berlin, on Webex.',
      `Join: ${LINK}`,
      'The vendor hands the new secret over in this meeting. It goes straight into your vault: never into Slack, e-mail or a calendar.',
      'Keep this event to the people in the handoff: the join link may carry the meeting passcode.',
    ]);
  });

  it('given a rotation with notes, when built, then the notes stay out of the file', () => {
    const rotation = { ...scheduled(meetingAt('2026-03-24', '15:00', 'Europe/Berlin')), notes: 'Ask for Priya; CHG-4411' };

    expect(buildHandoffInvitation(rotation).content).not.toMatch(/Priya|CHG-4411/);
  });

  it('given no join link, when built, then the platform is the location and there is no URL', () => {
    const rotation = scheduled(meetingAt('2026-03-24', '15:00', 'Europe/Berlin', { joinUrl: undefined }));

    const event = theEvent(buildHandoffInvitation(rotation).content);

    expect(event).toMatchObject({ location: 'Webex', url: undefined });
    expect(event.description).toContain("No join link was given: the vendor's invitation has it.");
  });

  it('given long text, when built, then every line is folded within 75 octets and reads back whole', () => {
    const long = `https://acme.webex.com/meet/${'handoff'.repeat(40)}?pwd=Tr33Frog`;
    const rotation = scheduled(meetingAt('2026-03-24', '15:00', 'Europe/Berlin', { joinUrl: long }));
    const { content } = buildHandoffInvitation(rotation);

    expect(content.split('\r\n').some((line) => line.startsWith('\t') || line.startsWith(' '))).toBe(true);
    expect(unfold(content).find((line) => line.startsWith('URL:'))).toBe(`URL:${long}`);
    expect(theEvent(content).url).toBe(long);
  });

  it('given the meeting moved twice, when built, then each file has the same UID and a higher SEQUENCE, at the new time', () => {
    const first = scheduled(meetingAt('2026-03-24', '15:00', 'Europe/Berlin'));
    const moved = step(first, { type: 'schedule_meeting', meeting: meetingAt('2026-03-25', '10:00', 'Europe/Berlin') }, '2026-02-26T10:00:00Z') as RotationIn<'meeting_scheduled'>;
    const again = step(moved, { type: 'schedule_meeting', meeting: meetingAt('2026-03-26', '11:00', 'America/New_York') }, '2026-02-27T10:00:00Z') as RotationIn<'meeting_scheduled'>;

    const events = [first, moved, again].map((r) => theEvent(buildHandoffInvitation(r).content));

    expect(events.map((e) => [e.uid, e.sequence, e.method, e.start.toISOString(), e.dtstamp.toISOString()])).toEqual([
      ['rot-4f7k2q-handoff@wfi-rotate', 0, 'PUBLISH', '2026-03-24T14:00:00.000Z', '2026-02-25T10:00:00.000Z'],
      ['rot-4f7k2q-handoff@wfi-rotate', 1, 'PUBLISH', '2026-03-25T09:00:00.000Z', '2026-02-26T10:00:00.000Z'],
      ['rot-4f7k2q-handoff@wfi-rotate', 2, 'PUBLISH', '2026-03-26T15:00:00.000Z', '2026-02-27T10:00:00.000Z'],
    ]);
  });

  it('given the rotation cancelled after a move, when the cancellation is built, then it cancels the same UID past the last SEQUENCE, without the join link', () => {
    const first = scheduled(meetingAt('2026-03-24', '15:00', 'Europe/Berlin'));
    const moved = step(first, { type: 'schedule_meeting', meeting: meetingAt('2026-03-25', '10:00', 'Europe/Berlin') }, '2026-02-26T10:00:00Z');
    const cancelled = step(moved, { type: 'cancel', reason: 'Vendor rotated it in another ticket' }, '2026-02-27T10:00:00Z') as RotationIn<'cancelled'>;

    const file = buildHandoffCancellation(cancelled, cancelled.meeting as NonNullable<typeof cancelled.meeting>, { at: cancelled.cancellation.at, why: 'rotation_cancelled' });
    const event = theEvent(file.content);

    expect(event).toMatchObject({ method: 'CANCEL', status: 'CANCELLED', uid: handoffUid('ROT-4F7K2Q'), sequence: 2, url: undefined, location: 'Webex' });
    expect(event.start.toISOString()).toBe('2026-03-25T09:00:00.000Z');
    expect(event.dtstamp.toISOString()).toBe('2026-02-27T10:00:00.000Z');
    expect(event.summary).toBe('Cancelled: WFI client secret handoff - ROT-4F7K2Q (acme.wfi.pega.com)');
    expect(file.content).not.toContain('webex.com');
    expect(file.filename).toBe('handoff-ROT-4F7K2Q-cancelled.ics');
  });

  it('given someone a move left off the meeting, when their cancellation is built, then its SEQUENCE is the move\'s, past the invitation they hold', () => {
    const first = scheduled(meetingAt('2026-03-24', '15:00', 'Europe/Berlin'));
    const moved = step(first, { type: 'schedule_meeting', meeting: meetingAt('2026-03-25', '10:00', 'Europe/Berlin', { attendeeIds: [REQUESTER_ID] }) }, '2026-02-26T10:00:00Z');

    const event = theEvent(buildHandoffCancellation(moved, first.meeting, { at: '2026-02-26T10:00:00.000Z', why: 'uninvited' }).content);

    expect(event).toMatchObject({ method: 'CANCEL', status: 'CANCELLED', sequence: 1 });
    expect(event.start.toISOString()).toBe('2026-03-24T14:00:00.000Z');
    expect(event.description).toContain('You were taken off the handoff meeting of rotation ROT-4F7K2Q');
  });

  it('given the same change twice, when built, then the files are the same (DTSTAMP is when it was recorded)', () => {
    const rotation = scheduled(meetingAt('2026-03-24', '15:00', 'Europe/Berlin'));

    expect(buildHandoffInvitation(rotation).content).toBe(buildHandoffInvitation(rotation).content);
  });
});

describe('the direct messages that carry the calendar files', () => {
  const rotation = scheduled(meetingAt('2026-03-24', '15:00', 'Europe/Berlin'));

  it('given someone in the handoff, when the meeting details are built, then they say the calendar file follows; an approver\'s do not', () => {
    expect(JSON.stringify(buildMeetingDetails(rotation, { calendarFile: true }).blocks)).toContain('The calendar file below puts it in your calendar');
    expect(JSON.stringify(buildMeetingDetails(rotation).blocks)).not.toContain('calendar file');
    expectWithinBlockKitLimits('message', buildMeetingDetails(rotation, { calendarFile: true }));
  });

  it.each(['rotation_cancelled', 'uninvited'] as const)('given the meeting off (%s), when the message is built, then it says so, without the join link', (why) => {
    const message = buildMeetingCancelled(rotation, rotation.meeting, why);

    expect(JSON.stringify(message.blocks)).toContain('The calendar file below takes it out of your calendar.');
    expect(JSON.stringify(message)).not.toContain('webex.com');
    expectWithinBlockKitLimits('message', message);
  });
});
