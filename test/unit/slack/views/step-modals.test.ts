import type { types } from '@slack/bolt';
import { MEETING_PLATFORMS, type Meeting } from '../../../../src/domain/rotation';
import { STEP_LIMITS } from '../../../../src/domain/step-inputs';
import { INPUT_ACTION, MODALS, MY_TIME_ZONE, STEP_BLOCKS } from '../../../../src/slack/ids';
import { encodeStepMeta, parseStepMeta } from '../../../../src/slack/parse/step-meta';
import {
  buildCompletionModal,
  buildMeetingModal,
  buildNoticeModal,
  buildReasonModal,
  buildSubmissionModal,
  MEETING_TIME_ZONES,
} from '../../../../src/slack/views/step-modals';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';

const META = { rotationId: 'ROT-4F7K2Q', version: 3 };
const ROTATION = { id: 'ROT-4F7K2Q', instanceUrl: 'https://acme.wfi.pega.com' };

function inputBlock(view: types.ModalView, blockId: string): types.InputBlock {
  const block = view.blocks.find((b) => b.block_id === blockId);
  if (block?.type !== 'input') throw new Error(`no input block ${blockId}`);
  return block as types.InputBlock;
}

/** The element of an input block, loosely typed: each test checks the fields of its own element type. */
function element(view: types.ModalView, blockId: string): Record<string, unknown> {
  return inputBlock(view, blockId).element as unknown as Record<string, unknown>;
}

function inputIds(view: types.ModalView): Array<string | undefined> {
  return view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id);
}

function everyActionId(view: types.ModalView): unknown[] {
  return (view.blocks.filter((b) => b.type === 'input') as types.InputBlock[]).map((b) => (b.element as { action_id?: string }).action_id);
}

const text = (view: types.ModalView) => JSON.stringify(view.blocks);

const aMeeting = (overrides: Partial<Meeting> = {}): Meeting => ({
  by: 'U0REQUESTER',
  at: '2026-02-23T10:00:00.000Z',
  platform: 'Microsoft Teams',
  // 15:00 in Berlin (UTC+1 in March before the switch to summer time on the 29th).
  startsAt: '2026-03-24T14:00:00.000Z',
  timeZone: 'Europe/Berlin',
  joinUrl: 'https://teams.microsoft.com/l/meetup-join/abc',
  attendeeIds: ['U0REQUESTER', 'U0VENDORGUEST'],
  ...overrides,
});

describe('encodeStepMeta', () => {
  it('writes only the rotation id and version, as JSON that parseStepMeta reads back', () => {
    const encoded = encodeStepMeta({ ...META, extra: 'dropped' } as typeof META);
    expect(JSON.parse(encoded)).toEqual({ rotationId: 'ROT-4F7K2Q', version: 3 });
    expect(parseStepMeta(encoded)).toEqual(META);
  });
});

describe('buildReasonModal', () => {
  it.each([
    ['reject', MODALS.reject, 'Reject rotation', 'Reject'],
    ['cancel', MODALS.cancel, 'Cancel rotation', 'Cancel rotation'],
  ] as const)('for %s: callback_id, title, submit and a Back button', (kind, callbackId, title, submit) => {
    const view = buildReasonModal(kind, META, ROTATION);
    expect(view.callback_id).toBe(callbackId);
    expect(view.title).toEqual({ type: 'plain_text', text: title });
    expect(view.submit).toEqual({ type: 'plain_text', text: submit });
    expect(view.close).toEqual({ type: 'plain_text', text: 'Back' });
    expect(parseStepMeta(view.private_metadata)).toEqual(META);
    expectWithinBlockKitLimits('modal', view);
  });

  it('asks for one required multiline reason within the step limit', () => {
    const view = buildReasonModal('reject', META, ROTATION);
    expect(inputIds(view)).toEqual([STEP_BLOCKS.reason]);
    expect(inputBlock(view, STEP_BLOCKS.reason).optional).toBeFalsy();
    expect(element(view, STEP_BLOCKS.reason)).toMatchObject({
      type: 'plain_text_input',
      action_id: INPUT_ACTION,
      multiline: true,
      max_length: STEP_LIMITS.reason,
    });
  });

  it('names the rotation and says never to paste the secret', () => {
    const view = buildReasonModal('cancel', META, ROTATION);
    expect(text(view)).toContain('ROT-4F7K2Q');
    expect(text(view)).toContain('https://acme.wfi.pega.com');
    expect(text(view)).toMatch(/Never paste the secret/);
  });

  it('escapes the instance URL it shows', () => {
    const view = buildReasonModal('reject', META, { id: 'ROT-4F7K2Q', instanceUrl: 'https://a.wfi.pega.com/<!channel>' });
    expect(text(view)).not.toContain('<!channel>');
    expect(text(view)).toContain('&lt;!channel&gt;');
  });
});

