import type { types } from '@slack/bolt';
import { AUDIENCE, DIRECT_REMINDERS, ESCALATIONS, REMINDER_KINDS, type ReminderKind } from '../../../../src/domain/reminder-kinds';
import type { Rotation } from '../../../../src/domain/rotation';
import { ACTIONS, COMMAND } from '../../../../src/slack/ids';
import { buildDigest, DIGEST_OPEN_MAX, DIGEST_PLANNED_MAX } from '../../../../src/slack/views/digest';
import {
  buildReminderMessage,
  reminderMentions,
  type ReminderDelivery,
  type ReminderMessageContext,
} from '../../../../src/slack/views/reminder-message';
import { REMINDER_LABELS, STATUS_LABELS } from '../../../../src/slack/views/labels';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';
import { aPlannedRotation, aRotation, aRotationIn, MEETING_START, REQUESTER_ID } from '../../../../testkit/rotations';
import { allText, buttons, context, contextTexts, dateTimeToken, plainDate, HOSTILE, idFor, sectionTexts, type SlackMessage } from './view-helpers';

const APPROVERS = ['<@U0APPROVER>', '<!subteam^S0APPROVERS>'];
/** The day before submit-by (Friday 2026-03-06) at the reminder hour. */
const NOW = new Date('2026-03-05T09:00:00Z');

const reminderContext = (overrides: Partial<ReminderMessageContext> = {}): ReminderMessageContext => ({
  ...context({ now: NOW }),
  approverMentions: APPROVERS,
  ...overrides,
});

function reminder(
  rotation: Rotation,
  kind: ReminderKind,
  overrides: Partial<ReminderMessageContext> = {},
  dueAt = NOW.toISOString(),
  delivery: ReminderDelivery = 'thread',
): SlackMessage {
  const message = buildReminderMessage(rotation, { kind, dueAt }, reminderContext(overrides), delivery);
  expectWithinBlockKitLimits('message', message);
  return message;
}

