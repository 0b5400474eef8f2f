import type { ViewOutput } from '@slack/bolt';
import { validateRotationRequest, type FieldErrors } from '../../../../src/domain/rotation-request';
import { INPUT_ACTION, REQUEST_BLOCKS } from '../../../../src/slack/ids';
import { parseRequestForm, toBlockErrors } from '../../../../src/slack/parse/request-form';

type StateValues = ViewOutput['state']['values'];

/** `view.state.values` as Slack sends it on view_submission of the request modal. */
function submittedState(overrides: Partial<Record<keyof typeof REQUEST_BLOCKS, unknown>> = {}): StateValues {
  const state: Record<string, unknown> = {
    instanceUrl: { type: 'url_text_input', value: 'https://ACME.wfi.pega.com/' },
    environmentType: {
      type: 'static_select',
      selected_option: { text: { type: 'plain_text', text: 'Staging', emoji: true }, value: 'Staging' },
    },
    deadline: { type: 'datepicker', selected_date: '2026-03-20' },
    channelId: { type: 'conversations_select', selected_conversation: 'C0ROTATIONS' },
    attendeeIds: { type: 'multi_users_select', selected_users: ['U0REQUESTER', 'U0ATTENDEE'] },
    // An optional plain_text_input left empty comes back with value null.
    notes: { type: 'plain_text_input', value: null },
    rotationIntervalDays: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'None', emoji: true }, value: '0' } },
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(state).map(([field, value]) => [REQUEST_BLOCKS[field as keyof typeof REQUEST_BLOCKS], { [INPUT_ACTION]: value }]),
  ) as StateValues;
}

describe('parseRequestForm', () => {
  it('reads every field of a realistic view_submission state', () => {
    const values = submittedState();
    // The shape really is values[block_id][action_id].
    expect(values.instance_url?.value?.type).toBe('url_text_input');
    expect(parseRequestForm(values)).toEqual({
      instanceUrl: 'https://ACME.wfi.pega.com/',
      environmentType: 'Staging',
      deadline: '2026-03-20',
      channelId: 'C0ROTATIONS',
      attendeeIds: ['U0REQUESTER', 'U0ATTENDEE'],
      rotationIntervalDays: '0',
    });
  });

  it('reads the chosen interval, which validation turns into days', () => {
    const values = submittedState({
      rotationIntervalDays: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: '180 days', emoji: true }, value: '180' } },
    });
    const raw = parseRequestForm(values);
    expect(raw.rotationIntervalDays).toBe('180');
    const result = validateRotationRequest(raw, { instanceDomain: 'wfi.pega.com', today: '2026-02-20' });
    expect(result.ok && result.request.rotationIntervalDays).toBe(180);
  });

  it('reads an interval block that is absent or has nothing selected as no interval', () => {
    const { [REQUEST_BLOCKS.rotationIntervalDays]: _interval, ...withoutBlock } = submittedState();
    expect(parseRequestForm(withoutBlock as StateValues)).not.toHaveProperty('rotationIntervalDays');
    const cleared = submittedState({ rotationIntervalDays: { type: 'static_select', selected_option: null } });
    expect(parseRequestForm(cleared)).not.toHaveProperty('rotationIntervalDays');
  });

  it('leaves out notes left empty (null), and reads them when typed', () => {
    expect(parseRequestForm(submittedState())).not.toHaveProperty('notes');
    const typed = parseRequestForm(submittedState({ notes: { type: 'plain_text_input', value: 'Rotate before the audit' } }));
    expect(typed.notes).toBe('Rotate before the audit');
  });

  it('feeds validation, which then accepts the request', () => {
    const result = validateRotationRequest(parseRequestForm(submittedState()), { instanceDomain: 'wfi.pega.com', today: '2026-02-20' });
    expect(result).toEqual({
      ok: true,
      request: {
        instanceUrl: 'https://acme.wfi.pega.com',
        environmentType: 'Staging',
        deadline: '2026-03-20',
        channelId: 'C0ROTATIONS',
        attendeeIds: ['U0REQUESTER', 'U0ATTENDEE'],
      },
    });
  });

  it('reads nothing-selected states as missing fields, which validation names', () => {
    const values = submittedState({
      instanceUrl: { type: 'url_text_input', value: null },
      environmentType: { type: 'static_select', selected_option: null },
      rotationIntervalDays: { type: 'static_select', selected_option: null },
      deadline: { type: 'datepicker', selected_date: null },
      channelId: { type: 'conversations_select', selected_conversation: null },
      attendeeIds: { type: 'multi_users_select', selected_users: [] },
    });
    const raw = parseRequestForm(values);
    expect(raw).toEqual({ attendeeIds: [] });
    const result = validateRotationRequest(raw, { instanceDomain: 'wfi.pega.com', today: '2026-02-20' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['attendeeIds', 'channelId', 'deadline', 'instanceUrl']);
  });

  describe('is defensive against payloads of the wrong shape', () => {
    it.each<[string, unknown]>([
      ['null', null],
      ['undefined', undefined],
      ['an array', []],
      ['a string', 'values'],
      ['an empty object', {}],
    ])('values that are %s read as an empty request', (_name, values) => {
      expect(parseRequestForm(values as StateValues)).toEqual({});
    });

    it('blocks and action states that are not objects, or under another action_id', () => {
      const values = {
        [REQUEST_BLOCKS.instanceUrl]: null,
        [REQUEST_BLOCKS.environmentType]: 'Production',
        [REQUEST_BLOCKS.deadline]: { [INPUT_ACTION]: '2026-03-20' },
        [REQUEST_BLOCKS.channelId]: { other_action: { type: 'conversations_select', selected_conversation: 'C0ROTATIONS' } },
        [REQUEST_BLOCKS.attendeeIds]: { [INPUT_ACTION]: [] },
        [REQUEST_BLOCKS.notes]: { [INPUT_ACTION]: null },
        [REQUEST_BLOCKS.rotationIntervalDays]: { [INPUT_ACTION]: { selected_option: '90' } },
      } as unknown as StateValues;
      expect(parseRequestForm(values)).toEqual({});
    });

    it('values of the wrong type inside the right shape', () => {
      const values = submittedState({
        instanceUrl: { type: 'url_text_input', value: 42 },
        environmentType: { type: 'static_select', selected_option: 'Production' },
        deadline: { type: 'datepicker', selected_date: { date: '2026-03-20' } },
        channelId: { type: 'conversations_select', selected_conversation: ['C0ROTATIONS'] },
        attendeeIds: { type: 'multi_users_select', selected_users: 'U0REQUESTER' },
        notes: { type: 'plain_text_input', value: { text: 'x' } },
        rotationIntervalDays: { type: 'static_select', selected_option: { value: 90 } },
      });
      expect(parseRequestForm(values)).toEqual({});
    });

    it('keeps only the strings of a mixed user list', () => {
      const values = submittedState({ attendeeIds: { type: 'multi_users_select', selected_users: ['U0REQUESTER', 7, null, { id: 'U0X' }] } });
      expect(parseRequestForm(values).attendeeIds).toEqual(['U0REQUESTER']);
    });

    it('ignores blocks it does not know', () => {
      const values = { ...submittedState(), unexpected_block: { [INPUT_ACTION]: { type: 'plain_text_input', value: 'x' } } } as StateValues;
      expect(Object.keys(parseRequestForm(values)).sort()).toEqual([
        'attendeeIds',
        'channelId',
        'deadline',
        'environmentType',
        'instanceUrl',
        'rotationIntervalDays',
      ]);
    });
  });
});

