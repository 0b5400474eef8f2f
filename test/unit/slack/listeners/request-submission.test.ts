import { plannedStartSubmitted, requestSubmitted } from '../../../../src/slack/listeners/request-submission';
import { MODALS, REQUEST_BLOCKS } from '../../../../src/slack/ids';
import { encodeRequestMeta } from '../../../../src/slack/parse/request-meta';
import { explainRefusal, STORE_FAILURE_MESSAGE } from '../../../../src/slack/views/refusals';
import { CHANNEL, REQUESTER, requestFormState } from '../../../../testkit/payloads';
import { aRequest, aRotation } from '../../../../testkit/rotations';
import { callOrder, fakeDeps, noticeText, onlyCallOf, submissionArgs, useUpLimit } from './helpers';

const TOO_MANY =
  'You created 10 rotations in the last 10 minutes, the most the bot takes from one person. Nothing was saved; submit again in 10 minutes (the form keeps what you typed).';

const requestForm = (options: { user?: string; privateMetadata?: string } = {}) =>
  submissionArgs({ callbackId: MODALS.request, values: requestFormState({ notes: 'Yearly rotation', rotationIntervalDays: '90' }), ...options });

/** The one acknowledgement, when it answered the form with a notice in its place. */
function updatedNotice(ack: jest.Mock): string {
  const answer = onlyCallOf(ack) as { response_action: string; view: unknown };
  expect(answer.response_action).toBe('update');
  return noticeText(answer.view);
}

describe('requestSubmitted', () => {
  it('given a valid form, when submitted, then the typed values (not the payload) are checked and saved for the submitter', async () => {
    const deps = fakeDeps();

    await requestSubmitted(deps, requestForm());

    expect(deps.useCases.checkRequest).toHaveBeenCalledWith({
      instanceUrl: 'https://acme.wfi.pega.com',
      environmentType: 'Production',
      deadline: '2026-03-31',
      channelId: CHANNEL,
      attendeeIds: [REQUESTER],
      notes: 'Yearly rotation',
      rotationIntervalDays: '90',
    });
    expect(deps.useCases.saveRequest).toHaveBeenCalledWith(aRequest(), REQUESTER, { teamId: 'T0TEAM001' });
  });

  it('given a valid form, when saved, then the form closes with a plain acknowledgement and the rotation is announced after it', async () => {
    const saved = aRotation({ id: 'ROT-SAVED2' });
    const deps = fakeDeps({ useCases: { saveRequest: async () => saved } });
    const args = requestForm();

    await requestSubmitted(deps, args);

    expect(args.ack).toHaveBeenCalledWith();
    expect(deps.useCases.announceRotation).toHaveBeenCalledWith(saved);
    expect(callOrder({ save: deps.useCases.saveRequest, ack: args.ack, announce: deps.useCases.announceRotation })).toEqual(['save', 'ack', 'announce']);
  });

  it('given fields that do not pass the checks, when submitted, then their errors are shown on their blocks and nothing is saved', async () => {
    const deps = fakeDeps({
      useCases: { checkRequest: () => ({ ok: false, fieldErrors: { deadline: 'Pick a date in the future', instanceUrl: 'Use an instance under wfi.pega.com' } }) },
    });
    const args = requestForm();

    await requestSubmitted(deps, args);

    expect(args.ack).toHaveBeenCalledWith({
      response_action: 'errors',
      errors: { [REQUEST_BLOCKS.deadline]: 'Pick a date in the future', [REQUEST_BLOCKS.instanceUrl]: 'Use an instance under wfi.pega.com' },
    });
    expect(deps.useCases.saveRequest).not.toHaveBeenCalled();
    expect(deps.useCases.announceRotation).not.toHaveBeenCalled();
  });

  it('given the person created 10 rotations in the last 10 minutes, when a valid form is submitted, then the refusal is shown on the form and nothing is saved', async () => {
    const deps = fakeDeps();
    useUpLimit(deps, 'requests', REQUESTER);
    const args = requestForm();

    await requestSubmitted(deps, args);

    expect(args.ack).toHaveBeenCalledWith({ response_action: 'errors', errors: { [REQUEST_BLOCKS.instanceUrl]: TOO_MANY } });
    expect(deps.useCases.saveRequest).not.toHaveBeenCalled();
    expect(args.logger.warn).toHaveBeenCalledWith(expect.stringContaining(REQUESTER));
  });

  it('given the person’s limit used up, when a form with field errors arrives, then the field errors are shown, not the limit', async () => {
    const deps = fakeDeps({ useCases: { checkRequest: () => ({ ok: false, fieldErrors: { deadline: 'Pick a date in the future' } }) } });
    useUpLimit(deps, 'requests', REQUESTER);
    const args = requestForm();

    await requestSubmitted(deps, args);

    expect(args.ack).toHaveBeenCalledWith({ response_action: 'errors', errors: { [REQUEST_BLOCKS.deadline]: 'Pick a date in the future' } });
  });

  it('given someone else used up their limit, when this person submits, then the rotation is saved', async () => {
    const deps = fakeDeps();
    useUpLimit(deps, 'requests', 'U0SOMEONE2');
    const args = requestForm();

    await requestSubmitted(deps, args);

    expect(deps.useCases.saveRequest).toHaveBeenCalledTimes(1);
    expect(args.ack).toHaveBeenCalledWith();
  });

  it('given the store fails, when the request is saved, then the form shows it on the instance block and nothing is announced', async () => {
    const deps = fakeDeps({ useCases: { saveRequest: async () => Promise.reject(new Error('connection refused')) } });
    const args = requestForm();

    await requestSubmitted(deps, args);

    expect(args.ack).toHaveBeenCalledWith({ response_action: 'errors', errors: { [REQUEST_BLOCKS.instanceUrl]: STORE_FAILURE_MESSAGE } });
    expect(deps.useCases.announceRotation).not.toHaveBeenCalled();
    expect(args.logger.error).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
  });

  it('given the message cannot be posted, when the saved rotation is announced, then the form has already closed and the failure is logged', async () => {
    const deps = fakeDeps({ useCases: { announceRotation: async () => Promise.reject(new Error('channel_not_found')) } });
    const args = requestForm();

    await expect(requestSubmitted(deps, args)).resolves.toBeUndefined();

    expect(args.ack).toHaveBeenCalledWith();
    expect(args.logger.error).toHaveBeenCalledWith(expect.stringContaining('channel_not_found'));
  });

  it('given a request form from an earlier version that starts a planned cycle, when submitted, then it is told it is out of date and nothing is checked', async () => {
    const deps = fakeDeps();
    const args = requestForm({ privateMetadata: encodeRequestMeta({ plannedRotationId: 'ROT-NEXT22' }) });

    await requestSubmitted(deps, args);

    expect(updatedNotice(args.ack)).toBe('This form is out of date. Please press *Start request* on the planned rotation again.');
    expect(deps.useCases.checkRequest).not.toHaveBeenCalled();
    expect(deps.useCases.saveRequest).not.toHaveBeenCalled();
  });
});

