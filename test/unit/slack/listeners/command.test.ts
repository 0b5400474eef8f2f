import type { types } from '@slack/bolt';
import { handleCommand, openRequestForm, replyList, replyStatus, sendExport } from '../../../../src/slack/listeners/command';
import { MODALS, REQUEST_BLOCKS } from '../../../../src/slack/ids';
import { buildExportFormats, buildHelp } from '../../../../src/slack/views/command-replies';
import { explainRefusal, EXPORT_REFUSAL, STORE_READ_FAILURE } from '../../../../src/slack/views/refusals';
import { CHANNEL, REQUESTER } from '../../../../testkit/payloads';
import { aRotation, aRotationIn } from '../../../../testkit/rotations';
import { callOrder, commandArgs, fakeDeps, onlyCallOf } from './helpers';

const JOIN_URL = 'https://acme.webex.com/meet/handoff';

/** What was said privately: the one `respond` call, as text and blocks together. */
function repliedPrivately(respond: jest.Mock): string {
  const reply = onlyCallOf(respond) as { response_type?: string };
  expect(reply.response_type).toBe('ephemeral');
  return JSON.stringify(reply);
}

const channelPreselected = (open: jest.Mock): unknown => {
  const view = (onlyCallOf(open) as { view: types.ModalView }).view;
  const block = view.blocks.find((b) => b.block_id === REQUEST_BLOCKS.channelId) as types.InputBlock;
  return (block.element as types.ConversationsSelect).initial_conversation;
};

describe('handleCommand', () => {
  it('given no subcommand, when the command arrives, then the request form opens', async () => {
    const args = commandArgs({ text: '  ' });

    await handleCommand(fakeDeps())(args);

    expect((onlyCallOf(args.client.views.open) as { view: types.ModalView }).view.callback_id).toBe(MODALS.request);
  });

  it('given "status ROT-4F7K2Q", when the command arrives, then that rotation’s status is looked up for the person', async () => {
    const deps = fakeDeps();

    await handleCommand(deps)(commandArgs({ text: 'status ROT-4F7K2Q' }));

    expect(deps.useCases.rotationStatus).toHaveBeenCalledWith('ROT-4F7K2Q', REQUESTER);
  });

  it('given "LIST" in capitals, when the command arrives, then the person’s open rotations are listed', async () => {
    const deps = fakeDeps();

    await handleCommand(deps)(commandArgs({ text: 'LIST' }));

    expect(deps.useCases.openRotations).toHaveBeenCalledWith(REQUESTER);
  });

  it.each([
    ['export', 'csv'],
    ['export csv', 'csv'],
    ['EXPORT JSONL', 'jsonl'],
    ['export  jsonl ', 'jsonl'],
  ])('given "%s", when the command arrives, then the export is sent to the person as %s', async (text, format) => {
    const deps = fakeDeps();

    await handleCommand(deps)(commandArgs({ text }));

    expect(deps.useCases.sendExport).toHaveBeenCalledWith(REQUESTER, format);
  });

  it.each(['export xml', 'export jsonl csv'])('given "%s", when the command arrives, then the formats are the private acknowledgement and nothing is exported', async (text) => {
    const deps = fakeDeps();
    const args = commandArgs({ text });

    await handleCommand(deps)(args);

    expect(args.ack).toHaveBeenCalledWith({ response_type: 'ephemeral', ...buildExportFormats(text.slice('export '.length)) });
    expect(JSON.stringify((args.ack as jest.Mock).mock.calls[0])).toContain('export jsonl');
    expect(deps.useCases.sendExport).not.toHaveBeenCalled();
  });

  it.each(['help', 'rotate now please'])('given "%s", when the command arrives, then the usage is the private acknowledgement and nothing else runs', async (text) => {
    const deps = fakeDeps({ settings: { leadBusinessDays: 7 } });
    const args = commandArgs({ text });

    await handleCommand(deps)(args);

    expect(args.ack).toHaveBeenCalledWith({ response_type: 'ephemeral', ...buildHelp(7) });
    expect(args.respond).not.toHaveBeenCalled();
    expect(args.client.views.open).not.toHaveBeenCalled();
    expect(Object.values(deps.useCases).filter((useCase) => useCase.mock.calls.length > 0)).toEqual([]);
  });
});

