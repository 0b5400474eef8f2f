import type { types } from '@slack/bolt';
import { CodedError } from '../../../../src/domain/errors';
import type { ActionType } from '../../../../src/domain/lifecycle';
import { approveClicked, stepClicked } from '../../../../src/slack/listeners/rotation-actions';
import { ACTIONS, MODALS, STEP_BLOCKS } from '../../../../src/slack/ids';
import { explainRefusal, explainStepFault, FORM_READ_FAILURE } from '../../../../src/slack/views/refusals';
import { CHANNEL, REQUESTER } from '../../../../testkit/payloads';
import { aRotation } from '../../../../testkit/rotations';
import { aTakenStep, callOrder, clickArgs, fakeDeps, noticeText, onlyCallOf, OPENED_VIEW } from './helpers';

type FormStep = Exclude<ActionType, 'approve'>;

const rotation = aRotation({ id: 'ROT-4F7K2Q', version: 3 });
const VALUE = 'ROT-4F7K2Q:3';
const UNREADABLE = 'That button could not be read. Nothing was changed.';

const FORMS: Array<[FormStep, string, string]> = [
  ['reject', ACTIONS.reject, MODALS.reject],
  ['cancel', ACTIONS.cancel, MODALS.cancel],
  ['record_submission', ACTIONS.recordSubmission, MODALS.submission],
  ['schedule_meeting', ACTIONS.scheduleMeeting, MODALS.meeting],
  ['complete', ACTIONS.complete, MODALS.completion],
];

/** The options of the meeting form's time-zone select. */
function zoneOptions(view: types.ModalView): types.PlainTextOption[] {
  const block = view.blocks.find((b) => b.block_id === STEP_BLOCKS.timeZone) as types.InputBlock;
  return (block.element as types.StaticSelect).options ?? [];
}

describe('approveClicked', () => {
  const click = (value = VALUE, where: { fromHome?: boolean } = {}) => clickArgs({ actionId: ACTIONS.approve, value, ...where });

  it('given an approve click, when handled, then the step is taken with the button’s rotation, version and the clicker, after the acknowledgement', async () => {
    const deps = fakeDeps();
    const args = click();

    await approveClicked(deps, args);

    expect(args.ack).toHaveBeenCalledWith();
    expect(deps.useCases.takeStep).toHaveBeenCalledWith({ rotationId: 'ROT-4F7K2Q', actorId: REQUESTER, action: { type: 'approve' }, expectedVersion: 3 });
    expect(callOrder({ ack: args.ack, step: deps.useCases.takeStep })).toEqual(['ack', 'step']);
  });

  it('given the step is taken, when handled, then it is announced with the changed rotation and its entry', async () => {
    const taken = aTakenStep();
    const deps = fakeDeps({ useCases: { takeStep: async () => taken } });
    const args = click();

    await approveClicked(deps, args);

    expect(deps.useCases.announceStep).toHaveBeenCalledWith(taken.rotation, taken.entry);
    expect(args.client.chat.postEphemeral).not.toHaveBeenCalled();
  });

  it('given the step is refused, when clicked in the channel, then the clicker is told why privately there and nothing is announced', async () => {
    const deps = fakeDeps({ useCases: { takeStep: async () => ({ ok: false, error: { code: 'SELF_APPROVAL' } }) } });
    const args = click();

    await approveClicked(deps, args);

    expect(args.client.chat.postEphemeral).toHaveBeenCalledWith({ channel: CHANNEL, user: REQUESTER, text: explainRefusal({ code: 'SELF_APPROVAL' }, 'ROT-4F7K2Q') });
    expect(deps.useCases.announceStep).not.toHaveBeenCalled();
  });

  it('given the step is refused, when clicked on App Home, then the clicker is told why in a direct message', async () => {
    const deps = fakeDeps({ useCases: { takeStep: async () => ({ ok: false, error: { code: 'NOT_AN_APPROVER' } }) } });
    const args = click(VALUE, { fromHome: true });

    await approveClicked(deps, args);

    expect(args.client.chat.postMessage).toHaveBeenCalledWith({ channel: REQUESTER, text: explainRefusal({ code: 'NOT_AN_APPROVER' }, 'ROT-4F7K2Q') });
  });

  it('given the store was busy, when the step is taken, then the clicker is told privately to try again and nothing is announced', async () => {
    const deps = fakeDeps({ useCases: { takeStep: async () => Promise.reject(new CodedError('STORE_BUSY', 'ROT-4F7K2Q is locked')) } });
    const args = click();

    await approveClicked(deps, args);

    expect(args.client.chat.postEphemeral).toHaveBeenCalledWith({ channel: CHANNEL, user: REQUESTER, text: explainStepFault(new CodedError('STORE_BUSY', '')) });
    expect(deps.useCases.announceStep).not.toHaveBeenCalled();
  });

  it('given the store did not answer, when the step is taken, then the clicker is told privately it was not saved and the failure is logged', async () => {
    const deps = fakeDeps({ useCases: { takeStep: async () => Promise.reject(new Error('connection refused')) } });
    const args = click();

    await approveClicked(deps, args);

    expect(args.client.chat.postEphemeral).toHaveBeenCalledWith({ channel: CHANNEL, user: REQUESTER, text: explainStepFault(new Error('')) });
    expect(args.logger.error).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
  });

  it.each(['ROT-4F7K2Q', 'ROT-4F7K2Q:three', 'ROT-000000:1', ''])(
    'given the malformed button value "%s", when clicked, then the clicker is told it could not be read and no step is taken',
    async (value) => {
      const deps = fakeDeps();
      const args = click(value);

      await approveClicked(deps, args);

      expect(deps.useCases.takeStep).not.toHaveBeenCalled();
      expect(args.client.chat.postEphemeral).toHaveBeenCalledWith({ channel: CHANNEL, user: REQUESTER, text: UNREADABLE });
      expect(args.logger.warn).toHaveBeenCalled();
    },
  );
});

