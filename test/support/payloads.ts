/**
 * Request bodies as Slack sends them: slash commands form-encoded, interactive
 * payloads as a form field `payload` holding JSON.
 */
export const TEAM = { id: 'T0TEAM001', domain: 'acme' };
export const REQUESTER = 'U0REQUEST1';

export function slashCommand(overrides: Record<string, string> = {}): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: 'C0CHANNEL1',
    channel_name: 'security',
    user_id: REQUESTER,
    user_name: 'requester',
    command: '/wfi-rotate',
    text: '',
    api_app_id: 'A0APP0001',
    response_url: 'https://hooks.slack.com/commands/T0TEAM001/1/abc',
    trigger_id: '1234567890.123456.abcdef',
    ...overrides,
  }).toString();
}

export function interactive(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface RequestFormInput {
  instanceUrl?: string | null;
  environmentType?: string;
  deadline?: string | null;
  channelId?: string | null;
  attendeeIds?: string[];
  notes?: string | null;
}

/** The modal's `view.state.values` as Slack sends them on submit. */
export function requestFormState(input: RequestFormInput = {}) {
  const v = {
    instanceUrl: 'https://acme.wfi.pega.com',
    environmentType: 'Production',
    deadline: '2026-03-31',
    channelId: 'C0CHANNEL1',
    attendeeIds: [REQUESTER],
    notes: null,
    ...input,
  };
  return {
    instance_url: { value: { type: 'url_text_input', value: v.instanceUrl } },
    environment_type: {
      value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: v.environmentType }, value: v.environmentType } },
    },
    deadline: { value: { type: 'datepicker', selected_date: v.deadline } },
    reminder_channel: { value: { type: 'conversations_select', selected_conversation: v.channelId } },
    attendees: { value: { type: 'multi_users_select', selected_users: v.attendeeIds } },
    notes: { value: { type: 'plain_text_input', value: v.notes } },
  };
}

export function requestSubmission(input: RequestFormInput = {}, user = REQUESTER): string {
  return interactive({
    type: 'view_submission',
    team: TEAM,
    user: { id: user, username: 'requester', name: 'requester', team_id: TEAM.id },
    api_app_id: 'A0APP0001',
    token: 'legacy-verification-token',
    trigger_id: '1234567890.123456.submit',
    view: {
      id: 'V0VIEW001',
      team_id: TEAM.id,
      type: 'modal',
      callback_id: 'wfi_request',
      private_metadata: '',
      hash: '1700000000.abcdef',
      title: { type: 'plain_text', text: 'WFI secret rotation' },
      blocks: [],
      state: { values: requestFormState(input) },
      app_id: 'A0APP0001',
      bot_id: 'BBOT0001',
    },
    response_urls: [],
    is_enterprise_install: false,
  });
}

export function buttonClick(actionId: string, value: string, options: { user?: string; responseUrl: string }): string {
  return interactive({
    type: 'block_actions',
    team: TEAM,
    user: { id: options.user ?? REQUESTER, username: 'someone', name: 'someone', team_id: TEAM.id },
    api_app_id: 'A0APP0001',
    token: 'legacy-verification-token',
    trigger_id: '1234567890.123456.click',
    container: { type: 'message', message_ts: '1001.000100', channel_id: 'C0CHANNEL1', is_ephemeral: false },
    channel: { id: 'C0CHANNEL1', name: 'security' },
    message: { ts: '1001.000100', text: 'rotation' },
    response_url: options.responseUrl,
    actions: [
      { type: 'button', action_id: actionId, block_id: 'rotation_actions', value, text: { type: 'plain_text', text: 'x' }, action_ts: '1700000000.1' },
    ],
    is_enterprise_install: false,
  });
}
