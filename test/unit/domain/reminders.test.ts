import { reportedExposure, startedCycle } from '../../support/changes';
import type { BusinessCalendar } from '../../../src/domain/calendar';
import { decide, type MeetingDetails } from '../../../src/domain/lifecycle';
import { REMINDER_KINDS, type ReminderKind, type ReminderOccurrence, type ReminderPolicy } from '../../../src/domain/reminder-kinds';
import {
  appliesTo,
  latestDue,
  nextDigest,
  nextOccurrence,
  nextOccurrences,
  occurrencesOf,
  reminderSchedule,
  reminderTime,
  stillApplies,
} from '../../../src/domain/reminders';
import type { Rotation, RotationIn } from '../../../src/domain/rotation';
import { aPlannedRotation, aRequest, aRotation, aRotationIn, REQUESTER_ID } from '../../../testkit/rotations';

// Weekdays worked out by hand from Sunday 2026-03-01 (February 2026 has 28 days, so Sunday 2026-02-01 too):
//   Feb 2026: Fri 20, Sat 21, Sun 22, Mon 23, Tue 24, Wed 25, Thu 26, Fri 27, Sat 28
//   Mar 2026: Mon 02, Tue 03, Wed 04, Thu 05, Fri 06, Sat 07, Sun 08, Mon 09, Tue 10, Wed 11, Thu 12, Fri 13,
//             Mon 16, Fri 20, Sat 21, Sun 22, Mon 23, Tue 24, Wed 25, Thu 26, Fri 27, Sun 29, Mon 30, Tue 31
//   Apr 2026: Wed 01, Thu 30;  May 2026: Mon 04, Mon 11, Mon 25;  Thu 2026-12-31, Fri 2027-01-01, Mon 2027-01-04
// DST: the US moves to summer time on Sunday 2026-03-08 (EST UTC-5 → EDT UTC-4), the EU on Sunday
// 2026-03-29 (Berlin CET UTC+1 → CEST UTC+2).
//
// The object mother (testkit/rotations.ts): requested Fri 2026-02-20 10:00Z for a Fri 2026-03-20
// deadline, submit-by Fri 2026-03-06 (UTC, no holidays); then one day per step: approved 02-21,
// submitted 02-22 (submittedOn Mon 02-23), meeting scheduled 02-23 10:00Z for Tue 2026-03-24 14:00Z,
// completed 02-24.

function calendar(timeZone = 'UTC', holidays: string[] = []): BusinessCalendar {
  return { timeZone, holidays: new Set(holidays) };
}

function policyFor(cal: BusinessCalendar = calendar(), overrides: Partial<ReminderPolicy> = {}): ReminderPolicy {
  return { calendar: cal, leadBusinessDays: 10, reminderHour: 9, digestDay: 1, ...overrides };
}

const POLICY = policyFor();
const at = (iso: string): Date => new Date(iso);
/** When the object mother's request is made: Friday 2026-02-20 10:00Z. */
const TEST_START = at('2026-02-20T10:00:00Z');
const window = (after: string, until: string) => ({ after: at(after), until: at(until) });
const dueTimes = (occurrences: ReminderOccurrence[]): string[] => occurrences.map((o) => o.dueAt);
const summary = (occurrences: ReminderOccurrence[]): string[] => occurrences.map((o) => `${o.kind} ${o.dueAt}`);

/** A rotation made under the given calendar, so its submit-by is the one that calendar gives. */
function aRotationUnder(cal: BusinessCalendar, overrides: Parameters<typeof aRotation>[0] = {}): RotationIn<'requested'> {
  return aRotation({ policy: { calendar: cal, leadBusinessDays: 10 }, ...overrides });
}

function meetingAt(startsAt: string): MeetingDetails {
  return { platform: 'Webex', startsAt, timeZone: 'UTC', attendeeIds: [REQUESTER_ID, 'U0ATTENDEE'] };
}

/** Schedules (or reschedules) the meeting as the requester clicking at `now`. */
function scheduleMeeting(rotation: Rotation, startsAt: string, now: string): RotationIn<'meeting_scheduled'> {
  const result = decide(rotation, { type: 'schedule_meeting', meeting: meetingAt(startsAt) }, {
    actor: { userId: REQUESTER_ID, isApprover: false },
    now: at(now),
    allowSelfApproval: false,
  });
  if (!result.ok || result.rotation.status !== 'meeting_scheduled') throw new Error(`cannot schedule: ${JSON.stringify(result)}`);
  return result.rotation;
}

