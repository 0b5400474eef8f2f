import { addCalendarDays, todayIn, type CalendarDate } from './calendar';
import type { RefusalOf } from './errors';
import type { RawRotationRequest } from './rotation-request';
import {
  CONFIRMATIONS,
  isTransition,
  leadTime,
  requestedFields,
  type AuditEntry,
  type Confirmation,
  type LeadTimePolicy,
  type Meeting,
  type Rotation,
  type RotationIn,
  type RotationRequest,
  type RotationStatus,
} from './rotation';

export type MeetingDetails = Omit<Meeting, 'by' | 'at'>;

/** What a person can do to a rotation; each maps to one button. */
export type RotationAction =
  | { type: 'approve' }
  | { type: 'reject'; reason: string }
  | { type: 'record_submission'; caseNumber: string; submittedOn: CalendarDate }
  | { type: 'schedule_meeting'; meeting: MeetingDetails }
  | { type: 'complete'; confirmations: Confirmation[] }
  | { type: 'cancel'; reason: string };

export type ActionType = RotationAction['type'];

/**
 * Everything that changes a stored rotation, and so goes through `decide`: a
 * step someone takes (a button), starting a planned next cycle, and the events
 * recorded beside the lifecycle (a secret-looking reply in the thread, the
 * link to the next cycle once it is planned). Events keep the version, so no
 * button drawn before them goes stale.
 */
export type RotationChange =
  | RotationAction
  | { type: 'start'; request: RotationRequest; policy: LeadTimePolicy }
  | { type: 'report_exposure'; channelId: string; messageTs: string }
  | { type: 'link_next_cycle'; nextRotationId: string };

/** Changes that record an event and keep the state and the version. */
const EVENTS = { report_exposure: 'secret_exposed', link_next_cycle: 'next_cycle_planned' } as const;

export interface Actor {
  userId: string;
  /**
   * Listed in WFI_APPROVERS, directly or through a user group; `'unknown'` when
   * a user group could not be read in time (Slack slow or rate-limiting): a
   * step that depends on it is refused with APPROVER_UNKNOWN, never guessed.
   */
  isApprover: boolean | 'unknown';
}

/** Why `decide` refused an action: a refusal of the shared error model. */
export type TransitionError = RefusalOf<
  'NOT_AN_APPROVER' | 'SELF_APPROVAL' | 'NOT_INVOLVED' | 'APPROVER_UNKNOWN' | 'ALREADY_DONE' | 'STALE' | 'INVALID_TRANSITION'
>;

/** Why `decide` refused a change. */
export type ChangeError = TransitionError | RefusalOf<'PLANNED_ALREADY_STARTED'>;

export type TransitionResult =
  | { ok: true; rotation: Rotation; entry: AuditEntry }
  | { ok: false; error: ChangeError };

export interface TransitionContext {
  actor: Actor;
  now: Date;
  allowSelfApproval: boolean;
  /** The version the clicked button was rendered at; omitted when the caller has no rendered state. */
  expectedVersion?: number;
}

/** The actions valid in each state: the buttons a message shows and the only ones accepted. */
export function allowedActions(status: RotationStatus): ActionType[] {
  switch (status) {
    case 'requested':
      return ['approve', 'reject', 'cancel'];
    case 'approved':
      return ['record_submission', 'cancel'];
    case 'submitted':
      return ['schedule_meeting', 'cancel'];
    case 'meeting_scheduled':
      return ['complete', 'schedule_meeting', 'cancel'];
    case 'planned':
      return ['cancel'];
    case 'rejected':
    case 'completed':
    case 'cancelled':
      return [];
    default: {
      const exhaustive: never = status;
      return exhaustive;
    }
  }
}

/** The state an action leads to. */
const TARGET: Record<ActionType, RotationStatus> = {
  approve: 'approved',
  reject: 'rejected',
  record_submission: 'submitted',
  schedule_meeting: 'meeting_scheduled',
  complete: 'completed',
  cancel: 'cancelled',
};

/**
 * Who may do what: approvers approve or reject (not their own request unless
 * allowed); the requester, the request's attendees and the approvers record the
 * later steps and cancel. Those invited to the meeting may also confirm receipt
 * (they are the ones told to), but not cancel or move the meeting, so an
 * invitee cannot invite others who then could.
 */
