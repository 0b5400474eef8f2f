import { recordSecretExposure } from '../domain/lifecycle';
import type { MessageRef, Rotation } from '../domain/rotation';
import type { ServiceDeps } from './lifecycle-deps';
import { announceInThread } from './transition-rotation';

export interface ExposureReport {
  /** The thread's parent: the rotation's message, if this thread is one. */
  thread: MessageRef;
  /** The message that looked like a secret (its ts only; its text is never passed in). */
  messageTs: string;
  posterId: string;
}

/** Rounds of read → append → compare-and-write before giving up on a rotation that keeps changing. */
const ATTEMPTS = 3;

/**
 * A message in a rotation's thread looked like the secret: records it in the
 * rotation's audit trail and says so in the thread, so the approvers know the
 * secret may be exposed. Returns the rotation it was recorded on, or undefined
 * when the thread is not a rotation's (or the message was already recorded).
 */
export async function reportSecretExposure(deps: ServiceDeps, report: ExposureReport): Promise<Rotation | undefined> {
  const id = await deps.store.findByMessage(report.thread);
  if (!id) return undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const current = await deps.store.get(id);
    if (!current) return undefined;
    const recorded = recordSecretExposure(current, {
      posterId: report.posterId,
      channelId: report.thread.channelId,
      messageTs: report.messageTs,
      now: deps.clock.now(),
    });
    // Already recorded: Slack delivered the event again, or another replica got there first.
    if (!recorded) return undefined;
    // Same version: the entry is not a lifecycle change, so the message's buttons stay valid.
    if (await deps.store.replace(recorded, current.version)) {
      const entry = recorded.history.at(-1);
      if (entry) await announceInThread(deps, recorded, entry);
      return recorded;
    }
  }
  throw new Error(`${id} kept changing; the secret exposure in its thread could not be recorded`);
}
