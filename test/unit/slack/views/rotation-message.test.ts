import { reportedExposure } from '../../../support/changes';
import type { types } from '@slack/bolt';

import type { AuditEntry } from '../../../../src/domain/rotation';
import { buildServiceRequest, PORTAL_NOTES, PORTAL_STEPS } from '../../../../src/domain/service-request';
import { ACTIONS, COMMAND } from '../../../../src/slack/ids';
import { buttonValue, parseButtonValue } from '../../../../src/slack/parse/button-value';
import { buildAppHome } from '../../../../src/slack/views/app-home';
import { buildHelp, buildNotFound } from '../../../../src/slack/views/command-replies';
import { STATUS_LABELS } from '../../../../src/slack/views/labels';
import { calendarDate, escapedChunks, escapeMrkdwn, mention, plural, truncate } from '../../../../src/slack/views/mrkdwn';
import { buildRotationMessage, buildUndeliverableNotice } from '../../../../src/slack/views/rotation-message';
import { buildRotationStatus } from '../../../../src/slack/views/status';
import type { RotationMessageContext, SlackMessage } from '../../../../src/slack/views/types';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';
import { aRotation, aRotationIn, MEETING_START, TEST_NOW, TEST_POLICY } from '../../../../testkit/rotations';
import { dateTimeToken } from './view-helpers';

const context = (overrides: Partial<RotationMessageContext> = {}): RotationMessageContext => ({
  now: TEST_NOW,
  policy: TEST_POLICY,
  ...overrides,
});

const HOSTILE_NOTES = 'Please hurry <!channel> <https://evil|click> & <@U123>';

function fieldText(message: SlackMessage, title: string): string {
  for (const block of message.blocks) {
    if (block.type !== 'section') continue;
    const field = (block as types.SectionBlock).fields?.find((f) => f.text.startsWith(`*${title}*\n`));
    if (field) return field.text.slice(title.length + 3);
  }
  throw new Error(`no field ${title}`);
}

const sectionTexts = (message: SlackMessage): string[] =>
  message.blocks.filter((b) => b.type === 'section').map((b) => (b as types.SectionBlock).text?.text ?? '');

function buttons(message: SlackMessage): types.Button[] {
  return message.blocks.filter((b) => b.type === 'actions').flatMap((b) => (b as types.ActionsBlock).elements as types.Button[]);
}

interface RichTextElement {
  type: string;
  elements?: RichTextElement[];
  text?: string;
}

function richTextElements(message: SlackMessage): RichTextElement[] {
  return message.blocks.filter((b) => b.type === 'rich_text').flatMap((b) => (b as unknown as RichTextElement).elements ?? []);
}

