import { blockKitViolations, expectWithinBlockKitLimits } from '../../support/block-kit';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const x = (n: number) => 'x'.repeat(n);
const button = (overrides: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: 'go',
  text: plain('Go'),
  value: 'v',
  ...overrides,
});
const section = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'section', text: mrkdwn(text), ...extra });
const message = (blocks: unknown[], text = 'fallback') => ({ text, blocks });
const modal = (blocks: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'modal',
  callback_id: 'cb',
  title: plain('Title'),
  submit: plain('Submit'),
  close: plain('Cancel'),
  blocks,
  ...extra,
});
const option = (text: string, value = text) => ({ text: plain(text), value });
const input = (element: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'input',
  block_id: 'in',
  label: plain('Label'),
  element: { action_id: 'value', ...element },
  ...extra,
});

/** One violation, and that it names the offending path. */
function expectOneViolation(violations: string[], path: string, words: RegExp): void {
  expect(violations).toHaveLength(1);
  expect(violations[0]?.slice(0, path.length + 2)).toBe(`${path}: `);
  expect(violations[0]).toMatch(words);
}

describe('blockKitViolations', () => {
  it('accepts payloads right at every limit', () => {
    const atLimits = message([
      { type: 'header', text: plain(x(150)) },
      section(x(3000), { block_id: x(255) }),
      { type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn(x(2000))) },
      {
        type: 'actions',
        elements: Array.from({ length: 25 }, (_, i) =>
          button({ action_id: `${x(250)}${String(i).padStart(5, '0')}`, text: plain(x(75)), value: x(2000), url: `https://${x(2992)}` }),
        ),
      },
      { type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('c')) },
      ...Array.from({ length: 45 }, () => ({ type: 'divider' })),
    ], x(40000));
    expect(atLimits.blocks).toHaveLength(50);
    expect(blockKitViolations('message', atLimits)).toEqual([]);

    const view = modal(
      [
        input({ type: 'static_select', options: [option(x(75), x(75))], placeholder: plain(x(150)) }, { label: plain(x(2000)), hint: plain(x(2000)) }),
        ...Array.from({ length: 99 }, () => ({ type: 'divider' })),
      ],
      { title: plain(x(24)), submit: plain(x(24)), close: plain(x(24)), private_metadata: x(3000) },
    );
    expect(blockKitViolations('modal', view)).toEqual([]);
    expect(blockKitViolations('home', { type: 'home', blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) })).toEqual([]);
  });

  describe('counts', () => {
    it('more than 50 blocks in a message', () => {
      const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
      expectOneViolation(blockKitViolations('message', message(blocks)), 'blocks', /51 blocks \(max 50 in a message\)/);
    });

    it('more than 100 blocks in a modal or Home tab, where 51 is fine', () => {
      const blocks = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));
      expect(blockKitViolations('modal', modal(blocks(51)))).toEqual([]);
      expectOneViolation(blockKitViolations('modal', modal(blocks(101))), 'blocks', /101 blocks \(max 100 in a modal\)/);
      expectOneViolation(blockKitViolations('home', { type: 'home', blocks: blocks(101) }), 'blocks', /max 100 in a home/);
    });

    it('more than 10 section fields', () => {
      const fields = Array.from({ length: 11 }, () => mrkdwn('f'));
      expectOneViolation(blockKitViolations('message', message([{ type: 'section', fields }])), 'blocks[0].fields', /11 fields \(max 10\)/);
    });

    it('more than 10 context elements', () => {
      const elements = Array.from({ length: 11 }, () => mrkdwn('c'));
      expectOneViolation(blockKitViolations('message', message([{ type: 'context', elements }])), 'blocks[0].elements', /11 context elements/);
    });

    it('more than 25 actions elements', () => {
      const elements = Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` }));
      expectOneViolation(blockKitViolations('message', message([{ type: 'actions', elements }])), 'blocks[0].elements', /26 actions elements/);
    });
  });

  describe('text lengths', () => {
    it('top-level message text over 40000', () => {
      expectOneViolation(blockKitViolations('message', message([], x(40001))), 'text', /40001 characters \(max 40000\)/);
    });

    it('header text over 150, or not plain_text', () => {
      expectOneViolation(blockKitViolations('message', message([{ type: 'header', text: plain(x(151)) }])), 'blocks[0].text.text', /header text is 151/);
      expectOneViolation(blockKitViolations('message', message([{ type: 'header', text: mrkdwn('h') }])), 'blocks[0].text.type', /plain_text/);
    });

    it('section text over 3000, and empty section text', () => {
      expectOneViolation(blockKitViolations('message', message([section(x(3001))])), 'blocks[0].text.text', /section text is 3001 characters \(max 3000\)/);
      expectOneViolation(blockKitViolations('message', message([section('')])), 'blocks[0].text.text', /empty/);
    });

    it('a section field over 2000', () => {
      const block = { type: 'section', fields: [mrkdwn('ok'), mrkdwn(x(2001))] };
      expectOneViolation(blockKitViolations('message', message([block])), 'blocks[0].fields[1].text', /section field is 2001/);
    });

    it('context text over 3000', () => {
      expectOneViolation(
        blockKitViolations('message', message([{ type: 'context', elements: [mrkdwn(x(3001))] }])),
        'blocks[0].elements[0].text',
        /context text is 3001/,
      );
    });

    it('button text over 75, value over 2000, url over 3000', () => {
      const actions = (b: Record<string, unknown>) => message([{ type: 'actions', elements: [b] }]);
      expectOneViolation(blockKitViolations('message', actions(button({ text: plain(x(76)) }))), 'blocks[0].elements[0].text.text', /button text is 76/);
      expectOneViolation(blockKitViolations('message', actions(button({ value: x(2001) }))), 'blocks[0].elements[0].value', /button value is 2001/);
      expectOneViolation(blockKitViolations('message', actions(button({ url: x(3001) }))), 'blocks[0].elements[0].url', /button url is 3001/);
    });

    it('a button in a section accessory is checked too', () => {
      const block = section('s', { accessory: button({ text: plain(x(76)) }) });
      expectOneViolation(blockKitViolations('message', message([block])), 'blocks[0].accessory.text.text', /button text/);
    });

    it('option text and value over 75, in options and initial_option', () => {
      const select = (options: unknown[], extra: Record<string, unknown> = {}) =>
        modal([input({ type: 'static_select', options, ...extra })]);
      expectOneViolation(blockKitViolations('modal', select([option(x(76), 'v')])), 'blocks[0].element.options[0].text.text', /option text is 76/);
      expectOneViolation(blockKitViolations('modal', select([option('t', x(76))])), 'blocks[0].element.options[0].value', /option value is 76/);
      expectOneViolation(
        blockKitViolations('modal', select([option('t')], { initial_option: option('t', x(76)) })),
        'blocks[0].element.initial_option.value',
        /option value/,
      );
    });

    it('input label and hint over 2000, placeholder over 150', () => {
      const element = { type: 'plain_text_input' };
      expectOneViolation(blockKitViolations('modal', modal([input(element, { label: plain(x(2001)) })])), 'blocks[0].label.text', /input label is 2001/);
      expectOneViolation(blockKitViolations('modal', modal([input(element, { hint: plain(x(2001)) })])), 'blocks[0].hint.text', /input hint is 2001/);
      expectOneViolation(
        blockKitViolations('modal', modal([input({ ...element, placeholder: plain(x(151)) })])),
        'blocks[0].element.placeholder.text',
        /placeholder is 151/,
      );
    });

    it('view title, submit and close over 24, or in mrkdwn', () => {
      expectOneViolation(blockKitViolations('modal', modal([], { title: plain(x(25)) })), 'title.text', /view title is 25 characters \(max 24\)/);
      expectOneViolation(blockKitViolations('modal', modal([], { submit: plain(x(25)) })), 'submit.text', /view submit is 25/);
      expectOneViolation(blockKitViolations('modal', modal([], { close: plain(x(25)) })), 'close.text', /view close is 25/);
      expectOneViolation(blockKitViolations('modal', modal([], { title: mrkdwn('T') })), 'title.type', /plain_text/);
    });

    it('private_metadata over 3000', () => {
      expectOneViolation(blockKitViolations('modal', modal([], { private_metadata: x(3001) })), 'private_metadata', /3001 characters \(max 3000\)/);
      expectOneViolation(blockKitViolations('home', { type: 'home', blocks: [], private_metadata: x(3001) }), 'private_metadata', /3001/);
    });

    it('a view over 250 kB of JSON', () => {
      // 100 sections of 2,600 three-byte characters: each under the section limit, together ~780 kB.
      const blocks = Array.from({ length: 100 }, () => section('€'.repeat(2600)));
      expectOneViolation(blockKitViolations('home', { type: 'home', blocks }), '(view)', /bytes of JSON \(max 250000\)/);
    });
  });

  describe('identifiers', () => {
    it('block_id and action_id over 255', () => {
      expectOneViolation(blockKitViolations('message', message([section('s', { block_id: x(256) })])), 'blocks[0].block_id', /block_id is 256/);
      const actions = { type: 'actions', elements: [button({ action_id: x(256) })] };
      expectOneViolation(blockKitViolations('message', message([actions])), 'blocks[0].elements[0].action_id', /action_id is 256/);
    });

    it('a block_id used twice in the surface', () => {
      const blocks = [section('a', { block_id: 'same' }), section('b', { block_id: 'other' }), section('c', { block_id: 'same' })];
      expectOneViolation(blockKitViolations('message', message(blocks)), 'blocks[2].block_id', /"same" is also used by blocks\[0\]/);
    });

    it('an action_id used twice within one block, but not across blocks', () => {
      const twice = { type: 'actions', elements: [button({ action_id: 'go' }), button({ action_id: 'go' })] };
      expectOneViolation(blockKitViolations('message', message([twice])), 'blocks[0].elements[1].action_id', /"go" is also used/);
      const acrossBlocks = [
        { type: 'actions', elements: [button({ action_id: 'go' })] },
        { type: 'actions', elements: [button({ action_id: 'go' })] },
      ];
      expect(blockKitViolations('message', message(acrossBlocks))).toEqual([]);
    });
  });

  describe('shape', () => {
    it('a modal with inputs and no submit button', () => {
      const view: Record<string, unknown> = modal([input({ type: 'plain_text_input' })]);
      delete view.submit;
      expectOneViolation(blockKitViolations('modal', view), 'submit', /needs a submit button/);
    });

    it('a view of the wrong type, and a payload that is not an object', () => {
      expectOneViolation(blockKitViolations('home', modal([])), 'type', /expected a home view/);
      expectOneViolation(blockKitViolations('message', 'hello'), '(payload)', /must be an object/);
    });

    it('lists every violation, not just the first', () => {
      const blocks = [section(x(3001)), { type: 'header', text: plain(x(151)) }];
      expect(blockKitViolations('message', message(blocks, x(40001)))).toHaveLength(3);
    });
  });
});

describe('expectWithinBlockKitLimits', () => {
  it('passes a payload within limits', () => {
    expect(() => expectWithinBlockKitLimits('message', message([section('hello')]))).not.toThrow();
  });

  it('fails the test and names the violation otherwise', () => {
    expect(() => expectWithinBlockKitLimits('message', message([section(x(3001))]))).toThrow(/section text is 3001 characters/);
  });
});
