import type { BusinessCalendar, CalendarDate } from './calendar';
import { businessDayOnOrAfter, businessDaysBetween, submitByDate, todayIn } from './calendar';

/** A Slack user id (U… or W…): the people a rotation names arrive in payloads and are checked with this. */
export function isUserId(id: string): boolean {
  return /^[UW][A-Z0-9]{2,}$/.test(id);
}

/**
 * A channel id (C… public, G… private): where a rotation's message and
 * reminders go. Direct messages (D…) are not channels a rotation can live in.
 * Slack's channel ids are 9 to 11 characters today: the bound leaves room to
 * grow and keeps anything far longer out of lookups and messages.
 */
export function isChannelId(id: string): boolean {
  return /^[CG][A-Z0-9]{2,20}$/.test(id);
}

export const ENVIRONMENT_TYPES = ['Production', 'Staging', 'Test', 'Development'] as const;
export type EnvironmentType = (typeof ENVIRONMENT_TYPES)[number];

/** The lifecycle's states, plus `planned`: the next cycle, waiting to be started. */
export type RotationStatus =
  | 'planned'
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'submitted'
  | 'meeting_scheduled'
  | 'completed'
  | 'cancelled';

export interface AuditEntry {
  /** ISO instant. */
  at: string;
  actorId: string;
  from: RotationStatus | null;
  to: RotationStatus;
  details?: Record<string, string>;
  /**
   * Set on an entry that records something that happened to the rotation
   * without changing its state (`from` and `to` are then both the current
   * state): a message in its thread that looked like the secret, or the next
   * cycle planned once this one was completed.
   */
  event?: 'secret_exposed' | 'next_cycle_planned';
  /**
   * The audit chain (domain/audit-chain.ts), set by the store when the entry
   * is written, never by the lifecycle: the hash of the entry before it
   * (GENESIS for the first), and this entry's own hash over its content and `prev`.
   */
  prev?: string;
  hash?: string;
}

/** Whether an entry is a lifecycle change (not an event recorded alongside, like `secret_exposed`). */
export function isTransition(entry: AuditEntry): boolean {
  return entry.event === undefined;
}

/** Where the rotation's message lives in Slack, so later steps can update it in place. */
export interface MessageRef {
  channelId: string;
  ts: string;
}

export const ROTATION_SCHEMA_VERSION = 1;

export const MEETING_PLATFORMS = ['Webex', 'Microsoft Teams', 'Skype', 'Other'] as const;
export type MeetingPlatform = (typeof MEETING_PLATFORMS)[number];

export const CONFIRMATIONS = {
  vault: 'New secret stored in our vault',
  integrations: 'Integrations updated to the new secret',
  oldSecretRetired: 'Old secret retired',
} as const;
export type Confirmation = keyof typeof CONFIRMATIONS;

/** Who did a step and when (ISO instant). */
export interface Step {
  by: string;
  at: string;
}
export interface Closure extends Step {
  reason: string;
}
export interface Submission extends Step {
  caseNumber: string;
  submittedOn: CalendarDate;
}
export interface Meeting extends Step {
  platform: MeetingPlatform;
  /** ISO instant of the start. */
  startsAt: string;
  /** The zone the time was entered in, to show it back the way it was given. */
  timeZone: string;
  joinUrl?: string;
  attendeeIds: string[];
}
export interface Completion extends Step {
  confirmations: Confirmation[];
}

/**
 * The Slack workspace a rotation was requested in, and its Enterprise Grid org
 * when it has one: what an org-wide install needs to tell workspaces apart.
 * Unset on rotations made before it was recorded, and by tools.
 */
export interface Workspace {
  teamId?: string;
  enterpriseId?: string;
}

/** Only the ids that are there: a workspace with neither is none. */
export function workspaceOf(teamId: unknown, enterpriseId: unknown): Workspace | undefined {
  const workspace: Workspace = {
    ...(typeof teamId === 'string' && teamId !== '' ? { teamId } : {}),
    ...(typeof enterpriseId === 'string' && enterpriseId !== '' ? { enterpriseId } : {}),
  };
  return workspace.teamId || workspace.enterpriseId ? workspace : undefined;
}