describe('buildRotationMessage', () => {
  const rotation = aRotation();
  const message = buildRotationMessage(rotation, context());

  it('has a fallback text naming the rotation, the instance, the status and submit-by', () => {
    expect(message.text).toBe(
      'WFI client secret rotation ROT-4F7K2Q for https://acme.wfi.pega.com: Awaiting approval, submit by Fri 6 Mar 2026',
    );
  });

  it('shows the key facts', () => {
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'WFI client secret rotation ROT-4F7K2Q' } });
    expect(fieldText(message, 'Instance')).toBe('https://acme.wfi.pega.com');
    expect(fieldText(message, 'Environment type')).toBe('Production');
    expect(fieldText(message, 'Status')).toBe(STATUS_LABELS.requested);
    expect(fieldText(message, 'Requested by')).toBe('<@U0REQUESTER>');
    expect(fieldText(message, 'Policy deadline')).toBe(`Fri 20 Mar 2026`);
  });

  it('shows submit-by as a Slack date token with the plain date as fallback, and the business days left', () => {
    expect(fieldText(message, 'Submit to the vendor by')).toBe(
      `Fri 6 Mar 2026\n10 business days left`,
    );
  });

  it.each([
    ['2026-03-05T09:00:00Z', '1 business day left'],
    ['2026-03-06T09:00:00Z', '*due today*'],
    ['2026-03-09T09:00:00Z', '*overdue by 1 business day*'],
    ['2026-03-10T09:00:00Z', '*overdue by 2 business days*'],
  ])('on %s says %s', (now, wording) => {
    const later = buildRotationMessage(rotation, context({ now: new Date(now) }));
    expect(fieldText(later, 'Submit to the vendor by').split('\n')[1]).toBe(wording);
  });

  it('shows every portal value, in order, each in its own preformatted element', () => {
    const elements = richTextElements(message);
    const preformatted = elements.filter((e) => e.type === 'rich_text_preformatted');
    const values = preformatted.map((e) => {
      expect(e.elements).toHaveLength(1);
      return e.elements?.[0]?.text;
    });
    expect(values).toEqual([
      'Other',
      'Rotate the Workforce Intelligence client secret',
      'Workforce Intelligence',
      'Pega Cloud',
      'Other',
      'https://acme.wfi.pega.com',
      'Production',
      'Please rotate the Workforce Intelligence client secret',
    ]);
    expect(values).toEqual(buildServiceRequest(rotation).map((f) => f.value));
    // Each value follows its label, so the pairs read in the portal's order.
    const labels = elements.filter((e) => e.type === 'rich_text_section').map((e) => e.elements?.[0]?.text);
    expect(labels).toEqual(buildServiceRequest(rotation).map((f) => `${f.tab} tab · ${f.label}`));
  });

  it('carries the instance URL and the environment type of the rotation into the portal values', () => {
    const staging = aRotation({ instanceUrl: 'https://globex.wfi.pega.com', environmentType: 'Staging' });
    const values = richTextElements(buildRotationMessage(staging, context()))
      .filter((e) => e.type === 'rich_text_preformatted')
      .map((e) => e.elements?.[0]?.text);
    expect(values[5]).toBe('https://globex.wfi.pega.com');
    expect(values[6]).toBe('Staging');
  });

  it('lists the portal steps as a numbered checklist and the vendor notes', () => {
    const steps = sectionTexts(message).find((t) => t.startsWith('*Steps in the portal*'));
    expect(steps?.split('\n').slice(1)).toEqual(PORTAL_STEPS.map((step, i) => `${i + 1}. ${escapeMrkdwn(step)}`));
    expect(JSON.stringify(message.blocks)).toContain(PORTAL_NOTES);
  });

  it('names the handoff attendees', () => {
    expect(JSON.stringify(message.blocks)).toContain('Handoff attendees: <@U0REQUESTER>, <@U0ATTENDEE>');
  });

  it('has no late warning when the request was made on time, even once submit-by has passed', () => {
    expect(JSON.stringify(message.blocks)).not.toContain('Late:');
    const overdue = buildRotationMessage(rotation, context({ now: new Date('2026-03-12T09:00:00Z') }));
    expect(JSON.stringify(overdue.blocks)).not.toContain('Late:');
  });

  it('warns when the request was made after submit-by, by how many business days', () => {
    const late = aRotation({ now: new Date('2026-03-10T09:00:00Z') });
    expect(late.lateByBusinessDays).toBe(2);
    const texts = sectionTexts(buildRotationMessage(late, context({ now: new Date('2026-03-10T09:00:00Z') })));
    const warning = texts.find((t) => t.includes('*Late:*'));
    expect(warning).toContain(`after its submit-by date (Fri 6 Mar 2026)`);
    expect(warning).toContain("2 business days short of the vendor's 10-business-day lead time");
  });

  it('offers Approve, Reject and Cancel while requested, each carrying ROT-XXXXXX:version', () => {
    const [approve, reject, cancel, ...rest] = buttons(message);
    expect(rest).toEqual([]);
    expect(approve).toMatchObject({ action_id: ACTIONS.approve, style: 'primary', value: 'ROT-4F7K2Q:1', text: { text: 'Approve' } });
    expect(reject).toMatchObject({ action_id: ACTIONS.reject, style: 'danger', value: 'ROT-4F7K2Q:1', text: { text: 'Reject' } });
    expect(cancel).toMatchObject({ action_id: ACTIONS.cancel, value: 'ROT-4F7K2Q:1', text: { text: 'Cancel' } });
    expect(cancel).not.toHaveProperty('style');
    const bumped = buttons(buildRotationMessage(aRotation({ version: 7 }), context()));
    expect(bumped.map((b) => b.value)).toEqual(['ROT-4F7K2Q:7', 'ROT-4F7K2Q:7', 'ROT-4F7K2Q:7']);
  });

  it('adds the portal link button only when a portal URL is configured', () => {
    expect(buttons(message).map((b) => b.action_id)).not.toContain(ACTIONS.openPortal);
    const withPortal = buttons(buildRotationMessage(rotation, context({ portalUrl: 'https://support.example.com/portal' })));
    expect(withPortal.map((b) => b.action_id)).toEqual([ACTIONS.approve, ACTIONS.reject, ACTIONS.openPortal, ACTIONS.cancel]);
    expect(withPortal[2]).toMatchObject({ url: 'https://support.example.com/portal', text: { text: 'Open My Support Portal' } });
    expect(withPortal[2]).not.toHaveProperty('value');
  });

  it('omits the notes section when there are no notes', () => {
    expect(sectionTexts(message).some((t) => t.startsWith('*Notes*'))).toBe(false);
  });

  it('shows notes literally: no broadcast, no disguised link, no mention', () => {
    const withNotes = buildRotationMessage(aRotation({ notes: HOSTILE_NOTES }), context());
    const notes = sectionTexts(withNotes).find((t) => t.startsWith('*Notes*'));
    expect(notes).toBe('*Notes*\nPlease hurry &lt;!channel&gt; &lt;https://evil|click&gt; &amp; &lt;@U123&gt;');
    const json = JSON.stringify(withNotes);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    expect(json).not.toContain('<@U123>');
  });

  it('keeps 2000 characters of notes whole, across sections when escaping makes them longer than one', () => {
    const notes = '<&> '.repeat(500);
    const withNotes = buildRotationMessage(aRotation({ notes }), context());
    const texts = sectionTexts(withNotes);
    const first = texts.findIndex((t) => t.startsWith('*Notes*\n'));
    const noteSections = texts.slice(first, texts.findIndex((t) => t.startsWith('*Service request')));
    expect(noteSections.length).toBeGreaterThan(1);
    expect(noteSections.join('').slice('*Notes*\n'.length)).toBe(escapeMrkdwn(notes));
    expectWithinBlockKitLimits('message', withNotes);
  });
});