export function permissionError(
  action: ActionType,
  rotation: Pick<Rotation, 'requesterId' | 'attendeeIds'> & { meeting?: Pick<Meeting, 'attendeeIds'> },
  actor: Actor,
  allowSelfApproval: boolean,
): TransitionError | undefined {
  if (action === 'approve' || action === 'reject') {
    if (actor.isApprover === 'unknown') return { code: 'APPROVER_UNKNOWN' };
    if (!actor.isApprover) return { code: 'NOT_AN_APPROVER' };
    if (action === 'approve' && actor.userId === rotation.requesterId && !allowSelfApproval) return { code: 'SELF_APPROVAL' };
    return undefined;
  }
  const involved =
    actor.userId === rotation.requesterId ||
    rotation.attendeeIds.includes(actor.userId) ||
    (action === 'complete' && (rotation.meeting?.attendeeIds.includes(actor.userId) ?? false));
  if (involved || actor.isApprover === true) return undefined;
  return actor.isApprover === 'unknown' ? { code: 'APPROVER_UNKNOWN' } : { code: 'NOT_INVOLVED' };
}

/**
 * A repeated click finds the change already made: tell who made it instead of
 * calling the click stale. Rescheduling is not idempotent (two reschedules are
 * two changes), so it never counts as already done.
 */
function alreadyDone(rotation: Rotation, action: { type: ActionType }): TransitionError | undefined {
  if (action.type === 'schedule_meeting') return undefined;
  const target = TARGET[action.type];
  const entry = [...rotation.history].reverse().find((e) => isTransition(e) && e.to === target);
  if (!entry) return undefined;
  return { code: 'ALREADY_DONE', status: rotation.status, by: entry.actorId, at: entry.at };
}

function stepDetails(action: RotationAction, rescheduled: boolean): Record<string, string> | undefined {
  switch (action.type) {
    case 'approve':
      return undefined;
    case 'reject':
    case 'cancel':
      return { reason: action.reason };
    case 'record_submission':
      return { caseNumber: action.caseNumber, submittedOn: action.submittedOn };
    case 'schedule_meeting': {
      const m = action.meeting;
      return {
        platform: m.platform,
        startsAt: m.startsAt,
        timeZone: m.timeZone,
        ...(m.joinUrl ? { joinUrl: m.joinUrl } : {}),
        attendees: m.attendeeIds.join(' '),
        ...(rescheduled ? { rescheduled: 'true' } : {}),
      };
    }
    case 'complete':
      return action.confirmations.length > 0
        ? { confirmations: action.confirmations.map((c) => CONFIRMATIONS[c]).join('; ') }
        : undefined;
    default: {
      const exhaustive: never = action;
      return exhaustive;
    }
  }
}

/** The audit entry a change records: who, when, from, to, and what it said. */
function entryOf(rotation: Rotation, change: RotationChange, actorId: string, now: Date): AuditEntry {
  const base = { at: now.toISOString(), actorId, from: rotation.status };
  switch (change.type) {
    case 'start':
      return { ...base, to: 'requested', details: startedFields(rotation, change, now).details };
    case 'report_exposure':
      return {
        ...base,
        to: rotation.status,
        event: EVENTS.report_exposure,
        details: { channel: change.channelId, messageTs: change.messageTs, advice: SECRET_EXPOSED_ADVICE },
      };
    case 'link_next_cycle':
      return { ...base, to: rotation.status, event: EVENTS.link_next_cycle, details: { nextRotationId: change.nextRotationId } };
    default: {
      const details = stepDetails(change, rotation.status === 'meeting_scheduled');
      return { ...base, to: TARGET[change.type], ...(details ? { details } : {}) };
    }
  }
}

/** What starting a planned cycle sets: the request's dates and notes as of today; the team and the instance stay. */
function startedFields(planned: Rotation, change: Extract<RotationChange, { type: 'start' }>, now: Date) {
  const { policy, request } = change;
  return requestedFields(
    { ...request, instanceUrl: planned.instanceUrl, environmentType: planned.environmentType, channelId: planned.channelId },
    todayIn(policy.calendar, now),
    policy,
  );
}

/**
 * The rotation after a change `decide` accepted, with its entry appended:
 * the state-specific fields come from the change. Steps and a start move the
 * version on; events keep it.
 */