describe('openRequestForm', () => {
  it('given the command, when handled, then it is acknowledged before the form opens on its trigger_id', async () => {
    const args = commandArgs();

    await openRequestForm(fakeDeps(), args);

    expect(callOrder({ ack: args.ack, open: args.client.views.open })).toEqual(['ack', 'open']);
    expect(args.ack).toHaveBeenCalledWith();
    expect(onlyCallOf(args.client.views.open)).toMatchObject({ trigger_id: args.command.trigger_id });
  });

  it('given a configured reminder channel, when the form opens, then that channel is preselected, not the command’s', async () => {
    const args = commandArgs();

    await openRequestForm(fakeDeps({ settings: { reminderChannelId: 'C0REMINDER' } }), args);

    expect(channelPreselected(args.client.views.open)).toBe('C0REMINDER');
  });

  it('given no configured channel and the command run in a channel, when the form opens, then that channel is preselected', async () => {
    const args = commandArgs({ channel_id: CHANNEL });

    await openRequestForm(fakeDeps(), args);

    expect(channelPreselected(args.client.views.open)).toBe(CHANNEL);
  });

  it('given no configured channel and the command run in a direct message, when the form opens, then no channel is preselected', async () => {
    const args = commandArgs({ channel_id: 'D0DIRECT01' });

    await openRequestForm(fakeDeps(), args);

    expect(channelPreselected(args.client.views.open)).toBeUndefined();
  });

  it('given views.open fails, when handled, then the person is told privately to run the command again and the failure is logged', async () => {
    const args = commandArgs();
    args.client.views.open.mockRejectedValueOnce(new Error('expired_trigger_id'));

    await openRequestForm(fakeDeps(), args);

    expect(args.respond).toHaveBeenCalledWith({ response_type: 'ephemeral', text: 'The request form could not be opened. Please run the command again.' });
    expect(args.logger.error).toHaveBeenCalledWith(expect.stringContaining('expired_trigger_id'));
  });
});

describe('replyStatus', () => {
  it('given a rotation the person may see, when asked, then its status is the private reply, after the acknowledgement', async () => {
    const deps = fakeDeps();
    const args = commandArgs();

    await replyStatus(deps, args, 'rot-4f7k2q');

    expect(deps.useCases.rotationStatus).toHaveBeenCalledWith('ROT-4F7K2Q', REQUESTER);
    expect(repliedPrivately(args.respond)).toContain('ROT-4F7K2Q');
    expect(callOrder({ ack: args.ack, respond: args.respond })).toEqual(['ack', 'respond']);
  });

  it('given the person is in the handoff, when asked, then the reply shows the meeting’s join link', async () => {
    const rotation = aRotationIn('meeting_scheduled');
    const deps = fakeDeps({ useCases: { rotationStatus: async () => ({ rotation, reminders: { failures: [] }, seesEverything: true }) } });
    const args = commandArgs();

    await replyStatus(deps, args, rotation.id);

    expect(repliedPrivately(args.respond)).toContain(JOIN_URL);
  });

  it('given the person only sees what the channel sees, when asked, then the reply leaves the join link out', async () => {
    const rotation = aRotationIn('meeting_scheduled');
    const deps = fakeDeps({ useCases: { rotationStatus: async () => ({ rotation, reminders: { failures: [] }, seesEverything: false }) } });
    const args = commandArgs();

    await replyStatus(deps, args, rotation.id);

    expect(repliedPrivately(args.respond)).not.toContain(JOIN_URL);
  });

  it('given no such rotation, when asked, then the reply says it was not found', async () => {
    const deps = fakeDeps({ useCases: { rotationStatus: async () => undefined } });
    const args = commandArgs();

    await replyStatus(deps, args, 'ROT-4F7K2Q');

    expect(repliedPrivately(args.respond)).toContain('No rotation `ROT-4F7K2Q` was found');
  });

  it('given text that is no rotation id, when asked, then nothing is looked up and the reply says it was not found', async () => {
    const deps = fakeDeps();
    const args = commandArgs();

    await replyStatus(deps, args, 'everything');

    expect(deps.useCases.rotationStatus).not.toHaveBeenCalled();
    expect(repliedPrivately(args.respond)).toContain('No rotation `everything` was found');
  });

  it('given no id at all, when asked, then the reply names "(none)"', async () => {
    const args = commandArgs();

    await replyStatus(fakeDeps(), args, '');

    expect(repliedPrivately(args.respond)).toContain('No rotation `(none)` was found');
  });

  it('given the store does not answer, when asked, then the person is told so privately and the failure is logged', async () => {
    const deps = fakeDeps({ useCases: { rotationStatus: async () => Promise.reject(new Error('connection refused')) } });
    const args = commandArgs();

    await replyStatus(deps, args, 'ROT-4F7K2Q');

    expect(args.respond).toHaveBeenCalledWith({ response_type: 'ephemeral', text: STORE_READ_FAILURE });
    expect(args.logger.error).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
  });
});

