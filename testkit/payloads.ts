/**
 * Request bodies as Slack sends them: slash commands form-encoded, interactive
 * payloads as a form field `payload` holding JSON.
 */
export const TEAM = { id: 'T0TEAM001', domain: 'acme' };
export const REQUESTER = 'U0REQUEST1';
export const CHANNEL = 'C0CHANNEL1';

/**
 * Where a person is in an Enterprise Grid org the app is installed in
 * org-wide: the org, and the workspace they are in. Given to a builder, it
 * makes the payload an org install sends (`enterprise_id` / `enterprise`,
 * `is_enterprise_install: true`, the person's workspace as the team, and for
 * events `authorizations` of the org); left out, the payload is a single
 * workspace's, as it always was.
 */
export interface GridPlace {
  enterpriseId: string;
  teamId: string;
}
export const ORG_NAME = 'Acme Org';

/** An interaction's team, enterprise and install fields for a person in `grid`. */
function gridOrigin(user: { id: string; name: string }, grid: GridPlace) {
  return {
    team: { id: grid.teamId, domain: `acme-${grid.teamId.toLowerCase()}`, enterprise_id: grid.enterpriseId, enterprise_name: ORG_NAME },
    enterprise: { id: grid.enterpriseId, name: ORG_NAME },
    user: { id: user.id, username: user.name, name: user.name, team_id: grid.teamId },
    is_enterprise_install: true,
  };
}

/** `/wfi-rotate` typed by a person in a workspace of an org the app is installed in org-wide. */
export function orgSlashCommand(grid: GridPlace, overrides: Record<string, string> = {}): string {
  return slashCommand({
    team_id: grid.teamId,
    team_domain: `acme-${grid.teamId.toLowerCase()}`,
    enterprise_id: grid.enterpriseId,
    enterprise_name: ORG_NAME,
    is_enterprise_install: 'true',
    response_url: `https://hooks.slack.com/commands/${grid.teamId}/1/abc`,
    ...overrides,
  });
}

export function slashCommand(overrides: Record<string, string> = {}): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: CHANNEL,
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
  rotationIntervalDays?: string;
}

/** The modal's `view.state.values` as Slack sends them on submit. */
export function requestFormState(input: RequestFormInput = {}) {
  const v = {
    instanceUrl: 'https://acme.wfi.pega.com',
    environmentType: 'Production',
    deadline: '2026-03-31',
    channelId: CHANNEL,
    attendeeIds: [REQUESTER],
    notes: null,
    rotationIntervalDays: '0',
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
    rotation_interval: {
      value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: v.rotationIntervalDays }, value: v.rotationIntervalDays } },
    },
  };
}

export function requestSubmission(input: RequestFormInput = {}, user = REQUESTER, privateMetadata = ''): string {
  return viewSubmission('wfi_request', requestFormState(input), { user, privateMetadata });
}

function viewOf(callbackId: string, values: Record<string, Record<string, Record<string, unknown>>>, privateMetadata = '') {
  return {
    id: 'V0VIEW001',
    team_id: TEAM.id,
    type: 'modal',
    callback_id: callbackId,
    private_metadata: privateMetadata,
    hash: '1700000000.abcdef',
    title: { type: 'plain_text', text: 'WFI secret rotation' },
    blocks: [],
    state: { values },
    app_id: 'A0APP0001',
    bot_id: 'BBOT0001',
  };
}

/** A view_submission of any modal, with its state values as Slack sends them (from a person in `grid`, an org install's). */
export function viewSubmission(
  callbackId: string,
  values: Record<string, Record<string, Record<string, unknown>>>,
  options: { user?: string; privateMetadata?: string; grid?: GridPlace } = {},
): string {
  const user = options.user ?? REQUESTER;
  const grid = options.grid;
  return interactive({
    type: 'view_submission',
    team: TEAM,
    user: { id: user, username: 'requester', name: 'requester', team_id: TEAM.id },
    api_app_id: 'A0APP0001',
    token: 'legacy-verification-token',
    trigger_id: '1234567890.123456.submit',
    view: viewOf(callbackId, values, options.privateMetadata),
    response_urls: [],
    is_enterprise_install: false,
    ...(grid ? gridOrigin({ id: user, name: 'requester' }, grid) : {}),
    ...(grid ? { view: { ...viewOf(callbackId, values, options.privateMetadata), team_id: grid.teamId } } : {}),
  });
}