interface RotationFields {
  schemaVersion: typeof ROTATION_SCHEMA_VERSION;
  id: string;
  /** Bumped on every lifecycle change; buttons carry it so stale clicks can be refused. */
  version: number;
  requesterId: string;
  instanceUrl: string;
  environmentType: EnvironmentType;
  deadline: CalendarDate;
  submitBy: CalendarDate;
  /** Business days the request was short of the vendor's lead time when it was made; 0 when on time. */
  lateByBusinessDays: number;
  attendeeIds: string[];
  channelId: string;
  notes?: string;
  /** "Rotate again every": when set, completing this rotation plans the next one. */
  rotationIntervalDays?: number;
  /** ISO instant. */
  createdAt: string;
  message?: MessageRef;
  /** The rotation this one continues (a planned next cycle). */
  previousRotationId?: string;
  /** The planned next cycle, once this one is completed. */
  nextRotationId?: string;
  /** Where it was requested (a next cycle keeps its team's). */
  workspace?: Workspace;
  history: AuditEntry[];
}

/**
 * The lifecycle as a union: each state carries exactly the steps that led to
 * it, so a rendered message or an export cannot show a step that did not happen.
 */
export type Rotation =
  | (RotationFields & { status: 'planned' })
  | (RotationFields & { status: 'requested' })
  | (RotationFields & { status: 'approved'; approval: Step })
  | (RotationFields & { status: 'rejected'; rejection: Closure })
  | (RotationFields & { status: 'submitted'; approval: Step; submission: Submission })
  | (RotationFields & { status: 'meeting_scheduled'; approval: Step; submission: Submission; meeting: Meeting })
  | (RotationFields & {
      status: 'completed';
      approval: Step;
      submission: Submission;
      meeting: Meeting;
      completion: Completion;
    })
  | (RotationFields & {
      status: 'cancelled';
      cancellation: Closure;
      approval?: Step;
      submission?: Submission;
      meeting?: Meeting;
    });

export type RotationIn<S extends RotationStatus> = Extract<Rotation, { status: S }>;

// The union gives each state exactly its steps; these read them from any state that has them.
export function approvalOf(rotation: Rotation): Step | undefined {
  return 'approval' in rotation ? rotation.approval : undefined;
}
export function submissionOf(rotation: Rotation): Submission | undefined {
  return 'submission' in rotation ? rotation.submission : undefined;
}
export function meetingOf(rotation: Rotation): Meeting | undefined {
  return 'meeting' in rotation ? rotation.meeting : undefined;
}
export function completionOf(rotation: Rotation): Completion | undefined {
  return 'completion' in rotation ? rotation.completion : undefined;
}

/** Started and not closed, in the order a rotation passes through them. */
export const OPEN_STATUSES: readonly RotationStatus[] = ['requested', 'approved', 'submitted', 'meeting_scheduled'];

export function isOpen(rotation: Pick<Rotation, 'status'>): boolean {
  return OPEN_STATUSES.includes(rotation.status);
}

/** Open, or a planned next cycle: what the store's `active()` read holds and the metrics' gauges count. */
export const ACTIVE_STATUSES: readonly RotationStatus[] = ['planned', ...OPEN_STATUSES];

export function isActive(rotation: Pick<Rotation, 'status'>): boolean {
  return ACTIVE_STATUSES.includes(rotation.status);
}

/** Before the portal request is made, a planned cycle included: submit-by is what counts, after it the deadline. */
export const NOT_SUBMITTED_STATUSES: readonly RotationStatus[] = ['planned', 'requested', 'approved'];

export function awaitsSubmission(rotation: Pick<Rotation, 'status'>): boolean {
  return NOT_SUBMITTED_STATUSES.includes(rotation.status);
}

/**
 * The people in the handoff: the requester, the request's attendees and those
 * invited to the meeting. With the approvers, they see everything about the
 * rotation, the meeting's join link included (the link often carries the
 * passcode of the meeting in which the vendor reads the new secret out);
 * anyone else sees what the channel sees.
 */
export function handoffPeople(rotation: Rotation): string[] {
  const invitees = 'meeting' in rotation && rotation.meeting ? rotation.meeting.attendeeIds : [];
  return [...new Set([rotation.requesterId, ...rotation.attendeeIds, ...invitees])];
}

export function isInHandoff(rotation: Rotation, userId: string): boolean {
  return handoffPeople(rotation).includes(userId);
}

export interface RotationRequest {
  instanceUrl: string;
  environmentType: EnvironmentType;
  deadline: CalendarDate;
  channelId: string;
  attendeeIds: string[];
  notes?: string;
  rotationIntervalDays?: number;
}

export interface LeadTimePolicy {
  calendar: BusinessCalendar;
  leadBusinessDays: number;
}

