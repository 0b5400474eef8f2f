import { randomUUID } from 'node:crypto';
import type { ReminderDisplay, ReminderHandled, ScheduledReminder, ScheduledRotationEntry } from '../domain/ports';
import type { ReminderKind, ReminderOccurrence } from '../domain/reminder-kinds';
import { latestDue, nextDigest, nextOccurrence, stillApplies } from '../domain/reminders';
import { isCodedError } from '../domain/errors';
import type { Rotation } from '../domain/rotation';
import type { ServiceDeps } from './lifecycle-deps';
import { involvedPeople } from './dashboards';
import { completeFollowUp, FOLLOW_UP, recordFollowUp } from './follow-up';

export type ReminderDeps = Pick<
  ServiceDeps,
  'store' | 'reminders' | 'reminderPolicy' | 'notifier' | 'homes' | 'approvers' | 'clock' | 'policy' | 'randomIndex' | 'allowSelfApproval' | 'logger' | 'metrics'
>;

/** How long a claim holds: a process that dies mid-send leaves it to another after this. */
export const CLAIM_LEASE_MS = 10 * 60 * 1000;
/**
 * How long a reminder Slack did not take for now (rate limited, a 5xx, no
 * answer) is tried again, once a lease, before it is recorded as failed:
 * counted from its due time, or from when the bot could act again if that is
 * later (see `TickOptions.actingSince`).
 */
export const RETRY_UNAVAILABLE_MS = 24 * 60 * 60 * 1000;
/** Occurrences read from the store at a time. */
const TICK_BATCH = 100;
/**
 * Batches per tick at most: after a long outage everything that fell due goes
 * out in the first tick (found by the soak: with one batch, the backlog of a
 * few hundred rotations came out one interval per hundred), while a store that
 * kept answering the same entries could not hold a tick forever.
 */
const TICK_BATCHES = 50;

export async function reminderDisplay(deps: Pick<ReminderDeps, 'reminders'>, rotationId: string): Promise<ReminderDisplay> {
  const [next, failures] = await Promise.all([deps.reminders.nextFor(rotationId), deps.reminders.failures(rotationId, 5)]);
  return { ...(next ? { next } : {}), failures };
}

/** The weekly digest's next occurrence, once; idempotent, so every replica may call it at start. */
export async function scheduleDigest(deps: ReminderDeps, after: Date): Promise<void> {
  const dueAt = nextDigest(deps.reminderPolicy, after);
  if (!dueAt) return;
  await deps.reminders.addDigest(dueAt.toISOString());
}

type Outcome = ReminderHandled;

export interface TickResult extends Record<Outcome, string[]> {
  sent: string[];
  dropped: string[];
  failed: string[];
  /** Slack did not take them for now: tried again when their claim runs out. */
  deferred: string[];
  /** How far the tick was behind: from the due time of the oldest entry it found due to its `now`, ms (0 when none was due). */
  lagMs: number;
}

export interface TickOptions {
  /**
   * Since when this process has been able to work through the schedule (it
   * started, or its store answered again after failed ticks). A reminder that
   * fell due while no process could act gets its day of retries from then, not
   * from its due time: otherwise a bot back after a weekend down, meeting a
   * rate limit, would record Friday's reminders as failed at its first try
   * (found by the soak).
   */
  actingSince?: Date;
}

/**
 * One pass of the scheduler: every due occurrence is claimed, re-checked
 * against the rotation as it is now, sent (of a repeating kind only the latest
 * occurrence that fell due), finished, and followed by the next occurrence of
 * its kind. Holds no state: everything it needs is in the store.
 */
export async function runDueReminders(deps: ReminderDeps, options: TickOptions = {}): Promise<TickResult> {
  const owner = `tick-${randomUUID()}`;
  const result: TickResult = { sent: [], dropped: [], failed: [], deferred: [], lagMs: 0 };
  const now = deps.clock.now();
  for (let batch = 0; batch < TICK_BATCHES; batch += 1) {
    const dueNow = await deps.reminders.due(now, TICK_BATCH);
    // Oldest first: the first batch's first entry is the furthest behind.
    if (batch === 0 && dueNow[0]) result.lagMs = Math.max(0, now.getTime() - Date.parse(dueNow[0].dueAt));
    let claimed = 0;
    for (const due of dueNow) {
      if (!(await deps.reminders.claim(due.key, owner, now, CLAIM_LEASE_MS))) continue;
      claimed += 1;
      const outcome =
        due.kind === 'weekly_digest'
          ? await sendDigest(deps, due, now)
          : due.kind === FOLLOW_UP
            ? await completeRecordedFollowUp(deps, due, now)
            : await sendReminder(deps, due, now, options.actingSince);
      result[outcome].push(due.key);
    }
    // What this tick took is claimed or finished, so the next read holds only what is left.
    if (dueNow.length < TICK_BATCH || claimed === 0) break;
  }
  return result;
}

