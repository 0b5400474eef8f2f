import { reportedExposure } from '../../../support/changes';
import type { types } from '@slack/bolt';
import { allowedActions, decide, type ActionType } from '../../../../src/domain/lifecycle';
import { CONFIRMATIONS, type Rotation, type RotationStatus } from '../../../../src/domain/rotation';
import { ACTIONS } from '../../../../src/slack/ids';
import { nextStepAction } from '../../../../src/domain/standing';
import { actionButton } from '../../../../src/slack/views/buttons';
import { describeChange, STATUS_LABELS } from '../../../../src/slack/views/labels';
import { buildRotationMessage } from '../../../../src/slack/views/rotation-message';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';
import {
  APPROVER_ID,
  aPlannedRotation,
  aRotation,
  aRotationIn,
  MEETING_START,
  REQUESTER_ID,
} from '../../../../testkit/rotations';
import { allText, buttons, context, contextTexts, dateTimeToken, plainDate, epoch, HOSTILE, sectionTexts } from './view-helpers';

/** The action_id each action must carry, written out here so the test does not read it from the builder. */
const ACTION_IDS: Record<ActionType, string> = {
  approve: ACTIONS.approve,
  reject: ACTIONS.reject,
  record_submission: ACTIONS.recordSubmission,
  schedule_meeting: ACTIONS.scheduleMeeting,
  complete: ACTIONS.complete,
  cancel: ACTIONS.cancel,
};

const PORTAL = { portalUrl: 'https://support.example.com/portal' };

function rotationIn(status: RotationStatus): Rotation {
  return status === 'planned' ? aPlannedRotation().planned : aRotationIn(status);
}

const ALL_STATUSES: RotationStatus[] = ['planned', 'requested', 'approved', 'rejected', 'submitted', 'meeting_scheduled', 'completed', 'cancelled'];

const hasRichText = (message: { blocks: types.KnownBlock[] }) => message.blocks.some((b) => b.type === 'rich_text');

