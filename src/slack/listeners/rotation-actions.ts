import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs, types } from '@slack/bolt';
import type { ActionType } from '../../domain/lifecycle';
import type { Rotation } from '../../domain/rotation';
import type { ListenerDeps } from '../deps';
import { ACTIONS } from '../ids';
import { parseButtonValue } from '../parse/button-value';
import type { StepMeta } from '../parse/step-meta';
import { explainRefusal, explainStepFault } from '../views/refusals';
import { buildCompletionModal, buildMeetingModal, buildNoticeModal, buildReasonModal, buildSubmissionModal } from '../views/step-modals';
import { rotationForForm, tellPrivately } from './respond-privately';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
type FormStep = Exclude<ActionType, 'approve'>;

/** The form of each step that needs one. */
const STEP_FORMS: Record<FormStep, (rotation: Rotation, meta: StepMeta, deps: ListenerDeps) => types.ModalView> = {
  reject: (rotation, meta) => buildReasonModal('reject', meta, rotation),
  cancel: (rotation, meta) => buildReasonModal('cancel', meta, rotation),
  record_submission: (rotation, meta, deps) => buildSubmissionModal(meta, { rotationId: rotation.id, today: deps.today() }),
  schedule_meeting: (rotation, meta, deps) =>
    buildMeetingModal(meta, {
      rotationId: rotation.id,
      attendeeIds: rotation.attendeeIds,
      policyTimeZone: deps.settings.policyTimeZone,
      ...('meeting' in rotation && rotation.meeting ? { current: rotation.meeting } : {}),
    }),
  complete: (rotation, meta) => buildCompletionModal(meta, { rotationId: rotation.id }),
};

const BUTTONS: Array<[string, ActionType]> = [
  [ACTIONS.approve, 'approve'],
  [ACTIONS.reject, 'reject'],
  [ACTIONS.recordSubmission, 'record_submission'],
  [ACTIONS.scheduleMeeting, 'schedule_meeting'],
  [ACTIONS.complete, 'complete'],
  [ACTIONS.cancel, 'cancel'],
];

const whereOf = (body: BlockAction<ButtonAction>) => ({ userId: body.user.id, ...(body.channel?.id ? { channelId: body.channel.id } : {}) });

/** Approve: no form. Acknowledged first, then applied; a refusal or a fault is a private message. */
export async function approveClicked(deps: ListenerDeps, { ack, body, action, client, logger }: ButtonArgs): Promise<void> {
  await ack();
  const target = parseButtonValue(action.value);
  if (!target) {
    logger.warn(`Ignored a ${action.action_id} click with a malformed value`);
    await tellPrivately(client, whereOf(body), 'That button could not be read. Nothing was changed.');
    return;
  }
  let outcome;
  try {
    outcome = await deps.useCases.takeStep({ rotationId: target.id, actorId: body.user.id, action: { type: 'approve' }, expectedVersion: target.version });
  } catch (error) {
    // As on a step form: the person hears that nothing was saved (busy, or the store did not answer), not silence.
    logger.error(`approve for ${target.id} failed: ${(error as Error).message}`);
    await tellPrivately(client, whereOf(body), explainStepFault(error));
    return;
  }
  if (!outcome.ok) {
    await tellPrivately(client, whereOf(body), explainRefusal(outcome.error, target.id));
    return;
  }
  await deps.useCases.announceStep(outcome.rotation, outcome.entry);
}

/**
 * A step that needs a form. The trigger_id expires 3 s after the click: the
 * form opens after a store read only; then the step is checked (the role may
 * take a user-group look-up) and a refused step's form is replaced by why, or,
 * for the meeting, the form is updated with the person's own time zone.
 */
export async function stepClicked(deps: ListenerDeps, step: FormStep, { ack, body, action, client, logger }: ButtonArgs): Promise<void> {
  await ack();
  const where = whereOf(body);
  const target = parseButtonValue(action.value);
  if (!target) {
    logger.warn(`Ignored a ${action.action_id} click with a malformed value`);
    await tellPrivately(client, where, 'That button could not be read. Nothing was changed.');
    return;
  }
  const read = await rotationForForm(deps, client, where, target.id, logger);
  if (!read.found) return;
  const { rotation } = read;
  if (!rotation) {
    await tellPrivately(client, where, explainRefusal({ code: 'ROTATION_NOT_FOUND' }, target.id));
    return;
  }
  const meta: StepMeta = { rotationId: target.id, version: target.version };
  const opened = await client.views.open({ trigger_id: body.trigger_id, view: STEP_FORMS[step](rotation, meta, deps) });
  const viewId = opened.view?.id;
  if (!viewId) return;
  // With the view's hash, so an update can never overwrite a newer state of the form.
  const update = (view: types.ModalView) => client.views.update({ view_id: viewId, ...(opened.view?.hash ? { hash: opened.view.hash } : {}), view });
  const refused = await deps.useCases.stepRefusal(rotation, step, where.userId, target.version);
  if (refused) {
    await update(buildNoticeModal('Nothing was changed', explainRefusal(refused, rotation.id)));
    return;
  }
  if (step !== 'schedule_meeting') return;
  const myTimeZone = await deps.userTimeZone(where.userId);
  if (myTimeZone) await update(STEP_FORMS.schedule_meeting(rotation, { ...meta, myTimeZone }, deps)).catch(() => undefined);
}

/**
 * The rotation message's buttons, by action id. Its link button (to the
 * portal) still sends an action: the router acknowledges it as an id it has
 * no route for, which keeps Slack from showing a warning.
 */
export function routes(deps: ListenerDeps): Record<string, (args: ButtonArgs) => Promise<void>> {
  return Object.fromEntries(
    BUTTONS.map(([actionId, step]) => [actionId, (args: ButtonArgs) => (step === 'approve' ? approveClicked(deps, args) : stepClicked(deps, step, args))]),
  );
}