describe('buildSubmissionModal', () => {
  const view = buildSubmissionModal(META, { rotationId: 'ROT-4F7K2Q', today: '2026-02-23' });

  it('is the submission modal with its metadata', () => {
    expect(view.callback_id).toBe(MODALS.submission);
    expect(parseStepMeta(view.private_metadata)).toEqual(META);
    expect(view.close?.text).toBe('Back');
    expect(view.submit).toBeDefined();
  });

  it('asks for the case number and the date submitted, both required', () => {
    expect(inputIds(view)).toEqual([STEP_BLOCKS.caseNumber, STEP_BLOCKS.submittedOn]);
    expect(everyActionId(view)).toEqual([INPUT_ACTION, INPUT_ACTION]);
    expect(inputBlock(view, STEP_BLOCKS.caseNumber).optional).toBeFalsy();
    expect(inputBlock(view, STEP_BLOCKS.submittedOn).optional).toBeFalsy();
    expect(element(view, STEP_BLOCKS.caseNumber)).toMatchObject({
      type: 'plain_text_input',
      max_length: STEP_LIMITS.caseNumber,
      placeholder: { type: 'plain_text', text: 'CS-0123456' },
    });
  });

  it('defaults the date submitted to today', () => {
    expect(element(view, STEP_BLOCKS.submittedOn)).toMatchObject({ type: 'datepicker', initial_date: '2026-02-23' });
  });

  it('leaves the date empty rather than send Slack something that is not a date', () => {
    const odd = buildSubmissionModal(META, { rotationId: 'ROT-4F7K2Q', today: '23/02/2026' });
    expect(element(odd, STEP_BLOCKS.submittedOn)).not.toHaveProperty('initial_date');
  });

  it('says never to paste the secret, and stays within Slack limits', () => {
    expect(text(view)).toMatch(/Never paste the secret/);
    expectWithinBlockKitLimits('modal', view);
  });
});

describe('MEETING_TIME_ZONES', () => {
  it('is a curated list of about fifty distinct zones, each valid for Intl', () => {
    expect(MEETING_TIME_ZONES.length).toBeGreaterThanOrEqual(40);
    expect(MEETING_TIME_ZONES.length).toBeLessThanOrEqual(70);
    expect(new Set(MEETING_TIME_ZONES).size).toBe(MEETING_TIME_ZONES.length);
    for (const zone of MEETING_TIME_ZONES) expect(() => new Intl.DateTimeFormat('en-US', { timeZone: zone })).not.toThrow();
  });

  it('includes the zones people meet in most', () => {
    expect(MEETING_TIME_ZONES).toEqual(
      expect.arrayContaining([
        'UTC',
        'Europe/London',
        'Europe/Berlin',
        'America/New_York',
        'America/Los_Angeles',
        'Asia/Kolkata',
        'Asia/Tokyo',
        'Australia/Sydney',
      ]),
    );
  });
});