describe('toBlockErrors', () => {
  it('keys each field error by the block_id of its input', () => {
    const errors: FieldErrors = {
      instanceUrl: 'bad url',
      environmentType: 'bad type',
      deadline: 'bad date',
      channelId: 'bad channel',
      attendeeIds: 'bad people',
      notes: 'bad notes',
      rotationIntervalDays: 'bad interval',
    };
    expect(toBlockErrors(errors)).toEqual({
      instance_url: 'bad url',
      environment_type: 'bad type',
      deadline: 'bad date',
      reminder_channel: 'bad channel',
      attendees: 'bad people',
      notes: 'bad notes',
      rotation_interval: 'bad interval',
    });
  });

  it('drops keys that are not request fields', () => {
    expect(toBlockErrors({ notes: 'n', constructor: 'x' } as FieldErrors)).toEqual({ notes: 'n' });
  });

  it('maps the errors validation actually returns, and nothing else', () => {
    const result = validateRotationRequest(
      { instanceUrl: 'http://acme.wfi.pega.com', deadline: '2026-02-19', channelId: 'C0ROTATIONS', attendeeIds: ['U0REQUESTER'] },
      { instanceDomain: 'wfi.pega.com', today: '2026-02-20' },
    );
    if (result.ok) throw new Error('expected errors');
    const blockErrors = toBlockErrors(result.errors);
    expect(Object.keys(blockErrors).sort()).toEqual([REQUEST_BLOCKS.deadline, REQUEST_BLOCKS.instanceUrl].sort());
    expect(blockErrors[REQUEST_BLOCKS.instanceUrl]).toMatch(/https:\/\//);
    expect(blockErrors[REQUEST_BLOCKS.deadline]).toMatch(/future date/);
  });

  it('is empty for no errors', () => {
    expect(toBlockErrors({})).toEqual({});
  });
});
