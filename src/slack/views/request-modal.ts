import type { types } from '@slack/bolt';
import { isCalendarDate } from '../../domain/calendar';
import { LIMITS } from '../../domain/rotation-request';
import { ENVIRONMENT_TYPES, type EnvironmentType, isUserId } from '../../domain/rotation';
import { INPUT_ACTION, REQUEST_BLOCKS, REQUEST_MODAL } from '../ids';
import { truncate } from './mrkdwn';

/** A planned next cycle's fields, shown in the form so starting it is one click and a check. */
export interface RequestModalPrefill {
  instanceUrl: string;
  environmentType: EnvironmentType;
  deadline: string;
  channelId: string;
  attendeeIds: string[];
  rotationIntervalDays?: number;
  notes?: string;
}

export interface RequestModalDefaults {
  requesterId: string;
  /** WFI_REMINDER_CHANNEL, else the channel the command was typed in. */
  channelId?: string;
  instanceDomain: string;
  /** WFI_ROTATION_INTERVAL_DAYS: the preselected "rotate again every"; none when absent. */
  intervalDays?: number;
  /** Starting a planned rotation: these win over the defaults above. */
  prefill?: RequestModalPrefill;
  /** Echoed back on submit (e.g. which planned rotation this form starts); at most 3000 characters. */
  privateMetadata?: string;
}

const PLACEHOLDER_MAX = 150;
const PRIVATE_METADATA_MAX = 3000;
/** "Rotate again every" offers these, plus the configured default when it is another number. */
export const ROTATION_INTERVAL_CHOICES = [90, 180, 365] as const;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

const plain = (text: string) => ({ type: 'plain_text' as const, text });

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

/** The request form. Pure: everything it shows comes in as arguments. */
export function buildRequestModal(defaults: RequestModalDefaults): types.ModalView {
  const { prefill } = defaults;
  if (defaults.privateMetadata !== undefined && defaults.privateMetadata.length > PRIVATE_METADATA_MAX) {
    // Cutting it would corrupt it (and a planned rotation would silently become a new one): fail loudly instead.
    throw new RangeError(`private_metadata is ${defaults.privateMetadata.length} characters (Slack allows ${PRIVATE_METADATA_MAX})`);
  }
  const environmentOptions = ENVIRONMENT_TYPES.map((type) => ({ text: plain(type), value: type }));
  const initialEnvironment = environmentOptions.find((o) => o.value === prefill?.environmentType) ?? environmentOptions[0];

  const interval = isIntervalDays(prefill?.rotationIntervalDays) ? prefill.rotationIntervalDays : defaults.intervalDays;
  const intervals = intervalOptions(defaults.intervalDays, prefill?.rotationIntervalDays);
  const initialInterval = intervals.find((o) => o.value === String(interval)) ?? intervals[0];

  const channelId = prefill && CHANNEL_ID.test(prefill.channelId) ? prefill.channelId : defaults.channelId;
  const prefilledAttendees = [...new Set(prefill?.attendeeIds.filter(isUserId) ?? [])].slice(0, LIMITS.attendees);
  const attendees = prefilledAttendees.length > 0 ? prefilledAttendees : [defaults.requesterId];
  const notes = prefill?.notes?.trim() ? truncate(prefill.notes.trim(), LIMITS.notes) : undefined;

  return {
    type: 'modal',
    callback_id: REQUEST_MODAL,
    ...(defaults.privateMetadata ? { private_metadata: defaults.privateMetadata } : {}),
    title: plain('WFI secret rotation'),
    submit: plain('Create request'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            'Request a rotation of the Workforce Intelligence client secret. The bot prepares the vendor\'s service ' +
            'request and tracks it to the handoff meeting. *Never enter the secret itself here.*',
        },
      },
      ...(prefill
        ? [
            {
              type: 'context' as const,
              elements: [
                {
                  type: 'mrkdwn' as const,
                  text: 'Starting the planned next cycle: the fields come from the last rotation. Check them, the deadline especially.',
                },
              ],
            },
          ]
        : []),
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
          ...(prefill?.instanceUrl ? { initial_value: prefill.instanceUrl } : {}),
        },
      },
      {
        type: 'input',
        block_id: REQUEST_BLOCKS.environmentType,
        label: plain('Environment type'),
        element: {
          type: 'static_select',
          action_id: INPUT_ACTION,
          options: environmentOptions,
          initial_option: initialEnvironment,
        },
      },
      {
        type: 'input',
        block_id: REQUEST_BLOCKS.deadline,
        label: plain('Policy deadline'),
        hint: plain('The date by which your security policy requires the new secret'),
        element: {
          type: 'datepicker',
          action_id: INPUT_ACTION,
          placeholder: plain('Pick a date'),
          ...(prefill && isCalendarDate(prefill.deadline) ? { initial_date: prefill.deadline } : {}),
        },
      },
      {
        type: 'input',
        block_id: REQUEST_BLOCKS.channelId,
        label: plain('Reminder channel'),
        hint: plain('The request and its reminders are posted here'),
        element: {
          type: 'conversations_select',
          action_id: INPUT_ACTION,
          filter: { include: ['public', 'private'], exclude_bot_users: true },
          ...(channelId ? { initial_conversation: channelId } : {}),
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
          initial_users: attendees,
          max_selected_items: LIMITS.attendees,
        },
      },
      {
        type: 'input',
        block_id: REQUEST_BLOCKS.rotationIntervalDays,
        optional: true,
        label: plain('Rotate again every'),
        hint: plain('When this rotation completes, the bot plans the next one, due this many days after completion'),
        element: {
          type: 'static_select',
          action_id: INPUT_ACTION,
          options: intervals,
          initial_option: initialInterval,
        },
      },
      {
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
          ...(notes ? { initial_value: notes } : {}),
        },
      },
    ],
  };
}