describe('buildMeetingModal', () => {
  const defaults = { rotationId: 'ROT-4F7K2Q', attendeeIds: ['U0REQUESTER', 'U0ATTENDEE'], policyTimeZone: 'Europe/Berlin' };
  const view = buildMeetingModal(META, defaults);
  const zoneSelect = (v: types.ModalView) => element(v, STEP_BLOCKS.timeZone) as unknown as types.StaticSelect;

  it('is the meeting modal titled "Handoff meeting", with its metadata', () => {
    expect(view.callback_id).toBe(MODALS.meeting);
    expect(view.title.text).toBe('Handoff meeting');
    expect(parseStepMeta(view.private_metadata)).toEqual(META);
  });

  it('has platform, date, time, zone, join link and attendees, in that order, on the shared action_id', () => {
    expect(inputIds(view)).toEqual([
      STEP_BLOCKS.platform,
      STEP_BLOCKS.date,
      STEP_BLOCKS.time,
      STEP_BLOCKS.timeZone,
      STEP_BLOCKS.joinUrl,
      STEP_BLOCKS.attendeeIds,
    ]);
    expect(new Set(everyActionId(view))).toEqual(new Set([INPUT_ACTION]));
    const optional = (view.blocks as types.InputBlock[]).filter((b) => b.type === 'input' && b.optional).map((b) => b.block_id);
    expect(optional).toEqual([STEP_BLOCKS.joinUrl]);
  });

  it('offers the meeting platforms with Webex preselected', () => {
    const platform = element(view, STEP_BLOCKS.platform) as unknown as types.StaticSelect;
    expect(platform.type).toBe('static_select');
    expect(platform.options?.map((o) => o.value)).toEqual([...MEETING_PLATFORMS]);
    expect(platform.initial_option?.value).toBe('Webex');
  });

  it('uses a datepicker and a timepicker, empty for a new meeting', () => {
    expect(element(view, STEP_BLOCKS.date)).toMatchObject({ type: 'datepicker' });
    expect(element(view, STEP_BLOCKS.date)).not.toHaveProperty('initial_date');
    expect(element(view, STEP_BLOCKS.time)).toMatchObject({ type: 'timepicker' });
    expect(element(view, STEP_BLOCKS.time)).not.toHaveProperty('initial_time');
  });

  it('offers "My Slack time zone" first and preselects it for a new meeting', () => {
    const select = zoneSelect(view);
    expect(select.type).toBe('static_select');
    expect(select.options?.[0]).toEqual({ text: { type: 'plain_text', text: 'My Slack time zone' }, value: MY_TIME_ZONE });
    expect(select.initial_option).toEqual(select.options?.[0]);
  });

  it('follows it with the curated zones, with no duplicate and at most 100 options', () => {
    const values = zoneSelect(view).options?.map((o) => o.value) ?? [];
    expect(values.slice(1)).toEqual([...MEETING_TIME_ZONES]);
    expect(new Set(values).size).toBe(values.length);
    expect(values.length).toBeLessThanOrEqual(100);
  });

  it('adds the policy time zone second when the list lacks it', () => {
    const values = zoneSelect(buildMeetingModal(META, { ...defaults, policyTimeZone: 'America/Winnipeg' })).options?.map((o) => o.value);
    expect(values?.slice(0, 3)).toEqual([MY_TIME_ZONE, 'America/Winnipeg', 'UTC']);
  });

  it('leaves out a policy time zone that Intl does not know', () => {
    const values = zoneSelect(buildMeetingModal(META, { ...defaults, policyTimeZone: 'Mars/Olympus_Mons' })).options?.map((o) => o.value);
    expect(values).not.toContain('Mars/Olympus_Mons');
  });

  it('asks for an optional https join link', () => {
    expect(element(view, STEP_BLOCKS.joinUrl)).toMatchObject({ type: 'url_text_input' });
    expect(element(view, STEP_BLOCKS.joinUrl)).not.toHaveProperty('initial_value');
    expect(inputBlock(view, STEP_BLOCKS.joinUrl).hint?.text).toBe('https:// only');
  });

  it('preselects the rotation\'s attendees, up to 20 people', () => {
    expect(element(view, STEP_BLOCKS.attendeeIds)).toMatchObject({
      type: 'multi_users_select',
      initial_users: ['U0REQUESTER', 'U0ATTENDEE'],
      max_selected_items: STEP_LIMITS.attendees,
    });
  });

  it('says never to paste the secret and stays within Slack limits', () => {
    expect(text(view)).toMatch(/Never paste the secret/);
    expectWithinBlockKitLimits('modal', view);
  });

  describe('rescheduling (a current meeting)', () => {
    const current = aMeeting();
    const rescheduled = buildMeetingModal(META, { ...defaults, policyTimeZone: 'UTC', current });

    it('prefills the platform, the link and the attendees from the current meeting', () => {
      expect((element(rescheduled, STEP_BLOCKS.platform) as unknown as types.StaticSelect).initial_option?.value).toBe('Microsoft Teams');
      expect(element(rescheduled, STEP_BLOCKS.joinUrl).initial_value).toBe('https://teams.microsoft.com/l/meetup-join/abc');
      expect(element(rescheduled, STEP_BLOCKS.attendeeIds).initial_users).toEqual(['U0REQUESTER', 'U0VENDORGUEST']);
    });

    it('prefills the date and time as the wall clock in the meeting\'s own zone', () => {
      expect(element(rescheduled, STEP_BLOCKS.date).initial_date).toBe('2026-03-24');
      expect(element(rescheduled, STEP_BLOCKS.time).initial_time).toBe('15:00');
    });

    it('shows the wall clock across a date line: 23:30 UTC is the next morning in Tokyo', () => {
      const late = buildMeetingModal(META, { ...defaults, current: aMeeting({ startsAt: '2026-03-24T23:30:00.000Z', timeZone: 'Asia/Tokyo' }) });
      expect(element(late, STEP_BLOCKS.date).initial_date).toBe('2026-03-25');
      expect(element(late, STEP_BLOCKS.time).initial_time).toBe('08:30');
    });

    it('preselects the meeting\'s time zone instead of "My Slack time zone"', () => {
      expect(zoneSelect(rescheduled).initial_option?.value).toBe('Europe/Berlin');
      expect(zoneSelect(rescheduled).options?.[0]?.value).toBe(MY_TIME_ZONE);
    });

    it('adds the meeting\'s zone when the list lacks it, keeping the first option and the limit', () => {
      const odd = buildMeetingModal(META, {
        ...defaults,
        policyTimeZone: 'America/Winnipeg',
        current: aMeeting({ timeZone: 'Pacific/Chatham' }),
      });
      const select = zoneSelect(odd);
      expect(select.initial_option?.value).toBe('Pacific/Chatham');
      expect(select.options?.map((o) => o.value).slice(0, 3)).toEqual([MY_TIME_ZONE, 'America/Winnipeg', 'Pacific/Chatham']);
      expect(select.options?.filter((o) => o.value === 'Pacific/Chatham')).toHaveLength(1);
      expect(select.options?.length).toBeLessThanOrEqual(100);
      expectWithinBlockKitLimits('modal', odd);
    });

    it('prefers the meeting\'s attendees to the rotation\'s', () => {
      expect(element(rescheduled, STEP_BLOCKS.attendeeIds).initial_users).not.toContain('U0ATTENDEE');
    });

    it('opens with empty pickers, not an error, when stored meeting data cannot be shown', () => {
      const broken = buildMeetingModal(META, { ...defaults, current: aMeeting({ startsAt: 'not a time', timeZone: 'Mars/Olympus_Mons' }) });
      expect(element(broken, STEP_BLOCKS.date)).not.toHaveProperty('initial_date');
      expect(element(broken, STEP_BLOCKS.time)).not.toHaveProperty('initial_time');
      expect(zoneSelect(broken).initial_option?.value).toBe(MY_TIME_ZONE);
      expectWithinBlockKitLimits('modal', broken);
    });

    it('stays within Slack limits', () => {
      expectWithinBlockKitLimits('modal', rescheduled);
    });
  });

  it('keeps only well-formed user ids, at most 20, in the preselected attendees', () => {
    const many = Array.from({ length: 25 }, (_, i) => `U${String(i).padStart(8, '0')}`);
    const modal = buildMeetingModal(META, { ...defaults, attendeeIds: ['<!channel>', ...many] });
    const initial = element(modal, STEP_BLOCKS.attendeeIds).initial_users as string[];
    expect(initial).toHaveLength(20);
    expect(initial).not.toContain('<!channel>');
  });
});