describe('stepClicked', () => {
  const click = (actionId: string, value = VALUE) => clickArgs({ actionId, value });
  const found = () => fakeDeps({ useCases: { findRotation: async () => rotation } });

  it.each(FORMS)('given a %s click, when handled, then it is acknowledged, then the rotation read, then its form opened', async (step, actionId) => {
    const deps = found();
    const args = click(actionId);

    await stepClicked(deps, step, args);

    expect(args.ack).toHaveBeenCalledWith();
    expect(deps.useCases.findRotation).toHaveBeenCalledWith('ROT-4F7K2Q');
    expect(callOrder({ ack: args.ack, find: deps.useCases.findRotation, open: args.client.views.open })).toEqual(['ack', 'find', 'open']);
  });

  it.each(FORMS)('given a %s click, when its form opens, then it is that step’s form carrying the rotation and the button’s version', async (step, actionId, callbackId) => {
    const args = click(actionId);

    await stepClicked(found(), step, args);

    const call = onlyCallOf(args.client.views.open) as { trigger_id: string; view: types.ModalView };
    expect(call.trigger_id).toBe(args.body.trigger_id);
    expect(call.view.callback_id).toBe(callbackId);
    expect(JSON.parse(call.view.private_metadata ?? '')).toEqual({ rotationId: 'ROT-4F7K2Q', version: 3 });
  });

  it('given the step is allowed, when the form is open, then the step is checked for the clicker at the button’s version and the form is left as it is', async () => {
    const deps = found();
    const args = click(ACTIONS.reject);

    await stepClicked(deps, 'reject', args);

    expect(deps.useCases.stepRefusal).toHaveBeenCalledWith(rotation, 'reject', REQUESTER, 3);
    expect(callOrder({ open: args.client.views.open, check: deps.useCases.stepRefusal })).toEqual(['open', 'check']);
    expect(args.client.views.update).not.toHaveBeenCalled();
    expect(deps.userTimeZone).not.toHaveBeenCalled();
  });

  it('given the step is refused, when the form is open, then it is replaced (with its hash) by why', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => rotation, stepRefusal: async () => ({ code: 'STALE', status: 'approved' }) } });
    const args = click(ACTIONS.complete);

    await stepClicked(deps, 'complete', args);

    const update = onlyCallOf(args.client.views.update) as { view_id: string; hash: string; view: types.ModalView };
    expect(update).toMatchObject({ view_id: OPENED_VIEW.id, hash: OPENED_VIEW.hash });
    expect(noticeText(update.view)).toBe(explainRefusal({ code: 'STALE', status: 'approved' }, 'ROT-4F7K2Q'));
  });

  it('given the meeting step is refused, when the form is open, then the person’s time zone is not looked up', async () => {
    const deps = fakeDeps({
      useCases: { findRotation: async () => rotation, stepRefusal: async () => ({ code: 'NOT_INVOLVED' }) },
      userTimeZone: async () => 'America/Chicago',
    });
    const args = click(ACTIONS.scheduleMeeting);

    await stepClicked(deps, 'schedule_meeting', args);

    expect(deps.userTimeZone).not.toHaveBeenCalled();
    expect(noticeText((onlyCallOf(args.client.views.update) as { view: types.ModalView }).view)).toBe(
      explainRefusal({ code: 'NOT_INVOLVED' }, 'ROT-4F7K2Q'),
    );
  });

  it('given the meeting step is allowed and the person’s time zone known, when the form is open, then it is updated (with its hash) to offer that zone', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => rotation }, userTimeZone: async () => 'America/Chicago' });
    const args = click(ACTIONS.scheduleMeeting);

    await stepClicked(deps, 'schedule_meeting', args);

    expect(deps.userTimeZone).toHaveBeenCalledWith(REQUESTER);
    const update = onlyCallOf(args.client.views.update) as { view_id: string; hash: string; view: types.ModalView };
    expect(update).toMatchObject({ view_id: OPENED_VIEW.id, hash: OPENED_VIEW.hash });
    expect(update.view.callback_id).toBe(MODALS.meeting);
    expect(JSON.parse(update.view.private_metadata ?? '')).toEqual({ rotationId: 'ROT-4F7K2Q', version: 3, myTimeZone: 'America/Chicago' });
    expect(zoneOptions(update.view)[0]?.text.text).toBe('My Slack time zone (America/Chicago)');
  });

  it('given the meeting step is allowed but Slack does not say the person’s time zone, when the form is open, then it is left as it is', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => rotation }, userTimeZone: async () => undefined });
    const args = click(ACTIONS.scheduleMeeting);

    await stepClicked(deps, 'schedule_meeting', args);

    expect(deps.userTimeZone).toHaveBeenCalledWith(REQUESTER);
    expect(args.client.views.update).not.toHaveBeenCalled();
  });

  it('given the meeting form’s update fails (the person already typed), when handled, then the click still completes', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => rotation }, userTimeZone: async () => 'America/Chicago' });
    const args = click(ACTIONS.scheduleMeeting);
    args.client.views.update.mockRejectedValueOnce(new Error('hash_conflict'));

    await expect(stepClicked(deps, 'schedule_meeting', args)).resolves.toBeUndefined();
  });

  it('given a policy time zone outside the usual list, when the meeting form opens, then it is offered', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => rotation }, settings: { policyTimeZone: 'Pacific/Chatham' } });
    const args = click(ACTIONS.scheduleMeeting);

    await stepClicked(deps, 'schedule_meeting', args);

    const view = (onlyCallOf(args.client.views.open) as { view: types.ModalView }).view;
    expect(zoneOptions(view).map((o) => o.value)).toContain('Pacific/Chatham');
  });

  it('given the store does not answer, when a step button is clicked, then the clicker is told privately, no form opens and the failure is logged', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => Promise.reject(new Error('connection refused')) } });
    const args = clickArgs({ actionId: ACTIONS.cancel, value: VALUE });

    await stepClicked(deps, 'cancel', args);

    expect(args.client.views.open).not.toHaveBeenCalled();
    expect(onlyCallOf(args.client.chat.postEphemeral)).toEqual({ channel: CHANNEL, user: REQUESTER, text: FORM_READ_FAILURE });
    expect(args.logger.error).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
  });

  it('given a rotation that no longer exists, when clicked, then the clicker is told privately and no form opens', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => undefined } });
    const args = click(ACTIONS.cancel);

    await stepClicked(deps, 'cancel', args);

    expect(args.client.chat.postEphemeral).toHaveBeenCalledWith({
      channel: CHANNEL,
      user: REQUESTER,
      text: explainRefusal({ code: 'ROTATION_NOT_FOUND' }, 'ROT-4F7K2Q'),
    });
    expect(args.client.views.open).not.toHaveBeenCalled();
    expect(deps.useCases.stepRefusal).not.toHaveBeenCalled();
  });

  it('given a malformed button value, when clicked, then nothing is looked up and the clicker is told it could not be read', async () => {
    const deps = found();
    const args = click(ACTIONS.cancel, '{"id":"ROT-4F7K2Q"}');

    await stepClicked(deps, 'cancel', args);

    expect(deps.useCases.findRotation).not.toHaveBeenCalled();
    expect(args.client.views.open).not.toHaveBeenCalled();
    expect(args.client.chat.postEphemeral).toHaveBeenCalledWith({ channel: CHANNEL, user: REQUESTER, text: UNREADABLE });
    expect(args.logger.warn).toHaveBeenCalledWith(expect.stringContaining(ACTIONS.cancel));
  });

  it('given Slack answers views.open without a view id, when handled, then the step is not checked and nothing is updated', async () => {
    const deps = found();
    const args = click(ACTIONS.reject);
    args.client.views.open.mockResolvedValueOnce({ ok: true });

    await stepClicked(deps, 'reject', args);

    expect(deps.useCases.stepRefusal).not.toHaveBeenCalled();
    expect(args.client.views.update).not.toHaveBeenCalled();
  });
});
