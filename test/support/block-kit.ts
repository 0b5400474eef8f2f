/**
 * Slack's Block Kit limits, checked offline. No offline validator exists and
 * Slack answers a payload over any limit with a bare `invalid_blocks` (or
 * refuses to open the modal), so every builder's output goes through this in
 * unit tests. Limits are Slack's published ones; where Slack's documents
 * disagree the stricter figure is used (option values: 75).
 */

export type Surface = 'message' | 'modal' | 'home';

export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40000,
  viewTitle: 24,
  viewSubmit: 24,
  viewClose: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  /** Slack says "250kb" of view JSON; counted here as 250,000 UTF-8 bytes. */
  viewBytes: 250_000,
  blockId: 255,
  actionId: 255,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  optionText: 75,
  optionValue: 75,
  optionDescription: 75,
  optionGroupLabel: 75,
  selectOptions: 100,
  optionGroups: 100,
  overflowOptions: 5,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  imageUrl: 3000,
  altText: 2000,
  imageTitle: 2000,
  plainTextInputMaxLength: 3000,
} as const;

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

class Checker {
  readonly problems: string[] = [];
  private readonly blockIds = new Map<string, string>();

  report(path: string, problem: string): void {
    this.problems.push(`${path}: ${problem}`);
  }

  length(path: string, value: unknown, max: number, what: string): void {
    if (typeof value === 'string' && value.length > max) {
      this.report(path, `${what} is ${value.length} characters (max ${max})`);
    }
  }

  /**
   * A text object: `{type, text}`. Slack refuses an empty text, and some
   * places (titles, headers, buttons, options, labels) take plain_text only.
   */
  text(path: string, value: unknown, max: number, what: string, options: { plainOnly?: boolean; required?: boolean } = {}): void {
    if (value === undefined) {
      if (options.required) this.report(path, `${what} is missing`);
      return;
    }
    if (!isRecord(value) || typeof value.text !== 'string') {
      this.report(path, `${what} must be a text object {type, text}`);
      return;
    }
    if (value.type !== 'plain_text' && value.type !== 'mrkdwn') this.report(`${path}.type`, `${what} has type "${String(value.type)}"`);
    else if (options.plainOnly && value.type !== 'plain_text') this.report(`${path}.type`, `${what} must be plain_text, not ${value.type}`);
    if (value.text.length === 0) this.report(`${path}.text`, `${what} is empty`);
    this.length(`${path}.text`, value.text, max, what);
  }

  blockId(path: string, block: Json): void {
    const id = block.block_id;
    if (id === undefined) return;
    if (typeof id !== 'string' || id === '') {
      this.report(`${path}.block_id`, 'block_id must be a non-empty string');
      return;
    }
    this.length(`${path}.block_id`, id, BLOCK_KIT_LIMITS.blockId, 'block_id');
    const first = this.blockIds.get(id);
    if (first !== undefined) this.report(`${path}.block_id`, `block_id "${id}" is also used by ${first}`);
    else this.blockIds.set(id, path);
  }

  confirm(path: string, confirm: unknown): void {
    if (confirm === undefined) return;
    if (!isRecord(confirm)) {
      this.report(path, 'confirm must be an object');
      return;
    }
    this.text(`${path}.title`, confirm.title, BLOCK_KIT_LIMITS.confirmTitle, 'confirm title', { plainOnly: true, required: true });
    this.text(`${path}.text`, confirm.text, BLOCK_KIT_LIMITS.confirmText, 'confirm text', { required: true });
    this.text(`${path}.confirm`, confirm.confirm, BLOCK_KIT_LIMITS.confirmButton, 'confirm button text', { plainOnly: true, required: true });
    this.text(`${path}.deny`, confirm.deny, BLOCK_KIT_LIMITS.confirmButton, 'deny button text', { plainOnly: true, required: true });
  }

  option(path: string, option: unknown): void {
    if (!isRecord(option)) {
      this.report(path, 'option must be an object');
      return;
    }
    this.text(`${path}.text`, option.text, BLOCK_KIT_LIMITS.optionText, 'option text', { required: true });
    if (typeof option.value !== 'string') this.report(`${path}.value`, 'option value must be a string');
    this.length(`${path}.value`, option.value, BLOCK_KIT_LIMITS.optionValue, 'option value');
    this.text(`${path}.description`, option.description, BLOCK_KIT_LIMITS.optionDescription, 'option description');
    this.length(`${path}.url`, option.url, BLOCK_KIT_LIMITS.buttonUrl, 'option url');
  }

