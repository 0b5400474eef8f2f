import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { workspaceOf, type Rotation } from '../../domain/rotation';
import type { FieldErrors } from '../../domain/rotation-request';
import type { ListenerDeps } from '../deps';
import { MODALS, REQUEST_BLOCKS } from '../ids';
import { waitText, type RateLimit } from '../rate-limits';
import { parseRequestForm, toBlockErrors } from '../parse/request-form';
import { parseRequestMeta } from '../parse/request-meta';
import { explainRefusal, STORE_FAILURE_MESSAGE } from '../views/refusals';
import { buildNoticeModal } from '../views/step-modals';

/** Said to a request form opened by an earlier version to start a planned cycle. */
const OUTDATED_START_FORM = 'This form is out of date. Please press *Start request* on the planned rotation again.';

export type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

function tooManyRequestsText({ limit, windowMs }: RateLimit, retryAfterMs: number): string {
  return `You created ${limit} rotation${limit === 1 ? '' : 's'} in the last ${waitText(windowMs)}, the most the bot takes from one person. Nothing was saved; submit again in ${waitText(retryAfterMs)} (the form keeps what you typed).`;
}

/**
 * The start form has no block for the fields that stay the owning team's
 * (instance, environment, channel): a problem with one of them (the instance
 * domain changed since it was planned) is shown on the deadline instead.
 */
function startFormErrors(errors: FieldErrors): Record<string, string> {
  const onBlocks = toBlockErrors({ deadline: errors.deadline, attendeeIds: errors.attendeeIds, notes: errors.notes, rotationIntervalDays: errors.rotationIntervalDays });
  const fixed = [errors.instanceUrl, errors.environmentType, errors.channelId].filter((e): e is string => e !== undefined);
  if (fixed.length > 0) onBlocks[REQUEST_BLOCKS.deadline] = `This planned rotation cannot be started as it is: ${fixed.join('; ')}`;
  return onBlocks;
}

/** Counted after validation, so a refusal can be shown in the form with everything typed still there. */
async function withinRequestLimit({ ack, body, logger }: SubmissionArgs, deps: ListenerDeps, blockId: string): Promise<boolean> {
  const allowed = await deps.limits.requests.take(body.user.id);
  if (allowed.ok) return true;
  logger.warn(`Rate limit: refused a rotation request from ${body.user.id}`);
  await ack({ response_action: 'errors', errors: { [blockId]: tooManyRequestsText(deps.limits.requests.rule, allowed.retryAfterMs) } });
  return false;
}

/** After the form closed: the message, and a failure there never undoes the saved rotation. */
async function announce(deps: ListenerDeps, rotation: Rotation, logger: SubmissionArgs['logger']): Promise<void> {
  try {
    await deps.useCases.announceRotation(rotation);
  } catch (error) {
    logger.error(`Rotation ${rotation.id} is saved but its message could not be posted: ${(error as Error).message}`);
  }
}

/**
 * The request form: checked field by field, then (within the person's limit)
 * saved before the form closes, so a store failure is shown in the form with
 * everything typed still there.
 */
export async function requestSubmitted(deps: ListenerDeps, args: SubmissionArgs): Promise<void> {
  const { ack, body, view, logger } = args;
  // A request form that carries a planned rotation was opened by an earlier version to start it: it is out of date.
  if (parseRequestMeta(view.private_metadata).plannedRotationId) {
    await ack({ response_action: 'update', view: buildNoticeModal('Nothing was changed', OUTDATED_START_FORM) });
    return;
  }
  const checked = deps.useCases.checkRequest(parseRequestForm(view.state.values));
  if (!checked.ok) {
    await ack({ response_action: 'errors', errors: toBlockErrors(checked.fieldErrors) });
    return;
  }
  if (!(await withinRequestLimit(args, deps, REQUEST_BLOCKS.instanceUrl))) return;
  let rotation;
  try {
    // The workspace (and Enterprise Grid org) it came from: what an org-wide install tells apart.
    const workspace = workspaceOf(body.team?.id ?? body.user.team_id, body.enterprise?.id);
    rotation = await deps.useCases.saveRequest(checked.request, body.user.id, ...(workspace ? [workspace] : []));
  } catch (error) {
    logger.error(`Could not save a rotation request: ${(error as Error).message}`);
    await ack({ response_action: 'errors', errors: { [REQUEST_BLOCKS.instanceUrl]: STORE_FAILURE_MESSAGE } });
    return;
  }
  await ack();
  await announce(deps, rotation, logger);
}

/** The start form of a planned next cycle. */
export async function plannedStartSubmitted(deps: ListenerDeps, args: SubmissionArgs): Promise<void> {
  const { ack, body, view, logger } = args;
  const { plannedRotationId } = parseRequestMeta(view.private_metadata);
  if (!plannedRotationId) {
    logger.warn('Refused a start of a planned rotation with unreadable private_metadata');
    await ack({ response_action: 'update', view: buildNoticeModal('Nothing was changed', 'This form could not be read. Please press *Start request* again.') });
    return;
  }
  const { deadline, attendeeIds, notes, rotationIntervalDays } = parseRequestForm(view.state.values);
  if (!(await withinRequestLimit(args, deps, REQUEST_BLOCKS.deadline))) return;
  let outcome;
  try {
    outcome = await deps.useCases.startPlannedCycle(plannedRotationId, { deadline, attendeeIds, notes, rotationIntervalDays }, body.user.id);
  } catch (error) {
    logger.error(`Could not start the planned rotation ${plannedRotationId}: ${(error as Error).message}`);
    await ack({ response_action: 'errors', errors: { [REQUEST_BLOCKS.deadline]: STORE_FAILURE_MESSAGE } });
    return;
  }
  if (!outcome.ok) {
    if ('fieldErrors' in outcome) await ack({ response_action: 'errors', errors: startFormErrors(outcome.fieldErrors) });
    else await ack({ response_action: 'update', view: buildNoticeModal('Nothing was changed', explainRefusal(outcome.error, plannedRotationId)) });
    return;
  }
  await ack();
  await announce(deps, outcome.rotation, logger);
}

/** The request form and the start form of a planned cycle, by callback id. */
export function routes(deps: ListenerDeps): Record<string, (args: SubmissionArgs) => Promise<void>> {
  return {
    [MODALS.request]: (args) => requestSubmitted(deps, args),
    [MODALS.startPlanned]: (args) => plannedStartSubmitted(deps, args),
  };
}