export function evolve(rotation: Rotation, change: RotationChange, entry: AuditEntry): Rotation {
  const history = [...rotation.history, entry];
  switch (change.type) {
    case 'report_exposure':
      return { ...rotation, history };
    case 'link_next_cycle':
      return { ...rotation, nextRotationId: change.nextRotationId, history };
    case 'start': {
      const { status: _status, notes: _notes, rotationIntervalDays: _interval, ...kept } = rotation;
      return { ...kept, ...startedFields(rotation, change, new Date(entry.at)).fields, status: 'requested', version: rotation.version + 1, history };
    }
    default:
      return { ...applyStep(rotation, change, { by: entry.actorId, at: entry.at }), history };
  }
}

/** A step's own fields on the rotation it leads to. */
function applyStep(rotation: Rotation, action: RotationAction, step: { by: string; at: string }): Rotation {
  const { status: _status, ...fields } = rotation;
  const base = { ...fields, version: rotation.version + 1 };
  switch (action.type) {
    case 'approve':
      return { ...base, status: 'approved', approval: step };
    case 'reject':
      return { ...base, status: 'rejected', rejection: { ...step, reason: action.reason } };
    case 'record_submission': {
      const r = rotation as RotationIn<'approved'>;
      return {
        ...base,
        status: 'submitted',
        approval: r.approval,
        submission: { ...step, caseNumber: action.caseNumber, submittedOn: action.submittedOn },
      };
    }
    case 'schedule_meeting': {
      const r = rotation as RotationIn<'submitted' | 'meeting_scheduled'>;
      // The step last, so who and when are always this click's, even if the details object carries stale ones.
      return { ...base, status: 'meeting_scheduled', approval: r.approval, submission: r.submission, meeting: { ...action.meeting, ...step } };
    }
    case 'complete': {
      const r = rotation as RotationIn<'meeting_scheduled'>;
      return {
        ...base,
        status: 'completed',
        approval: r.approval,
        submission: r.submission,
        meeting: r.meeting,
        completion: { ...step, confirmations: action.confirmations },
      };
    }
    case 'cancel': {
      const steps = rotation as Partial<RotationIn<'meeting_scheduled'>>;
      return {
        ...base,
        status: 'cancelled',
        cancellation: { ...step, reason: action.reason },
        ...(steps.approval ? { approval: steps.approval } : {}),
        ...(steps.submission ? { submission: steps.submission } : {}),
        ...(steps.meeting ? { meeting: steps.meeting } : {}),
      };
    }
    default: {
      const exhaustive: never = action;
      return exhaustive;
    }
  }
}

/**
 * Whether an action would be accepted now: the button's version, the state,
 * then the actor's role. Listeners use it before opening a step's modal, so
 * nobody fills in a form that is bound to be refused; `decide` uses it again.
 */
export function precheck(
  rotation: Rotation,
  action: RotationAction | { type: ActionType },
  context: Omit<TransitionContext, 'now'>,
): TransitionError | undefined {
  const done = () => alreadyDone(rotation, action);
  if (context.expectedVersion !== undefined && context.expectedVersion !== rotation.version) {
    return done() ?? { code: 'STALE', status: rotation.status };
  }
  if (!allowedActions(rotation.status).includes(action.type)) {
    return done() ?? { code: 'INVALID_TRANSITION', status: rotation.status };
  }
  return permissionError(action.type, rotation, context.actor, context.allowSelfApproval);
}

/** Whether a change would be accepted now; a step's refusal is `precheck`'s. */
function refusalOf(rotation: Rotation, change: RotationChange, context: Omit<TransitionContext, 'now'>): ChangeError | undefined {
  switch (change.type) {
    case 'start':
      if (context.expectedVersion !== undefined && context.expectedVersion !== rotation.version) return { code: 'PLANNED_ALREADY_STARTED' };
      return startPlannedRefusal(rotation, context.actor);
    case 'report_exposure':
    case 'link_next_cycle': {
      const earlier = rotation.history.find((e) => recordsSameEvent(e, change));
      if (earlier) return { code: 'ALREADY_DONE', status: rotation.status, by: earlier.actorId, at: earlier.at };
      if (change.type === 'link_next_cycle' && (rotation.status !== 'completed' || rotation.nextRotationId)) {
        return { code: 'INVALID_TRANSITION', status: rotation.status };
      }
      return undefined;
    }
    default:
      return precheck(rotation, change, context);
  }
}

