import type { PersonLimitKind, RateLimit, RateLimitVerdict } from './rate-limits';
import type { AuditLogRecord, AuditReport } from './audit-chain';
import type { ReminderKind, ReminderOccurrence } from './reminder-kinds';
import type { AuditEntry, Meeting, MessageRef, Rotation, RotationIn } from './rotation';

/**
 * A page of a listing: at most `limit` rotations after skipping `offset`. A
 * page can come back shorter than `limit` before the end of the listing (a
 * rotation that changed list between the index read and its own read is left out).
 */
export interface Page {
  limit: number;
  offset?: number;
}

/** Durable storage of rotations. Implementations live in `store/`. Reads other than `list` cost what they return, not what is stored. */
export interface RotationStore {
  /** Stores a new rotation; throws a CodedError ROTATION_EXISTS when the id is taken. */
  insert(rotation: Rotation): Promise<void>;
  get(id: string): Promise<Rotation | undefined>;
  /**
   * Writes the next state of a rotation only if the stored one is still at
   * `expectedVersion`: false when another change got there first.
   */
  replace(rotation: Rotation, expectedVersion: number): Promise<boolean>;
  /** Records where the rotation's message was posted; false when there is no such rotation. */
  setMessage(id: string, message: MessageRef): Promise<boolean>;
  /** The rotation whose message is at this place (a thread's parent), if any. */
  findByMessage(message: MessageRef): Promise<string | undefined>;
  /**
   * Open and planned rotations, earliest deadline first (the submit-by date
   * follows the deadline): what needs attention. Without a page, every one of
   * them (read in pages): a few hundred at most, whatever the store has finished.
   */
  active(page?: Page): Promise<Rotation[]>;
  /** Every open and planned rotation a person is in the handoff of, earliest deadline first. */
  activeInvolving(userId: string): Promise<Rotation[]>;
  /** The rotations a person is in the handoff of (requester, attendee, meeting invitee), latest deadline first. */
  involving(userId: string, page: Page): Promise<Rotation[]>;
  /** The rotations of one WFI instance, latest deadline first. */
  ofInstance(instanceUrl: string, page: Page): Promise<Rotation[]>;
  /** Completed rotations, the most recently received secret first. */
  recentlyCompleted(page: Page): Promise<Rotation[]>;
  /**
   * Every rotation, in no particular order: a full read, for the export and
   * maintenance (store:migrate), never for a request or a tick.
   */
  list(): Promise<Rotation[]>;
  /**
   * Records that a person opened the bot's Home tab (Slack's `app_home_opened`):
   * from then on a change to a rotation they may see refreshes their Home.
   * Durable and shared by every replica on the store.
   */
  recordHomeViewer(userId: string): Promise<void>;
  /** Which of these people have opened the Home tab (`recordHomeViewer`), in the order given, each once: one read for all of them. */
  homeViewers(userIds: readonly string[]): Promise<string[]>;
  /**
   * The store-wide audit log (domain/audit-chain.ts), every record in order:
   * a full read, for verifying the audit trail (audit:verify, the export),
   * never for a request or a tick.
   */
  auditLog(): Promise<AuditLogRecord[]>;
  /**
   * Brings a store made by an earlier release up to date (at start and by
   * store:migrate): indexes its rotations and chains their audit trails
   * (entries without a hash are chained as found, and logged) once; later
   * calls cost one read. Answers how many rotations it brought up to date.
   */
  migrate(): Promise<number>;
  /** Resolves when the store answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What the durable schedule holds: the reminders, the weekly digest, and
 * `follow_up`, the work that follows a stored change (planning its reminders
 * and next cycle), recorded before the change so a failure half-way is
 * completed by the next tick instead of being lost.
 */
export type ScheduledKind = ReminderKind | 'weekly_digest' | 'follow_up';

/** An entry of one rotation: one of its reminders, or the follow-up of its last change. */
export interface RotationEntry extends Omit<ReminderOccurrence, 'kind'> {
  kind: Exclude<ScheduledKind, 'weekly_digest'>;
}

/** The weekly digest: one for every channel, of no rotation. The schedule makes its key (`addDigest`). */
export interface DigestEntry {
  kind: 'weekly_digest';
  /** Never set; declared so that on any entry `rotationId` reads as the rotation's id or undefined. */
  rotationId?: undefined;
  /** ISO instant. */
  dueAt: string;
  key: string;
}

/** Where an entry of the durable schedule stands. */
interface EntryProgress {
  state: 'pending' | 'claimed' | 'sent' | 'failed' | 'dropped';
  /** ISO instant the occurrence was sent, failed or dropped. */
  finishedAt?: string;
  /** Why it could not be delivered (state failed). */
  failure?: string;
}

/** A rotation's entry, with where it stands. */
export type ScheduledRotationEntry = RotationEntry & EntryProgress;

/** An occurrence in the durable schedule, with where it stands: a rotation's, or the digest (its `kind` says which). */
export type ScheduledReminder = ScheduledRotationEntry | (DigestEntry & EntryProgress);

export type ReminderOutcome = { state: 'sent' } | { state: 'dropped' } | { state: 'failed'; reason: string };

/**
 * The durable reminder schedule: an index by due time, so finding what is due
 * costs in proportion to what is due. Keys are deterministic (rotation, kind,
 * due time); an occurrence is claimed before it is sent and finished after, so
 * neither a restart nor a second process can send it twice.
 */
export interface ReminderSchedule {
  /** Adds occurrences whose key is not there yet (in any state). */
  add(occurrences: RotationEntry[]): Promise<void>;
  /** Adds the weekly digest due at `dueAt` unless it is there (in any state). */
  addDigest(dueAt: string): Promise<void>;
  /** Replaces a rotation's pending occurrences with these; sent, failed and claimed ones stay. */
  reschedule(rotationId: string, occurrences: ReminderOccurrence[]): Promise<void>;
  /** Pending occurrences due at `now` or before, and claimed ones whose lease ran out; oldest first. */
  due(now: Date, limit: number): Promise<ScheduledReminder[]>;
  /** Takes an occurrence for sending; false when another process holds it or it is finished. */
  claim(key: string, owner: string, now: Date, leaseMs: number): Promise<boolean>;
  finish(key: string, outcome: ReminderOutcome, now: Date): Promise<void>;
  /** The earliest pending occurrence of a rotation. */
  nextFor(rotationId: string): Promise<ScheduledReminder | undefined>;
  /** Occurrences that could not be delivered, newest first; of one rotation, or of all (the digest included). */
  failures(rotationId?: string, limit?: number): Promise<ScheduledReminder[]>;
  /**
   * Removes the sent, failed and dropped occurrences (the digest's too) that
   * finished before `finishedBefore`; pending and claimed ones always stay.
   * Safe with several processes pruning at once (each row goes in one
   * statement or script). Answers how many rows this call removed.
   */
  pruneFinished(finishedBefore: Date): Promise<number>;
  /**
   * Every occurrence stored, in every state, ordered by key: a full read, for
   * maintenance and tests (the store holds nothing it should not), never for
   * a request or a tick.
   */
  entries(): Promise<ScheduledReminder[]>;
}

/**
 * Short leases on a name, taken with the engine's own atomic primitive
 * (Redis SET NX PX, an INSERT … ON CONFLICT in PostgreSQL and SQLite), so a
 * read-compare-write on a rotation holds across processes and replicas.
 */
export interface EngineLocks {
  /** Takes `key` for `ttlMs` if it is free or its lease ran out; false while someone else holds it. */
  acquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives `key` back if `owner` still holds it. */
  release(key: string, owner: string): Promise<void>;
  /**
   * Removes the lock rows whose lease ran out more than `graceMs` ago, by the
   * clock `acquire` uses (a lease still held stays). Safe with several
   * processes pruning at once. Answers how many rows this call removed: on
   * Redis always 0, as its leases expire by themselves (PX).
   */
  pruneExpired(graceMs: number): Promise<number>;
  /**
   * How many lock rows are present, expired ones included (on Redis, the keys
   * under the namespace's lock prefix): for maintenance and tests. On SQLite
   * and PostgreSQL the lock table is shared by every namespace in that file or database.
   */
  count(): Promise<number>;
}

/**
 * A count of hits per key that every replica on the store shares (Redis,
 * PostgreSQL): a fixed window of `rule.windowMs` from a key's first hit, in
 * one round trip a hit. Rejects when the store does not answer; whoever asks
 * decides what to do then (the Slack side counts in its own process).
 */
export interface SharedRateCounter {
  take(key: string): Promise<RateLimitVerdict>;
}

/** The shared counter of one kind of limit, made once per kind at start. */
export type SharedRateCounters = (kind: PersonLimitKind, rule: RateLimit) => SharedRateCounter;

/** Whether a person is an approver: `'unknown'` when a user group could not be read in time. */
export type ApproverStatus = 'approver' | 'not_approver' | 'unknown';

/** Whether a person may approve: listed in WFI_APPROVERS directly or through a user group. */
export interface ApproverDirectory {
  /**
   * At once for a directly listed user; for anyone else from the user groups'
   * last known members, or after a look-up bounded well under a second (a
   * person is waiting on it), `'unknown'` when that did not answer.
   */
  statusOf(userId: string): Promise<ApproverStatus>;
  /** Every approver known now: the listed users and the members of the listed groups as last read. */
  knownApproverIds(): string[];
}

/**
 * People's names, for evidence read outside Slack (the JSON Lines export):
 * ids alone mean nothing to an auditor. Best effort: a person Slack cannot
 * name right now is left out of the answer, never a reason to fail.
 */
export interface PeopleDirectory {
  /** The names of those of these people who could be looked up. */
  namesOf(userIds: readonly string[]): Promise<Map<string, string>>;
}

/** The actor of a step as the domain takes it: `'unknown'` approver rights stay unknown. */
export function approverFlag(status: ApproverStatus): boolean | 'unknown' {
  return status === 'unknown' ? 'unknown' : status === 'approver';
}

/** What a rotation's message shows of its reminders. */
export interface ReminderDisplay {
  next?: ScheduledReminder;
  failures: ScheduledReminder[];
}

/** The Slack side of a rotation, seen from the services. */
export interface Notifier {
  /**
   * Posts the rotation's message to its channel (or, when the bot cannot post
   * there, to the requester directly) and says where it went.
   */
  postRotation(rotation: Rotation, now: Date, reminders?: ReminderDisplay): Promise<MessageRef>;
  /** Re-renders the rotation's message in place and replies in its thread with what changed. */
  announceChange(rotation: Rotation, entry: AuditEntry, now: Date, reminders?: ReminderDisplay): Promise<void>;
  /** Re-renders the rotation's message in place (its next reminder moved on). */
  refreshMessage(rotation: Rotation, now: Date, reminders: ReminderDisplay): Promise<void>;
  /**
   * Posts a reminder in the rotation's thread (escalations also to the
   * channel); falls back to the requester directly when the channel refuses.
   * A meeting reminder (DIRECT_REMINDERS) goes to each meeting attendee
   * directly, with the join link, and the thread only hears that the meeting
   * is near. Throws a CodedError REMINDER_UNDELIVERABLE, with Slack's reason as its
   * message, when it could not be delivered at all, and SLACK_UNAVAILABLE when
   * Slack did not take it for now (rate limited, a 5xx, no answer).
   * Every post carries `deliveryKey` (the schedule entry's key) and the
   * occurrence's key in its metadata, for `reminderPosted`.
   */
  sendReminder(rotation: Rotation, occurrence: ReminderOccurrence, now: Date, deliveryKey: string): Promise<void>;
  /**
   * Whether Slack already holds this occurrence of a reminder (`occurrenceKey`
   * in a post's metadata) posted since `since`: asked before sending an entry
   * whose claim ran out, as the process that held it may have died after Slack
   * took the post and before recording it. By occurrence, not by entry: after
   * an outage an entry sends the latest occurrence of its kind, which is not
   * the one a process that died before the outage posted for it.
   * `undefined` when Slack could not tell (the reminder is then sent).
   */
  reminderPosted(rotation: Rotation, occurrenceKey: string, since: Date): Promise<boolean | undefined>;
  /** Posts the weekly digest of these rotations to a channel, carrying `deliveryKey` (the digest entry's key). */
  sendDigest(channelId: string, rotations: Rotation[], now: Date, deliveryKey: string): Promise<void>;
  /** Like `reminderPosted`, for a digest in a channel (a process can die between two channels' digests). */
  digestPosted(channelId: string, deliveryKey: string, since: Date): Promise<boolean | undefined>;
  /**
   * Slack's hash (`view.hash`) of the App Home this process last published to
   * the person, if it knows one. Taken before their view is read and given back
   * to `publishHome`, so that a view read before another publish cannot
   * overwrite what that publish showed.
   */
  homeHash(viewerId: string): string | undefined;
  /**
   * Publishes one person's App Home dashboard: the rotations they may see
   * (`scope` says which: every one, or their own) and the undelivered reminders
   * among them. With `hash`, only over the Home of that hash: when it changed
   * since (another publish got there first), throws a CodedError
   * HOME_VIEW_CHANGED and publishes nothing.
   */
  publishHome(
    viewerId: string,
    view: { scope: 'all' | 'yours'; rotations: Rotation[]; reminderFailures: ScheduledReminder[] },
    now: Date,
    hash?: string,
  ): Promise<void>;
  /**
   * Sends the meeting, its join link included, to each person in a direct
   * message from the app: the link is for the people in the handoff and the
   * approvers, never for the channel. The people in the handoff also get the
   * meeting as a calendar file (the same event, moved, on each move). One
   * person's failure does not stop the others.
   */
  sendMeetingDetails(rotation: RotationIn<'meeting_scheduled'>, recipientIds: string[], now: Date): Promise<void>;
  /**
   * Tells each person directly that the handoff meeting they were sent is
   * off for them (the rotation was cancelled, or a move left them off it),
   * with the calendar cancellation of the invitation they hold.
   */
  sendMeetingCancellation(
    rotation: Rotation,
    meeting: Pick<Meeting, 'startsAt' | 'timeZone' | 'platform'>,
    recipientIds: string[],
    change: { at: string; why: 'rotation_cancelled' | 'uninvited' },
  ): Promise<void>;
  /**
   * Sends a person the export of every rotation, in a direct message, with a
   * line saying whether the audit trail's hash chains verify.
   */
  sendExport(userId: string, file: ExportFile, now: Date): Promise<void>;
}

/** The formats `/wfi-rotate export` sends: CSV for a spreadsheet, JSON Lines for a SIEM. */
export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** An export, ready to send: its format and text, how many rotations it holds, and the check of the audit trail it was read with. */
export interface ExportFile {
  format: ExportFormat;
  content: string;
  rotations: number;
  audit: AuditReport;
}

export interface Clock {
  now(): Date;
}

/** What became of a scheduled reminder a tick took: `deferred` when Slack did not take it for now (tried again later). */
export type ReminderHandled = 'sent' | 'failed' | 'dropped' | 'deferred';

/**
 * What the scheduler's work reports for the bot's metrics (GET /metrics),
 * without knowing how they are kept; absent when metrics are off.
 */
export interface ReminderMetrics {
  /** A reminder (or the weekly digest) was handled; a failed one with the reason's code (Slack's error, `CodedError.reason`). */
  reminderHandled(kind: ReminderKind | 'weekly_digest', outcome: ReminderHandled, error?: string): void;
}

/**
 * A workflow's `await_rotation` step waiting on a rotation. `token` is the
 * execution's `bot_access_token`, a secret never logged nor shown in Slack:
 * Slack expires it 15 minutes after issuing it, so it is stored only for
 * EXECUTION_TOKEN_FRESH_MS (domain/workflow-steps.ts) and absent after that;
 * the app's bot token completes the step then.
 */
export interface WaitingStep {
  executionId: string;
  token?: string;
  /** ISO instant it started waiting. */
  since: string;
}

/** The durable side of custom workflow steps, shared by every replica on the store. */
export interface StepExecutionStore {
  /**
   * Runs `create` for an execution id once across replicas and redeliveries
   * (under the store's lease on that id): a later call answers the rotation id
   * the first one recorded, with `created: false`.
   */
  onceForExecution(executionId: string, create: () => Promise<string>): Promise<{ rotationId: string; created: boolean }>;
  /**
   * Records a step waiting on a rotation (once per execution); its token, when
   * given, is kept for EXECUTION_TOKEN_FRESH_MS only.
   */
  addWaiting(rotationId: string, step: WaitingStep): Promise<void>;
  /** Takes every step waiting on a rotation, each with its token while kept (atomically: whoever takes one completes it, once). */
  takeWaiting(rotationId: string): Promise<WaitingStep[]>;
  /** Every step waiting now, by rotation, without their tokens: for store:migrate and tests. */
  waiting(): Promise<Map<string, WaitingStep[]>>;
  /** Which execution made which rotation (execution id → rotation id): for store:migrate. */
  executions(): Promise<Map<string, string>>;
}

/**
 * The Slack side of completing a custom step later: with the execution's own
 * token while it is fresh, else (or when Slack refuses it) the app's bot token.
 */
export interface StepCompleter {
  complete(step: WaitingStep, outputs: Record<string, unknown>): Promise<void>;
  fail(step: WaitingStep, error: string): Promise<void>;
}
