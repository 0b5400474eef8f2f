import { decide } from '../../../../src/domain/lifecycle';
import type { RotationIn } from '../../../../src/domain/rotation';
import { ACTIONS } from '../../../../src/slack/ids';
import { buildMeetingDetails } from '../../../../src/slack/views/meeting-details';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';
import { aRotationIn, MEETING_START, REQUESTER_ID } from '../../../../testkit/rotations';
import { allText, buttons, dateTimeToken } from './view-helpers';

function details(rotation: RotationIn<'meeting_scheduled'>) {
  const message = buildMeetingDetails(rotation);
  expectWithinBlockKitLimits('message', message);
  return message;
}

describe('buildMeetingDetails (the direct message with the join link)', () => {
  it('names the rotation and gives the time, the platform, the join link, the attendees and the Secret received button', () => {
    const rotation = aRotationIn('meeting_scheduled');
    const message = details(rotation);
    const text = allText(message);
    expect(text).toContain('*Handoff meeting set* · `ROT-4F7K2Q` for https://acme.wfi.pega.com (Production)');
    expect(text).toContain(`It is ${dateTimeToken(MEETING_START, '2026-03-24 15:00 Europe/Berlin')} (2026-03-24 15:00 Europe/Berlin), on Webex.`);
    expect(text).toContain('<https://acme.webex.com/meet/handoff|Join the meeting>');
    expect(text).toContain(`Attendees: <@${REQUESTER_ID}>, <@U0ATTENDEE>`);
    expect(buttons(message).map((b) => [b.action_id, b.value])).toEqual([[ACTIONS.complete, `${rotation.id}:${rotation.version}`]]);
  });

  it('says the meeting moved when it was rescheduled', () => {
    const scheduled = aRotationIn('meeting_scheduled');
    const moved = decide(
      scheduled,
      { type: 'schedule_meeting', meeting: { ...scheduled.meeting, startsAt: '2026-03-26T09:00:00.000Z' } },
      { actor: { userId: REQUESTER_ID, isApprover: false }, now: new Date('2026-03-01T09:00:00Z'), allowSelfApproval: false },
    );
    if (!moved.ok || moved.rotation.status !== 'meeting_scheduled') throw new Error('not rescheduled');
    const text = allText(details(moved.rotation));
    expect(text).toContain('*Handoff meeting moved*');
    expect(text).toContain('It is now ');
  });

  it('says where the link is when none was given', () => {
    const rotation = aRotationIn('meeting_scheduled');
    const text = allText(details({ ...rotation, meeting: { ...rotation.meeting, joinUrl: undefined } }));
    expect(text).toContain('No join link was given: the vendor\'s invitation has it.');
  });

  it('builds the join link from the parsed URL, with | and > encoded so it cannot close the link', () => {
    const rotation = aRotationIn('meeting_scheduled');
    const text = allText(details({ ...rotation, meeting: { ...rotation.meeting, joinUrl: 'https://evil.example/a|b>c<!channel>?x=1&y=2' } }));
    expect(text).toContain('<https://evil.example/a%7Cb%3Ec%3C!channel%3E?x=1&amp;y=2|Join the meeting>');
    expect(text).not.toContain('<!channel>');
  });

  it.each([
    ['http', 'http://acme.webex.com/meet/handoff'],
    ['javascript', 'javascript:alert(1)'],
  ])('shows no link for a %s link', (_kind, joinUrl) => {
    const rotation = aRotationIn('meeting_scheduled');
    const json = JSON.stringify(details({ ...rotation, meeting: { ...rotation.meeting, joinUrl } }));
    expect(json).not.toContain('Join the meeting');
    expect(json).not.toContain(joinUrl);
  });
});
