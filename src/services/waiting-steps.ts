import type { StepCompleter, StepExecutionStore } from '../domain/ports';
import type { Rotation } from '../domain/rotation';
import { awaitOutcome } from '../domain/workflow-steps';
import type { ServiceDeps } from './lifecycle-deps';

/** What the custom workflow steps need besides the other use cases' ports; wired in `bot.ts`. */
export interface WorkflowStepDeps {
  executions: StepExecutionStore;
  completer: StepCompleter;
}

/**
 * Completes (or fails) every step waiting on a rotation that has finished:
 * called by the follow-up of each change (right after it, and by the scheduler
 * when that failed), so whichever replica saw the change does it, once. A
 * step Slack refuses to complete (its execution timed out, its token expired)
 * is logged by execution id and dropped; its token never reaches a log.
 */
export async function settleWaitingSteps(deps: Pick<ServiceDeps, 'steps' | 'store' | 'logger'>, rotation: Rotation): Promise<void> {
  if (!deps.steps || awaitOutcome(rotation).kind === 'wait') return;
  const waiting = await deps.steps.executions.takeWaiting(rotation.id);
  if (waiting.length === 0) return;
  // The next cycle is read only when a step waits for it (its deadline is one of the outputs).
  const next = rotation.status === 'completed' && rotation.nextRotationId ? await deps.store.get(rotation.nextRotationId) : undefined;
  const outcome = awaitOutcome(rotation, next);
  if (outcome.kind === 'wait') return;
  for (const step of waiting) {
    try {
      if (outcome.kind === 'complete') await deps.steps.completer.complete(step, outcome.outputs);
      else await deps.steps.completer.fail(step, outcome.error);
    } catch (error) {
      deps.logger.warn(`${rotation.id}: the workflow step ${step.executionId} waiting on it could not be completed: ${(error as Error).message}`);
    }
  }
}
