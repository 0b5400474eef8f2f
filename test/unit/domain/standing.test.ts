import type { Rotation } from '../../../src/domain/rotation';
import { sortByUrgency, submitByStanding, takeCensus, type StandingContext } from '../../../src/domain/standing';
import { aPlannedRotation, aRotation, aRotationIn, TEST_POLICY } from '../../../testkit/rotations';

// The object mother's rotation: submit-by Friday 2026-03-06 (deadline Fri 2026-03-20, 10-business-day lead, UTC).
//   Mar 2026: Mon 02, Thu 05, Fri 06, Sat 07, Sun 08, Mon 09, Tue 10.

const on = (iso: string, policy = TEST_POLICY): StandingContext => ({ now: new Date(iso), policy });

describe('submitByStanding', () => {
  const rotation = aRotation();

  it('given the day before submit-by, when read, then 1 business day is left and it is not late', () => {
    expect(rotation.submitBy).toBe('2026-03-06');
    expect(submitByStanding(rotation, on('2026-03-05T10:00:00Z'))).toEqual({ businessDaysLeft: 1, late: false });
  });

  it('given the submit-by day itself, to its last minute, when read, then it is due today (0 left) and not yet late', () => {
    // "Late" starts the day after: the portal request can still be made on the submit-by day.
    expect(submitByStanding(rotation, on('2026-03-06T00:00:00Z'))).toEqual({ businessDaysLeft: 0, late: false });
    expect(submitByStanding(rotation, on('2026-03-06T23:59:59Z'))).toEqual({ businessDaysLeft: 0, late: false });
  });

  it('given the Saturday right after a Friday submit-by, when read, then it is late, counted from Monday (1 business day)', () => {
    expect(submitByStanding(rotation, on('2026-03-07T00:00:00Z'))).toEqual({ businessDaysLeft: -1, late: true });
  });

  it('given the Tuesday after, when read, then it is late by 2 business days', () => {
    expect(submitByStanding(rotation, on('2026-03-10T09:00:00Z'))).toEqual({ businessDaysLeft: -2, late: true });
  });

  it('given 23:30Z on the submit-by Friday, when read in Berlin, then it is already Saturday there and late', () => {
    const berlin = { ...TEST_POLICY, calendar: { timeZone: 'Europe/Berlin', holidays: new Set<string>() } };
    expect(submitByStanding(rotation, on('2026-03-06T23:30:00Z', berlin))).toEqual({ businessDaysLeft: -1, late: true });
    expect(submitByStanding(rotation, on('2026-03-06T23:30:00Z'))).toEqual({ businessDaysLeft: 0, late: false });
  });
});

describe('sortByUrgency', () => {
  const ids = (rotations: Rotation[]): string[] => rotations.map((r) => r.id);
  // Read on Monday 2026-03-09: submit-by Fri 03-06 and Mon 03-02 have passed; Mon 03-09 is today; Fri 03-13 is ahead.
  const monday = on('2026-03-09T10:00:00Z');
  const lateFriday = aRotation({ id: 'ROT-LATE06', submitBy: '2026-03-06' });
  const lateMonday = aRotation({ id: 'ROT-LATE02', submitBy: '2026-03-02' });
  const dueToday = aRotation({ id: 'ROT-DUE009', submitBy: '2026-03-09' });
  const ahead = aRotation({ id: 'ROT-AHEAD3', submitBy: '2026-03-13' });

  it('given late, due and later rotations in any order, when sorted, then the late come first, then by submit-by, earliest first', () => {
    expect(ids(sortByUrgency([ahead, dueToday, lateFriday, lateMonday], monday))).toEqual([
      'ROT-LATE02',
      'ROT-LATE06',
      'ROT-DUE009',
      'ROT-AHEAD3',
    ]);
  });

  it('given rotations with the same submit-by, when sorted from either order, then they are in id order', () => {
    // The tie-break makes the list, the digest and the App Home show the same order on every render.
    const a = aRotation({ id: 'ROT-22222A', submitBy: '2026-03-13' });
    const b = aRotation({ id: 'ROT-22222B', submitBy: '2026-03-13' });
    const c = aRotation({ id: 'ROT-22222C', submitBy: '2026-03-13' });

    expect(ids(sortByUrgency([a, b, c], monday))).toEqual(['ROT-22222A', 'ROT-22222B', 'ROT-22222C']);
    expect(ids(sortByUrgency([c, b, a], monday))).toEqual(['ROT-22222A', 'ROT-22222B', 'ROT-22222C']);
    expect(ids(sortByUrgency([b, c, a], monday))).toEqual(['ROT-22222A', 'ROT-22222B', 'ROT-22222C']);
  });

  it('given a list, when sorted, then a sorted copy is returned and the list given is left as it was', () => {
    const given = [ahead, lateFriday];

    expect(ids(sortByUrgency(given, monday))).toEqual(['ROT-LATE06', 'ROT-AHEAD3']);
    expect(ids(given)).toEqual(['ROT-AHEAD3', 'ROT-LATE06']);
  });
});

describe('takeCensus', () => {
  // The mother's rotation: deadline Fri 2026-03-20, submit-by Fri 2026-03-06.
  const requested = aRotation({ id: 'ROT-222222' });
  const approved = aRotationIn('approved', { id: 'ROT-222223' });
  const submitted = aRotationIn('submitted', { id: 'ROT-222224' });
  const meeting = aRotationIn('meeting_scheduled', { id: 'ROT-222225' });
  const { planned } = aPlannedRotation({ id: 'ROT-222226' });

  it('given one rotation in each active state, when counted, then each state has one, and every state is listed', () => {
    const census = takeCensus([requested, approved, submitted, meeting, planned], '2026-03-02');

    expect(census.byState).toEqual({ planned: 1, requested: 1, approved: 1, submitted: 1, meeting_scheduled: 1 });
    expect(takeCensus([], '2026-03-02').byState).toEqual({ planned: 0, requested: 0, approved: 0, submitted: 0, meeting_scheduled: 0 });
  });

  it('given the submit-by day, when counted, then nothing is past it yet; the day after, only those not yet submitted are', () => {
    const all = [requested, approved, submitted, meeting];

    expect(takeCensus(all, '2026-03-06').pastSubmitBy).toBe(0);
    expect(takeCensus(all, '2026-03-07').pastSubmitBy).toBe(2);
  });

  it('given the deadline day, when counted, then nothing is past it; the day after, every open rotation is, a planned cycle not', () => {
    const all = [requested, submitted, meeting, { ...planned, deadline: '2026-03-20', submitBy: '2026-03-06' }];

    expect(takeCensus(all, '2026-03-20').pastDeadline).toBe(0);
    expect(takeCensus(all, '2026-03-21')).toMatchObject({ pastDeadline: 3, pastSubmitBy: 1 });
  });

  it('given a rotation requested after its submit-by date, when counted, then it is late, whatever today is', () => {
    // Requested on Mon 2026-03-02 for a deadline whose submit-by was Fri 2026-02-27.
    const late = aRotation({ id: 'ROT-222227', deadline: '2026-03-13', now: new Date('2026-03-02T10:00:00Z') });

    expect(late.lateByBusinessDays).toBeGreaterThan(0);
    expect(takeCensus([late, requested], '2026-03-02').late).toBe(1);
    expect(takeCensus([{ ...late, status: 'planned' } as Rotation], '2026-03-02').late).toBe(0);
  });
});
