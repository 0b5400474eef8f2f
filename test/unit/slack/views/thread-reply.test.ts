import { reportedExposure } from '../../../support/changes';
import { decide } from '../../../../src/domain/lifecycle';
import { CONFIRMATIONS, type AuditEntry, type Rotation } from '../../../../src/domain/rotation';
import { buildChangeReply } from '../../../../src/slack/views/thread-reply';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';
import { APPROVER_ID, aPlannedRotation, aRotation, aRotationIn, MEETING_START, REQUESTER_ID } from '../../../../testkit/rotations';
import { allText, context, dateTimeToken, plainDate, HOSTILE } from './view-helpers';

const lastEntry = (rotation: Rotation): AuditEntry => rotation.history.at(-1) as AuditEntry;

function reply(rotation: Rotation, entry: AuditEntry = lastEntry(rotation), now = new Date('2026-02-21T10:00:00Z')) {
  const message = buildChangeReply(rotation, entry, context({ now }));
  expectWithinBlockKitLimits('message', message);
  return { message, text: allText(message) };
}

describe('buildChangeReply', () => {
  it('requested: who asked, and that an approver is next', () => {
    const { text } = reply(aRotation());
    expect(text).toContain(`<@${REQUESTER_ID}> requested this rotation.`);
    expect(text).toContain('Next: an approver presses *Approve* or *Reject*.');
  });

  it('approved: names the approver, tells the requester the next step is the portal request by submit-by', () => {
    const { text, message } = reply(aRotationIn('approved'));
    expect(text).toContain(`*Approved* by <@${APPROVER_ID}>.`);
    expect(text).toContain(`<@${REQUESTER_ID}>: next, open the service request in the vendor's portal by ${plainDate('2026-03-06')} (10 business days left)`);
    expect(text).toContain('*Mark submitted in portal*');
    // The notification text carries the mention too, so the requester is notified.
    expect(message.text).toContain(`<@${REQUESTER_ID}>`);
    expect(message.text.startsWith('ROT-4F7K2Q: ')).toBe(true);
  });

  it('approved after submit-by: says to submit today, and how late', () => {
    const { text } = reply(aRotationIn('approved'), undefined, new Date('2026-03-10T09:00:00Z'));
    expect(text).toContain(`portal today: submit-by was ${plainDate('2026-03-06')}, 2 business days ago`);
  });

  it('rejected: the reason, and the requester is told', () => {
    const { text } = reply(aRotationIn('rejected'));
    expect(text).toContain(`:x: <@${REQUESTER_ID}>: *Rejected* by <@${APPROVER_ID}>.`);
    expect(text).toContain('*Reason:* Not due yet');
  });

  it('submitted: the case number and date; the requester who recorded it is not mentioned at themselves', () => {
    const { text } = reply(aRotationIn('submitted'));
    expect(text).toContain(`*Portal request submitted* (case \`CS-0123456\`, submitted on ${plainDate('2026-02-23')}), recorded by <@${REQUESTER_ID}>.`);
    expect(text).not.toContain(`<@${REQUESTER_ID}>: `);
    expect(text).toContain('*Meeting scheduled*');
  });

  it('submitted by an attendee: the requester is mentioned', () => {
    const approved = aRotationIn('approved');
    const result = decide(approved, { type: 'record_submission', caseNumber: 'INC0012345', submittedOn: '2026-02-23' }, {
      actor: { userId: 'U0ATTENDEE', isApprover: false },
      now: new Date('2026-02-23T09:00:00Z'),
      allowSelfApproval: false,
    });
    if (!result.ok) throw new Error('refused');
    const { text } = reply(result.rotation, result.entry);
    expect(text).toContain(`<@${REQUESTER_ID}>: *Portal request submitted* (case \`INC0012345\``);
  });

  it('meeting scheduled: the time as a token with the zone time and the attendees mentioned; the join link only said to be sent', () => {
    const { text, message } = reply(aRotationIn('meeting_scheduled'));
    expect(text).toContain(
      `*Handoff meeting scheduled* by <@${REQUESTER_ID}> on Webex, ${dateTimeToken(MEETING_START, '2026-03-24 15:00 Europe/Berlin')} (2026-03-24 15:00 Europe/Berlin).`,
    );
    expect(JSON.stringify(message)).not.toContain('webex.com/meet');
    expect(text).not.toContain('webex.com/meet');
    expect(text).toContain('The join link went to the attendees, the requester and the approvers in a direct message.');
    expect(text).toContain(`Attendees: <@${REQUESTER_ID}>, <@U0ATTENDEE>`);
    expect(text).toContain('*Secret received*');
  });

  it('meeting rescheduled: "Meeting rescheduled to …", and the requester is named when not among the attendees', () => {
    const meeting = aRotationIn('meeting_scheduled');
    const result = decide(
      meeting,
      {
        type: 'schedule_meeting',
        meeting: { ...meeting.meeting, startsAt: '2026-03-25T09:00:00.000Z', timeZone: 'UTC', attendeeIds: ['U0ATTENDEE'], joinUrl: 'http://insecure.example' },
      },
      { actor: { userId: 'U0ATTENDEE', isApprover: false }, now: new Date('2026-02-26T09:00:00Z'), allowSelfApproval: false },
    );
    if (!result.ok) throw new Error('refused');
    expect(result.entry.details?.rescheduled).toBe('true');
    const { text } = reply(result.rotation, result.entry);
    expect(text).toContain(
      `*Meeting rescheduled* to ${dateTimeToken('2026-03-25T09:00:00.000Z', '2026-03-25 09:00 UTC')} (2026-03-25 09:00 UTC) on Webex, by <@U0ATTENDEE>.`,
    );
    expect(text).toContain(`Attendees: <@U0ATTENDEE> · requested by <@${REQUESTER_ID}>`);
    expect(text).not.toContain('Join the meeting');
    expect(text).not.toContain('insecure.example');
  });

  it('completed: "Secret received", the confirmations, and the next cycle when one is planned', () => {
    const { completed } = aPlannedRotation();
    const { text } = reply(completed);
    expect(text).toContain('*Secret received*, confirmed by');
    expect(text).toContain(`:heavy_check_mark: ${CONFIRMATIONS.vault}`);
    expect(text).toContain(`:heavy_check_mark: ${CONFIRMATIONS.integrations}`);
    expect(text).toContain('Next cycle planned as `ROT-NEXT22`');

    expect(reply(aRotationIn('completed')).text).toContain('No next cycle is planned');
  });

  it('cancelled: the reason, escaped, and the requester is told', () => {
    const rotation = aRotationIn('approved');
    const result = decide(rotation, { type: 'cancel', reason: HOSTILE }, {
      actor: { userId: APPROVER_ID, isApprover: true },
      now: new Date('2026-02-22T09:00:00Z'),
      allowSelfApproval: false,
    });
    if (!result.ok) throw new Error('refused');
    const { text, message } = reply(result.rotation, result.entry);
    expect(text).toContain(`<@${REQUESTER_ID}>: *Cancelled* by <@${APPROVER_ID}>.`);
    expect(text).toContain('*Reason:* Please hurry &lt;!channel&gt; &lt;https://evil|click&gt; &amp; &lt;@U123&gt;');
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U123>');
  });

  it('escapes every detail it shows from the audit entry', () => {
    const submitted = aRotationIn('submitted');
    const entry: AuditEntry = {
      ...lastEntry(submitted),
      details: { caseNumber: 'CS-1 <!channel>', submittedOn: '2026-02-23' },
    };
    const completed = aRotationIn('completed');
    const completedEntry: AuditEntry = { ...lastEntry(completed), details: { confirmations: '<!here>; <https://evil|x>' } };
    const meeting = aRotationIn('meeting_scheduled');
    const meetingEntry: AuditEntry = {
      ...lastEntry(meeting),
      details: { platform: '<!channel>', startsAt: MEETING_START, timeZone: 'Europe/Berlin', attendees: '<!channel> U0ATTENDEE' },
    };
    for (const [rotation, e] of [
      [submitted, entry],
      [completed, completedEntry],
      [meeting, meetingEntry],
    ] as const) {
      const json = JSON.stringify(reply(rotation, e).message);
      expect(json).not.toContain('<!channel>');
      expect(json).not.toContain('<!here>');
      expect(json).not.toContain('<https://evil');
    }
  });

  it('stays within limits with the longest details', () => {
    const meeting = aRotationIn('meeting_scheduled');
    const attendees = Array.from({ length: 20 }, (_, i) => `U0ATTENDEE${String(i).padStart(2, '0')}`);
    const entry: AuditEntry = {
      ...lastEntry(meeting),
      details: {
        platform: 'Other',
        startsAt: MEETING_START,
        timeZone: 'America/Argentina/ComodRivadavia',
        joinUrl: `https://example.com/${'a'.repeat(900)}`,
        attendees: attendees.join(' '),
        rescheduled: 'true',
      },
    };
    reply(meeting, entry);
    reply(aRotationIn('rejected'), { ...lastEntry(aRotationIn('rejected')), details: { reason: '<&>'.repeat(1000) } });
  });

  describe('secret_exposed', () => {
    const POSTER_ID = 'U0POSTER';
    function exposed(rotation: Rotation): Rotation {
      const next = reportedExposure(rotation, {
        posterId: POSTER_ID,
        channelId: 'C0ROTATIONS',
        messageTs: '1771671600.000200',
        now: new Date('2026-02-21T11:00:00Z'),
      });
      if (!next) throw new Error('not recorded');
      return next;
    }

    it('mentions the poster, says they were asked to delete it, and advises a fresh rotation', () => {
      const { text, message } = reply(exposed(aRotationIn('approved')));
      expect(text).toContain(`:rotating_light: A message from <@${POSTER_ID}> in this thread looked like a secret; they were asked to delete it.`);
      expect(text).toContain('treat it as exposed: complete this rotation with a new secret, or request a fresh one with `/wfi-rotate`');
      expect(text).toContain('it did not keep the text');
      expect(message.text.startsWith('ROT-4F7K2Q: ')).toBe(true);
      expect(message.text).toContain(`<@${POSTER_ID}>`);
    });

    it('is not read as the change its state names: an exposure while approved is no approval, while cancelled no cancellation', () => {
      const approved = reply(exposed(aRotationIn('approved'))).text;
      expect(approved).not.toContain('*Approved*');
      expect(approved).not.toContain('Mark submitted in portal');
      const cancelled = reply(exposed(aRotationIn('cancelled'))).text;
      expect(cancelled).not.toContain('*Cancelled*');
      expect(cancelled).toContain(`A message from <@${POSTER_ID}>`);
    });

    it('contains no message text, even if an entry carried some', () => {
      const rotation = exposed(aRotationIn('submitted'));
      const entry = lastEntry(rotation);
      const withText: AuditEntry = { ...entry, details: { ...entry.details, text: 'client_secret=s3cr3tV4lue', reason: 'pasted s3cr3tV4lue' } };
      const json = JSON.stringify(reply(rotation, withText).message);
      expect(json).not.toContain('s3cr3tV4lue');
      expect(json).not.toContain('client_secret');
    });
  });
});
