/** Every identifier Slack round-trips to us, in one place so builders and listeners agree. */
export const COMMAND = '/wfi-rotate';

export const REQUEST_MODAL = 'wfi_request';

/** block_id of each request-modal input; every input's action_id is `INPUT_ACTION`. */
export const REQUEST_BLOCKS = {
  instanceUrl: 'instance_url',
  environmentType: 'environment_type',
  deadline: 'deadline',
  channelId: 'reminder_channel',
  attendeeIds: 'attendees',
  notes: 'notes',
} as const;
export const INPUT_ACTION = 'value';

export const ACTIONS = {
  approve: 'rotation_approve',
  reject: 'rotation_reject',
  openPortal: 'open_portal',
} as const;

/** Events the app subscribes to; the manifest test keeps `manifest.yml` in step. */
export const EVENTS = ['app_home_opened'] as const;