describe('buttonValue and parseButtonValue', () => {
  it('round-trip the id and version', () => {
    expect(buttonValue({ id: 'ROT-4F7K2Q', version: 12 })).toBe('ROT-4F7K2Q:12');
    expect(parseButtonValue('ROT-4F7K2Q:12')).toEqual({ id: 'ROT-4F7K2Q', version: 12 });
  });

  it.each([undefined, '', 'ROT-4F7K2Q', 'ROT-4F7K2Q:', 'ROT-4F7K2Q:x', 'rot-4f7k2q:1', 'ROT-4F7K2Q:1:2', 'ROT-4F7K2Q:1234567890'])(
    'refuse %p',
    (value) => {
      expect(parseButtonValue(value)).toBeUndefined();
    },
  );
});

describe('mrkdwn helpers', () => {
  it('escapeMrkdwn escapes Slack’s three control characters, & first', () => {
    expect(escapeMrkdwn('a < b > c & d')).toBe('a &lt; b &gt; c &amp; d');
    expect(escapeMrkdwn('&lt;')).toBe('&amp;lt;');
  });

  it('mention() mentions a well-formed user id and refuses anything else', () => {
    expect(mention('U0123ABCD')).toBe('<@U0123ABCD>');
    expect(mention('W0123ABCD')).toBe('<@W0123ABCD>');
    for (const bad of ['U123>x<!channel', '<!channel>', 'C0123ABCD', 'u0123abcd', '', 'U1']) {
      expect(mention(bad)).not.toMatch(/<[@!#]/);
      expect(mention(bad)).not.toContain('<');
    }
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('calendarDate shows a calendar date as plain text, the same for every reader, never as a date token', () => {
    expect(calendarDate('2026-03-06')).toBe('Fri 6 Mar 2026');
    expect(calendarDate('2027-01-04')).toBe('Mon 4 Jan 2027');
    // A damaged record shows what it holds, escaped.
    expect(calendarDate('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('plural', () => {
    expect(plural(1, 'business day')).toBe('1 business day');
    expect(plural(0, 'business day')).toBe('0 business days');
    expect(plural(2, 'business day')).toBe('2 business days');
  });

  it('escapedChunks keeps every piece within the limit, never splits an entity, and loses nothing', () => {
    const text = `${'&'.repeat(7)} <b> ${'x'.repeat(30)} 😀😀 end`;
    for (const max of [10, 17, 25, 1000]) {
      const chunks = escapedChunks(text, max);
      expect(chunks.join('')).toBe(escapeMrkdwn(text));
      for (const chunk of chunks) {
        expect(chunk.length).toBeLessThanOrEqual(max);
        expect(chunk).not.toMatch(/&[a-z]*$/); // no entity cut at the end…
        expect(chunk).not.toMatch(/^[a-z]*;/); // …or at the start
        expect(chunk).not.toMatch(/[\uD800-\uDBFF]$/); // nor a surrogate pair
      }
    }
    expect(escapedChunks('', 10)).toEqual(['']);
    expect(escapedChunks('one two three four', 12)).toEqual(['one two ', 'three four']);
  });

  it('escapedChunks breaks at a space or line end only in the second half of a piece, and fills a piece exactly', () => {
    // max 12: the 13th character overflows; a break at index 6 (= max / 2) is taken, one at index 5 is not.
    expect(escapedChunks('abcdef ghijklmnop', 12)).toEqual(['abcdef ', 'ghijklmnop']);
    expect(escapedChunks('abcde fghijklmnop', 12)).toEqual(['abcde fghijk', 'lmnop']);
    expect(escapedChunks('abcdef\nghijklmnop', 12)).toEqual(['abcdef\n', 'ghijklmnop']);
    // The later of a line end and a space wins.
    expect(escapedChunks('ab cdefg\nhij klmno', 12)).toEqual(['ab cdefg\n', 'hij klmno']);
    expect(escapedChunks('ab\ncdefg hij klmno', 12)).toEqual(['ab\ncdefg ', 'hij klmno']);
    // Exactly max characters are one piece; one more makes two.
    expect(escapedChunks('x'.repeat(12), 12)).toEqual(['x'.repeat(12)]);
    expect(escapedChunks('x'.repeat(13), 12)).toEqual(['x'.repeat(12), 'x']);
    // An entity that would overflow moves whole to the next piece.
    expect(escapedChunks(`${'x'.repeat(10)}<`, 12)).toEqual(['x'.repeat(10), '&lt;']);
  });

  it('truncate shortens long text with an ellipsis and leaves short text alone', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
  });
});

describe('command replies', () => {
  it('help names every subcommand', () => {
    const help = buildHelp(12);
    for (const usage of [`\`${COMMAND}\``, `\`${COMMAND} list\``, `\`${COMMAND} status ROT-XXXXXX\``, `\`${COMMAND} export\``, `\`${COMMAND} help\``]) {
      expect(help.text).toContain(usage);
    }
    expect(help.blocks).toHaveLength(1);
    expect(help.text).toContain('at least 12 business days before');
  });

  it('not found echoes what was typed, escaped and shortened', () => {
    const notFound = buildNotFound('<!here> nope');
    expect(notFound.text).toContain('`&lt;!here&gt; nope`');
    expect(JSON.stringify(notFound)).not.toContain('<!here>');

    const pasted = buildNotFound('<'.repeat(5000));
    expect(pasted.text.length).toBeLessThan(400);
    expectWithinBlockKitLimits('message', pasted);
    expectWithinBlockKitLimits('message', buildNotFound('&'.repeat(5000)));
  });

  it('the undeliverable notice names the channel and escapes Slack’s reason', () => {
    const notice = buildUndeliverableNotice('C0ROTATIONS', 'not_in_channel <!channel>');
    expect(notice.text).toContain('<#C0ROTATIONS>');
    expect(notice.text).toContain('`not_in_channel &lt;!channel&gt;`');
  });

  describe('buildRotationStatus', () => {
    it('shows the summary, the history with who and what, and where the message is', () => {
      const rotation = aRotation({ message: { channelId: 'C0ROTATIONS', ts: '1771581600.000100' } });
      const status = buildRotationStatus(rotation, { ...context(), showJoinLink: true });
      expect(status.text).toBe('ROT-4F7K2Q: Awaiting approval');
      expect(status.blocks[0]).toMatchObject({ type: 'header' });
      const history = sectionTexts(status).find((t) => t.startsWith('*History*'));
      // The time is an instant (a token each reader sees in their zone); the dates are calendar dates, plain.
      expect(history).toBe(
        `*History*\n• ${dateTimeToken('2026-02-20T10:00:00.000Z', '2026-02-20 10:00 UTC')} · <@U0REQUESTER> · requested (deadline: Fri 20 Mar 2026, submitBy: Fri 6 Mar 2026)`,
      );
      expect(JSON.stringify(status.blocks.at(-1))).toContain('Message: <#C0ROTATIONS>');
      expect(JSON.stringify(buildRotationStatus(aRotation(), { ...context(), showJoinLink: true }).blocks.at(-1))).toContain('not posted yet');
    });

    it('shows a secret_exposed entry as the event and the state it stayed in, not as a change of state', () => {
      const exposed = reportedExposure(aRotation(), {
        posterId: 'U0POSTER',
        channelId: 'C0ROTATIONS',
        messageTs: '1771671600.000200',
        now: new Date('2026-02-21T11:00:00Z'),
      });
      if (!exposed) throw new Error('not recorded');

      const history = sectionTexts(buildRotationStatus(exposed, { ...context(), showJoinLink: true })).find((t) => t.startsWith('*History*')) ?? '';

      const lines = history.split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[2]).toMatch(
        /^• <!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-02-21 11:00 UTC> · <@U0POSTER> · secret_exposed \(still requested\) \(channel: C0ROTATIONS, messageTs: 1771671600\.000200, advice: .*fresh one\.\)$/,
      );
      expect(history).not.toContain('requested → requested');
    });

    it('shows the join link in the history only to those who may see it (the handoff and the approvers)', () => {
      const scheduled = aRotationIn('meeting_scheduled');
      const forThem = sectionTexts(buildRotationStatus(scheduled, { ...context(), showJoinLink: true })).join('\n');
      const forOthers = JSON.stringify(buildRotationStatus(scheduled, { ...context(), showJoinLink: false }));

      expect(forThem).toContain('join link: <https://acme.webex.com/meet/handoff|Join the meeting>');
      expect(forOthers).not.toContain('webex.com');
      // Everything the channel shows is still there: the meeting's time as a token, the platform, the attendees.
      expect(forOthers).toContain(`startsAt: ${dateTimeToken(MEETING_START, '2026-03-24 14:00 UTC')}`);
      expect(forOthers).toContain('platform: Webex');
      expect(forOthers).toContain('attendees: <@U0REQUESTER> <@U0ATTENDEE>');
    });

    it('escapes audit details', () => {
      const entry: AuditEntry = { at: '2026-02-21T08:00:00.000Z', actorId: 'U0APPROVER', from: 'requested', to: 'requested', details: { reason: HOSTILE_NOTES } };
      const rotation = aRotation();
      const status = buildRotationStatus({ ...rotation, history: [...rotation.history, entry] }, { ...context(), showJoinLink: true });
      expect(JSON.stringify(status)).not.toContain('<!channel>');
      expect(JSON.stringify(status)).toContain('reason: Please hurry &lt;!channel&gt;');
    });

    it('stays within limits with a long history of long entries, showing the latest 30', () => {
      const base = aRotation({ notes: 'n'.repeat(2000) });
      const history: AuditEntry[] = Array.from({ length: 75 }, (_, i) => ({
        at: new Date(Date.UTC(2026, 1, 20, 10, i)).toISOString(),
        actorId: 'U0APPROVER',
        from: 'requested',
        to: 'requested',
        details: { reason: `<${i}> ${'&'.repeat(400)}`, caseNumber: `CASE-${1000 + i}`, extra: '>'.repeat(300) },
      }));
      const status = buildRotationStatus({ ...base, history }, { ...context(), showJoinLink: true });
      expectWithinBlockKitLimits('message', status);
      const text = sectionTexts(status).join('\n');
      expect(text).toContain('CASE-1074');
      expect(text).toContain('CASE-1045');
      expect(text).not.toContain('CASE-1044');
      expect(JSON.stringify(status.blocks.at(-1))).toContain('Showing the latest 30 of 75 history entries');
    });

    it('stays within limits with many ordinary entries', () => {
      const base = aRotation();
      const entry = base.history[0] as AuditEntry;
      const status = buildRotationStatus({ ...base, history: Array.from({ length: 40 }, () => entry) }, { ...context(), showJoinLink: true });
      expectWithinBlockKitLimits('message', status);
      expect(sectionTexts(status).join('\n').match(/^• /gm)).toHaveLength(30);
    });
  });
});

describe('every builder stays within Slack limits', () => {
  const twentyAttendees = Array.from({ length: 20 }, (_, i) => `U0ATTENDEE${String(i).padStart(2, '0')}`);
  const worstCase = aRotation({
    now: new Date('2026-03-10T09:00:00Z'),
    notes: `${'<'.repeat(1000)}${'&'.repeat(1000)}`,
    attendeeIds: twentyAttendees,
    instanceUrl: `https://${'a'.repeat(63)}.wfi.pega.com`,
    environmentType: 'Development',
    message: { channelId: 'C0ROTATIONS', ts: '1.2' },
  });
  const portal = { portalUrl: `https://support.example.com/${'p'.repeat(1000)}` };

  it.each([
    ['an ordinary rotation', aRotation(), context()],
    ['a late rotation with 2000-character notes, 20 attendees and a portal link', worstCase, context({ ...portal, now: new Date('2026-03-10T09:00:00Z') })],
    ['an ordinary rotation with plain 2000-character notes', aRotation({ notes: 'word '.repeat(400).trim() }), context(portal)],
  ])('the rotation message and status: %s', (_name, rotation, ctx) => {
    expectWithinBlockKitLimits('message', buildRotationMessage(rotation, ctx));
    expectWithinBlockKitLimits('message', buildRotationStatus(rotation, { ...ctx, showJoinLink: true }));
  });

  it('the late, long rotation message names all 20 attendees', () => {
    const json = JSON.stringify(buildRotationMessage(worstCase, context()));
    for (const id of twentyAttendees) expect(json).toContain(`<@${id}>`);
  });

  it('the command replies and the App Home', () => {
    expectWithinBlockKitLimits('message', buildHelp(10));
    expectWithinBlockKitLimits('message', buildNotFound('ROT-XXXXXX'));
    expectWithinBlockKitLimits('message', buildUndeliverableNotice('C0ROTATIONS', 'channel_not_found'));
    expectWithinBlockKitLimits('home', buildAppHome([], { ...context(), leadBusinessDays: 10, viewerId: 'U0VIEWER', scope: 'all' }));
  });
});
