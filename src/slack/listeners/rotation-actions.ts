import type { App, BlockAction, ButtonAction, webApi } from '@slack/bolt';
import { todayIn } from '../../domain/calendar';
import { precheck, type ActionType } from '../../domain/lifecycle';
import { approverFlag } from '../../domain/ports';
import type { Rotation } from '../../domain/rotation';
import { announceTransition, transitionRotation } from '../../services/transition-rotation';
import type { ListenerDeps } from '../deps';
import { ACTIONS } from '../ids';
import { parseButtonValue } from '../parse/button-value';
import type { StepMeta } from '../parse/step-meta';
import { explainRefusal } from '../views/refusals';
import {
  buildCompletionModal,
  buildMeetingModal,
  buildNoticeModal,
  buildReasonModal,
  buildSubmissionModal,
} from '../views/step-modals';
import { tellPrivately } from './respond-privately';

/** Buttons whose step needs a form: the modal for each. */
const MODAL_STEPS: Partial<Record<ActionType, (rotation: Rotation, meta: StepMeta, deps: ListenerDeps) => ReturnType<typeof buildReasonModal>>> = {
  reject: (rotation, meta) => buildReasonModal('reject', meta, rotation),
  cancel: (rotation, meta) => buildReasonModal('cancel', meta, rotation),
  record_submission: (rotation, meta, deps) =>
    buildSubmissionModal(meta, { rotationId: rotation.id, today: todayIn(deps.config.calendar, deps.clock.now()) }),
  schedule_meeting: (rotation, meta, deps) =>
    buildMeetingModal(meta, {
      rotationId: rotation.id,
      attendeeIds: rotation.attendeeIds,
      policyTimeZone: deps.config.calendar.timeZone,
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

async function openStepModal(
  deps: ListenerDeps,
  client: webApi.WebClient,
  body: BlockAction<ButtonAction>,
  actionType: ActionType,
  target: { id: string; version: number },
  where: { userId: string; channelId?: string },
): Promise<void> {
  const rotation = await deps.store.get(target.id);
  if (!rotation) {
    await tellPrivately(client, where, explainRefusal({ code: 'ROTATION_NOT_FOUND' }, target.id));
    return;
  }
  const build = MODAL_STEPS[actionType] as NonNullable<(typeof MODAL_STEPS)[ActionType]>;
  // The trigger_id expires 3 s after the click: open the form first, then
  // check the role and replace the form with the explanation if the step is
  // refused, or, for the meeting, with the person's own time zone filled in.
  const opened = await client.views.open({ trigger_id: body.trigger_id, view: build(rotation, stepMeta(target), deps) });
  const viewId = opened.view?.id;
  if (!viewId) return;
  const refused = precheck(rotation, { type: actionType }, {
    actor: { userId: where.userId, isApprover: approverFlag(await deps.services.approvers.statusOf(where.userId)) },
    allowSelfApproval: deps.config.allowSelfApproval,
    expectedVersion: target.version,
  });
  const hash = opened.view?.hash ? { hash: opened.view.hash } : {};
  if (refused) {
    await client.views.update({ view_id: viewId, ...hash, view: buildNoticeModal('Nothing was changed', explainRefusal(refused, rotation.id)) });
    return;
  }
  if (actionType !== 'schedule_meeting') return;
  const myTimeZone = await deps.userTimeZone(where.userId);
  if (!myTimeZone) return;
  // With the view's hash, so an update can never overwrite a newer state of the form.
  await client.views.update({ view_id: viewId, ...hash, view: build(rotation, { ...stepMeta(target), myTimeZone }, deps) }).catch(() => undefined);
}

function stepMeta(target: { id: string; version: number }): StepMeta {
  return { rotationId: target.id, version: target.version };
}

export function register(app: App, deps: ListenerDeps): void {
  for (const [actionId, actionType] of BUTTONS) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client, logger }) => {
      await ack();
      const where = { userId: body.user.id, ...(body.channel?.id ? { channelId: body.channel.id } : {}) };
      const target = parseButtonValue(action.value);
      if (!target) {
        logger.warn(`Ignored a ${actionId} click with a malformed value`);
        await tellPrivately(client, where, 'That button could not be read. Nothing was changed.');
        return;
      }
      if (actionType !== 'approve') {
        await openStepModal(deps, client, body, actionType, target, where);
        return;
      }
      const outcome = await transitionRotation(deps.services, {
        rotationId: target.id,
        actorId: body.user.id,
        action: { type: 'approve' },
        expectedVersion: target.version,
      });
      if (!outcome.ok) {
        await tellPrivately(client, where, explainRefusal(outcome.error, target.id));
        return;
      }
      await announceTransition(deps.services, outcome.rotation, outcome.entry);
    });
  }
  // A link button still sends an action; acknowledging it keeps Slack from showing a warning.
  app.action(ACTIONS.openPortal, async ({ ack }) => {
    await ack();
  });
}