describe('buildCompletionModal', () => {
  const view = buildCompletionModal(META, { rotationId: 'ROT-4F7K2Q' });

  it('is the completion modal titled "Secret received", with its metadata', () => {
    expect(view.callback_id).toBe(MODALS.completion);
    expect(view.title.text).toBe('Secret received');
    expect(parseStepMeta(view.private_metadata)).toEqual(META);
    expect(view.submit).toBeDefined();
  });

  it('offers the confirmations as optional checkboxes, value = key and text = label', () => {
    expect(inputIds(view)).toEqual([STEP_BLOCKS.confirmations]);
    expect(inputBlock(view, STEP_BLOCKS.confirmations).optional).toBe(true);
    const boxes = element(view, STEP_BLOCKS.confirmations) as unknown as types.Checkboxes;
    expect(boxes.type).toBe('checkboxes');
    expect(boxes.action_id).toBe(INPUT_ACTION);
    expect(boxes.options.map((o) => [o.value, o.text.text])).toEqual([
      ['vault', 'New secret stored in our vault'],
      ['integrations', 'Integrations updated to the new secret'],
      ['oldSecretRetired', 'Old secret retired'],
    ]);
    expect(boxes).not.toHaveProperty('initial_options');
  });

  it('asks to confirm the handover and not to paste the secret', () => {
    expect(text(view)).toContain('Confirm that the vendor handed the new secret over in the meeting. Do not paste the secret here.');
    expectWithinBlockKitLimits('modal', view);
  });
});

