import type { ViewOutput } from '@slack/bolt';
import { checkMeeting, checkReason, checkSubmission } from '../../../../src/domain/step-inputs';
import { INPUT_ACTION, MY_TIME_ZONE, STEP_BLOCKS } from '../../../../src/slack/ids';
import {
  parseCompletionForm,
  parseMeetingForm,
  parseReasonForm,
  parseSubmissionForm,
  toStepBlockErrors,
} from '../../../../src/slack/parse/step-forms';
import { encodeStepMeta, parseStepMeta } from '../../../../src/slack/parse/step-meta';

type StateValues = ViewOutput['state']['values'];
type StepField = keyof typeof STEP_BLOCKS;

/** `view.state.values` as Slack sends it on view_submission: values[block_id][action_id]. */
function state(fields: Partial<Record<StepField, unknown>>): StateValues {
  return Object.fromEntries(
    Object.entries(fields).map(([field, value]) => [STEP_BLOCKS[field as StepField], { [INPUT_ACTION]: value }]),
  ) as StateValues;
}

const option = (value: string, text = value) => ({ text: { type: 'plain_text', text, emoji: true }, value });

const HOSTILE_VALUES: Array<[string, unknown]> = [
  ['null', null],
  ['undefined', undefined],
  ['an array', []],
  ['a string', 'values'],
  ['a number', 42],
  ['an empty object', {}],
];

describe('parseStepMeta', () => {
  it('reads what encodeStepMeta writes', () => {
    expect(parseStepMeta(encodeStepMeta({ rotationId: 'ROT-4F7K2Q', version: 1 }))).toEqual({ rotationId: 'ROT-4F7K2Q', version: 1 });
    expect(parseStepMeta('{"rotationId":"ROT-ABC234","version":999999999}')).toEqual({ rotationId: 'ROT-ABC234', version: 999999999 });
  });

  it('keeps only the two fields of an object that has more', () => {
    expect(parseStepMeta('{"rotationId":"ROT-4F7K2Q","version":2,"isApprover":true}')).toEqual({ rotationId: 'ROT-4F7K2Q', version: 2 });
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 7],
    ['an object instead of a string', { rotationId: 'ROT-4F7K2Q', version: 1 }],
    ['an empty string', ''],
    ['not JSON', 'ROT-4F7K2Q:1'],
    ['truncated JSON', '{"rotationId":"ROT-4F7K2Q","version":1'],
    ['JSON null', 'null'],
    ['a JSON array', '["ROT-4F7K2Q",1]'],
    ['a JSON string', '"ROT-4F7K2Q"'],
    ['no version', '{"rotationId":"ROT-4F7K2Q"}'],
    ['no id', '{"version":1}'],
    ['a lower-case id', '{"rotationId":"rot-4f7k2q","version":1}'],
    ['an id with a suffix', '{"rotationId":"ROT-4F7K2Q ","version":1}'],
    ['an id of another shape', '{"rotationId":"ROT-4F7K2Q1","version":1}'],
    ['an id that is a mention', '{"rotationId":"<!channel>","version":1}'],
    ['a version as a string', '{"rotationId":"ROT-4F7K2Q","version":"1"}'],
    ['version 0', '{"rotationId":"ROT-4F7K2Q","version":0}'],
    ['a negative version', '{"rotationId":"ROT-4F7K2Q","version":-1}'],
    ['a fractional version', '{"rotationId":"ROT-4F7K2Q","version":1.5}'],
    ['a version of 1e9', '{"rotationId":"ROT-4F7K2Q","version":1000000000}'],
    ['a huge version', '{"rotationId":"ROT-4F7K2Q","version":1e308}'],
    ['an id only on the prototype', '{"__proto__":{"rotationId":"ROT-4F7K2Q","version":1}}'],
    ['a long string', `{"rotationId":"ROT-4F7K2Q","version":1,"pad":"${'x'.repeat(300)}"}`],
  ])('refuses %s', (_name, raw) => {
    expect(parseStepMeta(raw)).toBeUndefined();
  });
});

