import type { types } from '@slack/bolt';
import { homeOpened, newRequestClicked, startPlannedClicked } from '../../../../src/slack/listeners/app-home';
import { ACTIONS, MODALS, REQUEST_BLOCKS } from '../../../../src/slack/ids';
import { explainRefusal, FORM_READ_FAILURE } from '../../../../src/slack/views/refusals';
import { appHomeOpened, REQUESTER } from '../../../../testkit/payloads';
import { aPlannedRotation, aRotation } from '../../../../testkit/rotations';
import { callOrder, clickArgs, eventArgs, fakeDeps, noticeText, onlyCallOf, OPENED_VIEW } from './helpers';

const { planned } = aPlannedRotation();

const homeEvent = (tab: string) => ({ ...(JSON.parse(appHomeOpened(REQUESTER)) as { event: Record<string, unknown> }).event, tab });

/** The element of one input block of a modal. */
function elementOf(view: types.ModalView, blockId: string): Record<string, unknown> {
  const block = view.blocks.find((b) => b.block_id === blockId) as types.InputBlock | undefined;
  if (!block) throw new Error(`no block ${blockId}`);
  return block.element as unknown as Record<string, unknown>;
}

const openedView = (open: jest.Mock): types.ModalView => (onlyCallOf(open) as { view: types.ModalView }).view;

describe('homeOpened', () => {
  it('given the Home tab opened, when the event arrives, then that person’s App Home is refreshed', async () => {
    const deps = fakeDeps();

    await homeOpened(deps, eventArgs<'app_home_opened'>(homeEvent('home')));

    expect(deps.useCases.refreshHome).toHaveBeenCalledWith(REQUESTER, undefined);
  });

  it('given a Home already shown, when the event carries its view, then its hash goes with the refresh (an empty or odd one does not)', async () => {
    const deps = fakeDeps();

    await homeOpened(deps, eventArgs<'app_home_opened'>({ ...homeEvent('home'), view: { type: 'home', blocks: [], hash: '1772445600.4f2a' } }));
    await homeOpened(deps, eventArgs<'app_home_opened'>({ ...homeEvent('home'), view: { type: 'home', blocks: [], hash: '' } }));
    await homeOpened(deps, eventArgs<'app_home_opened'>({ ...homeEvent('home'), view: { type: 'home', blocks: [], hash: 42 } }));

    expect((deps.useCases.refreshHome as jest.Mock).mock.calls).toEqual([
      [REQUESTER, '1772445600.4f2a'],
      [REQUESTER, undefined],
      [REQUESTER, undefined],
    ]);
  });

  it('given the Messages tab opened, when the event arrives, then nothing is refreshed', async () => {
    const deps = fakeDeps();

    await homeOpened(deps, eventArgs<'app_home_opened'>(homeEvent('messages')));

    expect(deps.useCases.refreshHome).not.toHaveBeenCalled();
  });
});

describe('newRequestClicked', () => {
  const click = () => clickArgs({ actionId: ACTIONS.newRequest, value: 'new', fromHome: true });

  it('given a click on "New rotation request", when handled, then it is acknowledged before the form opens', async () => {
    const args = click();

    await newRequestClicked(fakeDeps(), args);

    expect(callOrder({ ack: args.ack, open: args.client.views.open })).toEqual(['ack', 'open']);
    expect(args.ack).toHaveBeenCalledWith();
  });

  it('given a click, when the form opens, then it is the request form on the click’s trigger_id with the clicker as attendee', async () => {
    const args = click();

    await newRequestClicked(fakeDeps(), args);

    const call = onlyCallOf(args.client.views.open) as { trigger_id: string; view: types.ModalView };
    expect(call.trigger_id).toBe(args.body.trigger_id);
    expect(call.view.callback_id).toBe(MODALS.request);
    expect(elementOf(call.view, REQUEST_BLOCKS.attendeeIds).initial_users).toEqual([REQUESTER]);
  });

  it('given a configured reminder channel, when the form opens, then that channel is preselected', async () => {
    const args = click();

    await newRequestClicked(fakeDeps({ settings: { reminderChannelId: 'C0REMINDER' } }), args);

    expect(elementOf(openedView(args.client.views.open), REQUEST_BLOCKS.channelId).initial_conversation).toBe('C0REMINDER');
  });

  it('given no reminder channel configured, when the form opens from App Home, then no channel is preselected', async () => {
    const args = click();

    await newRequestClicked(fakeDeps(), args);

    expect(elementOf(openedView(args.client.views.open), REQUEST_BLOCKS.channelId)).not.toHaveProperty('initial_conversation');
  });
});