/** The same message reported again (Slack retried the event, a second replica), or the next cycle linked again. */
function recordsSameEvent(entry: AuditEntry, change: Extract<RotationChange, { type: keyof typeof EVENTS }>): boolean {
  if (entry.event !== EVENTS[change.type]) return false;
  return change.type === 'report_exposure' ? entry.details?.messageTs === change.messageTs : true;
}

/**
 * The one place a stored rotation changes: checks the change against the
 * rotation as it is (a button's version, the state, the actor's role; an event
 * already recorded), then returns the next rotation with its audit entry
 * appended (`evolve`), or the reason nothing changed.
 */
export function decide(rotation: Rotation, change: RotationChange, context: TransitionContext): TransitionResult {
  const refused = refusalOf(rotation, change, context);
  if (refused) return { ok: false, error: refused };
  const entry = entryOf(rotation, change, context.actor.userId, context.now);
  return { ok: true, rotation: evolve(rotation, change, entry), entry };
}

/**
 * The next cycle of a completed rotation that has an interval: same instance,
 * channel and people, deadline = completion date + interval, waiting in
 * `planned` until someone starts it. The completion date is read from the
 * completion step, not from `now`, so a retried or late call plans the same cycle.
 */
export function planNextRotation(
  completed: RotationIn<'completed'>,
  context: { id: string; now: Date; policy: LeadTimePolicy },
): RotationIn<'planned'> | undefined {
  if (!completed.rotationIntervalDays) return undefined;
  const { id, now, policy } = context;
  const completedOn = todayIn(policy.calendar, new Date(completed.completion.at));
  const deadline = addCalendarDays(completedOn, completed.rotationIntervalDays);
  const { submitBy } = leadTime(deadline, completedOn, policy);
  const at = now.toISOString();
  return {
    schemaVersion: completed.schemaVersion,
    id,
    version: 1,
    status: 'planned',
    requesterId: completed.requesterId,
    instanceUrl: completed.instanceUrl,
    environmentType: completed.environmentType,
    deadline,
    submitBy,
    lateByBusinessDays: 0,
    attendeeIds: [...completed.attendeeIds],
    channelId: completed.channelId,
    rotationIntervalDays: completed.rotationIntervalDays,
    ...(completed.workspace ? { workspace: { ...completed.workspace } } : {}),
    createdAt: at,
    previousRotationId: completed.id,
    history: [
      {
        at,
        actorId: completed.completion.by,
        from: null,
        to: 'planned',
        details: { previousRotationId: completed.id, deadline, submitBy },
      },
    ],
  };
}

export type StartPlannedRefusal = RefusalOf<'PLANNED_ALREADY_STARTED' | 'NOT_INVOLVED' | 'APPROVER_UNKNOWN'>;

/**
 * Who may start a planned cycle: the people of the last cycle (its requester
 * and attendees, which the plan carries) and the approvers. Anyone else could
 * otherwise take the owning team's rotation over and cancel it.
 */
export function startPlannedRefusal(planned: Rotation, actor: Actor): StartPlannedRefusal | undefined {
  if (planned.status !== 'planned') return { code: 'PLANNED_ALREADY_STARTED' };
  if (actor.userId === planned.requesterId || planned.attendeeIds.includes(actor.userId) || actor.isApprover === true) return undefined;
  return actor.isApprover === 'unknown' ? { code: 'APPROVER_UNKNOWN' } : { code: 'NOT_INVOLVED' };
}

/**
 * The request a planned cycle becomes when `starterId` starts it with the
 * form's deadline, extra attendees, notes and interval: the instance, the
 * channel, the requester and the attendees stay the owning team's, and the
 * starter joins the attendees. Still to be validated like any request.
 */
export function plannedStartRequest(
  planned: Rotation,
  form: { deadline?: string; attendeeIds?: string[]; notes?: string; rotationIntervalDays?: string },
  starterId: string,
): RawRotationRequest {
  return {
    ...form,
    instanceUrl: planned.instanceUrl,
    environmentType: planned.environmentType,
    channelId: planned.channelId,
    attendeeIds: [...new Set([...planned.attendeeIds, ...(form.attendeeIds ?? []), starterId])],
  };
}

export const SECRET_EXPOSED_ADVICE =
  'A message in the thread looked like a secret. If it was the WFI client secret, treat it as exposed: ' +
  'complete this rotation with a new secret, or request a fresh one.';
