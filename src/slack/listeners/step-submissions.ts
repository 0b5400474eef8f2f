import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { RotationAction } from '../../domain/lifecycle';
import { checkConfirmations, checkMeeting, checkReason, checkSubmission, type Checked } from '../../domain/step-inputs';
import type { ListenerDeps } from '../deps';
import { MODALS, MY_TIME_ZONE, STEP_BLOCKS } from '../ids';
import {
  parseCompletionForm,
  parseMeetingForm,
  parseReasonForm,
  parseSubmissionForm,
  toStepBlockErrors,
} from '../parse/step-forms';
import { parseStepMeta, type StepMeta } from '../parse/step-meta';
import { explainRefusal, explainStepFault } from '../views/refusals';
import { buildNoticeModal } from '../views/step-modals';

type StateValues = Parameters<typeof parseReasonForm>[0];
export type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

interface StepContext {
  deps: ListenerDeps;
  meta: StepMeta;
}

/** Reads one step form into the action it asks for, or the field errors to show. */
type StepReader = (values: StateValues, context: StepContext) => Checked<RotationAction, string>;

const asAction = <T, F extends string>(checked: Checked<T, F>, toAction: (value: T) => RotationAction): Checked<RotationAction, F> =>
  checked.ok ? { ok: true, value: toAction(checked.value) } : checked;

const READERS: Record<string, StepReader> = {
  [MODALS.reject]: (values) => asAction(checkReason(parseReasonForm(values).reason), (reason) => ({ type: 'reject', reason })),
  [MODALS.cancel]: (values) => asAction(checkReason(parseReasonForm(values).reason), (reason) => ({ type: 'cancel', reason })),
  [MODALS.submission]: (values, { deps }) =>
    asAction(checkSubmission(parseSubmissionForm(values), { today: deps.today() }), (s) => ({
      type: 'record_submission',
      caseNumber: s.caseNumber,
      submittedOn: s.submittedOn,
    })),
  [MODALS.meeting]: (values, { deps, meta }) => {
    const input = parseMeetingForm(values);
    if (input.timeZone === MY_TIME_ZONE) {
      // Looked up when the form opened: nothing here may wait on Slack before the submission is answered.
      if (!meta.myTimeZone) return { ok: false, errors: { timeZone: 'Your Slack time zone could not be read; choose a time zone from the list' } };
      input.timeZone = meta.myTimeZone;
    }
    return asAction(checkMeeting(input, { now: deps.now(), meetingHosts: deps.settings.meetingHosts }), (meeting) => ({ type: 'schedule_meeting', meeting }));
  },
  [MODALS.completion]: (values) => ({ ok: true, value: { type: 'complete', confirmations: checkConfirmations(parseCompletionForm(values).confirmations) } }),
};

/**
 * A step's form submitted: read into the step it asks for (or the field
 * errors to show), then applied before the form closes, so a refusal (out of
 * date, not allowed) or a store failure is shown in it.
 */
export async function stepSubmitted(deps: ListenerDeps, callbackId: string, { ack, body, view, logger }: SubmissionArgs): Promise<void> {
  const meta = parseStepMeta(view.private_metadata);
  const read = READERS[callbackId];
  if (!meta || !read) {
    logger.warn(`Refused a ${callbackId} submission with unreadable private_metadata`);
    await ack({ response_action: 'update', view: buildNoticeModal('Nothing was changed', 'This form could not be read. Please use the button on the rotation message again.') });
    return;
  }
  const checked = read(view.state.values, { deps, meta });
  if (!checked.ok) {
    await ack({ response_action: 'errors', errors: toStepBlockErrors(checked.errors) });
    return;
  }
  let outcome;
  try {
    outcome = await deps.useCases.takeStep({ rotationId: meta.rotationId, actorId: body.user.id, action: checked.value, expectedVersion: meta.version });
  } catch (error) {
    logger.error(`${callbackId} for ${meta.rotationId} failed: ${(error as Error).message}`);
    await ack({ response_action: 'errors', errors: { [firstBlock(callbackId)]: explainStepFault(error) } });
    return;
  }
  if (!outcome.ok) {
    await ack({ response_action: 'update', view: buildNoticeModal('Nothing was changed', explainRefusal(outcome.error, meta.rotationId)) });
    return;
  }
  await ack();
  await deps.useCases.announceStep(outcome.rotation, outcome.entry);
}

/** The steps' forms, by callback id. */
export function routes(deps: ListenerDeps): Record<string, (args: SubmissionArgs) => Promise<void>> {
  return Object.fromEntries(Object.keys(READERS).map((callbackId) => [callbackId, (args: SubmissionArgs) => stepSubmitted(deps, callbackId, args)]));
}

/** The input block a general error is shown on. */
function firstBlock(callbackId: string): string {
  switch (callbackId) {
    case MODALS.submission:
      return STEP_BLOCKS.caseNumber;
    case MODALS.meeting:
      return STEP_BLOCKS.platform;
    case MODALS.completion:
      return STEP_BLOCKS.confirmations;
    default:
      return STEP_BLOCKS.reason;
  }
}
