import type { App } from '@slack/bolt';
import { todayIn } from '../../domain/calendar';
import { validateRotationRequest } from '../../domain/rotation-request';
import { announceRotation, saveNewRotation, startPlanned } from '../../services/request-rotation';
import type { ListenerDeps } from '../deps';
import { REQUEST_BLOCKS, REQUEST_MODAL } from '../ids';
import { RATE_LIMITS, waitText } from '../rate-limits';
import { parseRequestForm, toBlockErrors } from '../parse/request-form';
import { parseRequestMeta } from '../parse/request-meta';
import { explainRefusal } from '../views/refusals';
import { buildNoticeModal } from '../views/step-modals';

export const STORE_FAILURE_MESSAGE =
  'The request could not be saved (the bot cannot reach its store). Nothing was saved; please try again in a minute.';

function tooManyRequestsText(retryAfterMs: number): string {
  const { limit, windowMs } = RATE_LIMITS.requests;
  return `You created ${limit} rotations in the last ${waitText(windowMs)}, the most the bot takes from one person. Nothing was saved; submit again in ${waitText(retryAfterMs)} (the form keeps what you typed).`;
}

export function register(app: App, deps: ListenerDeps): void {
  app.view(REQUEST_MODAL, async ({ ack, body, view, logger }) => {
    const now = deps.clock.now();
    const result = validateRotationRequest(parseRequestForm(view.state.values), {
      instanceDomain: deps.config.instanceDomain,
      today: todayIn(deps.config.calendar, now),
    });
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: toBlockErrors(result.errors) });
      return;
    }
    const allowed = deps.limits.requests.take(body.user.id);
    if (!allowed.ok) {
      logger.warn(`Rate limit: refused a rotation request from ${body.user.id}`);
      await ack({
        response_action: 'errors',
        errors: { [REQUEST_BLOCKS.instanceUrl]: tooManyRequestsText(allowed.retryAfterMs) },
      });
      return;
    }
    // Saved before the modal closes, so a store failure is shown in the form
    // (with everything the person typed still there) instead of being lost.
    const { plannedRotationId } = parseRequestMeta(view.private_metadata);
    let rotation;
    try {
      rotation = plannedRotationId
        ? await startPlanned(deps.services, plannedRotationId, result.request, body.user.id)
        : await saveNewRotation(deps.services, result.request, body.user.id);
    } catch (error) {
      logger.error(`Could not save a rotation request: ${(error as Error).message}`);
      await ack({ response_action: 'errors', errors: { [REQUEST_BLOCKS.instanceUrl]: STORE_FAILURE_MESSAGE } });
      return;
    }
    if (!rotation) {
      const refusal = explainRefusal({ code: 'PLANNED_ALREADY_STARTED' }, plannedRotationId ?? '?');
      await ack({ response_action: 'update', view: buildNoticeModal('Nothing was changed', refusal) });
      return;
    }
    await ack();
    try {
      await announceRotation(deps.services, rotation);
    } catch (error) {
      logger.error(`Rotation ${rotation.id} is saved but its message could not be posted: ${(error as Error).message}`);
    }
  });
}
