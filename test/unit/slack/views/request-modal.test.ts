import type { types } from '@slack/bolt';
import { INPUT_ACTION, MODALS, REQUEST_BLOCKS } from '../../../../src/slack/ids';
import { parseRequestMeta } from '../../../../src/slack/parse/request-meta';
import { buildRequestModal, buildStartPlannedModal, type PlannedCycle } from '../../../../src/slack/views/request-modal';
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
    expect(view.callback_id).toBe(MODALS.request);
    expect(view.submit?.type).toBe('plain_text');
    expect(view.close?.type).toBe('plain_text');
  });

  it('has one input per request field, with block_ids from REQUEST_BLOCKS and the shared action_id', () => {
    const inputs = view.blocks.filter((b) => b.type === 'input') as types.InputBlock[];
    expect(inputs.map((b) => b.block_id).sort()).toEqual(Object.values(REQUEST_BLOCKS).sort());
    // Notes stay last: the interval sits with the other scheduling fields.
    expect(inputs.map((b) => b.block_id).slice(-2)).toEqual([REQUEST_BLOCKS.rotationIntervalDays, REQUEST_BLOCKS.notes]);
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

  it('offers "rotate again every" as None, 90, 180 or 365 days, with None preselected by default', () => {
    const block = inputBlock(view, REQUEST_BLOCKS.rotationIntervalDays);
    expect(block.label.text).toBe('Rotate again every');
    expect(block.optional).toBe(true);
    const select = block.element as types.StaticSelect;
    expect(select.type).toBe('static_select');
    expect(select.options?.map((o) => [o.value, o.text.text])).toEqual([
      ['0', 'None'],
      ['90', '90 days'],
      ['180', '180 days'],
      ['365', '365 days'],
    ]);
    expect(select.initial_option).toEqual(select.options?.[0]);
  });

  it('preselects the configured interval when it is one of the choices', () => {
    const select = element(buildRequestModal({ ...defaults, intervalDays: 180 }), REQUEST_BLOCKS.rotationIntervalDays) as unknown as types.StaticSelect;
    expect(select.options).toHaveLength(4);
    expect(select.initial_option).toEqual({ text: { type: 'plain_text', text: '180 days' }, value: '180' });
  });

  it('adds a configured interval of another length in order, and preselects it', () => {
    const select = element(buildRequestModal({ ...defaults, intervalDays: 120 }), REQUEST_BLOCKS.rotationIntervalDays) as unknown as types.StaticSelect;
    expect(select.options?.map((o) => o.value)).toEqual(['0', '90', '120', '180', '365']);
    expect(select.initial_option?.value).toBe('120');
  });

  it.each([0, -5, 1.5, 3651, Number.NaN])('ignores a configured interval of %p and preselects None', (intervalDays) => {
    const select = element(buildRequestModal({ ...defaults, intervalDays }), REQUEST_BLOCKS.rotationIntervalDays) as unknown as types.StaticSelect;
    expect(select.options?.map((o) => o.value)).toEqual(['0', '90', '180', '365']);
    expect(select.initial_option?.value).toBe('0');
  });

  it('has no private_metadata: a new request starts nothing else', () => {
    expect(view).not.toHaveProperty('private_metadata');
  });

  it('stays within Slack limits', () => {
    expectWithinBlockKitLimits('modal', view);
  });
});

describe('buildStartPlannedModal', () => {
  const planned: PlannedCycle = {
    id: 'ROT-NEXT22',
    instanceUrl: 'https://acme.wfi.pega.com',
    environmentType: 'Staging',
    deadline: '2026-09-16',
    channelId: 'G0PRIVATE',
    requesterId: 'U0LASTREQUESTER',
    attendeeIds: ['U0LASTREQUESTER', 'U0ATTENDEE'],
    previousRotationId: 'ROT-4F7K2Q',
    rotationIntervalDays: 180,
  };
  const start = buildStartPlannedModal(planned, { intervalDays: 90 });

  it('is the start form of that planned rotation: its own callback and the rotation in private_metadata', () => {
    expect(start.callback_id).toBe(MODALS.startPlanned);
    expect(parseRequestMeta(start.private_metadata)).toEqual({ plannedRotationId: 'ROT-NEXT22' });
  });

  it('shows what stays the owning team’s (instance, environment, channel, requester, attendees) as text, not as inputs', () => {
    const inputs = start.blocks.filter((b) => b.type === 'input').map((b) => b.block_id);
    expect(inputs).toEqual([REQUEST_BLOCKS.deadline, REQUEST_BLOCKS.attendeeIds, REQUEST_BLOCKS.rotationIntervalDays, REQUEST_BLOCKS.notes]);
    const text = JSON.stringify(start.blocks);
    for (const shown of ['acme.wfi.pega.com', 'Staging', '<#G0PRIVATE>', '<@U0LASTREQUESTER>', '<@U0ATTENDEE>', 'ROT-4F7K2Q']) expect(text).toContain(shown);
  });

  it('prefills the deadline and the planned interval; extra attendees are optional and start empty', () => {
    expect(element(start, REQUEST_BLOCKS.deadline).initial_date).toBe('2026-09-16');
    expect((element(start, REQUEST_BLOCKS.rotationIntervalDays) as unknown as types.StaticSelect).initial_option?.value).toBe('180');
    expect(inputBlock(start, REQUEST_BLOCKS.attendeeIds).optional).toBe(true);
    expect(element(start, REQUEST_BLOCKS.attendeeIds)).not.toHaveProperty('initial_users');
  });

  it('offers a planned interval that is not a standard choice, and falls back to the configured one when there is none', () => {
    const odd = element(buildStartPlannedModal({ ...planned, rotationIntervalDays: 400 }), REQUEST_BLOCKS.rotationIntervalDays) as unknown as types.StaticSelect;
    expect(odd.options?.map((o) => o.value)).toEqual(['0', '90', '180', '365', '400']);
    expect(odd.initial_option?.value).toBe('400');
    const { rotationIntervalDays: _interval, ...withoutInterval } = planned;
    const fallback = element(buildStartPlannedModal(withoutInterval, { intervalDays: 365 }), REQUEST_BLOCKS.rotationIntervalDays) as unknown as types.StaticSelect;
    expect(fallback.initial_option?.value).toBe('365');
  });

  it('leaves out a stored deadline Slack would refuse, and escapes what it shows', () => {
    const bad = buildStartPlannedModal({ ...planned, deadline: '16/09/2026', attendeeIds: ['<!channel>'], instanceUrl: 'https://<!here>.wfi.pega.com' });
    expect(element(bad, REQUEST_BLOCKS.deadline)).not.toHaveProperty('initial_date');
    expect(JSON.stringify(bad.blocks)).not.toMatch(/<!channel>|<!here>/);
  });

  it('stays within Slack limits with 20 attendees and a long instance name', () => {
    const many = Array.from({ length: 20 }, (_, i) => `U${String(i).padStart(8, '0')}`);
    expectWithinBlockKitLimits('modal', start);
    expectWithinBlockKitLimits('modal', buildStartPlannedModal({ ...planned, attendeeIds: many, instanceUrl: `https://${'a'.repeat(63)}.wfi.pega.com` }));
  });
});

describe('buildRequestModal, continued', () => {
  const view = buildRequestModal(defaults);

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
