import type { BusinessCalendar } from '../../../src/domain/calendar';
import {
  allowedActions,
  decide,
  evolve,
  permissionError,
  planNextRotation,
  precheck,
  SECRET_EXPOSED_ADVICE,
  plannedStartRequest,
  startPlannedRefusal,
  type ActionType,
  type Actor,
  type MeetingDetails,
  type RotationAction,
  type TransitionContext,
  type ChangeError,
  type TransitionError,
  type TransitionResult,
} from '../../../src/domain/lifecycle';
import type {
  LeadTimePolicy,
  Meeting,
  Rotation,
  RotationIn,
  RotationRequest,
  RotationStatus,
} from '../../../src/domain/rotation';
import {
  APPROVER_ID,
  aRotation,
  aRotationIn,
  REQUESTER_ID,
  TEST_NOW,
  TEST_POLICY,
} from '../../../testkit/rotations';

// The object mother's path (testkit/rotations.ts), one day between steps from Friday 2026-02-20 10:00Z:
//   +1 day  2026-02-21 approved by the approver (or rejected by the approver, or cancelled by the requester)
//   +2 days 2026-02-22 submitted by the requester (CS-0123456)
//   +3 days 2026-02-23 meeting scheduled by the requester
//   +4 days 2026-02-24 completed by the requester
// so the versions are requested 1, approved/rejected/cancelled 2, submitted 3, meeting_scheduled 4, completed 5.

const DAY_MS = 24 * 60 * 60 * 1000;
const dayAfterRequest = (days: number): string => new Date(TEST_NOW.getTime() + days * DAY_MS).toISOString();

const ATTENDEE_ID = 'U0ATTENDEE';
const HANDOFF_ID = 'U0HANDOFF';

const approver: Actor = { userId: APPROVER_ID, isApprover: true };
const secondApprover: Actor = { userId: 'U0APPROVER2', isApprover: true };
const requester: Actor = { userId: REQUESTER_ID, isApprover: false };
const attendee: Actor = { userId: ATTENDEE_ID, isApprover: false };
const stranger: Actor = { userId: 'U0STRANGER', isApprover: false };
const requesterWhoApproves: Actor = { userId: REQUESTER_ID, isApprover: true };

/** When the click under test happens: Monday 2026-03-02, after every step of the object mother. */
const CLICK_AT = new Date('2026-03-02T09:30:00Z');
const CLICK_ISO = '2026-03-02T09:30:00.000Z';

const NEW_MEETING: MeetingDetails = {
  platform: 'Microsoft Teams',
  startsAt: '2026-03-05T15:00:00.000Z',
  timeZone: 'America/New_York',
  joinUrl: 'https://teams.microsoft.com/l/meetup-join/handoff',
  attendeeIds: [REQUESTER_ID, HANDOFF_ID],
};

const ACTIONS: Record<ActionType, RotationAction> = {
  approve: { type: 'approve' },
  reject: { type: 'reject', reason: 'Rotated last month already' },
  record_submission: { type: 'record_submission', caseNumber: 'INC0012345', submittedOn: '2026-03-02' },
  schedule_meeting: { type: 'schedule_meeting', meeting: NEW_MEETING },
  complete: { type: 'complete', confirmations: ['vault', 'oldSecretRetired'] },
  cancel: { type: 'cancel', reason: 'Instance retired' },
};
const ACTION_TYPES = Object.keys(ACTIONS) as ActionType[];

const STATUSES: RotationStatus[] = [
  'planned',
  'requested',
  'approved',
  'rejected',
  'submitted',
  'meeting_scheduled',
  'completed',
  'cancelled',
];

function context(actor: Actor, overrides: Partial<TransitionContext> = {}): TransitionContext {
  return { actor, now: CLICK_AT, allowSelfApproval: false, ...overrides };
}