describe('buildNoticeModal', () => {
  it('is a read-only modal with an OK button and one mrkdwn section', () => {
    const view = buildNoticeModal('Already approved', 'Approved by <@U0APPROVER> a minute ago.');
    expect(view.submit).toBeUndefined();
    expect(view.close).toEqual({ type: 'plain_text', text: 'OK' });
    expect(view.title.text).toBe('Already approved');
    expect(view.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'Approved by <@U0APPROVER> a minute ago.' } }]);
    expectWithinBlockKitLimits('modal', view);
  });

  it('truncates a long title to 24 characters and long text to 3000', () => {
    const view = buildNoticeModal('This rotation cannot be changed any more', 'x'.repeat(5000));
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.title.text.endsWith('…')).toBe(true);
    const section = view.blocks[0] as types.SectionBlock;
    expect(section.text?.text.length).toBe(3000);
    expectWithinBlockKitLimits('modal', view);
  });

  it('never cuts an escaped entity, a mention or a surrogate pair in half', () => {
    const entity = (buildNoticeModal('t', `${'x'.repeat(2997)}&amp;tail`).blocks[0] as types.SectionBlock).text?.text ?? '';
    expect(entity).toBe(`${'x'.repeat(2997)}…`);
    const token = (buildNoticeModal('t', `${'x'.repeat(2995)}<@U0APPROVER>`).blocks[0] as types.SectionBlock).text?.text ?? '';
    expect(token).toBe(`${'x'.repeat(2995)}…`);
    const emoji = (buildNoticeModal('t', `${'x'.repeat(2998)}😀😀`).blocks[0] as types.SectionBlock).text?.text ?? '';
    expect(emoji).toBe(`${'x'.repeat(2998)}…`);
    const title = buildNoticeModal(`${'x'.repeat(22)}😀😀`, 'y').title.text;
    expect(title).toBe(`${'x'.repeat(22)}…`);
  });

  it('falls back to a title when given an empty one', () => {
    expectWithinBlockKitLimits('modal', buildNoticeModal('  ', 'text'));
  });
});