describe('replyList', () => {
  it('given open rotations the person may see, when asked, then they are the private reply, after the acknowledgement', async () => {
    const deps = fakeDeps({ useCases: { openRotations: async () => ({ scope: 'yours', rotations: [aRotation({ id: 'ROT-LIST22' })], reminderFailures: [] }) } });
    const args = commandArgs();

    await replyList(deps, args);

    expect(deps.useCases.openRotations).toHaveBeenCalledWith(REQUESTER);
    expect(repliedPrivately(args.respond)).toContain('ROT-LIST22');
    expect(callOrder({ ack: args.ack, respond: args.respond })).toEqual(['ack', 'respond']);
  });

  it('given the store does not answer, when asked, then the person is told so privately and the failure is logged', async () => {
    const deps = fakeDeps({ useCases: { openRotations: async () => Promise.reject(new Error('connection refused')) } });
    const args = commandArgs();

    await replyList(deps, args);

    expect(args.respond).toHaveBeenCalledWith({ response_type: 'ephemeral', text: STORE_READ_FAILURE });
    expect(args.logger.error).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
  });
});

describe('sendExport', () => {
  it('given an approver, when asked, then it is acknowledged before the export and nothing more is said here (it goes by direct message)', async () => {
    const deps = fakeDeps();
    const args = commandArgs();

    await sendExport(deps, args);

    expect(callOrder({ ack: args.ack, exported: deps.useCases.sendExport })).toEqual(['ack', 'exported']);
    expect(args.respond).not.toHaveBeenCalled();
  });

  it('given someone who is not an approver, when asked, then they are told who may export', async () => {
    const deps = fakeDeps({ useCases: { sendExport: async () => ({ ok: false, error: { code: 'NOT_AN_APPROVER' } }) } });
    const args = commandArgs();

    await sendExport(deps, args);

    expect(args.respond).toHaveBeenCalledWith({ response_type: 'ephemeral', text: EXPORT_REFUSAL });
  });

  it('given approver rights that could not be checked, when asked, then the person is told to try again', async () => {
    const deps = fakeDeps({ useCases: { sendExport: async () => ({ ok: false, error: { code: 'APPROVER_UNKNOWN' } }) } });
    const args = commandArgs();

    await sendExport(deps, args);

    expect(args.respond).toHaveBeenCalledWith({ response_type: 'ephemeral', text: explainRefusal({ code: 'APPROVER_UNKNOWN' }, '') });
  });

  it('given the export fails, when asked, then the person is told to try again and the failure is logged', async () => {
    const deps = fakeDeps({ useCases: { sendExport: async () => Promise.reject(new Error('files.upload failed')) } });
    const args = commandArgs();

    await sendExport(deps, args);

    expect(args.respond).toHaveBeenCalledWith({ response_type: 'ephemeral', text: 'The export could not be sent. Please try again in a minute.' });
    expect(args.logger.error).toHaveBeenCalledWith(expect.stringContaining('files.upload failed'));
  });
});
