import type { types } from '@slack/bolt';
import { LIMITS } from '../../domain/rotation-request';
import { ENVIRONMENT_TYPES } from '../../domain/rotation';
import { INPUT_ACTION, REQUEST_BLOCKS, REQUEST_MODAL } from '../ids';
import { truncate } from './mrkdwn';

export interface RequestModalDefaults {
  requesterId: string;
  /** WFI_REMINDER_CHANNEL, else the channel the command was typed in. */
  channelId?: string;
  instanceDomain: string;
}

const PLACEHOLDER_MAX = 150;

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** The request form. Pure: everything it shows comes in as arguments. */
export function buildRequestModal(defaults: RequestModalDefaults): types.ModalView {
  const environmentOptions = ENVIRONMENT_TYPES.map((type) => ({ text: plain(type), value: type }));
  return {
    type: 'modal',
    callback_id: REQUEST_MODAL,
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
        element: {
          type: 'static_select',
          action_id: INPUT_ACTION,
          options: environmentOptions,
          initial_option: environmentOptions[0],
        },
      },
      {
        type: 'input',
        block_id: REQUEST_BLOCKS.deadline,
        label: plain('Policy deadline'),
        hint: plain('The date by which your security policy requires the new secret'),
        element: { type: 'datepicker', action_id: INPUT_ACTION, placeholder: plain('Pick a date') },
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
        },
      },
    ],
  };
}