describe('buildRotationMessage in every state', () => {
  it.each(ALL_STATUSES)('%s: shows its status label and exactly the buttons allowedActions gives, in that order', (status) => {
    const rotation = rotationIn(status);
    const message = buildRotationMessage(rotation, context());
    expect(allText(message)).toContain(`*Status*\n${STATUS_LABELS[status]}`);
    expect(buttons(message).map((b) => b.action_id)).toEqual(allowedActions(status).map((a) => ACTION_IDS[a]));
    for (const button of buttons(message)) expect(button.value).toBe(`${rotation.id}:${rotation.version}`);
  });

  it.each(ALL_STATUSES)('%s: within Block Kit limits, with and without a portal URL', (status) => {
    expectWithinBlockKitLimits('message', buildRotationMessage(rotationIn(status), context()));
    expectWithinBlockKitLimits('message', buildRotationMessage(rotationIn(status), context(PORTAL)));
  });

  it.each(['rejected', 'completed', 'cancelled'] as const)('%s: a closed rotation has no actions block at all, even with a portal URL', (status) => {
    const message = buildRotationMessage(aRotationIn(status), context(PORTAL));
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('carries the current version in every button, so a button rendered before a change is refused', () => {
    const submitted = aRotationIn('submitted');
    expect(submitted.version).toBe(3);
    expect(buttons(buildRotationMessage(submitted, context())).map((b) => b.value)).toEqual(['ROT-4F7K2Q:3', 'ROT-4F7K2Q:3']);
    const meeting = aRotationIn('meeting_scheduled');
    expect(buttons(buildRotationMessage(meeting, context())).map((b) => b.value)).toEqual(Array(3).fill('ROT-4F7K2Q:4'));
  });

  it('labels each button for what it does in the state', () => {
    const labels = (rotation: Rotation) => buttons(buildRotationMessage(rotation, context())).map((b) => [b.text.text, b.style]);
    expect(labels(aRotation())).toEqual([
      ['Approve', 'primary'],
      ['Reject', 'danger'],
      ['Cancel', undefined],
    ]);
    expect(labels(aRotationIn('approved'))).toEqual([
      ['Mark submitted in portal', 'primary'],
      ['Cancel', undefined],
    ]);
    expect(labels(aRotationIn('submitted'))).toEqual([
      ['Meeting scheduled', 'primary'],
      ['Cancel', undefined],
    ]);
    expect(labels(aRotationIn('meeting_scheduled'))).toEqual([
      ['Secret received', 'primary'],
      ['Reschedule meeting', undefined],
      ['Cancel', undefined],
    ]);
  });

  it('keeps the portal link button only while the portal request is still to be made', () => {
    const withPortal = (status: RotationStatus) =>
      buttons(buildRotationMessage(rotationIn(status), context(PORTAL))).map((b) => b.action_id);
    expect(withPortal('requested')).toEqual([ACTIONS.approve, ACTIONS.reject, ACTIONS.openPortal, ACTIONS.cancel]);
    expect(withPortal('approved')).toEqual([ACTIONS.recordSubmission, ACTIONS.openPortal, ACTIONS.cancel]);
    for (const status of ['planned', 'submitted', 'meeting_scheduled', 'completed', 'rejected', 'cancelled'] as const) {
      expect(withPortal(status)).not.toContain(ACTIONS.openPortal);
    }
  });

  it('keeps the service-request values and portal steps while requested or approved, and a one-line summary after', () => {
    for (const status of ['requested', 'approved'] as const) {
      const message = buildRotationMessage(aRotationIn(status), context());
      expect(hasRichText(message)).toBe(true);
      expect(sectionTexts(message).some((t) => t.startsWith('*Steps in the portal*'))).toBe(true);
    }
    for (const status of ['submitted', 'meeting_scheduled', 'completed'] as const) {
      const message = buildRotationMessage(aRotationIn(status), context());
      expect(hasRichText(message)).toBe(false);
      expect(sectionTexts(message).some((t) => t.startsWith('*Steps in the portal*'))).toBe(false);
      expect(contextTexts(message).join('\n')).toContain('portal case `CS-0123456`');
    }
    const rejected = buildRotationMessage(aRotationIn('rejected'), context());
    expect(hasRichText(rejected)).toBe(false);
    expect(contextTexts(rejected).join('\n')).toContain('not opened in the portal');
    // The later message is shorter than the first one.
    expect(buildRotationMessage(aRotationIn('submitted'), context()).blocks.length).toBeLessThan(
      buildRotationMessage(aRotationIn('approved'), context()).blocks.length,
    );
  });

  it('approved: says who approved and when, as a date token with the ISO instant as fallback', () => {
    const rotation = aRotationIn('approved');
    expect(rotation.approval.at).toBe('2026-02-21T10:00:00.000Z');
    const text = allText(buildRotationMessage(rotation, context()));
    expect(text).toContain(`*Approved* by <@${APPROVER_ID}> ${dateTimeToken('2026-02-21T10:00:00.000Z')}`);
    expect(text).toContain(`<!date^${epoch('2026-02-21T10:00:00Z')}^{date_short_pretty} {time}|2026-02-21T10:00:00.000Z>`);
  });

  it('submitted: the case number, the date submitted and who recorded it; submit-by says it was met', () => {
    const message = buildRotationMessage(aRotationIn('submitted'), context({ now: new Date('2026-03-12T09:00:00Z') }));
    const text = allText(message);
    expect(text).toContain('case `CS-0123456`');
    expect(text).toContain(`submitted on ${plainDate('2026-02-23')}`);
    expect(text).toContain(`recorded by <@${REQUESTER_ID}> ${dateTimeToken('2026-02-22T10:00:00.000Z')}`);
    // After submission, a passed submit-by is history, not an overdue warning.
    expect(text).not.toContain('overdue');
    expect(text).toContain(`${plainDate('2026-03-06')}\nsubmitted on ${plainDate('2026-02-23')}`);
  });

  it('meeting_scheduled: platform, start as a token with the zone time as fallback and the attendees; the join link only said to be sent', () => {
    const message = buildRotationMessage(aRotationIn('meeting_scheduled'), context());
    const text = allText(message);
    // 14:00 UTC on 24 March is 15:00 in Berlin (CET, before the switch to summer time).
    expect(text).toContain(
      `*Handoff meeting* on Webex, ${dateTimeToken(MEETING_START, '2026-03-24 15:00 Europe/Berlin')} (2026-03-24 15:00 Europe/Berlin)`,
    );
    // The channel sees that a meeting is set and when, never the link (it may carry the meeting's passcode).
    expect(JSON.stringify(message)).not.toContain('webex.com/meet');
    expect(text).toContain('The join link went to the attendees, the requester and the approvers in a direct message.');
    expect(text).toContain(`Attendees: <@${REQUESTER_ID}>, <@U0ATTENDEE>`);
    expect(text).toContain(`Scheduled by <@${REQUESTER_ID}>`);
  });

  it.each([
    ['http', 'http://acme.webex.com/meet/handoff'],
    ['javascript', 'javascript:alert(1)'],
    ['unparseable', 'not a url <!channel>'],
  ])('shows no join link for a %s link', (_kind, joinUrl) => {
    const rotation = aRotationIn('meeting_scheduled');
    const message = buildRotationMessage({ ...rotation, meeting: { ...rotation.meeting, joinUrl } }, context());
    const json = JSON.stringify(message);
    expect(json).not.toContain('Join the meeting');
    expect(json).not.toContain(joinUrl);
    expect(json).not.toContain('<!channel>');
  });

  it('completed: who confirmed receipt and when, the confirmations ticked, and the next cycle', () => {
    const { completed } = aPlannedRotation();
    const text = allText(buildRotationMessage(completed, context()));
    expect(text).toContain(`*Secret received*, confirmed by <@${REQUESTER_ID}> ${dateTimeToken(completed.completion.at)}`);
    expect(text).toContain(CONFIRMATIONS.vault);
    expect(text).toContain(CONFIRMATIONS.integrations);
    expect(text).not.toContain(CONFIRMATIONS.oldSecretRetired);
    expect(text).toContain('*Next cycle planned* as `ROT-NEXT22`');
    // and every earlier step stays visible
    expect(text).toContain('*Approved* by');
    expect(text).toContain('case `CS-0123456`');
    expect(text).toContain('*Handoff meeting* on Webex');

    const noNext = allText(buildRotationMessage(aRotationIn('completed'), context()));
    expect(noNext).not.toContain('Next cycle');
  });

  it('completed without confirmations says none were ticked', () => {
    const rotation = aRotationIn('completed');
    const text = allText(buildRotationMessage({ ...rotation, completion: { ...rotation.completion, confirmations: [] } }, context()));
    expect(text).toContain('No confirmations were ticked.');
  });

  it('rejected: who rejected, when, and why', () => {
    const rotation = aRotationIn('rejected');
    const text = allText(buildRotationMessage(rotation, context()));
    expect(text).toContain(`*Rejected* by <@${APPROVER_ID}> ${dateTimeToken(rotation.rejection.at)}`);
    expect(text).toContain('*Reason:* Not due yet');
  });

  it('cancelled after a meeting was set: every step taken, then the cancellation, and no buttons', () => {
    const meeting = aRotationIn('meeting_scheduled');
    const result = decide(meeting, { type: 'cancel', reason: 'Vendor rotated it during an incident' }, {
      actor: { userId: APPROVER_ID, isApprover: true },
      now: new Date('2026-03-01T09:00:00Z'),
      allowSelfApproval: false,
    });
    if (!result.ok) throw new Error('cancel refused');
    const message = buildRotationMessage(result.rotation, context());
    const texts = sectionTexts(message);
    const order = ['*Approved*', '*Portal request submitted*', '*Handoff meeting*', '*Cancelled*'].map((mark) =>
      texts.findIndex((t) => t.includes(mark)),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(allText(message)).toContain('*Reason:* Vendor rotated it during an incident');
    expect(buttons(message)).toEqual([]);
    expect(contextTexts(message)).toContain(`Last change: Cancelled by <@${APPROVER_ID}> · ${dateTimeToken('2026-03-01T09:00:00.000Z')}`);
  });

  it('escapes reasons, case numbers and notes: no broadcast, link or mention gets through', () => {
    const rejected = aRotationIn('rejected', { notes: HOSTILE });
    const submitted = aRotationIn('submitted');
    const cancelled = aRotationIn('cancelled');
    const messages = [
      buildRotationMessage({ ...rejected, rejection: { ...rejected.rejection, reason: HOSTILE } }, context()),
      buildRotationMessage({ ...cancelled, cancellation: { ...cancelled.cancellation, reason: HOSTILE } }, context()),
      buildRotationMessage(
        { ...submitted, submission: { ...submitted.submission, caseNumber: 'CS-1 <!channel> `x` <@U123>' } },
        context(),
      ),
    ];
    for (const message of messages) {
      const json = JSON.stringify(message);
      expect(json).not.toContain('<!channel>');
      expect(json).not.toContain('<@U123>');
      expect(json).not.toContain('<https://evil');
      expectWithinBlockKitLimits('message', message);
    }
    expect(allText(messages[0] as never)).toContain('*Reason:* Please hurry &lt;!channel&gt; &lt;https://evil|click&gt; &amp; &lt;@U123&gt;');
    expect(allText(messages[2] as never)).toContain("case `CS-1 &lt;!channel&gt; 'x' &lt;@U123&gt;`");
  });

  it('says what changed last, by whom and when', () => {
    expect(contextTexts(buildRotationMessage(aRotation(), context()))).toContain(
      `Last change: Requested by <@${REQUESTER_ID}> · ${dateTimeToken('2026-02-20T10:00:00.000Z')}`,
    );
    expect(contextTexts(buildRotationMessage(aRotationIn('approved'), context()))).toContain(
      `Last change: Approved by <@${APPROVER_ID}> · ${dateTimeToken('2026-02-21T10:00:00.000Z')}`,
    );
    const meeting = aRotationIn('meeting_scheduled');
    const rescheduled = decide(
      meeting,
      { type: 'schedule_meeting', meeting: { ...meeting.meeting, startsAt: '2026-03-25T09:00:00.000Z' } },
      { actor: { userId: 'U0ATTENDEE', isApprover: false }, now: new Date('2026-02-26T09:00:00Z'), allowSelfApproval: false },
    );
    if (!rescheduled.ok) throw new Error('reschedule refused');
    const message = buildRotationMessage(rescheduled.rotation, context());
    expect(contextTexts(message).join('\n')).toContain('Last change: Meeting rescheduled by <@U0ATTENDEE>');
    expect(allText(message)).toContain(dateTimeToken('2026-03-25T09:00:00.000Z', '2026-03-25 10:00 Europe/Berlin'));
    expect(buttons(message).every((b) => b.value === `ROT-4F7K2Q:${rescheduled.rotation.version}`)).toBe(true);
  });

  it('warns of a late request only until the portal request is made', () => {
    const late = { now: new Date('2026-03-10T09:00:00Z') };
    expect(allText(buildRotationMessage(aRotationIn('approved', late), context(late)))).toContain('*Late:*');
    expect(allText(buildRotationMessage(aRotationIn('submitted', late), context(late)))).not.toContain('*Late:*');
  });

  it('planned: names the cycle it follows and offers only Cancel', () => {
    const { planned } = aPlannedRotation();
    const message = buildRotationMessage(planned, context(PORTAL));
    expect(allText(message)).toContain('*Next cycle* of `ROT-4F7K2Q`');
    expect(buttons(message).map((b) => b.action_id)).toEqual([ACTIONS.cancel]);
  });

  it('stays within limits in the longest state: cancelled after a meeting with 20 attendees, a long link, notes and reason', () => {
    const attendeeIds = Array.from({ length: 20 }, (_, i) => `U0ATTENDEE${String(i).padStart(2, '0')}`);
    const base = aRotationIn('meeting_scheduled', { notes: `${'<'.repeat(1000)}${'&'.repeat(1000)}`, attendeeIds });
    const longUrl = `https://acme.webex.com/${'&<>|'.repeat(120)}`;
    const result = decide(
      { ...base, meeting: { ...base.meeting, attendeeIds, joinUrl: longUrl } },
      { type: 'cancel', reason: '<&>'.repeat(200) },
      { actor: { userId: REQUESTER_ID, isApprover: false }, now: new Date('2026-03-01T09:00:00Z'), allowSelfApproval: false },
    );
    if (!result.ok) throw new Error('cancel refused');
    const message = buildRotationMessage(
      { ...result.rotation, submission: { ...base.submission, caseNumber: '<'.repeat(40) } } as Rotation,
      context(PORTAL),
    );
    expectWithinBlockKitLimits('message', message);
    for (const id of attendeeIds) expect(JSON.stringify(message)).toContain(`<@${id}>`);
  });
});

describe('actionButton, nextStepAction and describeChange', () => {
  it('nextStepAction is the first allowed action that is not cancelling', () => {
    expect(nextStepAction('requested')).toBe('approve');
    expect(nextStepAction('approved')).toBe('record_submission');
    expect(nextStepAction('submitted')).toBe('schedule_meeting');
    expect(nextStepAction('meeting_scheduled')).toBe('complete');
    expect(nextStepAction('planned')).toBeUndefined();
    expect(nextStepAction('completed')).toBeUndefined();
  });

  it('actionButton carries the action_id and ROT-XXXXXX:version', () => {
    expect(actionButton({ id: 'ROT-4F7K2Q', version: 9, status: 'approved' }, 'record_submission')).toEqual({
      type: 'button',
      action_id: ACTIONS.recordSubmission,
      text: { type: 'plain_text', text: 'Mark submitted in portal' },
      style: 'primary',
      value: 'ROT-4F7K2Q:9',
    });
  });

  it('describeChange names each kind of change', () => {
    expect(describeChange({ from: null, to: 'requested' })).toBe('Requested');
    expect(describeChange({ from: 'planned', to: 'requested' })).toBe('Planned cycle started');
    expect(describeChange({ from: 'submitted', to: 'meeting_scheduled' })).toBe('Meeting scheduled');
    expect(describeChange({ from: 'meeting_scheduled', to: 'meeting_scheduled', details: { rescheduled: 'true' } })).toBe(
      'Meeting rescheduled',
    );
    expect(describeChange({ from: 'meeting_scheduled', to: 'completed' })).toBe('Secret received');
  });

  it('describeChange names a secret_exposed entry as such, whatever state it stayed in', () => {
    for (const status of ALL_STATUSES) {
      expect(describeChange({ from: status, to: status, event: 'secret_exposed' })).toBe('A message in the thread looked like the secret');
    }
  });

  it('given an exposure recorded on an approved rotation, when its message is rebuilt, then the last change names it and the buttons keep their version', () => {
    const exposed = reportedExposure(aRotationIn('approved'), {
      posterId: 'U0POSTER',
      channelId: 'C0ROTATIONS',
      messageTs: '1771671600.000200',
      now: new Date('2026-02-21T11:00:00Z'),
    });
    if (!exposed) throw new Error('not recorded');

    const message = buildRotationMessage(exposed, context());

    expect(contextTexts(message)).toContain(
      `Last change: A message in the thread looked like the secret by <@U0POSTER> · ${dateTimeToken('2026-02-21T11:00:00.000Z')}`,
    );
    expect(allText(message)).toContain(`*Status*\n${STATUS_LABELS.approved}`);
    // Recorded at the same version, so the buttons on the message people already see stay valid.
    expect(buttons(message).map((b) => [b.action_id, b.value])).toEqual([
      [ACTIONS.recordSubmission, 'ROT-4F7K2Q:2'],
      [ACTIONS.cancel, 'ROT-4F7K2Q:2'],
    ]);
  });
});
