import { awaitRotationStep, requestRotationStep, type FunctionArgs } from '../../../../src/slack/listeners/workflow-steps';
import { functionExecuted } from '../../../../testkit/payloads';
import { aRotation } from '../../../../testkit/rotations';
import { callOrder, fakeDeps, fakeLogger } from './helpers';

const INPUTS = { instance_url: 'https://acme.wfi.pega.com', deadline: '2026-04-30', requester: 'U0REQUEST1', channel: 'C0CHANNEL1' };

/** Bolt's arguments to a function_executed listener: the event, and ack/complete/fail as mocks. */
function functionArgs(callbackId: string, inputs: Record<string, unknown>, executionId = 'Fx0TEST0001') {
  const body = JSON.parse(functionExecuted({ callbackId, inputs, executionId, token: 'xwfp-secret-token' })) as { event: FunctionArgs['event'] };
  const fakes = {
    ack: jest.fn(async () => undefined),
    complete: jest.fn(async () => ({ ok: true })),
    fail: jest.fn(async () => ({ ok: true })),
    logger: fakeLogger(),
  };
  return { ...fakes, body, event: body.event, payload: body.event, inputs: body.event.inputs, context: {} } as unknown as FunctionArgs & typeof fakes;
}

describe('requestRotationStep', () => {
  it('given good inputs, acknowledges, completes with the outputs, then announces the new rotation', async () => {
    const rotation = aRotation();
    const deps = fakeDeps({ useCases: { requestFromStep: async () => ({ ok: true, rotation, created: true, outputs: { rotation_id: rotation.id } }) } });
    const args = functionArgs('request_rotation', INPUTS);

    await requestRotationStep(deps, args);

    expect(deps.useCases.requestFromStep).toHaveBeenCalledWith({
      executionId: 'Fx0TEST0001',
      requesterId: 'U0REQUEST1',
      workspace: { teamId: 'T0TEAM001' },
      form: { instanceUrl: 'https://acme.wfi.pega.com', deadline: '2026-04-30', channelId: 'C0CHANNEL1', attendeeIds: ['U0REQUEST1'] },
    });
    expect(args.complete).toHaveBeenCalledWith({ outputs: { rotation_id: rotation.id } });
    expect(deps.useCases.announceRotation).toHaveBeenCalledWith(rotation);
    expect(callOrder({ ack: args.ack, complete: args.complete, announce: deps.useCases.announceRotation })).toEqual(['ack', 'complete', 'announce']);
  });

  it('given an Enterprise Grid org, passes its id with the workspace\'s', async () => {
    const deps = fakeDeps();
    const args = functionArgs('request_rotation', INPUTS);
    Object.assign(args.body, { enterprise_id: 'E0ORG0001' });

    await requestRotationStep(deps, args);

    expect(deps.useCases.requestFromStep).toHaveBeenCalledWith(expect.objectContaining({ workspace: { teamId: 'T0TEAM001', enterpriseId: 'E0ORG0001' } }));
  });

  it('given a redelivery, completes with the first delivery\'s rotation and announces nothing', async () => {
    const rotation = aRotation();
    const deps = fakeDeps({ useCases: { requestFromStep: async () => ({ ok: true, rotation, created: false, outputs: { rotation_id: rotation.id } }) } });
    const args = functionArgs('request_rotation', INPUTS);

    await requestRotationStep(deps, args);

    expect(args.complete).toHaveBeenCalled();
    expect(deps.useCases.announceRotation).not.toHaveBeenCalled();
  });

  it('given an input the form refuses, fails the step with the use case\'s message', async () => {
    const deps = fakeDeps({ useCases: { requestFromStep: async () => ({ ok: false, error: 'The rotation was not requested. deadline: too soon' }) } });
    const args = functionArgs('request_rotation', INPUTS);

    await requestRotationStep(deps, args);

    expect(args.fail).toHaveBeenCalledWith({ error: 'The rotation was not requested. deadline: too soon' });
    expect(args.complete).not.toHaveBeenCalled();
  });

  it('given a requester that is not a user id, fails before any use case runs', async () => {
    const deps = fakeDeps();
    const args = functionArgs('request_rotation', { ...INPUTS, requester: 'nobody' });

    await requestRotationStep(deps, args);

    expect(args.fail).toHaveBeenCalledWith({ error: expect.stringMatching(/requester: /) });
    expect(deps.useCases.requestFromStep).not.toHaveBeenCalled();
  });

  it('given a store that does not answer, fails the step and logs no token', async () => {
    const deps = fakeDeps({ useCases: { requestFromStep: async () => Promise.reject(new Error('connection refused')) } });
    const args = functionArgs('request_rotation', INPUTS);

    await requestRotationStep(deps, args);

    expect(args.fail).toHaveBeenCalledWith({ error: expect.stringMatching(/could not do this step/) });
    expect(JSON.stringify(args.logger.error.mock.calls)).not.toContain('xwfp-secret-token');
  });
});

describe('awaitRotationStep', () => {
  it('records the wait with the execution\'s token and leaves the step open', async () => {
    const deps = fakeDeps();
    const args = functionArgs('await_rotation', { rotation_id: ' ROT-4F7K2Q ' });

    await awaitRotationStep(deps, args);

    expect(deps.useCases.awaitRotation).toHaveBeenCalledWith({ executionId: 'Fx0TEST0001', token: 'xwfp-secret-token', since: expect.any(String) }, 'ROT-4F7K2Q');
    expect(args.ack).toHaveBeenCalled();
    expect(args.complete).not.toHaveBeenCalled();
    expect(args.fail).not.toHaveBeenCalled();
  });

  it('fails the step when the use case says why', async () => {
    const deps = fakeDeps({ useCases: { awaitRotation: async () => ({ state: 'failed', error: 'No rotation ROT-NOSUCH' }) } });
    const args = functionArgs('await_rotation', { rotation_id: 'ROT-NOSUCH' });

    await awaitRotationStep(deps, args);

    expect(args.fail).toHaveBeenCalledWith({ error: 'No rotation ROT-NOSUCH' });
  });
});