describe('parseReasonForm', () => {
  it('reads the typed reason, and feeds checkReason', () => {
    const parsed = parseReasonForm(state({ reason: { type: 'plain_text_input', value: '  Not due until Q3 ' } }));
    expect(parsed).toEqual({ reason: '  Not due until Q3 ' });
    expect(checkReason(parsed.reason)).toEqual({ ok: true, value: 'Not due until Q3' });
  });

  it('reads an empty input (value null) as no reason, which checkReason names', () => {
    const parsed = parseReasonForm(state({ reason: { type: 'plain_text_input', value: null } }));
    expect(parsed).toEqual({});
    expect(checkReason(parsed.reason).ok).toBe(false);
  });

  it.each(HOSTILE_VALUES)('reads values that are %s as nothing', (_name, values) => {
    expect(parseReasonForm(values as StateValues)).toEqual({});
  });

  it('reads a value of the wrong type, or under another action_id, as nothing', () => {
    expect(parseReasonForm(state({ reason: { type: 'plain_text_input', value: ['x'] } }))).toEqual({});
    expect(parseReasonForm({ [STEP_BLOCKS.reason]: { other: { type: 'plain_text_input', value: 'x' } } } as StateValues)).toEqual({});
    expect(parseReasonForm({ [STEP_BLOCKS.reason]: 'x' } as unknown as StateValues)).toEqual({});
  });
});

describe('parseSubmissionForm', () => {
  const values = state({
    caseNumber: { type: 'plain_text_input', value: 'CS-0123456' },
    submittedOn: { type: 'datepicker', selected_date: '2026-02-23' },
  });

  it('reads the case number and the date, and feeds checkSubmission', () => {
    const parsed = parseSubmissionForm(values);
    expect(parsed).toEqual({ caseNumber: 'CS-0123456', submittedOn: '2026-02-23' });
    expect(checkSubmission(parsed, { today: '2026-02-23' })).toEqual({ ok: true, value: parsed });
  });

  it('reads a cleared datepicker (null) as no date', () => {
    expect(parseSubmissionForm(state({ submittedOn: { type: 'datepicker', selected_date: null } }))).toEqual({});
  });

  it.each(HOSTILE_VALUES)('reads values that are %s as nothing', (_name, raw) => {
    expect(parseSubmissionForm(raw as StateValues)).toEqual({});
  });

  it('reads values of the wrong type as nothing', () => {
    const wrong = state({
      caseNumber: { type: 'plain_text_input', value: { text: 'CS-1' } },
      submittedOn: { type: 'datepicker', selected_date: 20260223 },
    });
    expect(parseSubmissionForm(wrong)).toEqual({});
  });
});

describe('parseMeetingForm', () => {
  const realistic = {
    platform: { type: 'static_select', selected_option: option('Microsoft Teams') },
    date: { type: 'datepicker', selected_date: '2026-03-24' },
    time: { type: 'timepicker', selected_time: '15:00' },
    timeZone: { type: 'static_select', selected_option: option('Europe/Berlin') },
    joinUrl: { type: 'url_text_input', value: 'https://teams.microsoft.com/l/meetup-join/abc' },
    attendeeIds: { type: 'multi_users_select', selected_users: ['U0REQUESTER', 'U0ATTENDEE'] },
  };

  it('reads every field of a realistic submission, and feeds checkMeeting', () => {
    const parsed = parseMeetingForm(state(realistic));
    expect(parsed).toEqual({
      platform: 'Microsoft Teams',
      date: '2026-03-24',
      time: '15:00',
      timeZone: 'Europe/Berlin',
      joinUrl: 'https://teams.microsoft.com/l/meetup-join/abc',
      attendeeIds: ['U0REQUESTER', 'U0ATTENDEE'],
    });
    const checked = checkMeeting(parsed, { now: new Date('2026-02-23T10:00:00Z') });
    expect(checked.ok && checked.value.startsAt).toBe('2026-03-24T14:00:00.000Z');
  });

  it('passes "My Slack time zone" through for the listener to resolve', () => {
    const parsed = parseMeetingForm(state({ ...realistic, timeZone: { type: 'static_select', selected_option: option(MY_TIME_ZONE, 'My Slack time zone') } }));
    expect(parsed.timeZone).toBe(MY_TIME_ZONE);
  });

  it('leaves out an empty join link (value null) and unset pickers', () => {
    const parsed = parseMeetingForm(
      state({
        ...realistic,
        date: { type: 'datepicker', selected_date: null },
        time: { type: 'timepicker', selected_time: null },
        joinUrl: { type: 'url_text_input', value: null },
      }),
    );
    expect(parsed).toEqual({ platform: 'Microsoft Teams', timeZone: 'Europe/Berlin', attendeeIds: ['U0REQUESTER', 'U0ATTENDEE'] });
  });

  it.each(HOSTILE_VALUES)('reads values that are %s as nothing', (_name, raw) => {
    expect(parseMeetingForm(raw as StateValues)).toEqual({});
  });

  it('reads options and values of the wrong shape as nothing', () => {
    const wrong = state({
      platform: { type: 'static_select', selected_option: 'Webex' },
      date: { type: 'datepicker', selected_date: ['2026-03-24'] },
      time: { type: 'timepicker', selected_time: 1500 },
      timeZone: { type: 'static_select', selected_option: { value: { zone: 'UTC' } } },
      joinUrl: { type: 'url_text_input', value: true },
      attendeeIds: { type: 'multi_users_select', selected_users: 'U0REQUESTER' },
    });
    expect(parseMeetingForm(wrong)).toEqual({});
  });

  it('keeps only the strings of a mixed user list', () => {
    const mixed = state({ attendeeIds: { type: 'multi_users_select', selected_users: ['U0REQUESTER', 7, null, { id: 'U0X' }] } });
    expect(parseMeetingForm(mixed)).toEqual({ attendeeIds: ['U0REQUESTER'] });
  });

  it('does not read block ids from the prototype', () => {
    const values = Object.create({ [STEP_BLOCKS.date]: { [INPUT_ACTION]: { type: 'datepicker', selected_date: '2026-03-24' } } }) as StateValues;
    expect(parseMeetingForm(values)).toEqual({});
  });
});

