import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { workspaceOf } from '../../domain/rotation';
import { stepRequestInputs, WORKFLOW_STEPS } from '../../domain/workflow-steps';
import type { ListenerDeps } from '../deps';

/**
 * What Bolt hands a `function_executed` listener. These steps are routed from
 * the one events listener (`app.event`, listeners/index.ts), not registered
 * with `app.function`, and get the same: Bolt 5.1's `processEvent` adds
 * `complete`, `fail` and `inputs` for any listener of this event, over a Web
 * client made with the execution's `bot_access_token` (`attachFunctionToken`,
 * on by default, which the bot leaves on); `app.function` adds only a
 * callback-id matcher and an automatic `ack()`, and each listener we add
 * costs every request its matchers. So each step acks first, itself.
 */
export type FunctionArgs = SlackEventMiddlewareArgs<'function_executed'> & AllMiddlewareArgs;

/** Said to the workflow when the bot could not do the step (the store did not answer): Slack shows it in the workflow's activity. */
const STEP_FAULT = 'The bot could not do this step just now (its store did not answer). Run the workflow again in a few minutes.';

/**
 * `request_rotation`: checked as the request form is, then one rotation per
 * execution (Slack may deliver the event twice, to any replica); the step
 * completes with the rotation's id, submit-by date, lateness and the portal
 * text, and the rotation's message follows as for the form.
 */
export async function requestRotationStep(deps: ListenerDeps, args: FunctionArgs): Promise<void> {
  const { ack, event, complete, fail, logger } = args;
  await ack();
  const inputs = stepRequestInputs(event.inputs as Record<string, unknown>, deps.settings.reminderChannelId ? { reminderChannelId: deps.settings.reminderChannelId } : {});
  if (!inputs.ok) {
    await fail({ error: `The rotation was not requested. ${inputs.error}` });
    return;
  }
  let outcome;
  try {
    const workspace = workspaceOf(args.body.team_id, args.body.enterprise_id);
    outcome = await deps.useCases.requestFromStep({
      executionId: event.function_execution_id,
      form: inputs.form,
      requesterId: inputs.requesterId,
      ...(workspace ? { workspace } : {}),
    });
  } catch (error) {
    logger.error(`Workflow step ${event.function_execution_id}: could not request a rotation: ${(error as Error).message}`);
    await fail({ error: STEP_FAULT });
    return;
  }
  if (!outcome.ok) {
    await fail({ error: outcome.error });
    return;
  }
  try {
    await complete({ outputs: outcome.outputs });
  } catch (error) {
    // A redelivery racing the first (or Slack that gave up on the execution): the rotation stands either way.
    logger.warn(`Workflow step ${event.function_execution_id}: ${outcome.rotation.id} is saved, but the step could not be completed: ${(error as Error).message}`);
  }
  if (!outcome.created) {
    logger.info(`Workflow step ${event.function_execution_id} delivered again: ${outcome.rotation.id} was made by its first delivery`);
    return;
  }
  try {
    await deps.useCases.announceRotation(outcome.rotation);
  } catch (error) {
    logger.error(`Rotation ${outcome.rotation.id} is saved but its message could not be posted: ${(error as Error).message}`);
  }
}

/**
 * `await_rotation`: left open while the rotation runs; completed (or failed)
 * by whichever replica sees it finish. The execution's token is handed on to
 * be kept for the first minutes only (Slack expires it after 15); the app's
 * bot token completes a longer wait. Never logged.
 */
export async function awaitRotationStep(deps: ListenerDeps, args: FunctionArgs): Promise<void> {
  const { ack, event, fail, logger } = args;
  await ack();
  const rotationId = typeof event.inputs.rotation_id === 'string' ? event.inputs.rotation_id.trim() : '';
  let outcome;
  try {
    outcome = await deps.useCases.awaitRotation(
      { executionId: event.function_execution_id, token: event.bot_access_token, since: deps.now().toISOString() },
      rotationId,
    );
  } catch (error) {
    logger.error(`Workflow step ${event.function_execution_id}: could not wait on ${rotationId}: ${(error as Error).message}`);
    await fail({ error: STEP_FAULT });
    return;
  }
  if (outcome.state === 'failed') await fail({ error: outcome.error });
}

/** The custom steps, by their manifest callback id. */
export function routes(deps: ListenerDeps): Record<string, (args: FunctionArgs) => Promise<void>> {
  return {
    [WORKFLOW_STEPS.requestRotation]: (args) => requestRotationStep(deps, args),
    [WORKFLOW_STEPS.awaitRotation]: (args) => awaitRotationStep(deps, args),
  };
}