function accepted(result: TransitionResult): Extract<TransitionResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected the change to be accepted, got ${JSON.stringify(result.error)}`);
  return result;
}

function refused(result: TransitionResult): ChangeError {
  if (result.ok) throw new Error(`expected a refusal, got a rotation in ${result.rotation.status}`);
  return result.error;
}

/** The next cycle of the object mother's completed rotation, every 90 days (UTC calendar). */
function aPlannedRotation(): RotationIn<'planned'> {
  const completed = aRotationIn('completed', { rotationIntervalDays: 90 });
  const planned = planNextRotation(completed, {
    id: 'ROT-NEXT23',
    now: new Date(completed.completion.at),
    policy: TEST_POLICY,
  });
  if (!planned) throw new Error('a rotation with an interval plans its next cycle');
  return planned;
}

function rotationIn(status: RotationStatus): Rotation {
  return status === 'planned' ? aPlannedRotation() : aRotationIn(status);
}

describe('decide: allowed transitions', () => {
  const ALLOWED: Array<[RotationStatus, ActionType, Actor, RotationStatus]> = [
    ['requested', 'approve', approver, 'approved'],
    ['requested', 'reject', approver, 'rejected'],
    ['requested', 'cancel', requester, 'cancelled'],
    ['approved', 'record_submission', requester, 'submitted'],
    ['approved', 'cancel', requester, 'cancelled'],
    ['submitted', 'schedule_meeting', requester, 'meeting_scheduled'],
    ['submitted', 'cancel', attendee, 'cancelled'],
    ['meeting_scheduled', 'complete', attendee, 'completed'],
    ['meeting_scheduled', 'schedule_meeting', requester, 'meeting_scheduled'],
    ['meeting_scheduled', 'cancel', approver, 'cancelled'],
    ['planned', 'cancel', requester, 'cancelled'],
  ];

  it('the table below is exactly what allowedActions lists for every state', () => {
    for (const status of STATUSES) {
      const inTable = ALLOWED.filter(([from]) => from === status).map(([, action]) => action);
      expect([...inTable].sort()).toEqual([...allowedActions(status)].sort());
    }
  });

  it.each(ALLOWED)(
    'given a rotation in %s, when %s is clicked on its current version, then it moves to %s',
    (from, actionType, actor, to) => {
      const before = rotationIn(from);

      const result = accepted(decide(before, ACTIONS[actionType], context(actor, { expectedVersion: before.version })));

      expect(result.rotation.status).toBe(to);
      expect(result.rotation.version).toBe(before.version + 1);
      expect(result.entry).toMatchObject({ at: CLICK_ISO, actorId: actor.userId, from, to });
      expect(result.rotation.history).toEqual([...before.history, result.entry]);
    },
  );

  it.each(ALLOWED)(
    'given a rotation in %s, when %s is applied without a rendered version (a slash command), then it is accepted too',
    (from, actionType, actor, to) => {
      const result = accepted(decide(rotationIn(from), ACTIONS[actionType], context(actor)));

      expect(result.rotation.status).toBe(to);
    },
  );
});

describe('decide: forbidden transitions', () => {
  const alreadyDone = (status: RotationStatus, by: string, days: number): TransitionError => ({
    code: 'ALREADY_DONE',
    status,
    by,
    at: dayAfterRequest(days),
  });
  const invalid = (status: RotationStatus): TransitionError => ({ code: 'INVALID_TRANSITION', status });

  // Every action each state does not allow: "already done" (who, when) where the same change was made on
  // the way there, else an invalid transition. The cancelled rotation was cancelled straight from `requested`.
  const FORBIDDEN: Array<[RotationStatus, ActionType, TransitionError]> = [
    ['planned', 'approve', invalid('planned')],
    ['planned', 'reject', invalid('planned')],
    ['planned', 'record_submission', invalid('planned')],
    ['planned', 'schedule_meeting', invalid('planned')],
    ['planned', 'complete', invalid('planned')],
    ['requested', 'record_submission', invalid('requested')],
    ['requested', 'schedule_meeting', invalid('requested')],
    ['requested', 'complete', invalid('requested')],
    ['approved', 'approve', alreadyDone('approved', APPROVER_ID, 1)],
    ['approved', 'reject', invalid('approved')],
    ['approved', 'schedule_meeting', invalid('approved')],
    ['approved', 'complete', invalid('approved')],
    ['rejected', 'approve', invalid('rejected')],
    ['rejected', 'reject', alreadyDone('rejected', APPROVER_ID, 1)],
    ['rejected', 'record_submission', invalid('rejected')],
    ['rejected', 'schedule_meeting', invalid('rejected')],
    ['rejected', 'complete', invalid('rejected')],
    ['rejected', 'cancel', invalid('rejected')],
    ['submitted', 'approve', alreadyDone('submitted', APPROVER_ID, 1)],
    ['submitted', 'reject', invalid('submitted')],
    ['submitted', 'record_submission', alreadyDone('submitted', REQUESTER_ID, 2)],
    ['submitted', 'complete', invalid('submitted')],
    ['meeting_scheduled', 'approve', alreadyDone('meeting_scheduled', APPROVER_ID, 1)],
    ['meeting_scheduled', 'reject', invalid('meeting_scheduled')],
    ['meeting_scheduled', 'record_submission', alreadyDone('meeting_scheduled', REQUESTER_ID, 2)],
    ['completed', 'approve', alreadyDone('completed', APPROVER_ID, 1)],
    ['completed', 'reject', invalid('completed')],
    ['completed', 'record_submission', alreadyDone('completed', REQUESTER_ID, 2)],
    // A meeting set (or reset) is not a repeatable click to report as done: past the meeting, it is simply invalid.
    ['completed', 'schedule_meeting', invalid('completed')],
    ['completed', 'complete', alreadyDone('completed', REQUESTER_ID, 4)],
    ['completed', 'cancel', invalid('completed')],
    ['cancelled', 'approve', invalid('cancelled')],
    ['cancelled', 'reject', invalid('cancelled')],
    ['cancelled', 'record_submission', invalid('cancelled')],
    ['cancelled', 'schedule_meeting', invalid('cancelled')],
    ['cancelled', 'complete', invalid('cancelled')],
    ['cancelled', 'cancel', alreadyDone('cancelled', REQUESTER_ID, 1)],
  ];

  it('the table below covers every action each state does not allow, once', () => {
    for (const status of STATUSES) {
      const notAllowed = ACTION_TYPES.filter((action) => !allowedActions(status).includes(action));
      const inTable = FORBIDDEN.filter(([from]) => from === status).map(([, action]) => action);
      expect([...inTable].sort()).toEqual([...notAllowed].sort());
    }
  });

  it.each(FORBIDDEN)(
    'given a rotation in %s, when %s is clicked (by an approver, on the current version), then it is refused',
    (status, actionType, expected) => {
      const before = rotationIn(status);
      const snapshot = structuredClone(before);

      const error = refused(decide(before, ACTIONS[actionType], context(approver, { expectedVersion: before.version })));

      expect(error).toEqual(expected);
      expect(before).toEqual(snapshot);
    },
  );

  it('given a rotation approved and then cancelled, when Approve is clicked again, then it says who approved it', () => {
    const approved = aRotationIn('approved');
    const cancelled = accepted(decide(approved, ACTIONS.cancel, context(requester))).rotation;

    expect(refused(decide(cancelled, ACTIONS.approve, context(secondApprover)))).toEqual({
      code: 'ALREADY_DONE',
      status: 'cancelled',
      by: APPROVER_ID,
      at: dayAfterRequest(1),
    });
  });
});

describe('decide: the version on the button', () => {
  it('given two approvers click Approve on version 1, when both clicks arrive, then the first approves and the second is told who did', () => {
    const requested = aRotation();
    const firstClick = new Date('2026-02-20T11:00:00Z');
    const secondClick = new Date('2026-02-20T11:00:00.400Z');

    const first = accepted(decide(requested, ACTIONS.approve, context(approver, { now: firstClick, expectedVersion: 1 })));
    const second = decide(first.rotation, ACTIONS.approve, context(secondApprover, { now: secondClick, expectedVersion: 1 }));

    expect(first.rotation).toMatchObject({ status: 'approved', version: 2, approval: { by: APPROVER_ID, at: '2026-02-20T11:00:00.000Z' } });
    expect(refused(second)).toEqual({ code: 'ALREADY_DONE', status: 'approved', by: APPROVER_ID, at: '2026-02-20T11:00:00.000Z' });
    expect(first.rotation.history.filter((e) => e.to === 'approved')).toHaveLength(1);
  });

  it('given one approver double-clicks Approve, when the second click arrives, then it is already done by that approver', () => {
    const first = accepted(decide(aRotation(), ACTIONS.approve, context(approver, { expectedVersion: 1 })));

    expect(refused(decide(first.rotation, ACTIONS.approve, context(approver, { expectedVersion: 1 })))).toEqual({
      code: 'ALREADY_DONE',
      status: 'approved',
      by: APPROVER_ID,
      at: CLICK_ISO,
    });
  });

  it('given two people click Cancel on the same version, when the second arrives, then it is already done by the first', () => {
    const submitted = aRotationIn('submitted');
    const first = accepted(decide(submitted, ACTIONS.cancel, context(requester, { expectedVersion: 3 })));

    expect(refused(decide(first.rotation, ACTIONS.cancel, context(attendee, { expectedVersion: 3 })))).toEqual({
      code: 'ALREADY_DONE',
      status: 'cancelled',
      by: REQUESTER_ID,
      at: CLICK_ISO,
    });
  });

  it('given a message rendered when the rotation was approved (v2), when Cancel is clicked after the submission (v3), then it is stale with the current state', () => {
    const submitted = aRotationIn('submitted');

    expect(refused(decide(submitted, ACTIONS.cancel, context(requester, { expectedVersion: 2 })))).toEqual({
      code: 'STALE',
      status: 'submitted',
    });
  });

  it('given a stale Mark submitted button, when clicked after the submission was recorded, then it is already done by the requester', () => {
    const submitted = aRotationIn('submitted');

    expect(refused(decide(submitted, ACTIONS.record_submission, context(attendee, { expectedVersion: 2 })))).toEqual({
      code: 'ALREADY_DONE',
      status: 'submitted',
      by: REQUESTER_ID,
      at: dayAfterRequest(2),
    });
  });

  it('given a request already approved, when Reject is clicked on version 1, then it is stale (approved), not already done', () => {
    expect(refused(decide(aRotationIn('approved'), ACTIONS.reject, context(secondApprover, { expectedVersion: 1 })))).toEqual({
      code: 'STALE',
      status: 'approved',
    });
  });

  it('given a request already rejected, when Approve is clicked on version 1, then it is stale (rejected)', () => {
    expect(refused(decide(aRotationIn('rejected'), ACTIONS.approve, context(secondApprover, { expectedVersion: 1 })))).toEqual({
      code: 'STALE',
      status: 'rejected',
    });
  });

  it('given a meeting at version 4, when two people reschedule from the same message, then the first applies and the second is stale', () => {
    const scheduled = aRotationIn('meeting_scheduled');
    const later: MeetingDetails = { ...NEW_MEETING, startsAt: '2026-03-06T15:00:00.000Z' };

    const first = accepted(decide(scheduled, ACTIONS.schedule_meeting, context(requester, { expectedVersion: 4 })));
    const second = decide(
      first.rotation,
      { type: 'schedule_meeting', meeting: later },
      context(attendee, { expectedVersion: 4 }),
    );

    expect(first.rotation.version).toBe(5);
    expect(refused(second)).toEqual({ code: 'STALE', status: 'meeting_scheduled' });
  });

  it('given a submission at version 3, when two people record the meeting from the same message, then the second is stale', () => {
    const first = accepted(decide(aRotationIn('submitted'), ACTIONS.schedule_meeting, context(requester, { expectedVersion: 3 })));

    expect(refused(decide(first.rotation, ACTIONS.schedule_meeting, context(attendee, { expectedVersion: 3 })))).toEqual({
      code: 'STALE',
      status: 'meeting_scheduled',
    });
  });

  it('given a meeting rescheduled (v5), when Secret received is clicked on the message of v4, then it is stale', () => {
    const rescheduled = accepted(decide(aRotationIn('meeting_scheduled'), ACTIONS.schedule_meeting, context(requester))).rotation;

    expect(refused(decide(rescheduled, ACTIONS.complete, context(attendee, { expectedVersion: 4 })))).toEqual({
      code: 'STALE',
      status: 'meeting_scheduled',
    });
  });

  it('given a version from the future, when clicked, then it is stale', () => {
    expect(refused(decide(aRotation(), ACTIONS.approve, context(approver, { expectedVersion: 99 })))).toEqual({
      code: 'STALE',
      status: 'requested',
    });
  });
});

describe('decide: roles', () => {
  const requested = (): Rotation => aRotation();

  it.each<[string, Actor, boolean, TransitionError | undefined]>([
    ['an approver', approver, false, undefined],
    ['the requester', requester, false, { code: 'NOT_AN_APPROVER' }],
    ['an attendee', attendee, false, { code: 'NOT_AN_APPROVER' }],
    ['a stranger', stranger, false, { code: 'NOT_AN_APPROVER' }],
    ['the requester who is also an approver', requesterWhoApproves, false, { code: 'SELF_APPROVAL' }],
    ['the requester who is also an approver, self-approval allowed', requesterWhoApproves, true, undefined],
    ['the requester, self-approval allowed but not an approver', requester, true, { code: 'NOT_AN_APPROVER' }],
  ])('approve by %s', (_who, actor, allowSelfApproval, expected) => {
    const result = decide(requested(), ACTIONS.approve, context(actor, { allowSelfApproval }));

    if (expected) expect(refused(result)).toEqual(expected);
    else expect(accepted(result).rotation).toMatchObject({ status: 'approved', approval: { by: actor.userId } });
  });

  it.each<[string, Actor, TransitionError | undefined]>([
    ['an approver', approver, undefined],
    ['the requester', requester, { code: 'NOT_AN_APPROVER' }],
    ['an attendee', attendee, { code: 'NOT_AN_APPROVER' }],
    ['a stranger', stranger, { code: 'NOT_AN_APPROVER' }],
    // Only approving one's own request is barred; an approver may withdraw their own by rejecting it.
    ['the requester who is also an approver', requesterWhoApproves, undefined],
  ])('reject by %s', (_who, actor, expected) => {
    const result = decide(requested(), ACTIONS.reject, context(actor));

    if (expected) expect(refused(result)).toEqual(expected);
    else expect(accepted(result).rotation).toMatchObject({ status: 'rejected', rejection: { by: actor.userId } });
  });

  const LATER_STEPS: Array<[RotationStatus, ActionType]> = [
    ['approved', 'record_submission'],
    ['submitted', 'schedule_meeting'],
    ['meeting_scheduled', 'schedule_meeting'],
    ['meeting_scheduled', 'complete'],
    ['planned', 'cancel'],
    ['requested', 'cancel'],
    ['approved', 'cancel'],
    ['submitted', 'cancel'],
    ['meeting_scheduled', 'cancel'],
  ];
  const PEOPLE: Array<[string, Actor, TransitionError | undefined]> = [
    ['an approver', approver, undefined],
    ['the requester', requester, undefined],
    ['an attendee', attendee, undefined],
    ['a stranger', stranger, { code: 'NOT_INVOLVED' }],
  ];
  const cases = LATER_STEPS.flatMap(([status, action]) =>
    PEOPLE.map(([who, actor, expected]) => [status, action, who, actor, expected] as const),
  );

  it.each(cases)('given a rotation in %s, %s by %s', (status, actionType, _who, actor, expected) => {
    const before = rotationIn(status);
    const snapshot = structuredClone(before);

    const result = decide(before, ACTIONS[actionType], context(actor, { expectedVersion: before.version }));

    if (expected) {
      expect(refused(result)).toEqual(expected);
      expect(before).toEqual(snapshot);
    } else {
      expect(accepted(result).entry.actorId).toBe(actor.userId);
    }
  });

  it('given a meeting whose invitees include someone not on the request, when that invitee confirms receipt, then it is accepted', () => {
    const submitted = aRotationIn('submitted');
    const handoff: Actor = { userId: HANDOFF_ID, isApprover: false };
    const scheduled = accepted(decide(submitted, ACTIONS.schedule_meeting, context(requester))).rotation;

    expect(refused(decide(submitted, ACTIONS.cancel, context(handoff)))).toEqual({ code: 'NOT_INVOLVED' });
    expect(accepted(decide(scheduled, ACTIONS.complete, context(handoff))).rotation.status).toBe('completed');
  });

  it('given a meeting whose invitees include someone not on the request, when that invitee cancels or reschedules, then it is refused', () => {
    const handoff: Actor = { userId: HANDOFF_ID, isApprover: false };
    const scheduled = accepted(
      decide(aRotationIn('submitted'), ACTIONS.schedule_meeting, context(requester)),
    ).rotation;
    expect(scheduled.status === 'meeting_scheduled' && scheduled.meeting.attendeeIds).toContain(HANDOFF_ID);

    expect(refused(decide(scheduled, ACTIONS.cancel, context(handoff)))).toEqual({ code: 'NOT_INVOLVED' });
    // Rescheduling sets the invitees: an invitee who could reschedule could invite others who then could.
    expect(refused(decide(scheduled, ACTIONS.schedule_meeting, context(handoff)))).toEqual({ code: 'NOT_INVOLVED' });
  });

  it.each<[string, ActionType, Actor, TransitionError | undefined]>([
    ['approve, by someone whose groups could not be read', 'approve', { userId: 'U0MAYBE', isApprover: 'unknown' }, { code: 'APPROVER_UNKNOWN' }],
    ['reject, by someone whose groups could not be read', 'reject', { userId: 'U0MAYBE', isApprover: 'unknown' }, { code: 'APPROVER_UNKNOWN' }],
    ['cancel, by a stranger whose groups could not be read', 'cancel', { userId: 'U0MAYBE', isApprover: 'unknown' }, { code: 'APPROVER_UNKNOWN' }],
    // The requester and the attendees need no approver rights for the later steps: nothing to wait for.
    ['cancel, by the requester whose groups could not be read', 'cancel', { userId: REQUESTER_ID, isApprover: 'unknown' }, undefined],
    ['complete, by an attendee whose groups could not be read', 'complete', { userId: ATTENDEE_ID, isApprover: 'unknown' }, undefined],
  ])('permissionError when approver rights are unknown: %s', (_case, action, actor, expected) => {
    const who = { requesterId: REQUESTER_ID, attendeeIds: [ATTENDEE_ID] };
    expect(permissionError(action, who, actor, false)).toEqual(expected);
  });

  it('given a planned cycle, when the last cycle’s requester or an attendee cancels it, then it is accepted; a stranger is not', () => {
    const planned = aPlannedRotation();

    expect(planned.requesterId).toBe(REQUESTER_ID);
    expect(accepted(decide(planned, ACTIONS.cancel, context(attendee))).rotation.status).toBe('cancelled');
    expect(refused(decide(planned, ACTIONS.cancel, context(stranger)))).toEqual({ code: 'NOT_INVOLVED' });
  });

  it('permissionError answers for the role alone, whatever the state', () => {
    const who = { requesterId: REQUESTER_ID, attendeeIds: [ATTENDEE_ID] };
    expect(permissionError('approve', who, requesterWhoApproves, false)).toEqual({ code: 'SELF_APPROVAL' });
    expect(permissionError('approve', who, requesterWhoApproves, true)).toBeUndefined();
    expect(permissionError('reject', who, attendee, false)).toEqual({ code: 'NOT_AN_APPROVER' });
    expect(permissionError('complete', who, attendee, false)).toBeUndefined();
    expect(permissionError('complete', { ...who, meeting: { attendeeIds: ['U0GUEST'] } }, { userId: 'U0GUEST', isApprover: false }, false)).toBeUndefined();
    expect(permissionError('cancel', who, stranger, false)).toEqual({ code: 'NOT_INVOLVED' });
  });
});

describe('decide: the resulting rotation', () => {
  it('given a request, when approved, then the approval step is recorded and an entry without details appended', () => {
    const before = aRotation();

    const result = accepted(decide(before, ACTIONS.approve, context(approver)));

    const entry = { at: CLICK_ISO, actorId: APPROVER_ID, from: 'requested', to: 'approved' };
    expect(result.entry).toEqual(entry);
    expect(result.rotation).toEqual({
      ...before,
      status: 'approved',
      version: 2,
      approval: { by: APPROVER_ID, at: CLICK_ISO },
      history: [...before.history, entry],
    });
  });

  it('given a request, when rejected, then the rejection carries the reason and so does the entry', () => {
    const before = aRotation();

    const result = accepted(decide(before, ACTIONS.reject, context(approver)));

    expect(result.rotation).toEqual({
      ...before,
      status: 'rejected',
      version: 2,
      rejection: { by: APPROVER_ID, at: CLICK_ISO, reason: 'Rotated last month already' },
      history: [...before.history, result.entry],
    });
    expect(result.entry).toEqual({
      at: CLICK_ISO,
      actorId: APPROVER_ID,
      from: 'requested',
      to: 'rejected',
      details: { reason: 'Rotated last month already' },
    });
  });

  it('given an approved rotation, when the submission is recorded, then the approval is kept and the case number recorded', () => {
    const before = aRotationIn('approved');

    const result = accepted(decide(before, ACTIONS.record_submission, context(requester)));

    expect(result.rotation).toEqual({
      ...before,
      status: 'submitted',
      version: 3,
      approval: { by: APPROVER_ID, at: dayAfterRequest(1) },
      submission: { by: REQUESTER_ID, at: CLICK_ISO, caseNumber: 'INC0012345', submittedOn: '2026-03-02' },
      history: [...before.history, result.entry],
    });
    expect(result.entry.details).toEqual({ caseNumber: 'INC0012345', submittedOn: '2026-03-02' });
  });

  it('given a submitted rotation, when the meeting is recorded, then every meeting field is stored and the entry has no reschedule flag', () => {
    const before = aRotationIn('submitted');

    const result = accepted(decide(before, ACTIONS.schedule_meeting, context(attendee)));

    expect(result.rotation).toEqual({
      ...before,
      status: 'meeting_scheduled',
      version: 4,
      meeting: { by: ATTENDEE_ID, at: CLICK_ISO, ...NEW_MEETING },
      history: [...before.history, result.entry],
    });
    expect(result.entry).toEqual({
      at: CLICK_ISO,
      actorId: ATTENDEE_ID,
      from: 'submitted',
      to: 'meeting_scheduled',
      details: {
        platform: 'Microsoft Teams',
        startsAt: '2026-03-05T15:00:00.000Z',
        timeZone: 'America/New_York',
        joinUrl: 'https://teams.microsoft.com/l/meetup-join/handoff',
        attendees: 'U0REQUESTER U0HANDOFF',
      },
    });
  });

  it('given a meeting without a join link, when recorded, then neither the meeting nor the entry has one', () => {
    const { joinUrl: _joinUrl, ...withoutLink } = NEW_MEETING;

    const result = accepted(decide(aRotationIn('submitted'), { type: 'schedule_meeting', meeting: withoutLink }, context(requester)));

    const meeting = (result.rotation as RotationIn<'meeting_scheduled'>).meeting;
    expect('joinUrl' in meeting).toBe(false);
    expect(result.entry.details).not.toHaveProperty('joinUrl');
  });

  it('given meeting details that carry an older step, when recorded, then who and when are this click’s', () => {
    const stale: Meeting = { ...NEW_MEETING, by: 'U0SOMEONEELSE', at: '2020-01-01T00:00:00.000Z' };

    const result = accepted(decide(aRotationIn('submitted'), { type: 'schedule_meeting', meeting: stale }, context(requester)));

    expect((result.rotation as RotationIn<'meeting_scheduled'>).meeting).toMatchObject({ by: REQUESTER_ID, at: CLICK_ISO });
  });

  it('given a meeting set, when rescheduled, then the meeting is replaced, the earlier steps kept, and the entry says rescheduled', () => {
    const before = aRotationIn('meeting_scheduled');

    const result = accepted(decide(before, ACTIONS.schedule_meeting, context(approver)));

    expect(result.rotation).toEqual({
      ...before,
      version: 5,
      meeting: { by: APPROVER_ID, at: CLICK_ISO, ...NEW_MEETING },
      history: [...before.history, result.entry],
    });
    expect(result.entry).toMatchObject({ from: 'meeting_scheduled', to: 'meeting_scheduled', details: { rescheduled: 'true' } });
  });

  it('given a meeting held, when the secret is received, then the completion lists the confirmations and every step is kept', () => {
    const before = aRotationIn('meeting_scheduled');

    const result = accepted(decide(before, ACTIONS.complete, context(requester)));

    expect(result.rotation).toEqual({
      ...before,
      status: 'completed',
      version: 5,
      completion: { by: REQUESTER_ID, at: CLICK_ISO, confirmations: ['vault', 'oldSecretRetired'] },
      history: [...before.history, result.entry],
    });
    expect(result.entry.details).toEqual({ confirmations: 'New secret stored in our vault; Old secret retired' });
  });

  it('given no confirmation ticked, when completed, then the completion has none and the entry no details', () => {
    const result = accepted(decide(aRotationIn('meeting_scheduled'), { type: 'complete', confirmations: [] }, context(requester)));

    expect((result.rotation as RotationIn<'completed'>).completion.confirmations).toEqual([]);
    expect(result.entry).not.toHaveProperty('details');
  });

  it('given a submitted rotation, when cancelled, then the approval and submission are kept beside the cancellation', () => {
    const before = aRotationIn('submitted');

    const result = accepted(decide(before, ACTIONS.cancel, context(requester)));

    expect(result.rotation).toEqual({
      ...before,
      status: 'cancelled',
      version: 4,
      approval: before.approval,
      submission: before.submission,
      cancellation: { by: REQUESTER_ID, at: CLICK_ISO, reason: 'Instance retired' },
      history: [...before.history, result.entry],
    });
    expect(result.rotation).not.toHaveProperty('meeting');
    expect(result.entry).toEqual({
      at: CLICK_ISO,
      actorId: REQUESTER_ID,
      from: 'submitted',
      to: 'cancelled',
      details: { reason: 'Instance retired' },
    });
  });

  it('given a meeting set, when cancelled, then the meeting is kept too', () => {
    const before = aRotationIn('meeting_scheduled');

    const cancelled = accepted(decide(before, ACTIONS.cancel, context(attendee))).rotation as RotationIn<'cancelled'>;

    expect(cancelled.meeting).toEqual(before.meeting);
    expect(cancelled.approval).toEqual(before.approval);
  });

  it('given a request, when cancelled, then it carries no step it never had', () => {
    const cancelled = accepted(decide(aRotation(), ACTIONS.cancel, context(requester))).rotation;

    expect(cancelled).not.toHaveProperty('approval');
    expect(cancelled).not.toHaveProperty('submission');
    expect(cancelled).not.toHaveProperty('meeting');
  });

  it('given any rotation, when decided, then the input is left as it was (a pure function)', () => {
    const before = aRotationIn('meeting_scheduled');
    const snapshot = structuredClone(before);

    decide(before, ACTIONS.complete, context(requester));

    expect(before).toEqual(snapshot);
  });

  it('given the path to completed, then the history reads as a timeline of who moved it where', () => {
    const completed = aRotationIn('completed');

    expect(completed.history.map((e) => [e.at, e.actorId, e.from, e.to])).toEqual([
      [dayAfterRequest(0), REQUESTER_ID, null, 'requested'],
      [dayAfterRequest(1), APPROVER_ID, 'requested', 'approved'],
      [dayAfterRequest(2), REQUESTER_ID, 'approved', 'submitted'],
      [dayAfterRequest(3), REQUESTER_ID, 'submitted', 'meeting_scheduled'],
      [dayAfterRequest(4), REQUESTER_ID, 'meeting_scheduled', 'completed'],
    ]);
    expect(completed.version).toBe(5);
  });
});

describe('planNextRotation', () => {
  it('given a completed rotation without an interval, when planned, then there is no next cycle', () => {
    expect(planNextRotation(aRotationIn('completed'), { id: 'ROT-NEXT23', now: CLICK_AT, policy: TEST_POLICY })).toBeUndefined();
  });

  it('given a rotation every 90 days completed on Tuesday 2026-02-24, when planned, then the next is due Monday 2026-05-25, submit by Monday 2026-05-11', () => {
    const completed = aRotationIn('completed', { rotationIntervalDays: 90, notes: 'First cycle' });
    const now = new Date(completed.completion.at);

    const planned = planNextRotation(completed, { id: 'ROT-NEXT23', now, policy: TEST_POLICY });

    expect(planned).toEqual({
      schemaVersion: 1,
      id: 'ROT-NEXT23',
      version: 1,
      status: 'planned',
      requesterId: REQUESTER_ID,
      instanceUrl: 'https://acme.wfi.pega.com',
      environmentType: 'Production',
      deadline: '2026-05-25',
      submitBy: '2026-05-11',
      lateByBusinessDays: 0,
      attendeeIds: [REQUESTER_ID, ATTENDEE_ID],
      channelId: 'C0ROTATIONS',
      rotationIntervalDays: 90,
      createdAt: '2026-02-24T10:00:00.000Z',
      previousRotationId: 'ROT-4F7K2Q',
      history: [
        {
          at: '2026-02-24T10:00:00.000Z',
          actorId: REQUESTER_ID,
          from: null,
          to: 'planned',
          details: { previousRotationId: 'ROT-4F7K2Q', deadline: '2026-05-25', submitBy: '2026-05-11' },
        },
      ],
    });
  });

  it.each([
    // 2026-02-24 + 180 = Sunday 2026-08-23: moved back to Friday 08-21, then 10 business days.
    [180, '2026-08-23', '2026-08-07'],
    // 2026-02-24 + 365 = Wednesday 2027-02-24 (no 29 February in between).
    [365, '2027-02-24', '2027-02-10'],
  ])('given an interval of %i days, when planned, then the deadline is %s and submit-by %s', (days, deadline, submitBy) => {
    const completed = aRotationIn('completed', { rotationIntervalDays: days });

    const planned = planNextRotation(completed, { id: 'ROT-NEXT23', now: new Date(completed.completion.at), policy: TEST_POLICY });

    expect(planned).toMatchObject({ deadline, submitBy, rotationIntervalDays: days });
  });

  describe('in the calendar’s zone', () => {
    // 2026-02-24 23:30Z is already Wednesday 2026-02-25 00:30 in Berlin.
    const completedAt = new Date('2026-02-24T23:30:00Z');
    const berlin = (holidays: string[] = []): LeadTimePolicy => {
      const calendar: BusinessCalendar = { timeZone: 'Europe/Berlin', holidays: new Set(holidays) };
      return { calendar, leadBusinessDays: 10 };
    };
    const completedLateAtNight = (): RotationIn<'completed'> => {
      const scheduled = aRotationIn('meeting_scheduled', { rotationIntervalDays: 90 });
      return accepted(decide(scheduled, ACTIONS.complete, context(requester, { now: completedAt }))).rotation as RotationIn<'completed'>;
    };

    it('given a completion late at night UTC, when planned in Berlin, then the completion date is the Berlin date (+90 = Tuesday 2026-05-26)', () => {
      const planned = planNextRotation(completedLateAtNight(), { id: 'ROT-NEXT23', now: completedAt, policy: berlin() });

      expect(planned).toMatchObject({ deadline: '2026-05-26', submitBy: '2026-05-12' });
    });

    it('given the same completion, when planned in UTC, then the completion date is still 2026-02-24 (+90 = 2026-05-25)', () => {
      const planned = planNextRotation(completedLateAtNight(), { id: 'ROT-NEXT23', now: completedAt, policy: TEST_POLICY });

      expect(planned).toMatchObject({ deadline: '2026-05-25', submitBy: '2026-05-11' });
    });

    it('given a holiday on Monday 2026-05-25, when planned, then submit-by is one business day earlier (Monday 2026-05-11)', () => {
      const planned = planNextRotation(completedLateAtNight(), { id: 'ROT-NEXT23', now: completedAt, policy: berlin(['2026-05-25']) });

      expect(planned).toMatchObject({ deadline: '2026-05-26', submitBy: '2026-05-11' });
    });
  });

  it('given the planning runs days after the completion (a retry), when planned, then the deadline still counts from the completion date', () => {
    const completed = aRotationIn('completed', { rotationIntervalDays: 90 });
    const threeDaysLater = new Date('2026-02-27T08:00:00Z');

    const planned = planNextRotation(completed, { id: 'ROT-NEXT23', now: threeDaysLater, policy: TEST_POLICY });

    expect(planned).toMatchObject({ deadline: '2026-05-25', createdAt: '2026-02-27T08:00:00.000Z' });
  });
});

describe('starting a planned cycle', () => {
  const STARTER = 'U0STARTER';
  /** What the start form sends: the deadline, extra attendees, notes and interval. */
  const form = (overrides: Partial<{ deadline: string; attendeeIds: string[]; notes: string; rotationIntervalDays: string }> = {}) => ({
    deadline: '2026-05-25',
    attendeeIds: ['U0EXTRA'],
    notes: 'Second cycle',
    rotationIntervalDays: '180',
    ...overrides,
  });
  /** The form as a request, the way the service validates it (the instance, channel and team come from the plan). */
  const request = (planned: Rotation, starterId: string, overrides: Parameters<typeof form>[0] = {}): RotationRequest => {
    const raw = plannedStartRequest(planned, form(overrides), starterId);
    return {
      instanceUrl: raw.instanceUrl as string,
      environmentType: 'Production',
      deadline: raw.deadline as string,
      channelId: raw.channelId as string,
      attendeeIds: raw.attendeeIds as string[],
      ...(raw.notes ? { notes: raw.notes } : {}),
      ...(raw.rotationIntervalDays && raw.rotationIntervalDays !== '0' ? { rotationIntervalDays: Number(raw.rotationIntervalDays) } : {}),
    };
  };
  const start = (planned: Rotation, actor: Actor, now = new Date('2026-04-20T09:00:00Z'), overrides: Parameters<typeof form>[0] = {}) =>
    decide(planned, { type: 'start', request: request(planned, actor.userId, overrides), policy: TEST_POLICY }, { actor, now, allowSelfApproval: false });
  const started = (result: TransitionResult): RotationIn<'requested'> => {
    if (!result.ok) throw new Error(`refused: ${result.error.code}`);
    return result.rotation as RotationIn<'requested'>;
  };

  it('plannedStartRequest keeps the instance, environment and channel of the plan, and adds the extra people and the starter to its attendees', () => {
    const planned = aPlannedRotation();

    const raw = plannedStartRequest(planned, { ...form(), instanceUrl: 'https://evil.wfi.pega.com', channelId: 'C0ELSEWHERE' } as never, STARTER);

    expect(raw).toMatchObject({ instanceUrl: planned.instanceUrl, environmentType: planned.environmentType, channelId: planned.channelId });
    expect(raw.attendeeIds).toEqual([...planned.attendeeIds, 'U0EXTRA', STARTER]);
    expect(plannedStartRequest(planned, { attendeeIds: [ATTENDEE_ID] }, ATTENDEE_ID).attendeeIds).toEqual(planned.attendeeIds);
  });

  it('given a planned cycle, when an attendee of the last cycle starts it, then it stays the team’s request: same requester, channel and instance; the new dates and notes', () => {
    const planned = aPlannedRotation();
    const now = new Date('2026-04-20T09:00:00Z');

    const rotation = started(start(planned, attendee, now));

    expect(rotation).toEqual({
      schemaVersion: 1,
      id: 'ROT-NEXT23',
      version: 2,
      status: 'requested',
      requesterId: REQUESTER_ID,
      instanceUrl: planned.instanceUrl,
      environmentType: planned.environmentType,
      deadline: '2026-05-25',
      submitBy: '2026-05-11',
      lateByBusinessDays: 0,
      attendeeIds: [...planned.attendeeIds, 'U0EXTRA'],
      channelId: planned.channelId,
      notes: 'Second cycle',
      rotationIntervalDays: 180,
      createdAt: planned.createdAt,
      previousRotationId: 'ROT-4F7K2Q',
      history: [
        ...planned.history,
        {
          at: '2026-04-20T09:00:00.000Z',
          actorId: ATTENDEE_ID,
          from: 'planned',
          to: 'requested',
          details: { deadline: '2026-05-25', submitBy: '2026-05-11' },
        },
      ],
    });
  });

  it.each<[string, Actor, string | undefined]>([
    ['the last cycle’s requester', requester, undefined],
    ['an attendee of the last cycle', attendee, undefined],
    ['an approver who was not in it', approver, undefined],
    ['a stranger', stranger, 'NOT_INVOLVED'],
    ['someone whose approver rights cannot be checked now', { userId: 'U0MAYBE', isApprover: 'unknown' }, 'APPROVER_UNKNOWN'],
  ])('who may start it: %s', (_who, actor, refusal) => {
    const planned = aPlannedRotation();
    const result = start(planned, actor);

    if (refusal) {
      expect(result).toEqual({ ok: false, error: { code: refusal } });
      expect(startPlannedRefusal(planned, actor)).toEqual({ code: refusal });
    } else {
      expect(started(result).requesterId).toBe(REQUESTER_ID);
      expect(started(result).history.at(-1)?.actorId).toBe(actor.userId);
    }
  });

  it('given the start form was opened on an older version of the plan, when it is sent, then it is refused as already started', () => {
    const planned = aPlannedRotation();
    const startAt = (expectedVersion: number) =>
      decide(planned, { type: 'start', request: request(planned, REQUESTER_ID), policy: TEST_POLICY }, { actor: requester, now: new Date('2026-04-20T09:00:00Z'), allowSelfApproval: false, expectedVersion });

    expect(startAt(planned.version - 1)).toEqual({ ok: false, error: { code: 'PLANNED_ALREADY_STARTED' } });
    expect(startAt(planned.version).ok).toBe(true);
  });

  it('given an approver who was not in the last cycle starts it, then they join its attendees', () => {
    expect(started(start(aPlannedRotation(), approver)).attendeeIds).toContain(APPROVER_ID);
  });

  it('given a cycle already started, when it is started again, then it is refused as already started', () => {
    const once = started(start(aPlannedRotation(), attendee));
    expect(start(once, requester)).toEqual({ ok: false, error: { code: 'PLANNED_ALREADY_STARTED' } });
  });

  it('given a planned cycle started on Wednesday 2026-05-13, after its Monday submit-by, then it is late by 2 business days and says so', () => {
    const rotation = started(start(aPlannedRotation(), requester, new Date('2026-05-13T09:00:00Z')));

    expect(rotation.lateByBusinessDays).toBe(2);
    expect(rotation.history.at(-1)?.details).toEqual({ deadline: '2026-05-25', submitBy: '2026-05-11', lateByBusinessDays: '2' });
  });

  it('given the form changes the deadline and drops the notes and interval, when started, then the new values win', () => {
    const rotation = started(
      start(aPlannedRotation(), requester, new Date('2026-04-20T09:00:00Z'), { deadline: '2026-06-30', notes: '', rotationIntervalDays: '0' }),
    );

    // Tuesday 2026-06-30 - 10 business days = Tuesday 2026-06-16.
    expect(rotation).toMatchObject({ deadline: '2026-06-30', submitBy: '2026-06-16' });
    expect(rotation).not.toHaveProperty('notes');
    expect(rotation).not.toHaveProperty('rotationIntervalDays');
  });

  it('given a started cycle, when an approver approves it on its rendered version 2, then the lifecycle goes on', () => {
    const rotation = started(start(aPlannedRotation(), attendee));

    const result = accepted(decide(rotation, ACTIONS.approve, context(approver, { expectedVersion: 2 })));

    expect(result.rotation).toMatchObject({ status: 'approved', version: 3 });
    expect(result.rotation.history.map((e) => e.to)).toEqual(['planned', 'requested', 'approved']);
  });
});


describe('a secret-looking reply reported in the thread (report_exposure)', () => {
  const POSTER_ID = 'U0POSTER';
  const REPORTED_AT = new Date('2026-03-03T08:15:00Z');
  const report = (messageTs = '1772525700.000200', overrides: Partial<{ posterId: string; channelId: string; now: Date }> = {}) => ({
    posterId: POSTER_ID,
    channelId: 'C0ROTATIONS',
    messageTs,
    now: REPORTED_AT,
    ...overrides,
  });
  const reported = (rotation: Rotation, r: ReturnType<typeof report>) =>
    decide(rotation, { type: 'report_exposure', channelId: r.channelId, messageTs: r.messageTs }, { actor: { userId: r.posterId, isApprover: false }, now: r.now, allowSelfApproval: false });
  const recorded = (rotation: Rotation, ...args: Parameters<typeof report>): Rotation => accepted(reported(rotation, report(...args))).rotation;

  it('given an approved rotation, when a message in its thread looked like the secret, then one entry records who and where, and nothing else changes', () => {
    const before = aRotationIn('approved');

    const after = recorded(before);

    expect(after).toEqual({
      ...before,
      history: [
        ...before.history,
        {
          at: '2026-03-03T08:15:00.000Z',
          actorId: POSTER_ID,
          from: 'approved',
          to: 'approved',
          event: 'secret_exposed',
          details: { channel: 'C0ROTATIONS', messageTs: '1772525700.000200', advice: SECRET_EXPOSED_ADVICE },
        },
      ],
    });
    expect(after.version).toBe(2);
    expect(after.status).toBe('approved');
  });

  it('given the advice recorded, when read, then it says to treat the secret as exposed and to rotate it again', () => {
    const entry = recorded(aRotation()).history.at(-1);

    expect(entry?.details?.advice).toMatch(/treat it as exposed/);
    expect(entry?.details?.advice).toMatch(/request a fresh one/);
  });

  it('given the same message reported twice (a retried event, a second replica), when recorded again, then nothing is recorded', () => {
    const once = recorded(aRotationIn('submitted'), '1772525700.000200');

    expect(refused(reported(once, report('1772525700.000200')))).toEqual({
      code: 'ALREADY_DONE',
      status: 'submitted',
      by: POSTER_ID,
      at: '2026-03-03T08:15:00.000Z',
    });
  });

  it('given the same message reported again after the rotation moved on, when recorded, then it is still recognised', () => {
    const exposed = recorded(aRotationIn('approved'), '1772525700.000200');
    const submitted = accepted(decide(exposed, ACTIONS.record_submission, context(requester))).rotation;

    expect(refused(reported(submitted, report('1772525700.000200', { posterId: 'U0SOMEONE', now: CLICK_AT }))).code).toBe('ALREADY_DONE');
  });

  it('given one exposure recorded, when a different message is reported, then a second entry is appended', () => {
    const once = recorded(aRotationIn('approved'), '1772525700.000200');

    const twice = recorded(once, '1772525800.000300', { posterId: ATTENDEE_ID });

    const exposures = twice.history.filter((e) => e.event === 'secret_exposed');
    expect(exposures.map((e) => [e.actorId, e.details?.messageTs])).toEqual([
      [POSTER_ID, '1772525700.000200'],
      [ATTENDEE_ID, '1772525800.000300'],
    ]);
    expect(twice.history).toHaveLength(once.history.length + 1);
    expect(twice.version).toBe(once.version);
  });

  it.each(STATUSES)('given a rotation in %s, when an exposure is recorded, then it is recorded with from = to = %s and the version kept', (status) => {
    const before = rotationIn(status);

    const after = recorded(before);

    expect(after.status).toBe(status);
    expect(after.version).toBe(before.version);
    expect(after.history.slice(0, -1)).toEqual(before.history);
    expect(after.history.at(-1)).toMatchObject({ from: status, to: status, event: 'secret_exposed', actorId: POSTER_ID });
  });

  it('given any rotation, when an exposure is recorded, then the input is left as it was', () => {
    const before = aRotationIn('meeting_scheduled');
    const snapshot = structuredClone(before);

    recorded(before);

    expect(before).toEqual(snapshot);
  });

  describe('decide and precheck after an exposure', () => {
    it('given an approved rotation with a later exposure by someone else, when an approver clicks a stale Approve, then it names the real approver', () => {
      const exposed = recorded(aRotationIn('approved'));
      const expected: TransitionError = { code: 'ALREADY_DONE', status: 'approved', by: APPROVER_ID, at: dayAfterRequest(1) };

      expect(refused(decide(exposed, ACTIONS.approve, context(secondApprover, { expectedVersion: 1 })))).toEqual(expected);
      expect(precheck(exposed, { type: 'approve' }, { actor: secondApprover, allowSelfApproval: false, expectedVersion: 1 })).toEqual(expected);
    });

    it('given an approved rotation with a later exposure, when Approve is applied without a version, then it still names the real approver', () => {
      const exposed = recorded(aRotationIn('approved'));

      expect(refused(decide(exposed, ACTIONS.approve, context(secondApprover)))).toMatchObject({ code: 'ALREADY_DONE', by: APPROVER_ID });
    });

    it('given a cancelled rotation with a later exposure, when Cancel is clicked again, then it names who cancelled, not the poster', () => {
      const exposed = recorded(aRotationIn('cancelled'));

      expect(refused(decide(exposed, ACTIONS.cancel, context(attendee, { expectedVersion: 1 })))).toEqual({
        code: 'ALREADY_DONE',
        status: 'cancelled',
        by: REQUESTER_ID,
        at: dayAfterRequest(1),
      });
    });

    it('given a request with an exposure, when an approver clicks Approve on the version the message shows, then it is approved (no button went stale)', () => {
      const exposed = recorded(aRotation());

      const result = accepted(decide(exposed, ACTIONS.approve, context(approver, { expectedVersion: 1 })));

      expect(result.rotation).toMatchObject({ status: 'approved', version: 2, approval: { by: APPROVER_ID } });
      expect(result.rotation.history.map((e) => e.event ?? e.to)).toEqual(['requested', 'secret_exposed', 'approved']);
      expect(result.entry).toEqual({ at: CLICK_ISO, actorId: APPROVER_ID, from: 'requested', to: 'approved' });
    });

    it('given a meeting with an exposure, when Secret received is clicked on version 4, then the rotation completes', () => {
      const exposed = recorded(aRotationIn('meeting_scheduled'));

      expect(precheck(exposed, ACTIONS.complete, { actor: attendee, allowSelfApproval: false, expectedVersion: 4 })).toBeUndefined();
      expect(accepted(decide(exposed, ACTIONS.complete, context(attendee, { expectedVersion: 4 }))).rotation.status).toBe('completed');
    });
  });
});

describe('the next cycle linked to a completed rotation (link_next_cycle)', () => {
  const link = (rotation: Rotation, nextRotationId = 'ROT-NEXT23') =>
    decide(rotation, { type: 'link_next_cycle', nextRotationId }, { actor: requester, now: CLICK_AT, allowSelfApproval: false });

  it('given a completed rotation, when its next cycle is linked, then it names it, records an event, and keeps state and version', () => {
    const completed = aRotationIn('completed', { rotationIntervalDays: 90 });

    const { rotation, entry } = accepted(link(completed));

    expect(rotation).toEqual({ ...completed, nextRotationId: 'ROT-NEXT23', history: [...completed.history, entry] });
    expect(entry).toEqual({
      at: CLICK_ISO,
      actorId: REQUESTER_ID,
      from: 'completed',
      to: 'completed',
      event: 'next_cycle_planned',
      details: { nextRotationId: 'ROT-NEXT23' },
    });
  });

  it('given a next cycle linked already, when linked again (a retried follow-up), then it is already done, by whom and when', () => {
    const once = accepted(link(aRotationIn('completed', { rotationIntervalDays: 90 }))).rotation;

    expect(refused(link(once, 'ROT-OTHER2'))).toEqual({ code: 'ALREADY_DONE', status: 'completed', by: REQUESTER_ID, at: CLICK_ISO });
  });

  it.each(['requested', 'meeting_scheduled', 'cancelled'] as const)('given a rotation in %s, when a next cycle is linked, then it is refused', (status) => {
    expect(refused(link(aRotationIn(status)))).toEqual({ code: 'INVALID_TRANSITION', status });
  });
});

describe('evolve', () => {
  it('applies a decided change and nothing else: decide is evolve after the checks', () => {
    const before = aRotationIn('approved');
    const change = ACTIONS.record_submission;

    const decided = accepted(decide(before, change, context(requester)));

    expect(evolve(before, change, decided.entry)).toEqual(decided.rotation);
  });
});
