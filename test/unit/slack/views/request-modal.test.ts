import type { types } from '@slack/bolt';
import { INPUT_ACTION, REQUEST_BLOCKS, REQUEST_MODAL } from '../../../../src/slack/ids';
import { buildRequestModal } from '../../../../src/slack/views/request-modal';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';

const defaults = { requesterId: 'U0REQUESTER', channelId: 'C0ROTATIONS', instanceDomain: 'wfi.pega.com' };

function inputBlock(view: types.ModalView, blockId: string): types.InputBlock {
  const block = view.blocks.find((b) => b.block_id === blockId);
  if (block?.type !== 'input') throw new Error(`no input block ${blockId}`);
  return block as types.InputBlock;
}

/** The element of an input block, loosely typed: each test checks the fields of its own element type. */
function element(view: types.ModalView, blockId: string): Record<string, unknown> {
  return inputBlock(view, blockId).element as unknown as Record<string, unknown>;
}

describe('buildRequestModal', () => {
  const view = buildRequestModal(defaults);

  it('is the request modal, with a submit and a close button', () => {
    expect(view.type).toBe('modal');
    expect(view.callback_id).toBe(REQUEST_MODAL);
    expect(view.submit?.type).toBe('plain_text');
    expect(view.close?.type).toBe('plain_text');
  });

  it('has one input per request field, with block_ids from REQUEST_BLOCKS and the shared action_id', () => {
    const inputs = view.blocks.filter((b) => b.type === 'input') as types.InputBlock[];
    expect(inputs.map((b) => b.block_id)).toEqual(Object.values(REQUEST_BLOCKS));
    for (const block of inputs) expect((block.element as { action_id?: string }).action_id).toBe(INPUT_ACTION);
  });

  it('asks for the instance URL in a url input with an example in the configured domain', () => {
    const url = element(view, REQUEST_BLOCKS.instanceUrl);
    expect(url.type).toBe('url_text_input');
    expect(url.placeholder).toEqual({ type: 'plain_text', text: 'https://acme.wfi.pega.com' });
    const other = element(buildRequestModal({ ...defaults, instanceDomain: 'wfi.example.net' }), REQUEST_BLOCKS.instanceUrl);
    expect(JSON.stringify(other)).toContain('https://acme.wfi.example.net');
  });

  it('offers the four environment types with Production preselected', () => {
    const select = element(view, REQUEST_BLOCKS.environmentType) as unknown as types.StaticSelect;
    expect(select.type).toBe('static_select');
    expect(select.options?.map((o) => o.value)).toEqual(['Production', 'Staging', 'Test', 'Development']);
    expect(select.options?.map((o) => o.text.text)).toEqual(['Production', 'Staging', 'Test', 'Development']);
    expect(select.initial_option).toEqual({ text: { type: 'plain_text', text: 'Production' }, value: 'Production' });
  });

  it('asks for the deadline with a datepicker', () => {
    expect(element(view, REQUEST_BLOCKS.deadline).type).toBe('datepicker');
    expect(inputBlock(view, REQUEST_BLOCKS.deadline).optional).toBeFalsy();
  });

  it('preselects the reminder channel only when one is given', () => {
    const withChannel = element(view, REQUEST_BLOCKS.channelId);
    expect(withChannel.type).toBe('conversations_select');
    expect(withChannel.initial_conversation).toBe('C0ROTATIONS');

    const withoutChannel = element(buildRequestModal({ requesterId: 'U0REQUESTER', instanceDomain: 'wfi.pega.com' }), REQUEST_BLOCKS.channelId);
    expect(withoutChannel.type).toBe('conversations_select');
    expect(withoutChannel).not.toHaveProperty('initial_conversation');
  });

  it('preselects the requester as a handoff attendee, up to 20 people', () => {
    const attendees = element(view, REQUEST_BLOCKS.attendeeIds);
    expect(attendees.type).toBe('multi_users_select');
    expect(attendees.initial_users).toEqual(['U0REQUESTER']);
    expect(attendees.max_selected_items).toBe(20);
  });

  it('takes optional multiline notes of at most 2000 characters', () => {
    const notes = inputBlock(view, REQUEST_BLOCKS.notes);
    expect(notes.optional).toBe(true);
    expect(notes.element).toMatchObject({ type: 'plain_text_input', multiline: true, max_length: 2000 });
  });

  it('marks every other input as required', () => {
    const required = view.blocks.filter((b) => b.type === 'input' && !(b as types.InputBlock).optional);
    expect(required.map((b) => b.block_id)).toEqual([
      REQUEST_BLOCKS.instanceUrl,
      REQUEST_BLOCKS.environmentType,
      REQUEST_BLOCKS.deadline,
      REQUEST_BLOCKS.channelId,
      REQUEST_BLOCKS.attendeeIds,
    ]);
  });

  it('warns never to enter the secret', () => {
    expect(JSON.stringify(view.blocks[0])).toMatch(/Never enter the secret/);
  });

  it('stays within Slack limits, with or without a channel and with a long instance domain', () => {
    expectWithinBlockKitLimits('modal', view);
    expectWithinBlockKitLimits('modal', buildRequestModal({ requesterId: 'W0REQUESTER', instanceDomain: 'wfi.pega.com' }));
    const longDomain = `${'a'.repeat(63)}.${'b'.repeat(63)}.example.com`;
    expectWithinBlockKitLimits('modal', buildRequestModal({ ...defaults, instanceDomain: longDomain }));
  });
});
