import { businessDaysBetween, todayIn } from './calendar';
import type { CalendarDate } from './calendar';
import { allowedActions, type ActionType } from './lifecycle';
import { ACTIVE_STATUSES, awaitsSubmission, countToSubmitBy, isOpen, type LeadTimePolicy, type Rotation, type RotationStatus } from './rotation';

/**
 * Where a rotation stands today: the step that moves it forward, the business
 * days to its submit-by date and to its deadline, and how urgent it is beside
 * others. Every surface that says "3 business days left" or lists rotations
 * most urgent first reads it here.
 */

/** The day a rotation is looked at (`now` read in the policy's zone) and the calendar its days are counted in. */
export interface StandingContext {
  now: Date;
  policy: LeadTimePolicy;
}

/** The step that moves a rotation forward now: the first allowed action other than cancelling. */
export function nextStepAction(status: RotationStatus): ActionType | undefined {
  return allowedActions(status).find((action) => action !== 'cancel');
}

/** Where a rotation stands against its submit-by date on `context.now`'s day. */
export interface SubmitByStanding {
  /** Business days until submit-by (0 on the day itself); negative once past. */
  businessDaysLeft: number;
  /** Today is after submit-by. */
  late: boolean;
}

/**
 * Counted from the submit-by date the rotation carries, so every surface
 * agrees with the date it shows, by the lead time's own rule (`countToSubmitBy`).
 */
export function submitByStanding(rotation: Pick<Rotation, 'submitBy'>, context: StandingContext): SubmitByStanding {
  const { calendar } = context.policy;
  const today = todayIn(calendar, context.now);
  return { businessDaysLeft: countToSubmitBy(rotation.submitBy, today, calendar).businessDaysLeft, late: today > rotation.submitBy };
}

/** Business days from today to the policy deadline; negative once past. */
export function businessDaysToDeadline(rotation: Pick<Rotation, 'deadline'>, context: StandingContext): number {
  const { calendar } = context.policy;
  return businessDaysBetween(todayIn(calendar, context.now), rotation.deadline, calendar);
}

/**
 * Most urgent first: late ones (today is after submit-by) first, then by
 * submit-by date, earliest first, then by id so the order is stable. Pure:
 * returns a sorted copy. The list, the digest and the App Home order by this.
 */
export function sortByUrgency<R extends Rotation>(rotations: readonly R[], context: StandingContext): R[] {
  // Only whether submit-by has passed matters here; counting business days for each of many rotations is not needed.
  const today = todayIn(context.policy.calendar, context.now);
  const keyed = rotations.map((rotation) => ({ rotation, late: today > rotation.submitBy }));
  keyed.sort((a, b) => {
    if (a.late !== b.late) return a.late ? -1 : 1;
    if (a.rotation.submitBy !== b.rotation.submitBy) return a.rotation.submitBy < b.rotation.submitBy ? -1 : 1;
    return a.rotation.id < b.rotation.id ? -1 : a.rotation.id > b.rotation.id ? 1 : 0;
  });
  return keyed.map((k) => k.rotation);
}

/** How many open and planned rotations stand where on one day: what the metrics' rotation gauges show. */
export interface RotationCensus {
  /** Every state of ACTIVE_STATUSES, 0 when none is in it. */
  byState: Record<string, number>;
  /** Open rotations requested after their submit-by date (the domain's "late", by the business days they were short). */
  late: number;
  /** Open rotations not yet submitted to the vendor whose submit-by date has passed. */
  pastSubmitBy: number;
  /** Open rotations whose policy deadline has passed. */
  pastDeadline: number;
}

/** Counts `rotations` (open and planned ones, as `active()` reads them) as they stand on `today`. */
export function takeCensus(rotations: readonly Rotation[], today: CalendarDate): RotationCensus {
  const census: RotationCensus = { byState: Object.fromEntries(ACTIVE_STATUSES.map((status) => [status, 0])), late: 0, pastSubmitBy: 0, pastDeadline: 0 };
  for (const rotation of rotations) {
    census.byState[rotation.status] = (census.byState[rotation.status] ?? 0) + 1;
    if (!isOpen(rotation)) continue;
    if (rotation.lateByBusinessDays > 0) census.late += 1;
    if (awaitsSubmission(rotation) && today > rotation.submitBy) census.pastSubmitBy += 1;
    if (today > rotation.deadline) census.pastDeadline += 1;
  }
  return census;
}