describe('reminderTime', () => {
  it('given UTC and hour 9, when a date is given, then it is 09:00Z that day', () => {
    expect(reminderTime('2026-03-06', POLICY).toISOString()).toBe('2026-03-06T09:00:00.000Z');
  });

  it('given Europe/Berlin the week of 2026-03-29, when hour 9 is read, then it is 08:00Z before the change and 07:00Z after', () => {
    const berlin = policyFor(calendar('Europe/Berlin'));
    // Friday 03-27 is still CET (UTC+1); Sunday 03-29 from 01:00Z and Monday 03-30 are CEST (UTC+2).
    expect(reminderTime('2026-03-27', berlin).toISOString()).toBe('2026-03-27T08:00:00.000Z');
    expect(reminderTime('2026-03-29', berlin).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(reminderTime('2026-03-30', berlin).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('given America/New_York the week of 2026-03-08, when hour 9 is read, then it is 14:00Z before the change and 13:00Z after', () => {
    const newYork = policyFor(calendar('America/New_York'));
    expect(reminderTime('2026-03-06', newYork).toISOString()).toBe('2026-03-06T14:00:00.000Z');
    expect(reminderTime('2026-03-09', newYork).toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it('given a one-digit and a late hour, when read, then they are that hour exactly', () => {
    expect(reminderTime('2026-03-06', policyFor(calendar(), { reminderHour: 7 })).toISOString()).toBe('2026-03-06T07:00:00.000Z');
    expect(reminderTime('2026-03-06', policyFor(calendar(), { reminderHour: 17 })).toISOString()).toBe('2026-03-06T17:00:00.000Z');
  });
});

describe('appliesTo: the "while" column', () => {
  const { planned, completed } = aPlannedRotation();
  const byStatus: Array<[string, Rotation, ReminderKind[]]> = [
    ['planned', planned, ['next_cycle']],
    ['requested', aRotationIn('requested'), ['approval_pending', 'submit_soon', 'submit_due', 'submit_overdue', 'deadline_near']],
    ['approved', aRotationIn('approved'), ['submit_soon', 'submit_due', 'submit_overdue', 'deadline_near']],
    ['rejected', aRotationIn('rejected'), []],
    ['submitted', aRotationIn('submitted'), ['no_meeting_yet', 'deadline_near']],
    ['meeting_scheduled', aRotationIn('meeting_scheduled'), ['meeting_tomorrow', 'meeting_in_one_hour', 'confirm_receipt', 'deadline_near']],
    ['completed', completed, []],
    ['cancelled', aRotationIn('cancelled'), []],
  ];

  it.each(byStatus)('given a %s rotation, when the kinds are checked, then only its kinds apply', (_status, rotation, kinds) => {
    expect(REMINDER_KINDS.filter((kind) => appliesTo(kind, rotation))).toEqual(kinds);
  });
});

describe('occurrencesOf: each kind', () => {
  const requested = aRotationIn('requested');

  it('given a request on Friday 02-20 at 10:00Z, when approval is pending, then it is due every business day from Monday 02-23', () => {
    // Strictly after the request's date (Fri 02-20): Mon 23 … Fri 27, Mon 03-02; the weekend 28/01 is skipped.
    const occurrences = occurrencesOf('approval_pending', requested, POLICY, window('2026-02-20T10:00:00Z', '2026-03-02T09:00:00Z'));
    expect(dueTimes(occurrences)).toEqual([
      '2026-02-23T09:00:00.000Z',
      '2026-02-24T09:00:00.000Z',
      '2026-02-25T09:00:00.000Z',
      '2026-02-26T09:00:00.000Z',
      '2026-02-27T09:00:00.000Z',
      '2026-03-02T09:00:00.000Z',
    ]);
  });

  it('given a request made on Friday before the reminder hour, when approval is pending, then the first reminder is still the next business day', () => {
    const early = aRotation({ now: at('2026-02-20T07:00:00Z') });
    expect(nextOccurrence('approval_pending', early, POLICY, at('2026-02-20T07:00:00Z'))?.dueAt).toBe('2026-02-23T09:00:00.000Z');
  });

  it('given a request made on Saturday, when approval is pending, then the first reminder is on Monday', () => {
    const weekend = aRotation({ now: at('2026-02-21T12:00:00Z') });
    expect(nextOccurrence('approval_pending', weekend, POLICY, at('2026-02-21T12:00:00Z'))?.dueAt).toBe('2026-02-23T09:00:00.000Z');
  });

  it('given submit-by Friday 03-06, when submit soon is planned, then it is Tuesday 03-03 (3 business days before)', () => {
    // Thu 05 (1), Wed 04 (2), Tue 03 (3).
    const occurrences = occurrencesOf('submit_soon', requested, POLICY, window('2026-02-20T10:00:00Z', '2026-04-01T00:00:00Z'));
    expect(occurrences).toEqual([
      {
        rotationId: 'ROT-4F7K2Q',
        kind: 'submit_soon',
        dueAt: '2026-03-03T09:00:00.000Z',
        key: 'ROT-4F7K2Q|submit_soon|2026-03-03T09:00:00.000Z',
      },
    ]);
  });

  it('given submit-by on Monday 03-09, when submit soon is planned, then it is the previous Wednesday 03-04', () => {
    // Deadline Mon 03-23 → back 10 business days: Fri 20 … Tue 10, Mon 09 → submit-by Mon 03-09.
    // 3 business days before Monday: Fri 06 (1), Thu 05 (2), Wed 04 (3); the weekend does not count.
    const monday = aRotation({ deadline: '2026-03-23' });
    expect(monday.submitBy).toBe('2026-03-09');
    expect(nextOccurrence('submit_soon', monday, POLICY, TEST_START)?.dueAt).toBe('2026-03-04T09:00:00.000Z');
  });

  it('given submit-by Friday 03-06, when submit due is planned, then it is that day at the reminder hour', () => {
    expect(dueTimes(occurrencesOf('submit_due', requested, POLICY, window('2026-02-20T10:00:00Z', '2026-04-01T00:00:00Z')))).toEqual([
      '2026-03-06T09:00:00.000Z',
    ]);
  });

  it('given submit-by Friday 03-06, when overdue, then it is due every business day after it, skipping the weekend', () => {
    const occurrences = occurrencesOf('submit_overdue', requested, POLICY, window('2026-03-01T00:00:00Z', '2026-03-11T09:00:00Z'));
    expect(dueTimes(occurrences)).toEqual(['2026-03-09T09:00:00.000Z', '2026-03-10T09:00:00.000Z', '2026-03-11T09:00:00.000Z']);
  });

  it('given a submission on Monday 02-23, when no meeting is set, then it is due 3, 5, 7, 9, 11 business days after', () => {
    // 3: Tue 24, Wed 25, Thu 26 → 02-26; 5: Fri 27, Mon 03-02 → 03-02; 7: Tue 03, Wed 04 → 03-04;
    // 9: Thu 05, Fri 06 → 03-06; 11: Mon 09, Tue 10 → 03-10.
    const submitted = aRotationIn('submitted');
    expect(submitted.submission.submittedOn).toBe('2026-02-23');
    const occurrences = occurrencesOf('no_meeting_yet', submitted, POLICY, window('2026-02-23T00:00:00Z', '2026-03-10T09:00:00Z'));
    expect(dueTimes(occurrences)).toEqual([
      '2026-02-26T09:00:00.000Z',
      '2026-03-02T09:00:00.000Z',
      '2026-03-04T09:00:00.000Z',
      '2026-03-06T09:00:00.000Z',
      '2026-03-10T09:00:00.000Z',
    ]);
  });

  it('given a meeting on Tuesday 03-24 at 14:00Z set weeks ahead, when meeting reminders are planned, then they are exactly 24 h and 1 h before', () => {
    const scheduled = aRotationIn('meeting_scheduled');
    const all = window('2026-02-23T10:00:00Z', '2026-04-01T00:00:00Z');
    expect(dueTimes(occurrencesOf('meeting_tomorrow', scheduled, POLICY, all))).toEqual(['2026-03-23T14:00:00.000Z']);
    expect(dueTimes(occurrencesOf('meeting_in_one_hour', scheduled, POLICY, all))).toEqual(['2026-03-24T13:00:00.000Z']);
  });

  it('given a meeting on Tuesday 03-24, when receipt is to be confirmed, then it is due every business day after the meeting', () => {
    const scheduled = aRotationIn('meeting_scheduled');
    const occurrences = occurrencesOf('confirm_receipt', scheduled, POLICY, window('2026-03-24T00:00:00Z', '2026-03-30T09:00:00Z'));
    expect(dueTimes(occurrences)).toEqual([
      '2026-03-25T09:00:00.000Z',
      '2026-03-26T09:00:00.000Z',
      '2026-03-27T09:00:00.000Z',
      '2026-03-30T09:00:00.000Z',
    ]);
  });

  it('given a Friday 03-20 deadline, when deadline near is planned, then it is due on Wednesday 03-18 and on the day', () => {
    // 2 business days before Fri 20: Thu 19 (1), Wed 18 (2).
    expect(dueTimes(occurrencesOf('deadline_near', requested, POLICY, window('2026-02-20T10:00:00Z', '2026-04-01T00:00:00Z')))).toEqual([
      '2026-03-18T09:00:00.000Z',
      '2026-03-20T09:00:00.000Z',
    ]);
  });

  it('given a Saturday 03-21 deadline, when deadline near is planned, then "on the day" is Friday 03-20, the last business day', () => {
    const saturday = aRotation({ deadline: '2026-03-21' });
    expect(dueTimes(occurrencesOf('deadline_near', saturday, POLICY, window('2026-02-20T10:00:00Z', '2026-04-01T00:00:00Z')))).toEqual([
      '2026-03-18T09:00:00.000Z',
      '2026-03-20T09:00:00.000Z',
    ]);
  });

  it('given a planned cycle, when next cycle is planned, then it is due 5 business days before its submit-by', () => {
    // Completed Tue 02-24 with a 90-day interval: deadline 02-24 + 90 days = Mon 05-25 (4 days of February,
    // 31 of March, 30 of April, 25 of May); submit-by 10 business days earlier: Fri 22 … Tue 12, Mon 11 → Mon 05-11.
    // 5 business days before Mon 05-11: Fri 08, Thu 07, Wed 06, Tue 05, Mon 04 → Mon 05-04.
    const { planned } = aPlannedRotation();
    expect(planned.deadline).toBe('2026-05-25');
    expect(planned.submitBy).toBe('2026-05-11');
    expect(reminderSchedule(planned, POLICY, window('2026-02-24T00:00:00Z', '2026-12-31T00:00:00Z'))).toEqual([
      {
        rotationId: 'ROT-NEXT22',
        kind: 'next_cycle',
        dueAt: '2026-05-04T09:00:00.000Z',
        key: 'ROT-NEXT22|next_cycle|2026-05-04T09:00:00.000Z',
      },
    ]);
  });
});

describe('occurrencesOf: windows', () => {
  const requested = aRotationIn('requested');

  it('given an occurrence exactly at the window start, when listed, then it is left out (the window is (after, until])', () => {
    expect(occurrencesOf('submit_due', requested, POLICY, window('2026-03-06T09:00:00Z', '2026-03-07T00:00:00Z'))).toEqual([]);
  });

  it('given an occurrence exactly at the window end, when listed, then it is included', () => {
    expect(dueTimes(occurrencesOf('submit_due', requested, POLICY, window('2026-03-06T08:00:00Z', '2026-03-06T09:00:00Z')))).toEqual([
      '2026-03-06T09:00:00.000Z',
    ]);
  });

  it('given an empty or reversed window, when listed, then there is nothing', () => {
    expect(occurrencesOf('approval_pending', requested, POLICY, window('2026-03-06T09:00:00Z', '2026-03-06T09:00:00Z'))).toEqual([]);
    expect(occurrencesOf('approval_pending', requested, POLICY, window('2026-03-10T00:00:00Z', '2026-03-01T00:00:00Z'))).toEqual([]);
  });

  it('given a year-long window, when approval stays pending, then every business day of the 52 weeks is listed once', () => {
    // Mon 2026-02-23 … Fri 2027-02-19 (2027-01-01 is a Friday, so 02-19 is one): 52 full weeks of 5 days.
    const occurrences = occurrencesOf('approval_pending', requested, POLICY, window('2026-02-20T10:00:00Z', '2027-02-20T10:00:00Z'));
    expect(occurrences).toHaveLength(260);
    expect(occurrences[0]?.dueAt).toBe('2026-02-23T09:00:00.000Z');
    expect(occurrences.at(-1)?.dueAt).toBe('2027-02-19T09:00:00.000Z');
    expect(new Set(occurrences.map((o) => o.key)).size).toBe(260);
  });

  it('given a rotation requested after its submit-by, when its schedule is listed, then nothing falls before the request', () => {
    // Requested Wed 03-11 10:00Z for the Fri 03-20 deadline: submit-by 03-06 is past (late by 3 business days).
    // submit soon (03-03), submit due (03-06) and overdue on 09, 10, 11 at 09:00Z all precede the request.
    const late = aRotation({ now: at('2026-03-11T10:00:00Z') });
    expect(late.lateByBusinessDays).toBe(3);
    expect(summary(reminderSchedule(late, POLICY, window('2026-03-01T00:00:00Z', '2026-03-13T00:00:00Z')))).toEqual([
      'approval_pending 2026-03-12T09:00:00.000Z',
      'submit_overdue 2026-03-12T09:00:00.000Z',
    ]);
  });

  it('given a late request approved a day later, when overdue is listed from the request on, then the reminders before the approval are there', () => {
    // Requested Wed 03-11 10:00Z (submit-by 03-06 past), approved Thu 03-12 10:00Z: the window's floor is the request,
    // not the approval, so Thu 03-12 09:00Z (between the two) is still an overdue reminder of this request.
    const approved = aRotationIn('approved', { now: at('2026-03-11T10:00:00Z') });
    expect(approved.approval.at).toBe('2026-03-12T10:00:00.000Z');
    expect(dueTimes(occurrencesOf('submit_overdue', approved, POLICY, window('2026-03-11T10:00:00Z', '2026-03-13T09:00:00Z')))).toEqual([
      '2026-03-12T09:00:00.000Z',
      '2026-03-13T09:00:00.000Z',
    ]);
  });

  it('given a planned cycle started on Thursday 04-30, when approval is pending, then it counts from the start, not from when it was planned', () => {
    const { planned } = aPlannedRotation();
    const result = startedCycle(planned, aRequest({ deadline: '2026-05-25' }), {
      actor: { userId: REQUESTER_ID, isApprover: false },
      now: at('2026-04-30T10:00:00Z'),
      policy: { calendar: calendar(), leadBusinessDays: 10 },
    });
    if (!result.ok) throw new Error(result.error.code);
    const started = result.rotation;
    expect(started.createdAt).toBe('2026-02-24T10:00:00.000Z');
    expect(dueTimes(occurrencesOf('approval_pending', started, POLICY, window('2026-02-24T00:00:00Z', '2026-05-01T12:00:00Z')))).toEqual([
      '2026-05-01T09:00:00.000Z',
    ]);
  });
});

describe('holidays (WFI_HOLIDAYS)', () => {
  it('given Wednesday 03-04 a holiday, when submit soon is planned for submit-by Friday 03-06, then it is Monday 03-02', () => {
    // Submit-by is still Fri 03-06 (no holiday between it and the deadline); back 3 business days:
    // Thu 05 (1), Wed 04 holiday, Tue 03 (2), Mon 02 (3).
    const cal = calendar('UTC', ['2026-03-04']);
    const rotation = aRotationUnder(cal);
    expect(rotation.submitBy).toBe('2026-03-06');
    expect(nextOccurrence('submit_soon', rotation, policyFor(cal), TEST_START)?.dueAt).toBe('2026-03-02T09:00:00.000Z');
  });

  it('given Monday 03-09 a holiday, when overdue, then the holiday and the weekend are skipped', () => {
    // Deadline Fri 03-20 back 10 business days: 19, 18, 17, 16, 13, 12, 11, 10, (09 holiday), 06, 05 → submit-by Thu 03-05.
    // Overdue every business day after: Fri 06, (Sat, Sun, Mon 09 holiday), Tue 10, Wed 11.
    const cal = calendar('UTC', ['2026-03-09']);
    const rotation = aRotationUnder(cal);
    expect(rotation.submitBy).toBe('2026-03-05');
    expect(dueTimes(occurrencesOf('submit_overdue', rotation, policyFor(cal), window('2026-03-05T09:00:00Z', '2026-03-11T09:00:00Z')))).toEqual([
      '2026-03-06T09:00:00.000Z',
      '2026-03-10T09:00:00.000Z',
      '2026-03-11T09:00:00.000Z',
    ]);
  });

  it('given Monday 02-23 a holiday, when approval is pending after a Friday request, then the first reminder is Tuesday 02-24', () => {
    const cal = calendar('UTC', ['2026-02-23']);
    expect(nextOccurrence('approval_pending', aRotationUnder(cal), policyFor(cal), TEST_START)?.dueAt).toBe('2026-02-24T09:00:00.000Z');
  });

  it('given Friday 03-20 a holiday and a Sunday 03-22 deadline, when deadline near is planned, then it is Tuesday 03-17 and Thursday 03-19', () => {
    // On or before Sun 22: Sat 21 no, Fri 20 holiday, Thu 19; 2 business days before: Wed 18 (1), Tue 17 (2).
    const cal = calendar('UTC', ['2026-03-20']);
    const rotation = aRotationUnder(cal, { deadline: '2026-03-22' });
    expect(dueTimes(occurrencesOf('deadline_near', rotation, policyFor(cal), window('2026-02-20T10:00:00Z', '2026-04-01T00:00:00Z')))).toEqual([
      '2026-03-17T09:00:00.000Z',
      '2026-03-19T09:00:00.000Z',
    ]);
  });

  it('given Wednesday 02-25 a holiday, when no meeting is set after a Monday 02-23 submission, then the count skips it', () => {
    // 3: Tue 24 (1), (Wed 25 holiday), Thu 26 (2), Fri 27 (3) → 02-27; 5: Mon 03-02, Tue 03-03 → 03-03.
    const cal = calendar('UTC', ['2026-02-25']);
    const submitted = aRotationIn('submitted', { policy: { calendar: cal, leadBusinessDays: 10 } });
    expect(dueTimes(occurrencesOf('no_meeting_yet', submitted, policyFor(cal), window('2026-02-23T00:00:00Z', '2026-03-03T12:00:00Z')))).toEqual([
      '2026-02-27T09:00:00.000Z',
      '2026-03-03T09:00:00.000Z',
    ]);
  });

  it('given New Year 2027-01-01 a holiday, when looking for the next overdue reminder on New Year\'s Eve, then it is Monday 2027-01-04', () => {
    // Thu 12-31 after 09:00Z → Fri 01-01 (holiday) → Sat, Sun → Mon 01-04. Without the holiday: Fri 01-01.
    const rotation = aRotationIn('requested');
    const after = at('2026-12-31T12:00:00Z');
    expect(nextOccurrence('submit_overdue', rotation, POLICY, after)?.dueAt).toBe('2027-01-01T09:00:00.000Z');
    expect(nextOccurrence('submit_overdue', rotation, policyFor(calendar('UTC', ['2027-01-01'])), after)?.dueAt).toBe(
      '2027-01-04T09:00:00.000Z',
    );
  });
});

describe('a reminder hour in a week where DST changes', () => {
  it('given Europe/Berlin the week of 2026-03-29, when approval is pending, then 09:00 local is 08:00Z before the change and 07:00Z after', () => {
    // Requested Thu 03-26 10:00Z (11:00 CET); business days after: Fri 27 (CET), Mon 30, Tue 31, Wed 04-01 (CEST).
    const cal = calendar('Europe/Berlin');
    const rotation = aRotationUnder(cal, { now: at('2026-03-26T10:00:00Z'), deadline: '2026-05-29' });
    expect(dueTimes(occurrencesOf('approval_pending', rotation, policyFor(cal), window('2026-03-26T10:00:00Z', '2026-04-01T12:00:00Z')))).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
      '2026-04-01T07:00:00.000Z',
    ]);
  });

  it('given America/New_York the week of 2026-03-08, when submit-by is Friday 03-06, then due is 14:00Z and overdue from Monday is 13:00Z', () => {
    // Requested Fri 02-20 10:00 EST; deadline Fri 03-20 → submit-by Fri 03-06 (EST), soon Tue 03-03 (EST).
    const cal = calendar('America/New_York');
    const rotation = aRotationUnder(cal, { now: at('2026-02-20T15:00:00Z') });
    const policy = policyFor(cal);
    expect(rotation.submitBy).toBe('2026-03-06');
    expect(summary(reminderSchedule(rotation, policy, window('2026-03-03T00:00:00Z', '2026-03-10T23:00:00Z')).filter((o) => o.kind !== 'approval_pending'))).toEqual([
      'submit_soon 2026-03-03T14:00:00.000Z',
      'submit_due 2026-03-06T14:00:00.000Z',
      'submit_overdue 2026-03-09T13:00:00.000Z',
      'submit_overdue 2026-03-10T13:00:00.000Z',
    ]);
  });
});

describe('meeting reminders', () => {
  const submitted = aRotationIn('submitted');
  const all = window('2026-02-01T00:00:00Z', '2026-04-01T00:00:00Z');

  it('given a meeting set 3 hours ahead, when reminders are planned, then there is no "tomorrow" reminder, only the one-hour one', () => {
    const soon = scheduleMeeting(submitted, '2026-03-02T13:00:00.000Z', '2026-03-02T10:00:00Z');
    expect(occurrencesOf('meeting_tomorrow', soon, POLICY, all)).toEqual([]);
    expect(dueTimes(occurrencesOf('meeting_in_one_hour', soon, POLICY, all))).toEqual(['2026-03-02T12:00:00.000Z']);
  });

  it('given a meeting set 30 minutes ahead, when reminders are planned, then neither meeting reminder exists', () => {
    const now = scheduleMeeting(submitted, '2026-03-02T10:30:00.000Z', '2026-03-02T10:00:00Z');
    expect(occurrencesOf('meeting_tomorrow', now, POLICY, all)).toEqual([]);
    expect(occurrencesOf('meeting_in_one_hour', now, POLICY, all)).toEqual([]);
  });

  it('given a meeting set exactly 24 hours ahead, when reminders are planned, then the "tomorrow" reminder would fall at that moment and is skipped', () => {
    const exactly = scheduleMeeting(submitted, '2026-03-03T10:00:00.000Z', '2026-03-02T10:00:00Z');
    expect(occurrencesOf('meeting_tomorrow', exactly, POLICY, all)).toEqual([]);
    expect(dueTimes(occurrencesOf('meeting_in_one_hour', exactly, POLICY, all))).toEqual(['2026-03-03T09:00:00.000Z']);
  });

  describe('a meeting across midnight: Tuesday 2026-03-10 23:30Z', () => {
    const late = scheduleMeeting(submitted, '2026-03-10T23:30:00.000Z', '2026-02-23T10:00:00Z');
    const week = window('2026-03-10T00:00:00Z', '2026-03-14T00:00:00Z');

    it('given a Los Angeles calendar, when receipt is to be confirmed, then it starts Wednesday 03-11 at 09:00 PDT (16:00Z)', () => {
      // 23:30Z is 16:30 PDT (UTC-7 since 03-08) on Tue 03-10: business days after it are Wed 11, Thu 12, Fri 13.
      const occurrences = occurrencesOf('confirm_receipt', late, policyFor(calendar('America/Los_Angeles')), week);
      expect(dueTimes(occurrences)).toEqual(['2026-03-11T16:00:00.000Z', '2026-03-12T16:00:00.000Z', '2026-03-13T16:00:00.000Z']);
    });

    it('given a Tokyo calendar, when receipt is to be confirmed, then it starts Thursday 03-12 at 09:00 JST (00:00Z)', () => {
      // 23:30Z is 08:30 JST (UTC+9) on Wed 03-11: business days after it are Thu 12, Fri 13 (Mon 16 is past the window).
      const occurrences = occurrencesOf('confirm_receipt', late, policyFor(calendar('Asia/Tokyo')), week);
      expect(dueTimes(occurrences)).toEqual(['2026-03-12T00:00:00.000Z', '2026-03-13T00:00:00.000Z']);
    });
  });
});

describe('stillApplies', () => {
  const scheduled = aRotationIn('meeting_scheduled');
  const tomorrow = nextOccurrence('meeting_tomorrow', scheduled, POLICY, TEST_START) as ReminderOccurrence;
  const oneHour = nextOccurrence('meeting_in_one_hour', scheduled, POLICY, TEST_START) as ReminderOccurrence;
  const confirm = nextOccurrence('confirm_receipt', scheduled, POLICY, TEST_START) as ReminderOccurrence;
  // Rescheduled on Mon 03-02 from Tue 03-24 14:00Z to Thu 03-26 14:00Z.
  const rescheduled = scheduleMeeting(scheduled, '2026-03-26T14:00:00.000Z', '2026-03-02T10:00:00Z');

  it('given the meeting as planned, when its reminders are checked before it starts, then they apply', () => {
    expect(tomorrow.dueAt).toBe('2026-03-23T14:00:00.000Z');
    expect(stillApplies(tomorrow, scheduled, at('2026-03-23T14:00:00Z'))).toBe(true);
    expect(stillApplies(oneHour, scheduled, at('2026-03-24T13:00:30Z'))).toBe(true);
  });

  it('given a rescheduled meeting, when the old meeting reminders are checked, then they no longer apply but the new ones do', () => {
    expect(stillApplies(tomorrow, rescheduled, at('2026-03-23T14:00:00Z'))).toBe(false);
    expect(stillApplies(oneHour, rescheduled, at('2026-03-24T13:00:00Z'))).toBe(false);
    const newTomorrow = nextOccurrence('meeting_tomorrow', rescheduled, POLICY, at('2026-03-02T10:00:00Z'));
    expect(newTomorrow?.dueAt).toBe('2026-03-25T14:00:00.000Z');
    expect(stillApplies(newTomorrow as ReminderOccurrence, rescheduled, at('2026-03-25T14:00:00Z'))).toBe(true);
  });

  it('given a meeting moved later, when a confirmation due before the new start is checked, then it no longer applies', () => {
    // The old meeting gave Wed 03-25 09:00Z; the new one starts Thu 03-26 14:00Z, so its first is Fri 03-27.
    expect(confirm.dueAt).toBe('2026-03-25T09:00:00.000Z');
    expect(stillApplies(confirm, rescheduled, at('2026-03-25T09:00:00Z'))).toBe(false);
    const newConfirm = nextOccurrence('confirm_receipt', rescheduled, POLICY, at('2026-03-02T10:00:00Z'));
    expect(newConfirm?.dueAt).toBe('2026-03-27T09:00:00.000Z');
    expect(stillApplies(newConfirm as ReminderOccurrence, rescheduled, at('2026-03-27T09:00:00Z'))).toBe(true);
  });

  it('given a meeting moved to start exactly when a confirmation is due, when it is checked, then it no longer applies', () => {
    // The confirmation asks whether the secret arrived in the meeting; at the meeting's first instant it has not yet.
    const atConfirm = scheduleMeeting(scheduled, confirm.dueAt, '2026-03-02T10:00:00Z');
    expect(stillApplies(confirm, atConfirm, at('2026-03-25T09:00:00Z'))).toBe(false);
    // A millisecond earlier start, and the same confirmation is due after it: it applies.
    const justBefore = scheduleMeeting(scheduled, '2026-03-25T08:59:59.999Z', '2026-03-02T10:00:00Z');
    expect(stillApplies(confirm, justBefore, at('2026-03-25T09:00:00Z'))).toBe(true);
  });

  it('given the meeting has started, when a meeting reminder is checked late, then it no longer applies', () => {
    expect(stillApplies(oneHour, scheduled, at('2026-03-24T14:00:00Z'))).toBe(false);
    expect(stillApplies(tomorrow, scheduled, at('2026-03-24T15:00:00Z'))).toBe(false);
  });

  it('given the rotation moved on, when an earlier occurrence is checked, then it no longer applies', () => {
    const requested = aRotationIn('requested');
    const pending = nextOccurrence('approval_pending', requested, POLICY, TEST_START) as ReminderOccurrence;
    const overdue = nextOccurrence('submit_overdue', requested, POLICY, TEST_START) as ReminderOccurrence;
    const approved = aRotationIn('approved');
    expect(stillApplies(pending, approved, at('2026-02-23T09:00:00Z'))).toBe(false);
    expect(stillApplies(overdue, approved, at('2026-03-09T09:00:00Z'))).toBe(true);
    expect(stillApplies(overdue, aRotationIn('submitted'), at('2026-03-09T09:00:00Z'))).toBe(false);
    expect(stillApplies(confirm, aRotationIn('completed'), at('2026-03-25T09:00:00Z'))).toBe(false);
  });

  it('given another rotation, when an occurrence is checked against it, then it does not apply', () => {
    const other = aRotationIn('requested', { id: 'ROT-ZZZZZZ' });
    const pending = nextOccurrence('approval_pending', aRotationIn('requested'), POLICY, TEST_START) as ReminderOccurrence;
    expect(stillApplies(pending, other, at('2026-02-23T09:00:00Z'))).toBe(false);
  });
});

/**
 * What the scheduler's tick sends after an outage, composed as it composes it
 * from the plan's functions: of each kind that applies, the latest occurrence
 * in (since, now] that still applies, and the earliest one after now.
 */
function planReminders(rotation: Rotation, policy: ReminderPolicy, now: Date, since: Date): { due: ReminderOccurrence[]; next?: ReminderOccurrence } {
  const due = REMINDER_KINDS.filter((kind) => appliesTo(kind, rotation))
    .map((kind) => latestDue(kind, rotation, policy, { after: since, until: now }))
    .filter((o): o is ReminderOccurrence => o !== undefined && stillApplies(o, rotation, now))
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || REMINDER_KINDS.indexOf(a.kind) - REMINDER_KINDS.indexOf(b.kind));
  const [next] = nextOccurrences(rotation, policy, now);
  return next ? { due, next } : { due };
}

describe('catch-up after an outage, as the tick composes it', () => {
  const requested = aRotationIn('requested');

  it('given a 5-day outage from Thu 03-05 to Tue 03-10, when planned, then only the latest approval pending and overdue are due, with submit due', () => {
    // In (03-05 12:00Z, 03-10 12:00Z]: approval pending Fri 06, Mon 09, Tue 10 → Tue 10; submit due Fri 06;
    // overdue Mon 09, Tue 10 → Tue 10. Submit soon (03-03) and deadline near (03-18, 03-20) are outside.
    const plan = planReminders(requested, POLICY, at('2026-03-10T12:00:00Z'), at('2026-03-05T12:00:00Z'));
    expect(summary(plan.due)).toEqual([
      'submit_due 2026-03-06T09:00:00.000Z',
      'approval_pending 2026-03-10T09:00:00.000Z',
      'submit_overdue 2026-03-10T09:00:00.000Z',
    ]);
    // Wed 03-11 09:00Z: approval pending and overdue tie; the table's order breaks the tie.
    expect(plan.next?.kind).toBe('approval_pending');
    expect(plan.next?.dueAt).toBe('2026-03-11T09:00:00.000Z');
  });

  it('given a 5-day outage from Mon 03-02 to Sat 03-07, when planned, then both single reminders are due and approval pending once', () => {
    // In (03-02 12:00Z, 03-07 12:00Z]: approval pending Tue 03 … Fri 06 → Fri 06; submit soon Tue 03; submit due Fri 06.
    const plan = planReminders(requested, POLICY, at('2026-03-07T12:00:00Z'), at('2026-03-02T12:00:00Z'));
    expect(summary(plan.due)).toEqual([
      'submit_soon 2026-03-03T09:00:00.000Z',
      'approval_pending 2026-03-06T09:00:00.000Z',
      'submit_due 2026-03-06T09:00:00.000Z',
    ]);
    expect(summary(plan.next ? [plan.next] : [])).toEqual(['approval_pending 2026-03-09T09:00:00.000Z']);
  });

  it('given both deadline-near occurrences fell in an outage, when planned, then only the one on the day is due', () => {
    const approved = aRotationIn('approved');
    const plan = planReminders(approved, POLICY, at('2026-03-20T12:00:00Z'), at('2026-03-17T12:00:00Z'));
    expect(summary(plan.due.filter((o) => o.kind === 'deadline_near'))).toEqual(['deadline_near 2026-03-20T09:00:00.000Z']);
  });

  it('given an outage over the meeting, when planned after it started, then the meeting reminders are dropped and the confirmation is next', () => {
    // tomorrow 03-23 14:00Z and one hour 03-24 13:00Z fell due, but the meeting began at 03-24 14:00Z.
    const plan = planReminders(aRotationIn('meeting_scheduled'), POLICY, at('2026-03-24T15:00:00Z'), at('2026-03-23T12:00:00Z'));
    expect(plan.due).toEqual([]);
    expect(summary(plan.next ? [plan.next] : [])).toEqual(['confirm_receipt 2026-03-25T09:00:00.000Z']);
  });

  it('given an ordinary tick, when nothing fell due since the last one, then nothing is due and the next is given', () => {
    const plan = planReminders(requested, POLICY, at('2026-02-23T10:00:00Z'), at('2026-02-23T09:30:00Z'));
    expect(plan).toEqual({ due: [], next: expect.objectContaining({ kind: 'approval_pending', dueAt: '2026-02-24T09:00:00.000Z' }) });
  });

  it('given a closed rotation, when planned, then nothing is due and nothing is next', () => {
    for (const closed of [aRotationIn('completed'), aRotationIn('rejected'), aRotationIn('cancelled')]) {
      expect(planReminders(closed, POLICY, at('2026-03-10T12:00:00Z'), at('2026-02-20T00:00:00Z'))).toEqual({ due: [] });
    }
  });
});

describe('status changes', () => {
  it('given an approved rotation, when its next reminders are listed, then there is no approval pending', () => {
    // Approved Sat 02-21: submit soon Tue 03-03, due Fri 03-06, overdue from Mon 03-09, deadline near Wed 03-18.
    expect(summary(nextOccurrences(aRotationIn('approved'), POLICY, at('2026-02-21T10:00:00Z')))).toEqual([
      'submit_soon 2026-03-03T09:00:00.000Z',
      'submit_due 2026-03-06T09:00:00.000Z',
      'submit_overdue 2026-03-09T09:00:00.000Z',
      'deadline_near 2026-03-18T09:00:00.000Z',
    ]);
  });

  it('given a meeting scheduled, when its next reminders are listed, then they are earliest first, not in the table\'s order', () => {
    // The table lists deadline near last; on 02-23 it is the first due (03-18, before the meeting on 03-24).
    expect(summary(nextOccurrences(aRotationIn('meeting_scheduled'), POLICY, at('2026-02-23T10:00:00Z')))).toEqual([
      'deadline_near 2026-03-18T09:00:00.000Z',
      'meeting_tomorrow 2026-03-23T14:00:00.000Z',
      'meeting_in_one_hour 2026-03-24T13:00:00.000Z',
      'confirm_receipt 2026-03-25T09:00:00.000Z',
    ]);
  });

  it('given a request whose submit-by has passed, when its next reminders are listed, then the kinds with nothing left to send are left out', () => {
    // On Mon 03-09 10:00Z submit soon (03-03) and submit due (03-06) are behind it: no entry, not an empty one.
    expect(summary(nextOccurrences(aRotationIn('requested'), POLICY, at('2026-03-09T10:00:00Z')))).toEqual([
      'approval_pending 2026-03-10T09:00:00.000Z',
      'submit_overdue 2026-03-10T09:00:00.000Z',
      'deadline_near 2026-03-18T09:00:00.000Z',
    ]);
  });

  it('given a submitted rotation, when its schedule is listed over the submit-by days, then there is no submit reminder', () => {
    const schedule = reminderSchedule(aRotationIn('submitted'), POLICY, window('2026-02-22T10:00:00Z', '2026-03-11T00:00:00Z'));
    expect(summary(schedule)).toEqual([
      'no_meeting_yet 2026-02-26T09:00:00.000Z',
      'no_meeting_yet 2026-03-02T09:00:00.000Z',
      'no_meeting_yet 2026-03-04T09:00:00.000Z',
      'no_meeting_yet 2026-03-06T09:00:00.000Z',
      'no_meeting_yet 2026-03-10T09:00:00.000Z',
    ]);
  });

  it('given a meeting scheduled, when its schedule is listed, then it is the meeting reminders and the deadline, in order', () => {
    const schedule = reminderSchedule(aRotationIn('meeting_scheduled'), POLICY, window('2026-02-23T10:00:00Z', '2026-03-27T00:00:00Z'));
    expect(summary(schedule)).toEqual([
      'deadline_near 2026-03-18T09:00:00.000Z',
      'deadline_near 2026-03-20T09:00:00.000Z',
      'meeting_tomorrow 2026-03-23T14:00:00.000Z',
      'meeting_in_one_hour 2026-03-24T13:00:00.000Z',
      'confirm_receipt 2026-03-25T09:00:00.000Z',
      'confirm_receipt 2026-03-26T09:00:00.000Z',
    ]);
  });

  it.each(['completed', 'rejected', 'cancelled'] as const)('given a %s rotation, when its reminders are listed, then there are none', (status) => {
    const rotation = aRotationIn(status);
    expect(nextOccurrences(rotation, POLICY, TEST_START)).toEqual([]);
    expect(reminderSchedule(rotation, POLICY, window('2026-02-20T00:00:00Z', '2027-02-20T00:00:00Z'))).toEqual([]);
  });

  it('given a planned rotation, when its next reminders are listed, then it is next cycle only', () => {
    const { planned } = aPlannedRotation();
    expect(summary(nextOccurrences(planned, POLICY, at('2026-02-24T10:00:00Z')))).toEqual(['next_cycle 2026-05-04T09:00:00.000Z']);
  });

  it('given a kind that does not apply, when its occurrences are asked for, then there are none', () => {
    const approved = aRotationIn('approved');
    expect(occurrencesOf('approval_pending', approved, POLICY, window('2026-02-20T00:00:00Z', '2026-04-01T00:00:00Z'))).toEqual([]);
    expect(nextOccurrence('approval_pending', approved, POLICY, TEST_START)).toBeUndefined();
  });
});

describe('nextOccurrence and latestDue', () => {
  const requested = aRotationIn('requested');

  it('given a single reminder, when asked strictly after it, then there is none; just before it, then it is the one', () => {
    expect(nextOccurrence('submit_soon', requested, POLICY, at('2026-03-03T09:00:00Z'))).toBeUndefined();
    expect(nextOccurrence('submit_soon', requested, POLICY, at('2026-03-03T08:59:59.999Z'))?.dueAt).toBe('2026-03-03T09:00:00.000Z');
  });

  it('given approval pending since 02-20, when the latest by Wed 03-04 12:00Z is asked for, then it is 03-04 09:00Z', () => {
    expect(latestDue('approval_pending', requested, POLICY, window('2026-02-20T10:00:00Z', '2026-03-04T12:00:00Z'))?.dueAt).toBe(
      '2026-03-04T09:00:00.000Z',
    );
  });

  it('given a window without the single reminder, when the latest is asked for, then there is none', () => {
    expect(latestDue('submit_soon', requested, POLICY, window('2026-03-04T00:00:00Z', '2026-03-10T00:00:00Z'))).toBeUndefined();
  });
});

describe('weekly digest', () => {
  const monday = policyFor(calendar(), { digestDay: 1 });
  const friday = policyFor(calendar(), { digestDay: 5 });
  const off = policyFor(calendar(), { digestDay: 'off' });

  it('given off, when the next digest is asked for, then there is none', () => {
    expect(nextDigest(off, at('2026-03-04T12:00:00Z'))).toBeUndefined();
  });

  it('given Monday, when the next digest after Wednesday 03-04 is asked for, then it is Monday 03-09 at 09:00Z', () => {
    expect(nextDigest(monday, at('2026-03-04T12:00:00Z'))?.toISOString()).toBe('2026-03-09T09:00:00.000Z');
  });

  it('given Monday, when asked on Monday before and exactly at the hour, then it is that day, then the next week', () => {
    expect(nextDigest(monday, at('2026-03-09T08:59:00Z'))?.toISOString()).toBe('2026-03-09T09:00:00.000Z');
    expect(nextDigest(monday, at('2026-03-09T09:00:00Z'))?.toISOString()).toBe('2026-03-16T09:00:00.000Z');
  });

  it('given Friday, when asked on Wednesday 03-04 and on Friday 03-06 after the hour, then it is 03-06 and 03-13', () => {
    expect(nextDigest(friday, at('2026-03-04T12:00:00Z'))?.toISOString()).toBe('2026-03-06T09:00:00.000Z');
    expect(nextDigest(friday, at('2026-03-06T10:00:00Z'))?.toISOString()).toBe('2026-03-13T09:00:00.000Z');
  });


  it('given a holiday on Monday 03-09, when the next digest is asked for, then it is not moved', () => {
    const withHoliday = policyFor(calendar('UTC', ['2026-03-09']), { digestDay: 1 });
    expect(nextDigest(withHoliday, at('2026-03-04T12:00:00Z'))?.toISOString()).toBe('2026-03-09T09:00:00.000Z');
  });

  it('given Europe/Berlin, when the next Monday digest crosses the 03-29 change, then it is 07:00Z (09:00 CEST)', () => {
    // After Mon 03-23 09:30 CET (08:30Z) the 03-23 digest (08:00Z) has passed; Mon 03-30 09:00 CEST = 07:00Z.
    const berlin = policyFor(calendar('Europe/Berlin'), { digestDay: 1 });
    expect(nextDigest(berlin, at('2026-03-23T08:30:00Z'))?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(nextDigest(berlin, at('2026-03-20T12:00:00Z'))?.toISOString()).toBe('2026-03-23T08:00:00.000Z');
  });

  it('given America/New_York, when the next Monday digest crosses the 03-08 change, then it is 13:00Z (09:00 EDT)', () => {
    const newYork = policyFor(calendar('America/New_York'), { digestDay: 1 });
    expect(nextDigest(newYork, at('2026-03-02T14:00:00Z'))?.toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });



});

describe('a secret_exposed entry does not move the reminders', () => {
  /** A request (Fri 02-20 10:00Z) whose thread had a message that looked like the secret on Wed 02-25 at 12:00Z. */
  function exposedOnWednesday(): Rotation {
    const exposed = reportedExposure(aRotationIn('requested'), {
      posterId: 'U0POSTER',
      channelId: 'C0ROTATIONS',
      messageTs: '1772020800.000100',
      now: at('2026-02-25T12:00:00Z'),
    });
    if (!exposed) throw new Error('the exposure was not recorded');
    return exposed;
  }

  it('given the exposure at 12:00Z, when planned at 13:00Z since the request, then approval pending of that morning is still due', () => {
    // Approval pending counts from the request on Friday: Mon 23 … Wed 25 09:00Z fell due, the latest is Wed 25.
    // Counted from the exposure instead, Wed 25 09:00Z would fall before it and nothing would be due.
    const plan = planReminders(exposedOnWednesday(), POLICY, at('2026-02-25T13:00:00Z'), TEST_START);

    expect(summary(plan.due)).toEqual(['approval_pending 2026-02-25T09:00:00.000Z']);
    expect(summary(plan.next ? [plan.next] : [])).toEqual(['approval_pending 2026-02-26T09:00:00.000Z']);
  });

  it('given the exposure, when the plan is made, then it is the plan of the same request without it', () => {
    const now = at('2026-02-25T13:00:00Z');

    expect(planReminders(exposedOnWednesday(), POLICY, now, TEST_START)).toEqual(planReminders(aRotationIn('requested'), POLICY, now, TEST_START));
  });

  it('given the exposure, when approval pending is listed from the request on, then it starts on Monday 02-23 as before', () => {
    const occurrences = occurrencesOf('approval_pending', exposedOnWednesday(), POLICY, window('2026-02-20T10:00:00Z', '2026-02-26T12:00:00Z'));

    expect(dueTimes(occurrences)).toEqual([
      '2026-02-23T09:00:00.000Z',
      '2026-02-24T09:00:00.000Z',
      '2026-02-25T09:00:00.000Z',
      '2026-02-26T09:00:00.000Z',
    ]);
  });
});