describe('plannedStartSubmitted', () => {
  const PLANNED_ID = 'ROT-NEXT22';
  /** The start form's blocks (deadline, extra attendees, interval, notes) as Slack sends them. */
  const startValues = () => {
    const { deadline, attendees, rotation_interval, notes } = requestFormState({
      deadline: '2026-05-29',
      attendeeIds: ['U0EXTRA001'],
      rotationIntervalDays: '90',
      notes: 'Second cycle',
    });
    return { deadline, attendees, rotation_interval, notes };
  };
  const startForm = (options: { values?: ReturnType<typeof requestFormState> | ReturnType<typeof startValues>; privateMetadata?: string } = {}) =>
    submissionArgs({
      callbackId: MODALS.startPlanned,
      values: options.values ?? startValues(),
      privateMetadata: options.privateMetadata ?? encodeRequestMeta({ plannedRotationId: PLANNED_ID }),
    });

  it('given a filled start form, when submitted, then the planned cycle is started with the typed values by the submitter', async () => {
    const deps = fakeDeps();

    await plannedStartSubmitted(deps, startForm());

    expect(deps.useCases.startPlannedCycle).toHaveBeenCalledWith(
      PLANNED_ID,
      { deadline: '2026-05-29', attendeeIds: ['U0EXTRA001'], notes: 'Second cycle', rotationIntervalDays: '90' },
      REQUESTER,
    );
  });

  it('given a start form carrying the team’s fields too, when submitted, then only the deadline, attendees, notes and interval are passed on', async () => {
    const deps = fakeDeps();

    await plannedStartSubmitted(deps, startForm({ values: requestFormState({ instanceUrl: 'https://evil.example.com', channelId: 'C0ELSEWHERE' }) }));

    const form = deps.useCases.startPlannedCycle.mock.calls[0]?.[1];
    expect(Object.keys(form ?? {}).sort()).toEqual(['attendeeIds', 'deadline', 'notes', 'rotationIntervalDays']);
  });

  it('given the cycle starts, when submitted, then the form closes with a plain acknowledgement and the started rotation is announced after it', async () => {
    const started = aRotation({ id: PLANNED_ID });
    const deps = fakeDeps({ useCases: { startPlannedCycle: async () => ({ ok: true, rotation: started }) } });
    const args = startForm();

    await plannedStartSubmitted(deps, args);

    expect(args.ack).toHaveBeenCalledWith();
    expect(deps.useCases.announceRotation).toHaveBeenCalledWith(started);
    expect(callOrder({ ack: args.ack, announce: deps.useCases.announceRotation })).toEqual(['ack', 'announce']);
  });

  it.each([
    ['empty', ''],
    ['not JSON', 'ROT-NEXT22'],
    ['an id the bot cannot have made', JSON.stringify({ plannedRotationId: 'ROT-000000' })],
  ])('given private_metadata that is %s, when submitted, then the form is told it could not be read and nothing is started', async (_case, privateMetadata) => {
    const deps = fakeDeps();
    const args = startForm({ privateMetadata });

    await plannedStartSubmitted(deps, args);

    expect(updatedNotice(args.ack)).toBe('This form could not be read. Please press *Start request* again.');
    expect(deps.useCases.startPlannedCycle).not.toHaveBeenCalled();
    expect(args.logger.warn).toHaveBeenCalled();
  });

  it('given a deadline that does not pass the checks, when submitted, then the error is shown on the deadline block', async () => {
    const deps = fakeDeps({ useCases: { startPlannedCycle: async () => ({ ok: false, fieldErrors: { deadline: 'Pick a date in the future' } }) } });
    const args = startForm();

    await plannedStartSubmitted(deps, args);

    expect(args.ack).toHaveBeenCalledWith({ response_action: 'errors', errors: { [REQUEST_BLOCKS.deadline]: 'Pick a date in the future' } });
    expect(deps.useCases.announceRotation).not.toHaveBeenCalled();
  });

  it('given the team’s instance no longer passes the checks, when submitted, then that is shown on the deadline block (the form has no instance block)', async () => {
    const deps = fakeDeps({
      useCases: { startPlannedCycle: async () => ({ ok: false, fieldErrors: { instanceUrl: 'Use an instance under wfi.pega.com', attendeeIds: 'Choose at most 20 people' } }) },
    });
    const args = startForm();

    await plannedStartSubmitted(deps, args);

    expect(args.ack).toHaveBeenCalledWith({
      response_action: 'errors',
      errors: {
        [REQUEST_BLOCKS.deadline]: 'This planned rotation cannot be started as it is: Use an instance under wfi.pega.com',
        [REQUEST_BLOCKS.attendeeIds]: 'Choose at most 20 people',
      },
    });
  });

  it('given someone else started it first, when submitted, then the form is replaced by why', async () => {
    const deps = fakeDeps({ useCases: { startPlannedCycle: async () => ({ ok: false, error: { code: 'PLANNED_ALREADY_STARTED' } }) } });
    const args = startForm();

    await plannedStartSubmitted(deps, args);

    expect(updatedNotice(args.ack)).toBe(explainRefusal({ code: 'PLANNED_ALREADY_STARTED' }, PLANNED_ID));
    expect(deps.useCases.announceRotation).not.toHaveBeenCalled();
  });

  it('given the store fails, when submitted, then it is shown on the deadline block and the failure is logged', async () => {
    const deps = fakeDeps({ useCases: { startPlannedCycle: async () => Promise.reject(new Error('connection refused')) } });
    const args = startForm();

    await plannedStartSubmitted(deps, args);

    expect(args.ack).toHaveBeenCalledWith({ response_action: 'errors', errors: { [REQUEST_BLOCKS.deadline]: STORE_FAILURE_MESSAGE } });
    expect(args.logger.error).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
    expect(deps.useCases.announceRotation).not.toHaveBeenCalled();
  });

  it('given the person created 10 rotations in the last 10 minutes, when submitted, then the refusal is shown on the deadline block and nothing is started', async () => {
    const deps = fakeDeps();
    useUpLimit(deps, 'requests', REQUESTER);
    const args = startForm();

    await plannedStartSubmitted(deps, args);

    expect(args.ack).toHaveBeenCalledWith({ response_action: 'errors', errors: { [REQUEST_BLOCKS.deadline]: TOO_MANY } });
    expect(deps.useCases.startPlannedCycle).not.toHaveBeenCalled();
  });
});
