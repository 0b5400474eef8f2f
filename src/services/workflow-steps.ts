import { todayIn } from '../domain/calendar';
import type { WaitingStep } from '../domain/ports';
import type { Rotation, Workspace } from '../domain/rotation';
import { validateRotationRequest, type RawRotationRequest } from '../domain/rotation-request';
import { awaitOutcome, describeStepErrors, requestStepOutputs, unknownRotationError } from '../domain/workflow-steps';
import type { ServiceDeps } from './lifecycle-deps';
import { saveNewRotation } from './request-rotation';
import { settleWaitingSteps } from './waiting-steps';

export type StepRequestOutcome =
  | { ok: true; rotation: Rotation; created: boolean; outputs: Record<string, string | boolean> }
  | { ok: false; error: string };

/**
 * `request_rotation`: the form's checks, then the rotation saved once per
 * execution (a redelivered event, on any replica, finds the one made first).
 * Nothing is saved when a check fails.
 */
export async function requestFromStep(
  deps: ServiceDeps,
  step: { executionId: string; form: RawRotationRequest; requesterId: string; workspace?: Workspace },
  settings: { instanceDomain: string },
): Promise<StepRequestOutcome> {
  const executions = deps.steps?.executions;
  if (!executions) throw new Error('Workflow steps are not wired to a store');
  const checked = validateRotationRequest(step.form, { instanceDomain: settings.instanceDomain, today: todayIn(deps.policy.calendar, deps.clock.now()) });
  if (!checked.ok) return { ok: false, error: describeStepErrors(checked.errors) };
  const once = await executions.onceForExecution(step.executionId, async () => (await saveNewRotation(deps, checked.request, step.requesterId, step.workspace)).id);
  const rotation = await deps.store.get(once.rotationId);
  if (!rotation) return { ok: false, error: `Rotation ${once.rotationId} made by this step is no longer stored` };
  return { ok: true, rotation, created: once.created, outputs: requestStepOutputs(rotation) };
}

export type StepAwaitOutcome = { state: 'waiting' } | { state: 'settled' } | { state: 'failed'; error: string };

/**
 * `await_rotation`: recorded as waiting first, then the rotation read, so a
 * rotation that finishes meanwhile is settled by one side or the other (taking
 * the waiting steps is atomic: whoever takes one completes it).
 */
export async function awaitFromStep(deps: ServiceDeps, step: WaitingStep, rotationId: string): Promise<StepAwaitOutcome> {
  const executions = deps.steps?.executions;
  if (!executions) throw new Error('Workflow steps are not wired to a store');
  const before = rotationId ? await deps.store.get(rotationId) : undefined;
  if (!before) return { state: 'failed', error: unknownRotationError(rotationId) };
  await executions.addWaiting(rotationId, step);
  const now = await deps.store.get(rotationId);
  if (now && awaitOutcome(now).kind !== 'wait') {
    await settleWaitingSteps(deps, now);
    return { state: 'settled' };
  }
  return { state: 'waiting' };
}
