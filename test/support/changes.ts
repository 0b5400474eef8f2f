import { decide, type Actor, type TransitionResult } from '../../src/domain/lifecycle';
import type { LeadTimePolicy, Rotation, RotationRequest } from '../../src/domain/rotation';

/**
 * The changes beside the lifecycle's steps, as `decide` records them, for tests
 * that need a rotation with such an entry: the domain has no shortcut for them.
 */

/** A secret-looking reply reported in the thread; undefined when that message was reported already. */
export function reportedExposure(
  rotation: Rotation,
  report: { posterId: string; channelId: string; messageTs: string; now: Date },
): Rotation | undefined {
  const result = decide(
    rotation,
    { type: 'report_exposure', channelId: report.channelId, messageTs: report.messageTs },
    { actor: { userId: report.posterId, isApprover: false }, now: report.now, allowSelfApproval: false },
  );
  return result.ok ? result.rotation : undefined;
}

/** A planned next cycle started with `request` by `actor`. */
export function startedCycle(
  planned: Rotation,
  request: RotationRequest,
  context: { actor: Actor; now: Date; policy: LeadTimePolicy },
): TransitionResult {
  return decide(planned, { type: 'start', request, policy: context.policy }, { actor: context.actor, now: context.now, allowSelfApproval: false });
}