describe('startPlannedClicked', () => {
  const click = (value: string = planned.id, where: { fromHome?: boolean; channelId?: string } = { fromHome: true }) =>
    clickArgs({ actionId: ACTIONS.startPlanned, value, ...where });

  it('given a planned cycle, when "Start request" is clicked, then it is acknowledged before anything is looked up or opened', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => planned } });
    const args = click();

    await startPlannedClicked(deps, args);

    expect(callOrder({ ack: args.ack, find: deps.useCases.findRotation, open: args.client.views.open })).toEqual(['ack', 'find', 'open']);
  });

  it('given the store does not answer, when clicked, then the clicker is told privately, no form opens and the failure is logged', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => Promise.reject(new Error('connection refused')) } });
    const args = click();

    await startPlannedClicked(deps, args);

    expect(args.client.views.open).not.toHaveBeenCalled();
    expect(onlyCallOf(args.client.chat.postMessage)).toEqual({ channel: REQUESTER, text: FORM_READ_FAILURE });
    expect(args.logger.error).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
  });

  it('given a planned cycle the person may start, when clicked, then its start form opens with the planned id and is left as it is', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => planned } });
    const args = click();

    await startPlannedClicked(deps, args);

    expect(deps.useCases.findRotation).toHaveBeenCalledWith(planned.id);
    const view = openedView(args.client.views.open);
    expect(view.callback_id).toBe(MODALS.startPlanned);
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ plannedRotationId: planned.id });
    expect(deps.useCases.startRefusal).toHaveBeenCalledWith(planned, REQUESTER);
    expect(args.client.views.update).not.toHaveBeenCalled();
  });

  it('given the person may not start it, when clicked, then the open form is replaced (with its hash) by why', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => planned, startRefusal: async () => ({ code: 'NOT_INVOLVED' }) } });
    const args = click();

    await startPlannedClicked(deps, args);

    const update = onlyCallOf(args.client.views.update) as { view_id: string; hash: string; view: types.ModalView };
    expect(update).toMatchObject({ view_id: OPENED_VIEW.id, hash: OPENED_VIEW.hash });
    expect(noticeText(update.view)).toBe(explainRefusal({ code: 'NOT_INVOLVED' }, planned.id));
    expect(callOrder({ open: args.client.views.open, refusal: deps.useCases.startRefusal, update: args.client.views.update })).toEqual([
      'open',
      'refusal',
      'update',
    ]);
  });

  it('given a cycle that was already started, when clicked on App Home, then the person is told so in a direct message and no form opens', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => aRotation({ id: planned.id }) } });
    const args = click();

    await startPlannedClicked(deps, args);

    expect(args.client.chat.postMessage).toHaveBeenCalledWith({ channel: REQUESTER, text: explainRefusal({ code: 'PLANNED_ALREADY_STARTED' }, planned.id) });
    expect(args.client.views.open).not.toHaveBeenCalled();
    expect(deps.useCases.startRefusal).not.toHaveBeenCalled();
  });

  it('given a cycle that no longer exists, when clicked in a channel, then the person is told privately in that channel', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => undefined } });
    const args = click(planned.id, { channelId: 'C0ELSEWHERE' });

    await startPlannedClicked(deps, args);

    expect(args.client.chat.postEphemeral).toHaveBeenCalledWith({
      channel: 'C0ELSEWHERE',
      user: REQUESTER,
      text: explainRefusal({ code: 'ROTATION_NOT_FOUND' }, planned.id),
    });
    expect(args.client.chat.postMessage).not.toHaveBeenCalled();
    expect(args.client.views.open).not.toHaveBeenCalled();
  });

  it('given a button value that is no rotation id, when clicked, then nothing is looked up and the value is not repeated', async () => {
    const deps = fakeDeps();
    const args = click('ROT-4F7K2Q<!channel>');

    await startPlannedClicked(deps, args);

    expect(deps.useCases.findRotation).not.toHaveBeenCalled();
    expect(args.client.views.open).not.toHaveBeenCalled();
    const told = onlyCallOf(args.client.chat.postMessage) as { text: string };
    expect(told.text).toBe(explainRefusal({ code: 'ROTATION_NOT_FOUND' }, 'That rotation'));
  });

  it('given Slack answers views.open without a view id, when the start is refused, then there is nothing to update', async () => {
    const deps = fakeDeps({ useCases: { findRotation: async () => planned, startRefusal: async () => ({ code: 'NOT_INVOLVED' }) } });
    const args = click();
    args.client.views.open.mockResolvedValueOnce({ ok: true });

    await startPlannedClicked(deps, args);

    expect(args.client.views.update).not.toHaveBeenCalled();
  });
});
