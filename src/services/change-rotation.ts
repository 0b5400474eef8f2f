import type { RefusalOf } from '../domain/errors';
import { decide, type Actor, type ChangeError, type RotationChange } from '../domain/lifecycle';
import type { AuditEntry, Rotation } from '../domain/rotation';
import type { ServiceDeps } from './lifecycle-deps';

export type ChangeOutcome =
  | { ok: true; rotation: Rotation; entry: AuditEntry }
  | { ok: false; error: ChangeError | RefusalOf<'ROTATION_NOT_FOUND'> };

export interface ChangeRequest {
  rotationId: string;
  actor: Actor;
  change: RotationChange;
  /** The version the button or form was rendered at, when there was one. */
  expectedVersion?: number;
}

export interface ChangeOptions {
  /** Rounds of read → decide → compare-and-write before answering STALE. */
  attempts?: number;
  /** Runs once the change is decided, before it is written (recording its follow-up): a failure writes nothing. */
  beforeWrite?: (current: Rotation) => Promise<void>;
}

const ATTEMPTS = 3;

/**
 * The one way a stored rotation changes: read it, let `decide` check the
 * change against it, and write the result only if nobody changed the rotation
 * since it was read. A loser reads again and gets the honest answer ("already
 * approved by …", "out of date") from `decide`.
 */
export async function changeRotation(
  deps: Pick<ServiceDeps, 'store' | 'clock' | 'allowSelfApproval'>,
  request: ChangeRequest,
  options: ChangeOptions = {},
): Promise<ChangeOutcome> {
  const attempts = options.attempts ?? ATTEMPTS;
  for (let attempt = 1; ; attempt += 1) {
    const current = await deps.store.get(request.rotationId);
    if (!current) return { ok: false, error: { code: 'ROTATION_NOT_FOUND' } };
    const result = decide(current, request.change, {
      actor: request.actor,
      now: deps.clock.now(),
      allowSelfApproval: deps.allowSelfApproval,
      ...(request.expectedVersion !== undefined ? { expectedVersion: request.expectedVersion } : {}),
    });
    if (!result.ok) return result;
    await options.beforeWrite?.(current);
    if (await deps.store.replace(result.rotation, current.version)) return result;
    if (attempt >= attempts) return { ok: false, error: { code: 'STALE', status: current.status } };
  }
}