export function buttonClick(
  actionId: string,
  value: string,
  options: { user?: string; responseUrl: string; channelId?: string; messageTs?: string; fromHome?: boolean; grid?: GridPlace },
): string {
  const channelId = options.channelId ?? CHANNEL;
  const messageTs = options.messageTs ?? '1001.000100';
  const where = options.fromHome
    ? { container: { type: 'view', view_id: 'V0HOME0001' }, view: { id: 'V0HOME0001', type: 'home' } }
    : {
        container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
        channel: { id: channelId, name: 'security' },
        message: { ts: messageTs, text: 'rotation' },
      };
  return interactive({
    type: 'block_actions',
    team: TEAM,
    user: { id: options.user ?? REQUESTER, username: 'someone', name: 'someone', team_id: TEAM.id },
    api_app_id: 'A0APP0001',
    token: 'legacy-verification-token',
    trigger_id: '1234567890.123456.click',
    ...where,
    response_url: options.responseUrl,
    actions: [
      { type: 'button', action_id: actionId, block_id: 'rotation_actions', value, text: { type: 'plain_text', text: 'x' }, action_ts: '1700000000.1' },
    ],
    is_enterprise_install: false,
    ...(options.grid ? gridOrigin({ id: options.user ?? REQUESTER, name: 'someone' }, options.grid) : {}),
  });
}

/** Step-modal states as Slack sends them (block_id → action_id "value" → element state). */
export const stepStates = {
  reason: (reason: string) => ({ reason: { value: { type: 'plain_text_input', value: reason } } }),
  submission: (caseNumber: string, submittedOn: string) => ({
    case_number: { value: { type: 'plain_text_input', value: caseNumber } },
    submitted_on: { value: { type: 'datepicker', selected_date: submittedOn } },
  }),
  meeting: (m: { platform: string; date: string; time: string; timeZone: string; joinUrl?: string | null; attendeeIds: string[] }) => ({
    platform: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: m.platform }, value: m.platform } } },
    meeting_date: { value: { type: 'datepicker', selected_date: m.date } },
    meeting_time: { value: { type: 'timepicker', selected_time: m.time } },
    meeting_time_zone: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: m.timeZone }, value: m.timeZone } } },
    join_url: { value: { type: 'url_text_input', value: m.joinUrl ?? null } },
    meeting_attendees: { value: { type: 'multi_users_select', selected_users: m.attendeeIds } },
  }),
  completion: (confirmations: string[]) => ({
    confirmations: {
      value: { type: 'checkboxes', selected_options: confirmations.map((c) => ({ text: { type: 'plain_text', text: c }, value: c })) },
    },
  }),
};

/**
 * An Events API callback as Slack sends it: JSON (post it with content type
 * application/json). In `grid`, as an org install sends it: the workspace the
 * event happened in, the org, and the org's authorization (no team of its own).
 */
export function eventCallback(event: Record<string, unknown>, eventId = 'Ev0TEST0001', grid?: GridPlace): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: grid ? grid.teamId : TEAM.id,
    ...(grid ? { enterprise_id: grid.enterpriseId, context_team_id: grid.teamId, context_enterprise_id: grid.enterpriseId } : {}),
    api_app_id: 'A0APP0001',
    type: 'event_callback',
    event_id: eventId,
    event_time: 1700000000,
    event,
    ...(grid
      ? {
          authorizations: [{ enterprise_id: grid.enterpriseId, team_id: null, user_id: 'UBOT0001', is_bot: true, is_enterprise_install: true }],
          is_ext_shared_channel: false,
        }
      : {}),
  });
}

/** Someone opening the app's Home tab (in `grid`: a person of that workspace of an org install). */
export function appHomeOpened(user = REQUESTER, eventId?: string, grid?: GridPlace): string {
  return eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME0001', tab: 'home', event_ts: '1700000000.000100' }, eventId, grid);
}

/** A person's reply in a thread (`message.channels`), or one whose fields a test overrides. */
export function threadReply(options: { channel: string; threadTs: string; ts: string; user: string; text: string }): Record<string, unknown> {
  return {
    type: 'message',
    channel: options.channel,
    user: options.user,
    text: options.text,
    ts: options.ts,
    thread_ts: options.threadTs,
    channel_type: 'channel',
    event_ts: options.ts,
  };
}

/**
 * A workflow running one of the app's custom steps (`function_executed`), as
 * Slack sends it: the step's callback id, its inputs, the execution's id and
 * its own short-lived token.
 */
export function functionExecuted(options: {
  callbackId: string;
  inputs: Record<string, unknown>;
  executionId: string;
  token?: string;
  eventId?: string;
}): string {
  return eventCallback(
    {
      type: 'function_executed',
      function: {
        id: `Fn0${options.callbackId.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 8)}`,
        callback_id: options.callbackId,
        title: options.callbackId,
        type: 'app',
        input_parameters: [],
        output_parameters: [],
        app_id: 'A0APP0001',
        date_created: 1700000000,
        date_updated: 1700000000,
        date_deleted: 0,
      },
      inputs: options.inputs,
      function_execution_id: options.executionId,
      workflow_execution_id: `Wx${options.executionId}`,
      event_ts: '1700000000.000200',
      bot_access_token: options.token ?? `xwfp-test-${options.executionId}`,
    },
    options.eventId ?? `Ev${options.executionId}`,
  );
}
