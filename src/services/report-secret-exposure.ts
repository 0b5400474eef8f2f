import type { AuditEntry, MessageRef, Rotation } from '../domain/rotation';
import { KeyedMutex } from '../lib/keyed-mutex';
import { changeRotation } from './change-rotation';
import type { ServiceDeps } from './lifecycle-deps';
import { announceInThread } from './transition-rotation';

export interface ExposureReport {
  /** The thread's parent: the rotation's message, if this thread is one. */
  thread: MessageRef;
  /** The message that looked like a secret (its ts only; its text is never passed in). */
  messageTs: string;
  posterId: string;
}

export interface RecordedExposure {
  rotation: Rotation;
  entry: AuditEntry;
}

/**
 * How long a report keeps being retried (the rotation changing under it, the
 * store down for a moment) before it is given up with an error in the log.
 */
export const EXPOSURE_RETRY_MS = 5 * 60_000;
const FIRST_BACKOFF_MS = 20;
const MAX_BACKOFF_MS = 2000;

/** Reports on one rotation are written one after another in this process; replicas settle by compare-and-set. */
const writing = new KeyedMutex();

/**
 * A message in a rotation's thread looked like the secret: appends a
 * `secret_exposed` entry to the rotation's audit trail (who, where, the
 * message's ts; never the text). Every report is kept: many at once are
 * written one after another here and retried on a conflict with another
 * replica or a store error, with backoff, until stored. Returns what was
 * recorded, or undefined when the thread is not a rotation's or the message
 * was recorded already (Slack delivered the event again).
 */
export async function reportSecretExposure(deps: ServiceDeps, report: ExposureReport): Promise<RecordedExposure | undefined> {
  const id = await deps.store.findByMessage(report.thread);
  if (!id) return undefined;
  return writing.run(id, () => appendUntilStored(deps, id, report));
}

async function appendUntilStored(deps: ServiceDeps, id: string, report: ExposureReport): Promise<RecordedExposure | undefined> {
  const giveUpAt = Date.now() + EXPOSURE_RETRY_MS;
  const request = {
    rotationId: id,
    actor: { userId: report.posterId, isApprover: false },
    change: { type: 'report_exposure' as const, channelId: report.thread.channelId, messageTs: report.messageTs },
  };
  for (let backoff = FIRST_BACKOFF_MS; ; backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)) {
    let failure: unknown;
    try {
      const outcome = await changeRotation(deps, request, { attempts: 1 });
      if (outcome.ok) return outcome;
      // Gone, or recorded already (Slack delivered the event again, another replica got there first).
      if (outcome.error.code !== 'STALE') return undefined;
    } catch (error) {
      failure = error;
    }
    if (Date.now() >= giveUpAt) {
      throw new Error(
        `the secret exposure in the thread of ${id} (message ts ${report.messageTs}) could not be recorded: ${(failure as Error)?.message ?? 'the rotation kept changing'}`,
      );
    }
    // Jittered, so replicas that collided do not collide again in step.
    await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * backoff));
  }
}

/** The rotation's message refreshed and a notice in its thread, so the approvers know the secret may be exposed. */
export async function announceExposure(deps: ServiceDeps, recorded: RecordedExposure): Promise<void> {
  await announceInThread(deps, recorded.rotation, recorded.entry);
}