  options(path: string, element: Json, max: number): void {
    const options = asArray(element.options);
    if (options.length > max) this.report(`${path}.options`, `${options.length} options (max ${max})`);
    options.forEach((option, i) => this.option(`${path}.options[${i}]`, option));
    const groups = asArray(element.option_groups);
    if (groups.length > BLOCK_KIT_LIMITS.optionGroups) {
      this.report(`${path}.option_groups`, `${groups.length} option groups (max ${BLOCK_KIT_LIMITS.optionGroups})`);
    }
    groups.forEach((group, g) => {
      const groupPath = `${path}.option_groups[${g}]`;
      if (!isRecord(group)) return this.report(groupPath, 'option group must be an object');
      this.text(`${groupPath}.label`, group.label, BLOCK_KIT_LIMITS.optionGroupLabel, 'option group label', { plainOnly: true, required: true });
      const groupOptions = asArray(group.options);
      if (groupOptions.length > BLOCK_KIT_LIMITS.selectOptions) {
        this.report(`${groupPath}.options`, `${groupOptions.length} options (max ${BLOCK_KIT_LIMITS.selectOptions})`);
      }
      groupOptions.forEach((option, i) => this.option(`${groupPath}.options[${i}]`, option));
    });
    if (element.initial_option !== undefined) this.option(`${path}.initial_option`, element.initial_option);
    asArray(element.initial_options).forEach((option, i) => this.option(`${path}.initial_options[${i}]`, option));
  }

  /** An interactive or image element inside a block; `actionIds` are those already used in the same block. */
  element(path: string, element: unknown, actionIds: Map<string, string>): void {
    if (!isRecord(element)) {
      this.report(path, 'element must be an object');
      return;
    }
    const actionId = element.action_id;
    if (actionId !== undefined) {
      if (typeof actionId !== 'string' || actionId === '') this.report(`${path}.action_id`, 'action_id must be a non-empty string');
      else {
        this.length(`${path}.action_id`, actionId, BLOCK_KIT_LIMITS.actionId, 'action_id');
        const first = actionIds.get(actionId);
        if (first !== undefined) this.report(`${path}.action_id`, `action_id "${actionId}" is also used by ${first} in the same block`);
        else actionIds.set(actionId, path);
      }
    }
    this.text(`${path}.placeholder`, element.placeholder, BLOCK_KIT_LIMITS.placeholder, 'placeholder', { plainOnly: true });
    this.confirm(`${path}.confirm`, element.confirm);
    switch (element.type) {
      case 'button':
        this.text(`${path}.text`, element.text, BLOCK_KIT_LIMITS.buttonText, 'button text', { plainOnly: true, required: true });
        this.length(`${path}.value`, element.value, BLOCK_KIT_LIMITS.buttonValue, 'button value');
        this.length(`${path}.url`, element.url, BLOCK_KIT_LIMITS.buttonUrl, 'button url');
        break;
      case 'overflow':
        this.options(path, element, BLOCK_KIT_LIMITS.overflowOptions);
        break;
      case 'static_select':
      case 'multi_static_select':
      case 'checkboxes':
      case 'radio_buttons':
      case 'external_select':
      case 'multi_external_select':
        this.options(path, element, BLOCK_KIT_LIMITS.selectOptions);
        break;
      case 'plain_text_input':
        if (typeof element.max_length === 'number' && element.max_length > BLOCK_KIT_LIMITS.plainTextInputMaxLength) {
          this.report(`${path}.max_length`, `max_length is ${element.max_length} (max ${BLOCK_KIT_LIMITS.plainTextInputMaxLength})`);
        }
        break;
      case 'image':
        this.length(`${path}.image_url`, element.image_url, BLOCK_KIT_LIMITS.imageUrl, 'image_url');
        this.length(`${path}.alt_text`, element.alt_text, BLOCK_KIT_LIMITS.altText, 'alt_text');
        break;
      default:
        break;
    }
  }