describe('parseCompletionForm', () => {
  it('reads the ticked options\' values', () => {
    const values = state({
      confirmations: {
        type: 'checkboxes',
        selected_options: [option('vault', 'New secret stored in our vault'), option('integrations', 'Integrations updated to the new secret')],
      },
    });
    expect(parseCompletionForm(values)).toEqual({ confirmations: ['vault', 'integrations'] });
  });

  it('reads nothing ticked (an empty list, or an optional block left out) as no confirmations', () => {
    expect(parseCompletionForm(state({ confirmations: { type: 'checkboxes', selected_options: [] } }))).toEqual({ confirmations: [] });
    expect(parseCompletionForm({} as StateValues)).toEqual({ confirmations: [] });
  });

  it.each(HOSTILE_VALUES)('reads values that are %s as no confirmations', (_name, raw) => {
    expect(parseCompletionForm(raw as StateValues)).toEqual({ confirmations: [] });
  });

  it('skips malformed options and repeats, leaving unknown keys for checkConfirmations', () => {
    const values = state({
      confirmations: {
        type: 'checkboxes',
        selected_options: ['vault', null, { value: 3 }, option('vault'), option('vault'), option('made_up')],
      },
    });
    expect(parseCompletionForm(values)).toEqual({ confirmations: ['vault', 'made_up'] });
    expect(parseCompletionForm(state({ confirmations: { type: 'checkboxes', selected_options: 'vault' } }))).toEqual({ confirmations: [] });
  });
});

describe('toStepBlockErrors', () => {
  it('keys each step field error by its block_id', () => {
    expect(
      toStepBlockErrors({
        reason: 'r',
        caseNumber: 'c',
        submittedOn: 's',
        platform: 'p',
        date: 'd',
        time: 't',
        timeZone: 'z',
        joinUrl: 'j',
        attendeeIds: 'a',
      }),
    ).toEqual({
      reason: 'r',
      case_number: 'c',
      submitted_on: 's',
      platform: 'p',
      meeting_date: 'd',
      meeting_time: 't',
      meeting_time_zone: 'z',
      join_url: 'j',
      meeting_attendees: 'a',
    });
  });

  it('maps what the checks actually return', () => {
    const checked = checkMeeting({ platform: 'Zoom', date: '2026-03-24', time: '25:00', timeZone: 'UTC', attendeeIds: [] }, { now: new Date('2026-02-23T10:00:00Z') });
    if (checked.ok) throw new Error('expected errors');
    expect(Object.keys(toStepBlockErrors(checked.errors)).sort()).toEqual(
      [STEP_BLOCKS.platform, STEP_BLOCKS.time, STEP_BLOCKS.attendeeIds].sort(),
    );
  });

  it('drops fields with no block, inherited names and missing messages', () => {
    expect(toStepBlockErrors({ nonsense: 'x', toString: 'y', constructor: 'z', reason: undefined })).toEqual({});
    expect(toStepBlockErrors({})).toEqual({});
  });
});