export interface SubmitByCount {
  /** Business days from today until submit-by (0 on the day itself); negative once past. */
  businessDaysLeft: number;
  /** Business days short of the vendor's lead time; 0 when on time. */
  lateByBusinessDays: number;
}

/**
 * Where a day stands against a submit-by date. A request made on a weekend
 * after submit-by is counted as made on the next business day, when the vendor
 * will first see it: on the weekend after a Friday submit-by there are no
 * business days in between, yet the request is overdue, not "due today".
 */
export function countToSubmitBy(submitBy: CalendarDate, today: CalendarDate, calendar: BusinessCalendar): SubmitByCount {
  if (today <= submitBy) return { businessDaysLeft: businessDaysBetween(today, submitBy, calendar), lateByBusinessDays: 0 };
  const lateByBusinessDays = businessDaysBetween(submitBy, businessDayOnOrAfter(today, calendar), calendar);
  return { businessDaysLeft: -lateByBusinessDays, lateByBusinessDays };
}

export interface LeadTime extends SubmitByCount {
  submitBy: CalendarDate;
}

/** Where a deadline stands against the vendor's lead time on a given day. */
export function leadTime(deadline: CalendarDate, today: CalendarDate, policy: LeadTimePolicy): LeadTime {
  const submitBy = submitByDate(deadline, policy.leadBusinessDays, policy.calendar);
  return { submitBy, ...countToSubmitBy(submitBy, today, policy.calendar) };
}

/**
 * What a request sets on a rotation, with its submit-by date and lateness as
 * of `today`, and the audit details that record them: shared by a new request
 * and a started planned cycle.
 */
export function requestedFields(request: RotationRequest, today: CalendarDate, policy: LeadTimePolicy) {
  const { submitBy, lateByBusinessDays } = leadTime(request.deadline, today, policy);
  const details: Record<string, string> = { deadline: request.deadline, submitBy };
  if (lateByBusinessDays > 0) details.lateByBusinessDays = String(lateByBusinessDays);
  return {
    fields: {
      instanceUrl: request.instanceUrl,
      environmentType: request.environmentType,
      deadline: request.deadline,
      submitBy,
      lateByBusinessDays,
      attendeeIds: [...request.attendeeIds],
      channelId: request.channelId,
      ...(request.notes ? { notes: request.notes } : {}),
      ...(request.rotationIntervalDays ? { rotationIntervalDays: request.rotationIntervalDays } : {}),
    },
    details,
  };
}

export function createRotation(
  request: RotationRequest,
  context: { id: string; requesterId: string; now: Date; policy: LeadTimePolicy; workspace?: Workspace },
): RotationIn<'requested'> {
  const { id, requesterId, now, policy, workspace } = context;
  const { fields, details } = requestedFields(request, todayIn(policy.calendar, now), policy);
  return {
    schemaVersion: ROTATION_SCHEMA_VERSION,
    id,
    version: 1,
    status: 'requested',
    requesterId,
    ...fields,
    ...(workspace ? { workspace: { ...workspace } } : {}),
    createdAt: now.toISOString(),
    history: [{ at: now.toISOString(), actorId: requesterId, from: null, to: 'requested', details }],
  };
}

/** The characters of a rotation id after `ROT-`. */
export const ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ROTATION_ID_PATTERN = /^ROT-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/;

/**
 * Short, unambiguous ids people can read aloud in a meeting (no 0/O, 1/I/L, U).
 * `randomIndex` is injected so the domain stays free of global randomness.
 */
export function rotationId(randomIndex: (exclusiveMax: number) => number): string {
  let id = 'ROT-';
  for (let i = 0; i < 6; i += 1) id += ID_ALPHABET[randomIndex(ID_ALPHABET.length)];
  return id;
}

/**
 * The id of a completed rotation's next cycle, derived from its own id (FNV-1a),
 * so planning it again (a retry after a failure, another replica) finds the
 * same rotation instead of planning a second one.
 */
export function nextCycleId(completedId: string): string {
  let digit = 0;
  return rotationId((max) => fnv1a(`${completedId}:next:${(digit += 1)}`) % max);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  // MurmurHash3's finaliser: FNV alone leaves the low bits (all `% 30` reads) of similar inputs alike.
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Normalises what a person types after `status` (lower case, missing prefix). */
export function parseRotationId(text: string): string | undefined {
  const candidate = text.trim().toUpperCase();
  const withPrefix = candidate.startsWith('ROT-') ? candidate : `ROT-${candidate}`;
  return ROTATION_ID_PATTERN.test(withPrefix) ? withPrefix : undefined;
}
