import { aPlannedRotation, aRotation, aRotationIn } from '../../../testkit/rotations';
import {
  awaitOutcome,
  describeStepErrors,
  EXECUTION_TOKEN_FRESH_MS,
  portalRequestText,
  requestStepOutputs,
  stepRequestInputs,
  usesExecutionToken,
} from '../../../src/domain/workflow-steps';

describe('stepRequestInputs: a workflow step\'s inputs as the request form\'s fields', () => {
  const inputs = { instance_url: ' https://acme.wfi.pega.com ', deadline: '2026-04-30', requester: 'U0REQUEST1', channel: 'C0CHANNEL1', attendees: ['U0ATTEND01'] };

  it('maps every input to its field', () => {
    expect(stepRequestInputs({ ...inputs, environment_type: 'Staging' }, {})).toEqual({
      ok: true,
      requesterId: 'U0REQUEST1',
      form: { instanceUrl: 'https://acme.wfi.pega.com', deadline: '2026-04-30', channelId: 'C0CHANNEL1', attendeeIds: ['U0ATTEND01'], environmentType: 'Staging' },
    });
  });

  it('defaults the channel to WFI_REMINDER_CHANNEL and the attendees to the requester', () => {
    const { channel: _channel, attendees: _attendees, ...rest } = inputs;
    expect(stepRequestInputs(rest, { reminderChannelId: 'C0REMIND01' })).toMatchObject({ ok: true, form: { channelId: 'C0REMIND01', attendeeIds: ['U0REQUEST1'] } });
    expect(stepRequestInputs({ ...rest, attendees: [] }, { reminderChannelId: 'C0REMIND01' })).toMatchObject({ ok: true, form: { attendeeIds: ['U0REQUEST1'] } });
  });

  it('refuses a missing channel with no default, a requester that is not a user id, and attendees that are not a list', () => {
    const { channel: _channel, ...noChannel } = inputs;
    expect(stepRequestInputs(noChannel, {})).toEqual({ ok: false, error: expect.stringMatching(/^channel: .*WFI_REMINDER_CHANNEL/) });
    expect(stepRequestInputs({ ...inputs, requester: 'C0CHANNEL1' }, {})).toEqual({ ok: false, error: expect.stringMatching(/^requester: /) });
    expect(stepRequestInputs({ ...inputs, requester: undefined }, {})).toEqual({ ok: false, error: expect.stringMatching(/^requester: /) });
    expect(stepRequestInputs({ ...inputs, attendees: 'U0ATTEND01' }, {})).toEqual({ ok: false, error: expect.stringMatching(/^attendees: /) });
  });

  it('leaves a missing instance URL or deadline to the form\'s checks', () => {
    const result = stepRequestInputs({ requester: 'U0REQUEST1', channel: 'C0CHANNEL1' }, {});
    expect(result.ok && result.form).toEqual({ channelId: 'C0CHANNEL1', attendeeIds: ['U0REQUEST1'] });
  });
});

describe('describeStepErrors', () => {
  it('names each bad field by the input a workflow author set', () => {
    expect(describeStepErrors({ instanceUrl: 'bad host', channelId: 'Choose the channel' })).toBe(
      'The rotation was not requested. instance_url: bad host; channel: Choose the channel',
    );
  });
});

describe('requestStepOutputs', () => {
  it('gives the id, the submit-by date, lateness and the portal text', () => {
    const rotation = aRotation();
    const outputs = requestStepOutputs(rotation);
    expect(outputs).toEqual({ rotation_id: rotation.id, submit_by: rotation.submitBy, late: false, portal_request: portalRequestText(rotation) });
    expect(requestStepOutputs({ ...rotation, lateByBusinessDays: 2 }).late).toBe(true);
  });

  it('lists every portal field with its value, in order', () => {
    const text = portalRequestText({ instanceUrl: 'https://acme.wfi.pega.com', environmentType: 'Test' });
    expect(text.split('\n')).toEqual([
      'My Support Portal → New request → For something I need',
      'Create tab, Service request: Other',
      'Create tab, Short description: Rotate the Workforce Intelligence client secret',
      'Create tab, Application: Workforce Intelligence',
      'Create tab, Deployment: Pega Cloud',
      'Create tab, Environment: Other',
      'Create tab, Other URL: https://acme.wfi.pega.com',
      'Create tab, Environment type: Test',
      'Details tab, Describe the issue: Please rotate the Workforce Intelligence client secret',
    ]);
  });
});

describe('awaitOutcome', () => {
  it('waits while the rotation is open', () => {
    for (const status of ['requested', 'approved', 'submitted', 'meeting_scheduled'] as const) expect(awaitOutcome(aRotationIn(status))).toEqual({ kind: 'wait' });
  });

  it('completes a completed rotation with its case number and time, and the next deadline when planned', () => {
    const completed = aRotationIn('completed');
    expect(awaitOutcome(completed)).toEqual({ kind: 'complete', outputs: { status: 'completed', case_number: 'CS-0123456', completed_at: completed.completion.at } });
    const { planned, completed: linked } = aPlannedRotation();
    expect(awaitOutcome(linked, planned)).toMatchObject({ kind: 'complete', outputs: { next_deadline: planned.deadline } });
  });

  it('fails with the reason when rejected or cancelled, and for a planned cycle', () => {
    expect(awaitOutcome(aRotationIn('rejected'))).toEqual({ kind: 'fail', error: 'Rotation ROT-4F7K2Q was rejected: Not due yet' });
    expect(awaitOutcome(aRotationIn('cancelled'))).toEqual({ kind: 'fail', error: 'Rotation ROT-4F7K2Q was cancelled: Instance decommissioned' });
    expect(awaitOutcome(aPlannedRotation().planned)).toMatchObject({ kind: 'fail' });
  });
});

describe('usesExecutionToken: which token completes a waiting step', () => {
  const since = '2026-03-02T10:00:00.000Z';
  const at = (ms: number) => new Date(Date.parse(since) + ms);

  it('the execution\'s own while the wait is under ten minutes old (Slack takes it for fifteen)', () => {
    expect(EXECUTION_TOKEN_FRESH_MS).toBe(10 * 60_000);
    expect(usesExecutionToken({ executionId: 'Fx1', token: 'xwfp-1', since }, at(0))).toBe(true);
    expect(usesExecutionToken({ executionId: 'Fx1', token: 'xwfp-1', since }, at(EXECUTION_TOKEN_FRESH_MS - 1))).toBe(true);
  });

  it('the app\'s bot token from then on, and whenever the store no longer has the execution\'s', () => {
    expect(usesExecutionToken({ executionId: 'Fx1', token: 'xwfp-1', since }, at(EXECUTION_TOKEN_FRESH_MS))).toBe(false);
    expect(usesExecutionToken({ executionId: 'Fx1', token: 'xwfp-1', since }, at(30 * 24 * 3_600_000))).toBe(false);
    expect(usesExecutionToken({ executionId: 'Fx1', since }, at(0))).toBe(false);
  });
});
