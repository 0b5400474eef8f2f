import type { types } from '@slack/bolt';
import { isCalendarDate } from '../../domain/calendar';
import { LIMITS } from '../../domain/rotation-request';
import { ENVIRONMENT_TYPES, type EnvironmentType, isUserId } from '../../domain/rotation';
import { INPUT_ACTION, MODALS, REQUEST_BLOCKS } from '../ids';
import { encodeRequestMeta } from '../parse/request-meta';
import { escapeMrkdwn, inlineCode, truncate } from './mrkdwn';
import { instanceText, mentions } from './text';

export interface RequestModalDefaults {
  requesterId: string;
  /** WFI_REMINDER_CHANNEL, else the channel the command was typed in. */
  channelId?: string;
  instanceDomain: string;
  /** WFI_ROTATION_INTERVAL_DAYS: the preselected "rotate again every"; none when absent. */
  intervalDays?: number;
}

/** A planned next cycle, as its start form shows it: what stays fixed, and what the form lets the starter set. */
export interface PlannedCycle {
  id: string;
  instanceUrl: string;
  environmentType: EnvironmentType;
  deadline: string;
  channelId: string;
  requesterId: string;
  attendeeIds: string[];
  previousRotationId?: string;
  rotationIntervalDays?: number;
}

const PLACEHOLDER_MAX = 150;
/** "Rotate again every" offers these, plus the configured default when it is another number. */
export const ROTATION_INTERVAL_CHOICES = [90, 180, 365] as const;

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const context = (text: string): types.ContextBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

const isIntervalDays = (days: number | undefined): days is number =>
  days !== undefined && Number.isInteger(days) && days >= 1 && days <= LIMITS.rotationIntervalDays;

/** None, the standard intervals and any other configured or planned one, in increasing order. */
function intervalOptions(...extra: Array<number | undefined>): types.PlainTextOption[] {
  const days = [...new Set<number>([...ROTATION_INTERVAL_CHOICES, ...extra.filter(isIntervalDays)])].sort((a, b) => a - b);
  return [
    { text: plain('None'), value: '0' },
    ...days.map((d) => ({ text: plain(d === 1 ? '1 day' : `${d} days`), value: String(d) })),
  ];
}

const INTRO: types.SectionBlock = {
  type: 'section',
  text: {
    type: 'mrkdwn',
    text:
      'Request a rotation of the Workforce Intelligence client secret. The bot prepares the vendor\'s service ' +
      'request and tracks it to the handoff meeting. *Never enter the secret itself here.*',
  },
};

function deadlineBlock(initialDate?: string): types.InputBlock {
  return {
    type: 'input',
    block_id: REQUEST_BLOCKS.deadline,
    label: plain('Policy deadline'),
    hint: plain('The date by which your security policy requires the new secret'),
    element: {
      type: 'datepicker',
      action_id: INPUT_ACTION,
      placeholder: plain('Pick a date'),
      ...(initialDate && isCalendarDate(initialDate) ? { initial_date: initialDate } : {}),
    },
  };
}

/** "Rotate again every", preselecting `selected` (else none). */
function intervalBlock(selected: number | undefined, ...offered: Array<number | undefined>): types.InputBlock {
  const options = intervalOptions(selected, ...offered);
  const initial = options.find((o) => o.value === String(selected)) ?? options[0];
  return {
    type: 'input',
    block_id: REQUEST_BLOCKS.rotationIntervalDays,
    optional: true,
    label: plain('Rotate again every'),
    hint: plain('When this rotation completes, the bot plans the next one, due this many days after completion'),
    element: { type: 'static_select', action_id: INPUT_ACTION, options, ...(initial ? { initial_option: initial } : {}) },
  };
}

const NOTES_BLOCK: types.InputBlock = {
  type: 'input',
  block_id: REQUEST_BLOCKS.notes,
  optional: true,
  label: plain('Notes'),
  element: {
    type: 'plain_text_input',
    action_id: INPUT_ACTION,
    multiline: true,
    max_length: LIMITS.notes,
    placeholder: plain('Context for the approvers (never the secret)'),
  },
};