/** Every mention Slack would notify: users, user groups and the broadcast ones. */
function mentionsIn(message: SlackMessage): string[] {
  const text = [message.text, ...message.blocks.map((b) => JSON.stringify(b))].join('\n').replace(/\\"/g, '"');
  return [...text.matchAll(/<(?:@|!subteam\^|!channel|!here|!everyone)[^>]*>/g)].map((m) => m[0]);
}

/** Distinct people in each role, so the mentions show which audience they came from. */
function withDistinctPeople(rotation: Rotation): Rotation {
  const base = { ...rotation, requesterId: 'U0REQ', attendeeIds: ['U0ATT1', 'U0ATT2'] } as Rotation;
  return 'meeting' in base && base.meeting ? ({ ...base, meeting: { ...base.meeting, attendeeIds: ['U0MEET1', 'U0MEET2'] } } as Rotation) : base;
}

/** A rotation in the state each kind is sent in. */
const ROTATION_FOR: Record<ReminderKind, () => Rotation> = {
  approval_pending: () => aRotation(),
  submit_soon: () => aRotationIn('approved'),
  submit_due: () => aRotationIn('approved'),
  submit_overdue: () => aRotationIn('approved'),
  no_meeting_yet: () => aRotationIn('submitted'),
  meeting_tomorrow: () => aRotationIn('meeting_scheduled'),
  meeting_in_one_hour: () => aRotationIn('meeting_scheduled'),
  confirm_receipt: () => aRotationIn('meeting_scheduled'),
  deadline_near: () => aRotationIn('submitted'),
  next_cycle: () => aPlannedRotation().planned,
};

const EXPECTED_MENTIONS: Record<ReminderKind, string[]> = {
  approval_pending: APPROVERS,
  submit_soon: ['<@U0REQ>', '<@U0ATT1>', '<@U0ATT2>'],
  submit_due: ['<@U0REQ>', '<@U0ATT1>', '<@U0ATT2>'],
  submit_overdue: ['<@U0REQ>', '<@U0ATT1>', '<@U0ATT2>', ...APPROVERS],
  no_meeting_yet: ['<@U0REQ>'],
  // Each meeting attendee gets these directly (the notifier sends each a direct message); the thread note calls nobody.
  meeting_tomorrow: [],
  meeting_in_one_hour: [],
  confirm_receipt: ['<@U0MEET1>', '<@U0MEET2>'],
  deadline_near: APPROVERS,
  next_cycle: ['<@U0REQ>'],
};

describe('REMINDER_LABELS', () => {
  it('names every kind and the weekly digest', () => {
    expect(Object.keys(REMINDER_LABELS).sort()).toEqual([...REMINDER_KINDS, 'weekly_digest', 'follow_up'].sort());
    expect(REMINDER_LABELS.submit_due).toBe('Submit today');
    expect(REMINDER_LABELS.next_cycle).toBe('Next cycle due');
  });
});

describe('buildReminderMessage', () => {
  it.each(REMINDER_KINDS)('%s mentions exactly its audience, each person once, and nobody else', (kind) => {
    const message = reminder(withDistinctPeople(ROTATION_FOR[kind]()), kind);
    expect(mentionsIn(message)).toEqual(EXPECTED_MENTIONS[kind]);
    // The expectations follow the domain's table.
    const roles = new Set(DIRECT_REMINDERS.has(kind) ? [] : AUDIENCE[kind]);
    expect(EXPECTED_MENTIONS[kind].some((m) => APPROVERS.includes(m))).toBe(roles.has('approvers'));
    expect(EXPECTED_MENTIONS[kind].includes('<@U0REQ>')).toBe(roles.has('requester'));
  });

  it.each(REMINDER_KINDS)('%s names the rotation (id and instance), its label and the dates', (kind) => {
    const rotation = ROTATION_FOR[kind]();
    const message = reminder(rotation, kind);
    const [first] = sectionTexts(message);
    expect(first?.split('\n')[0]).toContain(`*${ESCALATIONS.has(kind) ? `Escalation: ${REMINDER_LABELS[kind]}` : REMINDER_LABELS[kind]}* · \`${rotation.id}\` for https://acme.wfi.pega.com (Production)`);
    expect(message.text).toContain(`${REMINDER_LABELS[kind]}: ${rotation.id} for https://acme.wfi.pega.com`);
    expect(contextTexts(message)[0]).toContain(`Deadline ${plainDate(rotation.deadline)} · submit by ${plainDate(rotation.submitBy)}`);
  });

  it('mentions a requester who also attends once', () => {
    const message = reminder(aRotationIn('approved'), 'submit_soon');
    expect(mentionsIn(message)).toEqual([`<@${REQUESTER_ID}>`, '<@U0ATTENDEE>']);
  });

  it('inserts the approver mentions as given, and none when the kind does not need approvers', () => {
    const group = ['<!subteam^S0SECOPS|@secops>'];
    expect(mentionsIn(reminder(aRotation(), 'approval_pending', { approverMentions: group }))).toEqual(group);
    expect(mentionsIn(reminder(aRotationIn('approved'), 'submit_soon', { approverMentions: group }))).not.toContain(group[0]);
  });

  it('asks approvers to approve, with the Approve button at the rotation\'s version', () => {
    const rotation = aRotation({ version: 7 });
    const message = reminder(rotation, 'approval_pending');
    expect(allText(message)).toContain(`waiting for approval since ${dateTimeToken('2026-02-20T10:00:00.000Z')}`);
    expect(allText(message)).toContain(`by ${plainDate('2026-03-06')}: 1 business day left`);
    expect(buttons(message)).toEqual([
      { type: 'button', action_id: ACTIONS.approve, text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: 'ROT-4F7K2Q:7' },
    ]);
  });

  it('counts the wait for approval from when a started next cycle was requested, not from when it was planned', () => {
    const { planned } = aPlannedRotation();
    const startedAt = '2026-05-01T08:00:00.000Z';
    const started = {
      ...planned,
      status: 'requested',
      version: planned.version + 1,
      history: [...planned.history, { at: startedAt, actorId: REQUESTER_ID, from: 'planned', to: 'requested' }],
    } as Rotation;
    expect(allText(reminder(started, 'approval_pending'))).toContain(`since ${dateTimeToken(startedAt)}`);
  });

  it('tells the requester to open the portal request by submit-by, with the business days left and the next button', () => {
    const message = reminder(aRotationIn('approved'), 'submit_soon', { now: new Date('2026-03-03T09:00:00Z') });
    const text = allText(message);
    expect(text).toContain(`Open the service request in the vendor's portal by ${plainDate('2026-03-06')}: 3 business days left.`);
    expect(text).toContain(`before the policy deadline (${plainDate('2026-03-20')})`);
    expect(text).toContain('Then press *Mark submitted in portal* with the case number.');
    expect(buttons(message).map((b) => [b.action_id, b.value])).toEqual([[ACTIONS.recordSubmission, 'ROT-4F7K2Q:2']]);
  });

  it('says "today" on the submit-by day', () => {
    const message = reminder(aRotationIn('approved'), 'submit_due', { now: new Date('2026-03-06T09:00:00Z') });
    expect(allText(message)).toContain(`Open the service request in the vendor's portal *today*: ${plainDate('2026-03-06')} is the submit-by date`);
    expect(message.text).toMatch(/^Submit today: ROT-4F7K2Q/);
  });

  it('reads as an escalation when overdue: the siren, the word, how late, and the deadline to mention to the vendor', () => {
    const message = reminder(aRotationIn('approved'), 'submit_overdue', { now: new Date('2026-03-10T09:00:00Z') });
    const [first] = sectionTexts(message);
    expect(first).toMatch(/^:rotating_light: \*Escalation: Submission overdue\* · /);
    expect(message.text).toMatch(/^Escalation: Submission overdue: ROT-4F7K2Q/);
    expect(first).toContain(`it was due by ${plainDate('2026-03-06')} and is *overdue by 2 business days*`);
    expect(first).toContain(`Mention the policy deadline (${plainDate('2026-03-20')}) to the vendor.`);
  });

  it('reads as an escalation when the deadline is near, saying where the rotation stands', () => {
    const message = reminder(aRotationIn('submitted'), 'deadline_near', { now: new Date('2026-03-18T09:00:00Z') });
    const [first] = sectionTexts(message);
    expect(first).toMatch(/^:rotating_light: \*Escalation: Deadline near\* · /);
    expect(first).toContain(`Policy deadline ${plainDate('2026-03-20')}: 2 business days left.`);
    expect(first).toContain(`This rotation is at *${STATUS_LABELS.submitted}*.`);
    expect(first).toContain('chase them about case `CS-0123456`');
    expect(allText(reminder(aRotationIn('submitted'), 'deadline_near', { now: new Date('2026-03-20T09:00:00Z') }))).toContain(
      `Policy deadline ${plainDate('2026-03-20')}: *today*.`,
    );
  });

  it('does not read as an escalation for the other kinds', () => {
    for (const kind of REMINDER_KINDS.filter((k) => !ESCALATIONS.has(k))) {
      const message = reminder(ROTATION_FOR[kind](), kind);
      expect(JSON.stringify(message)).not.toContain(':rotating_light:');
      expect(message.text).not.toContain('Escalation');
    }
  });

  it('suggests chasing the vendor with the case number when no meeting is set', () => {
    const message = reminder(aRotationIn('submitted'), 'no_meeting_yet');
    const text = allText(message);
    expect(text).toContain(`The portal request was submitted on ${plainDate('2026-02-23')}`);
    expect(text).toContain('Chase the vendor for a meeting date, quoting case `CS-0123456`, then press *Meeting scheduled*.');
    expect(buttons(message).map((b) => [b.action_id, b.value])).toEqual([[ACTIONS.scheduleMeeting, 'ROT-4F7K2Q:3']]);
  });

  it.each(['meeting_tomorrow', 'meeting_in_one_hour'] as const)('%s, sent directly, gives the meeting time, platform and join link', (kind) => {
    const message = reminder(aRotationIn('meeting_scheduled'), kind, { now: new Date('2026-03-23T14:00:00Z') }, undefined, 'direct');
    const text = allText(message);
    expect(text).toContain(dateTimeToken(MEETING_START, '2026-03-24 15:00 Europe/Berlin'));
    expect(text).toContain('on Webex.');
    expect(text).toContain('<https://acme.webex.com/meet/handoff|Join the meeting>');
    expect(text).toContain(kind === 'meeting_tomorrow' ? 'The handoff meeting is tomorrow' : 'The handoff meeting starts in one hour');
    expect(buttons(message).map((b) => [b.action_id, b.value])).toEqual([[ACTIONS.complete, 'ROT-4F7K2Q:4']]);
    // A direct message addresses its reader: nobody else is mentioned in it.
    expect(mentionsIn(message)).toEqual([]);
  });

  it.each(['meeting_tomorrow', 'meeting_in_one_hour'] as const)('%s, in the thread, says the meeting is near and when, never the link', (kind) => {
    const message = reminder(aRotationIn('meeting_scheduled'), kind, { now: new Date('2026-03-23T14:00:00Z') });
    const text = JSON.stringify(message);
    expect(allText(message)).toContain(dateTimeToken(MEETING_START, '2026-03-24 15:00 Europe/Berlin'));
    expect(allText(message)).toContain('on Webex.');
    expect(allText(message)).toContain('Each attendee was sent the reminder and the join link in a direct message.');
    expect(text).not.toContain('webex.com/meet');
    expect(text).not.toContain('Join the meeting');
    expect(buttons(message)).toEqual([]);
  });

  it('shows a join link only when it is https', () => {
    const rotation = aRotationIn('meeting_scheduled');
    const unsafe = { ...rotation, meeting: { ...rotation.meeting, joinUrl: 'javascript:alert(1)' } };
    expect(allText(reminder(unsafe, 'meeting_tomorrow', {}, undefined, 'direct'))).not.toContain('Join the meeting');
    const none = { ...rotation, meeting: { ...rotation.meeting, joinUrl: undefined } };
    expect(allText(reminder(none, 'meeting_in_one_hour', {}, undefined, 'direct'))).not.toContain('Join the meeting');
  });

  it('asks to confirm receipt after the meeting, without the join link', () => {
    const message = reminder(aRotationIn('meeting_scheduled'), 'confirm_receipt', { now: new Date('2026-03-25T09:00:00Z') });
    const text = allText(message);
    expect(text).toContain('The handoff meeting was ');
    expect(text).toContain('press *Secret received*');
    expect(text).not.toContain('Join the meeting');
    expect(buttons(message).map((b) => b.action_id)).toEqual([ACTIONS.complete]);
  });

  it('offers Start request for a next cycle, carrying the planned rotation\'s id', () => {
    const { planned } = aPlannedRotation();
    const message = reminder(planned, 'next_cycle', { now: new Date('2026-05-04T09:00:00Z') });
    expect(buttons(message)).toEqual([
      { type: 'button', action_id: ACTIONS.startPlanned, text: { type: 'plain_text', text: 'Start request' }, style: 'primary', value: planned.id },
    ]);
    expect(allText(message)).toContain(`so it can be approved and opened in the vendor's portal by ${plainDate(planned.submitBy)} (5 business days left)`);
  });

  it('adds the portal button to the submit reminders when a portal URL is configured', () => {
    const message = reminder(aRotationIn('approved'), 'submit_due', { portalUrl: 'https://support.example.com' });
    expect(buttons(message).map((b) => b.action_id)).toEqual([ACTIONS.recordSubmission, ACTIONS.openPortal]);
    expect(buttons(reminder(aRotationIn('submitted'), 'no_meeting_yet', { portalUrl: 'https://support.example.com' })).map((b) => b.action_id)).toEqual([
      ACTIONS.scheduleMeeting,
    ]);
  });

  it('renders from the current state: a rotation that moved on gets the button of its real next step, a closed one none', () => {
    const approved = aRotationIn('approved');
    expect(buttons(reminder(approved, 'approval_pending')).map((b) => [b.action_id, b.value])).toEqual([[ACTIONS.recordSubmission, 'ROT-4F7K2Q:2']]);
    expect(buttons(reminder(aRotationIn('completed'), 'deadline_near'))).toEqual([]);
    expect(buttons(reminder(aRotationIn('cancelled'), 'submit_overdue'))).toEqual([]);
    expect(buttons(reminder(aRotationIn('approved'), 'next_cycle'))).toHaveLength(1);
  });

  it('while still awaiting approval, the submit reminders say so and carry the Approve button', () => {
    const message = reminder(aRotation(), 'submit_soon');
    expect(allText(message)).toContain("It still needs an approver's approval first.");
    expect(buttons(message).map((b) => b.action_id)).toEqual([ACTIONS.approve]);
  });

  it('says when a reminder is sent late, after an outage', () => {
    const late = reminder(aRotationIn('approved'), 'submit_soon', {}, '2026-03-03T09:00:00.000Z');
    expect(contextTexts(late)[0]).toContain(`This reminder fell due ${dateTimeToken('2026-03-03T09:00:00.000Z')} while the bot was away.`);
    expect(contextTexts(reminder(aRotationIn('approved'), 'submit_soon'))[0]).not.toContain('fell due');
  });

  it('escapes user text: instance, case number, platform', () => {
    const submitted = aRotationIn('meeting_scheduled', { instanceUrl: HOSTILE });
    const hostile = {
      ...submitted,
      submission: { ...submitted.submission, caseNumber: 'CS-1 <!here> `x`' },
      meeting: { ...submitted.meeting, platform: '<!channel>' as 'Other' },
    } as Rotation;
    for (const kind of REMINDER_KINDS) {
      const message = reminder(hostile, kind);
      const json = JSON.stringify(message);
      expect(json).not.toContain('<!channel>');
      expect(json).not.toContain('<!here>');
      expect(json).not.toContain('<https://evil');
      expect(json).not.toContain('<@U123>');
    }
    const text = allText(reminder(hostile, 'no_meeting_yet'));
    expect(text).toContain('Please hurry &lt;!channel&gt; &lt;https://evil|click&gt; &amp; &lt;@U123&gt;');
  });

  it('stays within Slack\'s limits with a long list of approvers, counting the rest', () => {
    const many = Array.from({ length: 300 }, (_, i) => `<!subteam^S${String(i).padStart(8, '0')}>`);
    const message = reminder(aRotationIn('approved'), 'submit_overdue', { approverMentions: many });
    expect(allText(message)).toMatch(/ and \d+ more\n/);
    expect(message.blocks.length).toBeLessThanOrEqual(5);
  });
});

describe('reminderMentions', () => {
  it('falls back to the rotation\'s attendees for meeting attendees when no meeting is set', () => {
    expect(reminderMentions(withDistinctPeople(aRotationIn('submitted')), 'confirm_receipt', APPROVERS)).toEqual(['<@U0ATT1>', '<@U0ATT2>']);
  });

  it('does not turn a malformed user id into a mention', () => {
    const rotation = { ...aRotation(), requesterId: '<!channel>' };
    expect(reminderMentions(rotation, 'no_meeting_yet', [])).toEqual(['&lt;!channel&gt;']);
  });
});

describe('buildDigest', () => {
  function digest(rotations: Rotation[], now = NOW): SlackMessage {
    const message = buildDigest(rotations, context({ now }));
    expectWithinBlockKitLimits('message', message);
    expect(mentionsIn(message)).toEqual([]);
    return message;
  }

  /** The rotation ids in the order the digest lists them. */
  const listed = (message: SlackMessage): string[] => [...allText(message).matchAll(/^• `(ROT-\w+)`/gm)].map((m) => m[1] as string);

  it('says when there is nothing open or planned', () => {
    const message = digest([aRotationIn('completed'), aRotationIn('cancelled')]);
    expect(sectionTexts(message)).toEqual([`No open or planned rotations this week. \`${COMMAND}\` opens the request form.`]);
    expect(message.text).toMatch(/^Weekly digest: /);
  });

  it('lists open rotations most urgent first, one line each, then the planned ones; closed ones are left out', () => {
    const late = aRotation({ id: 'ROT-LATE22', deadline: '2026-03-10' });
    const soon = aRotationIn('approved', { id: 'ROT-SOON22', deadline: '2026-03-20' });
    const later = aRotationIn('submitted', { id: 'ROT-LATER2', deadline: '2026-04-30' });
    const { planned } = aPlannedRotation();
    const message = digest([later, aRotationIn('completed', { id: 'ROT-DONE22' }), planned, soon, late]);
    expect(listed(message)).toEqual(['ROT-LATE22', 'ROT-SOON22', 'ROT-LATER2', planned.id]);
    const text = allText(message);
    expect(text).toContain('*Open rotations*, most urgent first');
    expect(text).toContain('*Planned next cycles*');
    expect(text).toContain(`• \`ROT-LATE22\` *${STATUS_LABELS.requested}* · https://acme.wfi.pega.com · Deadline ${plainDate('2026-03-10')}`);
    expect(text).toMatch(/ROT-LATE22.*:warning: \*late by/);
    for (const line of text.split('\n').filter((l) => l.startsWith('• '))) expect(line).toMatch(/^• `ROT-\w+` .* · Deadline /);
    expect(contextTexts(message)[0]).toBe(`3 open rotations (1 late), 1 planned next cycle · as of ${plainDate('2026-03-05')}`);
    expect(message.text).toBe('Weekly digest: 3 open rotations (1 late), 1 planned next cycle');
    expect(buttons(message)).toEqual([]);
  });

  it('caps the open and planned lists and counts the rest, within 50 blocks even with long instance URLs', () => {
    const longUrl = `https://${'a'.repeat(180)}.wfi.pega.com`;
    const open = Array.from({ length: DIGEST_OPEN_MAX + 12 }, (_, i) => aRotation({ id: idFor(i), instanceUrl: longUrl }));
    const planned = Array.from({ length: DIGEST_PLANNED_MAX + 3 }, (_, i) => ({ ...aPlannedRotation({}, idFor(500 + i)).planned, instanceUrl: longUrl }));
    const message = digest([...open, ...planned]);
    expect(listed(message)).toHaveLength(DIGEST_OPEN_MAX + DIGEST_PLANNED_MAX);
    expect(contextTexts(message)).toContain('…and 12 more, less urgent.');
    expect(contextTexts(message)).toContain('…and 3 more, due later.');
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });

  it('escapes instance URLs', () => {
    const text = allText(digest([aRotation({ instanceUrl: HOSTILE })]));
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('uses only header, context and section blocks', () => {
    const message = digest([aRotation(), aPlannedRotation().planned]);
    expect(new Set((message.blocks as types.KnownBlock[]).map((b) => b.type))).toEqual(new Set(['header', 'context', 'section']));
  });
});