async function sendDigest(deps: ReminderDeps, due: ScheduledReminder, now: Date): Promise<Outcome> {
  const active = await deps.store.active();
  const byChannel = new Map<string, Rotation[]>();
  for (const rotation of active) byChannel.set(rotation.channelId, [...(byChannel.get(rotation.channelId) ?? []), rotation]);
  const failures: Array<{ channelId: string; reason: string; code: string | undefined }> = [];
  // A claim that ran out: whoever held it may have posted to some channels before dying.
  const takenOver = due.state === 'claimed';
  for (const [channelId, rotations] of byChannel) {
    try {
      if (takenOver && (await deps.notifier.digestPosted(channelId, due.key, new Date(due.dueAt)))) continue;
      await deps.notifier.sendDigest(channelId, rotations, now, due.key);
    } catch (error) {
      failures.push({ channelId, reason: reasonOf(error), code: codeOf(error) });
    }
  }
  // One digest however many weeks an outage missed; the next is the first one after now.
  await scheduleDigest(deps, now);
  if (byChannel.size === 0) return finish(deps, due, { state: 'dropped' }, now);
  if (failures.length === 0) return finish(deps, due, { state: 'sent' }, now);
  const code = failures[0]?.code;
  return finish(deps, due, { state: 'failed', reason: failures.map((f) => `${f.channelId}: ${f.reason}`).join('; '), ...(code ? { code } : {}) }, now);
}

/**
 * A change was stored but what follows it (its reminders, its next cycle) did
 * not finish: done now. If it fails again it is recorded once more, for the
 * next tick, and this occurrence is dropped.
 */
async function completeRecordedFollowUp(deps: ReminderDeps, due: ScheduledRotationEntry, now: Date): Promise<Outcome> {
  const rotation = await deps.store.get(due.rotationId);
  if (!rotation) return finish(deps, due, { state: 'dropped' }, now);
  let done: Rotation;
  try {
    done = await completeFollowUp(deps, rotation);
  } catch (error) {
    deps.logger.error(`${rotation.id}: its follow-up failed again and is retried on a later tick: ${reasonOf(error)}`);
    await recordFollowUp(deps, rotation.id);
    return finish(deps, due, { state: 'dropped' }, now);
  }
  deps.logger.info(`${rotation.id}: the follow-up of its last change was completed by the scheduler`);
  if (done.nextRotationId !== rotation.nextRotationId) {
    // The next cycle appeared: the message says so, and the dashboards list it.
    await deps.notifier.refreshMessage(done, now, await reminderDisplay(deps, done.id)).catch((error: unknown) => {
      deps.logger.warn(`The message of ${done.id} could not show its next cycle: ${reasonOf(error)}`);
    });
    deps.homes.changed(involvedPeople(done, deps.approvers.knownApproverIds(), done.requesterId));
  }
  return finish(deps, due, { state: 'sent' }, now);
}