/** The request form. Pure: everything it shows comes in as arguments. */
export function buildRequestModal(defaults: RequestModalDefaults): types.ModalView {
  const environmentOptions = ENVIRONMENT_TYPES.map((type) => ({ text: plain(type), value: type }));
  return {
    type: 'modal',
    callback_id: MODALS.request,
    title: plain('WFI secret rotation'),
    submit: plain('Create request'),
    close: plain('Cancel'),
    blocks: [
      INTRO,
      {
        type: 'input',
        block_id: REQUEST_BLOCKS.instanceUrl,
        label: plain('Instance URL'),
        hint: plain(`The WFI instance whose secret is rotated, e.g. https://acme.${defaults.instanceDomain}`),
        element: {
          type: 'url_text_input',
          action_id: INPUT_ACTION,
          // Slack refuses a placeholder over 150 characters, and WFI_INSTANCE_DOMAIN has no length limit of its own.
          placeholder: plain(truncate(`https://acme.${defaults.instanceDomain}`, PLACEHOLDER_MAX)),
        },
      },
      {
        type: 'input',
        block_id: REQUEST_BLOCKS.environmentType,
        label: plain('Environment type'),
        element: { type: 'static_select', action_id: INPUT_ACTION, options: environmentOptions, initial_option: environmentOptions[0] },
      },
      deadlineBlock(),
      {
        type: 'input',
        block_id: REQUEST_BLOCKS.channelId,
        label: plain('Reminder channel'),
        hint: plain('The request and its reminders are posted here'),
        element: {
          type: 'conversations_select',
          action_id: INPUT_ACTION,
          filter: { include: ['public', 'private'], exclude_bot_users: true },
          ...(defaults.channelId ? { initial_conversation: defaults.channelId } : {}),
        },
      },
      {
        type: 'input',
        block_id: REQUEST_BLOCKS.attendeeIds,
        label: plain('Handoff attendees'),
        hint: plain('Who joins the vendor\'s meeting to receive the new secret'),
        element: {
          type: 'multi_users_select',
          action_id: INPUT_ACTION,
          initial_users: [defaults.requesterId],
          max_selected_items: LIMITS.attendees,
        },
      },
      intervalBlock(defaults.intervalDays),
      NOTES_BLOCK,
    ],
  };
}

/**
 * Starting a planned next cycle: the instance, the channel, the requester and
 * the attendees stay those of the owning team (shown, not editable); the
 * starter sets the deadline (prefilled), may invite more people, and sets the
 * interval and notes. The starter joins the attendees.
 */
export function buildStartPlannedModal(planned: PlannedCycle, defaults: Pick<RequestModalDefaults, 'intervalDays'> = {}): types.ModalView {
  const attendees = planned.attendeeIds.filter(isUserId);
  const after = planned.previousRotationId ? ` after ${inlineCode(planned.previousRotationId)}` : '';
  return {
    type: 'modal',
    callback_id: MODALS.startPlanned,
    private_metadata: encodeRequestMeta({ plannedRotationId: planned.id }),
    title: plain('Start next cycle'),
    submit: plain('Create request'),
    close: plain('Cancel'),
    blocks: [
      INTRO,
      context(
        `Starting the planned next cycle ${inlineCode(planned.id)}${after} for ${instanceText(planned.instanceUrl)} ` +
          `(${escapeMrkdwn(planned.environmentType)}). It stays with its team: requested by ${mentions([planned.requesterId])}, ` +
          `posted in <#${planned.channelId}>, attendees ${mentions(attendees)}; you join the attendees. Check the deadline.`,
      ),
      deadlineBlock(planned.deadline),
      {
        type: 'input',
        block_id: REQUEST_BLOCKS.attendeeIds,
        optional: true,
        label: plain('Also invite to the handoff'),
        hint: plain('Added to the attendees above; nobody is removed'),
        element: { type: 'multi_users_select', action_id: INPUT_ACTION, max_selected_items: LIMITS.attendees },
      },
      intervalBlock(isIntervalDays(planned.rotationIntervalDays) ? planned.rotationIntervalDays : defaults.intervalDays, defaults.intervalDays),
      NOTES_BLOCK,
    ],
  };
}