  block(path: string, block: unknown): void {
    if (!isRecord(block)) {
      this.report(path, 'block must be an object');
      return;
    }
    this.blockId(path, block);
    const actionIds = new Map<string, string>();
    switch (block.type) {
      case 'section': {
        this.text(`${path}.text`, block.text, BLOCK_KIT_LIMITS.sectionText, 'section text');
        const fields = block.fields;
        if (block.text === undefined && fields === undefined) this.report(path, 'a section needs text or fields');
        if (fields !== undefined) {
          const list = asArray(fields);
          if (list.length === 0) this.report(`${path}.fields`, 'fields must be a non-empty array');
          if (list.length > BLOCK_KIT_LIMITS.sectionFields) {
            this.report(`${path}.fields`, `${list.length} fields (max ${BLOCK_KIT_LIMITS.sectionFields})`);
          }
          list.forEach((field, i) => this.text(`${path}.fields[${i}]`, field, BLOCK_KIT_LIMITS.sectionFieldText, 'section field'));
        }
        if (block.accessory !== undefined) this.element(`${path}.accessory`, block.accessory, actionIds);
        break;
      }
      case 'header':
        this.text(`${path}.text`, block.text, BLOCK_KIT_LIMITS.headerText, 'header text', { plainOnly: true, required: true });
        break;
      case 'context': {
        const elements = asArray(block.elements);
        if (elements.length === 0) this.report(`${path}.elements`, 'a context block needs at least one element');
        if (elements.length > BLOCK_KIT_LIMITS.contextElements) {
          this.report(`${path}.elements`, `${elements.length} context elements (max ${BLOCK_KIT_LIMITS.contextElements})`);
        }
        elements.forEach((element, i) => {
          const elementPath = `${path}.elements[${i}]`;
          if (isRecord(element) && (element.type === 'mrkdwn' || element.type === 'plain_text')) {
            this.text(elementPath, element, BLOCK_KIT_LIMITS.contextText, 'context text');
          } else this.element(elementPath, element, actionIds);
        });
        break;
      }
      case 'actions': {
        const elements = asArray(block.elements);
        if (elements.length === 0) this.report(`${path}.elements`, 'an actions block needs at least one element');
        if (elements.length > BLOCK_KIT_LIMITS.actionsElements) {
          this.report(`${path}.elements`, `${elements.length} actions elements (max ${BLOCK_KIT_LIMITS.actionsElements})`);
        }
        elements.forEach((element, i) => this.element(`${path}.elements[${i}]`, element, actionIds));
        break;
      }
      case 'input':
        this.text(`${path}.label`, block.label, BLOCK_KIT_LIMITS.inputLabel, 'input label', { plainOnly: true, required: true });
        this.text(`${path}.hint`, block.hint, BLOCK_KIT_LIMITS.inputHint, 'input hint', { plainOnly: true });
        if (block.element === undefined) this.report(`${path}.element`, 'an input block needs an element');
        else this.element(`${path}.element`, block.element, actionIds);
        break;
      case 'image':
        this.length(`${path}.image_url`, block.image_url, BLOCK_KIT_LIMITS.imageUrl, 'image_url');
        this.length(`${path}.alt_text`, block.alt_text, BLOCK_KIT_LIMITS.altText, 'alt_text');
        this.text(`${path}.title`, block.title, BLOCK_KIT_LIMITS.imageTitle, 'image title', { plainOnly: true });
        break;
      default:
        // divider, rich_text, file, video, …: nothing countable beyond the block_id.
        break;
    }
  }

  blocks(path: string, blocks: unknown, max: number, surface: Surface): void {
    if (blocks === undefined) return;
    if (!Array.isArray(blocks)) {
      this.report(path, 'blocks must be an array');
      return;
    }
    if (blocks.length > max) this.report(path, `${blocks.length} blocks (max ${max} in a ${surface})`);
    blocks.forEach((block, i) => this.block(`${path}[${i}]`, block));
  }
}

function checkView(checker: Checker, surface: 'modal' | 'home', view: Json): void {
  const limits = BLOCK_KIT_LIMITS;
  if (view.type !== surface) checker.report('type', `expected a ${surface} view, got type "${String(view.type)}"`);
  if (surface === 'modal') {
    checker.text('title', view.title, limits.viewTitle, 'view title', { plainOnly: true, required: true });
    checker.text('submit', view.submit, limits.viewSubmit, 'view submit', { plainOnly: true });
    checker.text('close', view.close, limits.viewClose, 'view close', { plainOnly: true });
    const hasInput = asArray(view.blocks).some((block) => isRecord(block) && block.type === 'input');
    if (hasInput && view.submit === undefined) checker.report('submit', 'a modal with input blocks needs a submit button');
  }
  checker.length('private_metadata', view.private_metadata, limits.privateMetadata, 'private_metadata');
  checker.length('callback_id', view.callback_id, limits.callbackId, 'callback_id');
  checker.length('external_id', view.external_id, limits.externalId, 'external_id');
  if (!Array.isArray(view.blocks)) checker.report('blocks', 'a view needs a blocks array');
  checker.blocks('blocks', view.blocks, limits.viewBlocks, surface);
  const bytes = Buffer.byteLength(JSON.stringify(view), 'utf8');
  if (bytes > limits.viewBytes) checker.report('(view)', `the view is ${bytes} bytes of JSON (max ${limits.viewBytes})`);
}

function checkMessage(checker: Checker, message: Json): void {
  if (message.text !== undefined && typeof message.text !== 'string') checker.report('text', 'text must be a string');
  checker.length('text', message.text, BLOCK_KIT_LIMITS.messageText, 'message text');
  if (message.text === undefined && message.blocks === undefined) checker.report('(message)', 'a message needs text or blocks');
  checker.blocks('blocks', message.blocks, BLOCK_KIT_LIMITS.messageBlocks, 'message');
}

/** Every limit the payload breaks, as "path: problem" lines; empty when Slack would accept it. */
export function blockKitViolations(surface: Surface, payload: unknown): string[] {
  const checker = new Checker();
  if (!isRecord(payload)) {
    checker.report('(payload)', `a ${surface} payload must be an object`);
    return checker.problems;
  }
  if (surface === 'message') checkMessage(checker, payload);
  else checkView(checker, surface, payload);
  return checker.problems;
}

/** Fails the current test with every violation listed, so one run shows all of them. */
export function expectWithinBlockKitLimits(surface: Surface, payload: unknown): void {
  expect(blockKitViolations(surface, payload)).toEqual([]);
}