async function sendReminder(deps: ReminderDeps, due: ScheduledRotationEntry, now: Date, actingSince?: Date): Promise<Outcome> {
  const rotation = await deps.store.get(due.rotationId);
  const kind = due.kind as ReminderKind;
  if (!rotation) return finish(deps, due, { state: 'dropped' }, now);
  // Of what fell due while nobody ticked, only the latest occurrence of the kind is sent
  // (a repeating kind, or deadline_near's two dates both passed during an outage).
  const occurrence =
    latestDue(kind, rotation, deps.reminderPolicy, { after: new Date(Date.parse(due.dueAt) - 1), until: now }) ?? toOccurrence(due);
  if (!stillApplies(occurrence, rotation, now)) return finish(deps, due, { state: 'dropped' }, now);

  let delivery: Delivery;
  // The claim ran out: whoever held it may have died after Slack took the post and before recording
  // it. Looked up by occurrence: one it posted before an outage does not stand for the latest one,
  // which is still sent (found by the soak: a kill mid-send, then three days down, lost Friday's).
  if (due.state === 'claimed' && (await deps.notifier.reminderPosted(rotation, occurrence.key, new Date(occurrence.dueAt)))) {
    deps.logger.warn(`Reminder ${due.key} was already in Slack; recorded as sent, not posted again`);
    delivery = { state: 'sent' };
  } else {
    delivery = await deliver(deps, due, rotation, occurrence, now, actingSince);
  }
  // A deferred one is not followed yet: were the next day's added now, the retry of this one
  // after that day fell due would send the latest occurrence, and the next day's entry again.
  if (delivery === 'deferred') return delivery;
  // The next occurrence is stored before this one is finished. The other way round, a store that
  // failed between the two (or a process that died there) left the kind with no next entry, and
  // its reminders stopped for good (found by the soak); this way the claim runs out, a later tick
  // finds the post in Slack (reminderPosted), finishes it and adds the same next entry again.
  const next = nextOccurrence(kind, rotation, deps.reminderPolicy, now);
  if (next) await deps.reminders.add([next]);
  const outcome = await finish(deps, due, delivery, now);
  try {
    await deps.notifier.refreshMessage(rotation, now, await reminderDisplay(deps, rotation.id));
  } catch (error) {
    deps.logger.warn(`The message of ${rotation.id} could not show its next reminder: ${reasonOf(error)}`);
  }
  return outcome;
}

/** What became of a post: taken, refused for good (with Slack's reason and code), or not taken for now. */
type Delivery = { state: 'sent' } | Failed | 'deferred';
/** Refused for good: Slack's reason, recorded, and its short code, counted by the metrics. */
type Failed = { state: 'failed'; reason: string; code?: string };

/**
 * Posts the reminder; the caller records the outcome. When Slack does not
 * take it for now, the claim is left to run out so a later tick tries again
 * (asking Slack first whether the post got through after all), for a day
 * after its due time or after `actingSince`, whichever is later.
 */
async function deliver(
  deps: ReminderDeps,
  due: ScheduledRotationEntry,
  rotation: Rotation,
  occurrence: ReminderOccurrence,
  now: Date,
  actingSince?: Date,
): Promise<Delivery> {
  try {
    await deps.notifier.sendReminder(rotation, occurrence, now, due.key);
    return { state: 'sent' };
  } catch (error) {
    const retriedSince = Math.max(Date.parse(due.dueAt), actingSince?.getTime() ?? 0);
    if (isCodedError(error, 'SLACK_UNAVAILABLE') && now.getTime() - retriedSince < RETRY_UNAVAILABLE_MS) {
      deps.logger.warn(`Reminder ${due.key} was not taken by Slack for now (${reasonOf(error)}); it is tried again when its claim runs out`);
      deps.metrics?.reminderHandled(due.kind as ReminderKind, 'deferred');
      return 'deferred';
    }
    deps.logger.error(`Reminder ${due.key} could not be delivered: ${reasonOf(error)}`);
    const code = codeOf(error);
    return { state: 'failed', reason: reasonOf(error), ...(code ? { code } : {}) };
  }
}

function toOccurrence(due: ScheduledRotationEntry): ReminderOccurrence {
  return { rotationId: due.rotationId, kind: due.kind as ReminderKind, dueAt: due.dueAt, key: due.key };
}

function reasonOf(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

/** The short code of why a delivery failed (Slack's error, set by the notifier), for the metrics. */
function codeOf(error: unknown): string | undefined {
  return isCodedError(error) ? error.reason : undefined;
}

/** Records the outcome; a reminder's (not a follow-up's) is counted too, a failure by its code. */
async function finish(deps: ReminderDeps, due: ScheduledReminder, outcome: { state: 'sent' } | { state: 'dropped' } | Failed, now: Date): Promise<Outcome> {
  await deps.reminders.finish(due.key, outcome.state === 'failed' ? { state: 'failed', reason: outcome.reason } : outcome, now);
  if (due.kind !== FOLLOW_UP) deps.metrics?.reminderHandled(due.kind, outcome.state, outcome.state === 'failed' ? outcome.code : undefined);
  return outcome.state;
}
