import type { WaitingStep } from './ports';
import type { RawRotationRequest, RequestField, FieldErrors } from './rotation-request';
import { isUserId, type Rotation } from './rotation';
import { buildServiceRequest, PORTAL_PATH } from './service-request';

/**
 * The custom workflow steps (Workflow Builder), by their manifest callback ids:
 * `manifest.yml`'s `functions` and the listener agree on these.
 */
export const WORKFLOW_STEPS = {
  requestRotation: 'request_rotation',
  awaitRotation: 'await_rotation',
} as const;

/**
 * How long after a step starts waiting its execution's own token
 * (`bot_access_token`) is still used to complete it. Slack expires that token
 * 15 minutes after issuing it, or when the step completes (a Slack maintainer
 * in slackapi/bolt-python issue #1075); 10 minutes leaves room for the event's
 * delivery and Slack's redelivery, the completion's own retries and clock skew.
 * Later the app's bot token completes it (functions.completeSuccess and
 * completeError need no scope), and the stored token is kept no longer.
 */
export const EXECUTION_TOKEN_FRESH_MS = 10 * 60_000;

/** Whether a waiting step is still completed with its execution's token at `now` (it has one, and the wait is fresh). */
export function usesExecutionToken(step: WaitingStep, now: Date): step is WaitingStep & { token: string } {
  return step.token !== undefined && now.getTime() - Date.parse(step.since) < EXECUTION_TOKEN_FRESH_MS;
}

/** The request step's inputs by the form field they fill: a field error is told by the input a workflow author set. */
const INPUT_OF_FIELD: Record<RequestField, string> = {
  instanceUrl: 'instance_url',
  environmentType: 'environment_type',
  deadline: 'deadline',
  channelId: 'channel',
  attendeeIds: 'attendees',
  notes: 'notes',
  rotationIntervalDays: 'rotation_interval_days',
};

export type StepRequestInputs = { ok: true; form: RawRotationRequest; requesterId: string } | { ok: false; error: string };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/**
 * `request_rotation`'s inputs as the request form's fields. The channel
 * defaults to WFI_REMINDER_CHANNEL and the attendees to the requester (the
 * form asks for both; a scheduled workflow may have no one to pick them).
 */
export function stepRequestInputs(inputs: Record<string, unknown>, defaults: { reminderChannelId?: string }): StepRequestInputs {
  const requesterId = text(inputs.requester);
  if (!requesterId || !isUserId(requesterId)) return { ok: false, error: 'requester: choose a person from the workspace (a user id, U… or W…)' };
  const channelId = text(inputs.channel) ?? defaults.reminderChannelId;
  if (!channelId) return { ok: false, error: 'channel: choose the channel for reminders (no WFI_REMINDER_CHANNEL is set to fall back on)' };
  const attendees = inputs.attendees;
  if (attendees !== undefined && attendees !== null && !(Array.isArray(attendees) && attendees.every((id) => typeof id === 'string'))) {
    return { ok: false, error: 'attendees: give a list of people from the workspace' };
  }
  const attendeeIds = Array.isArray(attendees) && attendees.length > 0 ? (attendees as string[]) : [requesterId];
  const form: RawRotationRequest = { channelId, attendeeIds };
  const instanceUrl = text(inputs.instance_url);
  const deadline = text(inputs.deadline);
  const environmentType = text(inputs.environment_type);
  return {
    ok: true,
    requesterId,
    form: { ...form, ...(instanceUrl ? { instanceUrl } : {}), ...(deadline ? { deadline } : {}), ...(environmentType ? { environmentType } : {}) },
  };
}

/** The form's field errors, said by input name, for `fail()`: shown to the workflow's author in Workflow Builder's activity. */
export function describeStepErrors(errors: FieldErrors): string {
  const parts = (Object.keys(errors) as RequestField[]).map((field) => `${INPUT_OF_FIELD[field]}: ${errors[field] ?? ''}`);
  return `The rotation was not requested. ${parts.join('; ')}`;
}

/** The portal's form as plain text, to paste from a workflow's next step (a ticket, a message). */
export function portalRequestText(rotation: Pick<Rotation, 'instanceUrl' | 'environmentType'>): string {
  const fields = buildServiceRequest(rotation).map((field) => `${field.tab} tab, ${field.label}: ${field.value}`);
  return [`${PORTAL_PATH.join(' → ')}`, ...fields].join('\n');
}

/** `request_rotation`'s outputs. */
export function requestStepOutputs(rotation: Rotation): Record<string, string | boolean> {
  return {
    rotation_id: rotation.id,
    submit_by: rotation.submitBy,
    late: rotation.lateByBusinessDays > 0,
    portal_request: portalRequestText(rotation),
  };
}

/** What `await_rotation` does with a rotation as it is: wait, complete with its outputs, or fail with why. */
export type AwaitOutcome = { kind: 'wait' } | { kind: 'complete'; outputs: Record<string, string> } | { kind: 'fail'; error: string };

export function awaitOutcome(rotation: Rotation, nextCycle?: Pick<Rotation, 'deadline'>): AwaitOutcome {
  switch (rotation.status) {
    case 'completed':
      return {
        kind: 'complete',
        outputs: {
          status: 'completed',
          case_number: rotation.submission.caseNumber,
          completed_at: rotation.completion.at,
          ...(nextCycle ? { next_deadline: nextCycle.deadline } : {}),
        },
      };
    case 'rejected':
      return { kind: 'fail', error: `Rotation ${rotation.id} was rejected: ${rotation.rejection.reason}` };
    case 'cancelled':
      return { kind: 'fail', error: `Rotation ${rotation.id} was cancelled: ${rotation.cancellation.reason}` };
    case 'planned':
      return { kind: 'fail', error: `Rotation ${rotation.id} is a planned next cycle, not started yet: wait on the rotation it becomes when started` };
    case 'requested':
    case 'approved':
    case 'submitted':
    case 'meeting_scheduled':
      return { kind: 'wait' };
    default: {
      const _exhaustive: never = rotation;
      return _exhaustive;
    }
  }
}

/** Said when a rotation id given to `await_rotation` is not one. */
export function unknownRotationError(id: string): string {
  return `No rotation ${id || '(empty)'} is known to the bot: give the rotation_id output of "Request a WFI client secret rotation"`;
}
