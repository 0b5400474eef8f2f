/** Every identifier Slack round-trips to us, in one place so builders and listeners agree. */
export const COMMAND = '/wfi-rotate';

/** callback_id of each modal. */
export const MODALS = {
  request: 'wfi_request',
  /** Starting a planned next cycle: the deadline, extra attendees, interval and notes; the rest stays the owning team's. */
  startPlanned: 'wfi_start_planned',
  reject: 'wfi_reject',
  cancel: 'wfi_cancel',
  submission: 'wfi_submission',
  meeting: 'wfi_meeting',
  completion: 'wfi_completion',
} as const;

/** block_id of each request-modal input; every input's action_id is `INPUT_ACTION`. */
export const REQUEST_BLOCKS = {
  instanceUrl: 'instance_url',
  environmentType: 'environment_type',
  deadline: 'deadline',
  channelId: 'reminder_channel',
  attendeeIds: 'attendees',
  notes: 'notes',
  rotationIntervalDays: 'rotation_interval',
} as const;

/** block_id of each step-modal input (action_id is `INPUT_ACTION` too). */
export const STEP_BLOCKS = {
  reason: 'reason',
  caseNumber: 'case_number',
  submittedOn: 'submitted_on',
  platform: 'platform',
  date: 'meeting_date',
  time: 'meeting_time',
  timeZone: 'meeting_time_zone',
  joinUrl: 'join_url',
  attendeeIds: 'meeting_attendees',
  confirmations: 'confirmations',
} as const;

export const INPUT_ACTION = 'value';

/** The time-zone option that means "the clicker's own Slack time zone", resolved on submit. */
export const MY_TIME_ZONE = 'slack-user-time-zone';

/** action_id of each button. Rotation buttons carry `ROT-XXXXXX:version` as their value. */
export const ACTIONS = {
  approve: 'rotation_approve',
  reject: 'rotation_reject',
  recordSubmission: 'rotation_record_submission',
  scheduleMeeting: 'rotation_schedule_meeting',
  complete: 'rotation_complete',
  cancel: 'rotation_cancel',
  openPortal: 'open_portal',
  /** App Home: open the request form; a planned rotation's button carries its id to prefill it. */
  newRequest: 'home_new_request',
  startPlanned: 'home_start_planned',
} as const;

/**
 * Events the app subscribes to, by their manifest names; the manifest test
 * keeps `manifest.yml` in step. `message.channels` and `message.groups` both
 * arrive as the `message` event: replies in rotation threads, for the leak guard.
 * `function_executed`: a workflow ran one of the app's custom steps (manifest.yml's `functions`).
 */
export const EVENTS = ['app_home_opened', 'message.channels', 'message.groups', 'function_executed'] as const;
