import {
  addCalendarDays,
  businessDayOnOrBefore,
  isBusinessDay,
  subtractBusinessDays,
  todayIn,
  type BusinessCalendar,
  type CalendarDate,
} from './calendar';
import { REMINDER_KINDS, reminderKey, type ReminderKind, type ReminderOccurrence, type ReminderPolicy } from './reminder-kinds';
import { isTransition, NOT_SUBMITTED_STATUSES, OPEN_STATUSES, type Rotation, type RotationStatus } from './rotation';
import { wallClockToInstant } from './step-inputs';

/**
 * The reminder plan: when each kind falls
 * due for a rotation, as pure functions of the rotation, the policy and the
 * instants passed in. Windows are half-open, (after, until], so consecutive
 * ticks never see one occurrence twice.
 */
export interface ReminderWindow {
  after: Date;
  until: Date;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** How far `nextOccurrence` looks ahead: past the longest gap any kind can have (a yearly next cycle). */
const SEARCH_DAYS = 400;

/** The submit reminders' states: open and not yet submitted (a planned cycle has its own, next_cycle). */
const TO_SUBMIT = OPEN_STATUSES.filter((status) => NOT_SUBMITTED_STATUSES.includes(status));

/** The table's "while" column: the states in which each kind is still useful. */
const WHILE: Record<ReminderKind, readonly RotationStatus[]> = {
  approval_pending: ['requested'],
  submit_soon: TO_SUBMIT,
  submit_due: TO_SUBMIT,
  submit_overdue: TO_SUBMIT,
  no_meeting_yet: ['submitted'],
  meeting_tomorrow: ['meeting_scheduled'],
  meeting_in_one_hour: ['meeting_scheduled'],
  confirm_receipt: ['meeting_scheduled'],
  deadline_near: OPEN_STATUSES,
  next_cycle: ['planned'],
};

/** Business days after which the day-based reminders fall (the table's "when" column). */
const SUBMIT_SOON_DAYS = 3;
const NO_MEETING_FIRST_DAYS = 3;
const NO_MEETING_EVERY_DAYS = 2;
const DEADLINE_NEAR_DAYS = 2;
const NEXT_CYCLE_DAYS = 5;
const MEETING_LEAD_MS: Record<'meeting_tomorrow' | 'meeting_in_one_hour', number> = {
  meeting_tomorrow: 24 * HOUR_MS,
  meeting_in_one_hour: HOUR_MS,
};

/** The instant of the reminder hour on a date in the policy's zone (the zone's own offset that day). */
export function reminderTime(date: CalendarDate, policy: ReminderPolicy): Date {
  const hour = String(policy.reminderHour).padStart(2, '0');
  return wallClockToInstant(date, `${hour}:00`, policy.calendar.timeZone);
}

export function appliesTo(kind: ReminderKind, rotation: Rotation): boolean {
  return WHILE[kind].includes(rotation.status);
}

function applicableKinds(rotation: Rotation): ReminderKind[] {
  return REMINDER_KINDS.filter((kind) => appliesTo(kind, rotation));
}

/**
 * When the rotation became the request it is now: the latest entry into
 * `requested` or `planned`. A started next cycle keeps the planned rotation's
 * `createdAt`, weeks before anyone asked for approval, so that cannot be used.
 */
function requestedAt(rotation: Rotation): number {
  for (let i = rotation.history.length - 1; i >= 0; i -= 1) {
    const entry = rotation.history[i];
    if (entry && isTransition(entry) && (entry.to === 'requested' || entry.to === 'planned')) return parseInstant(entry.at);
  }
  return parseInstant(rotation.createdAt);
}

function parseInstant(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

function laterDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a > b ? a : b;
}

/** Business days strictly after `start`, up to and including `last`. */
function* businessDaysAfter(start: CalendarDate, last: CalendarDate, calendar: BusinessCalendar): Generator<CalendarDate> {
  for (let day = addCalendarDays(start, 1); day <= last; day = addCalendarDays(day, 1)) {
    if (isBusinessDay(day, calendar)) yield day;
  }
}

function meetingReminderAt(kind: 'meeting_tomorrow' | 'meeting_in_one_hour', meeting: { startsAt: string; at: string }): number | undefined {
  const due = parseInstant(meeting.startsAt) - MEETING_LEAD_MS[kind];
  // A meeting set up less than 24 h (or 1 h) ahead has no such reminder: it would be due before anyone knew of the meeting.
  return due > parseInstant(meeting.at) ? due : undefined;
}

/**
 * Candidate due instants of one kind in ascending order, without the window's
 * lower bound applied; day-based kinds stop at the local date of `until`, and
 * repeating ones start near the local date of `after`, so a long history or a
 * year-long window costs one step per calendar day of the window, not more.
 */
function* candidateTimes(kind: ReminderKind, rotation: Rotation, policy: ReminderPolicy, window: ReminderWindow): Generator<Date> {
  const { calendar } = policy;
  const lastDate = todayIn(calendar, window.until);
  // A reminder time always lies on its own local date, so dates before the local date of `after` cannot be in the window.
  const skipTo = addCalendarDays(todayIn(calendar, window.after), -1);
  const atHour = (date: CalendarDate): Date => reminderTime(date, policy);
  const daily = function* (after: CalendarDate): Generator<Date> {
    for (const day of businessDaysAfter(laterDate(after, skipTo), lastDate, calendar)) yield atHour(day);
  };
  switch (kind) {
    case 'approval_pending': {
      const requested = requestedAt(rotation);
      yield* daily(Number.isFinite(requested) ? todayIn(calendar, new Date(requested)) : skipTo);
      return;
    }
    case 'submit_soon':
      yield atHour(subtractBusinessDays(rotation.submitBy, SUBMIT_SOON_DAYS, calendar));
      return;
    case 'submit_due':
      yield atHour(rotation.submitBy);
      return;
    case 'submit_overdue':
      yield* daily(rotation.submitBy);
      return;
    case 'no_meeting_yet': {
      if (rotation.status !== 'submitted') return;
      const first = subtractBusinessDays(rotation.submission.submittedOn, -NO_MEETING_FIRST_DAYS, calendar);
      for (let day = first; day <= lastDate; day = subtractBusinessDays(day, -NO_MEETING_EVERY_DAYS, calendar)) yield atHour(day);
      return;
    }
    case 'meeting_tomorrow':
    case 'meeting_in_one_hour': {
      if (rotation.status !== 'meeting_scheduled') return;
      const due = meetingReminderAt(kind, rotation.meeting);
      if (due !== undefined) yield new Date(due);
      return;
    }
    case 'confirm_receipt':
      if (rotation.status !== 'meeting_scheduled') return;
      // The meeting's local date in the policy's zone: 23:30Z is still "today" in Los Angeles but "tomorrow" in Tokyo.
      yield* daily(todayIn(calendar, new Date(rotation.meeting.startsAt)));
      return;
    case 'deadline_near': {
      const onTheDay = businessDayOnOrBefore(rotation.deadline, calendar);
      yield atHour(subtractBusinessDays(onTheDay, DEADLINE_NEAR_DAYS, calendar));
      yield atHour(onTheDay);
      return;
    }
    case 'next_cycle':
      yield atHour(subtractBusinessDays(rotation.submitBy, NEXT_CYCLE_DAYS, calendar));
      return;
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}

function toOccurrence(rotationId: string, kind: ReminderKind, dueAt: Date): ReminderOccurrence {
  const iso = dueAt.toISOString();
  return { rotationId, kind, dueAt: iso, key: reminderKey(rotationId, kind, iso) };
}

/** Occurrences in (after, until], lazily and in ascending order; none before the rotation was requested. */
function* occurrencesIn(kind: ReminderKind, rotation: Rotation, policy: ReminderPolicy, window: ReminderWindow): Generator<ReminderOccurrence> {
  if (!appliesTo(kind, rotation)) return;
  const until = window.until.getTime();
  const after = Math.max(window.after.getTime(), requestedAt(rotation));
  if (until <= after) return;
  for (const dueAt of candidateTimes(kind, rotation, policy, window)) {
    const ms = dueAt.getTime();
    if (ms > until) return;
    if (ms > after) yield toOccurrence(rotation.id, kind, dueAt);
  }
}

function byDueAt(a: ReminderOccurrence, b: ReminderOccurrence): number {
  return Date.parse(a.dueAt) - Date.parse(b.dueAt) || REMINDER_KINDS.indexOf(a.kind) - REMINDER_KINDS.indexOf(b.kind);
}

export function occurrencesOf(kind: ReminderKind, rotation: Rotation, policy: ReminderPolicy, window: ReminderWindow): ReminderOccurrence[] {
  return [...occurrencesIn(kind, rotation, policy, window)];
}

export function nextOccurrence(kind: ReminderKind, rotation: Rotation, policy: ReminderPolicy, after: Date): ReminderOccurrence | undefined {
  const until = new Date(after.getTime() + SEARCH_DAYS * DAY_MS);
  for (const occurrence of occurrencesIn(kind, rotation, policy, { after, until })) return occurrence;
  return undefined;
}

/** The next occurrence of every kind that applies, earliest first: what the durable schedule holds for a rotation. */
export function nextOccurrences(rotation: Rotation, policy: ReminderPolicy, after: Date): ReminderOccurrence[] {
  return applicableKinds(rotation)
    .map((kind) => nextOccurrence(kind, rotation, policy, after))
    .filter((o): o is ReminderOccurrence => o !== undefined)
    .sort(byDueAt);
}

/** The last occurrence in the window: after an outage, a repeating kind is sent once, for its latest day. */
export function latestDue(kind: ReminderKind, rotation: Rotation, policy: ReminderPolicy, window: ReminderWindow): ReminderOccurrence | undefined {
  let latest: ReminderOccurrence | undefined;
  for (const occurrence of occurrencesIn(kind, rotation, policy, window)) latest = occurrence;
  return latest;
}

/**
 * Whether an occurrence computed earlier is still worth sending to the rotation
 * as it is now. A rescheduled meeting invalidates the old meeting reminders
 * (their due time no longer matches) and the confirmations due before the new
 * start; a meeting that has started needs no "starts soon" reminder.
 */
export function stillApplies(occurrence: ReminderOccurrence, rotation: Rotation, now: Date): boolean {
  if (occurrence.rotationId !== rotation.id || !appliesTo(occurrence.kind, rotation)) return false;
  const kind = occurrence.kind;
  switch (kind) {
    case 'meeting_tomorrow':
    case 'meeting_in_one_hour': {
      if (rotation.status !== 'meeting_scheduled') return false;
      const current = meetingReminderAt(kind, rotation.meeting);
      return now.getTime() < parseInstant(rotation.meeting.startsAt) && current === parseInstant(occurrence.dueAt);
    }
    case 'confirm_receipt':
      return rotation.status === 'meeting_scheduled' && parseInstant(occurrence.dueAt) > parseInstant(rotation.meeting.startsAt);
    default:
      return true;
  }
}

/** Every occurrence of every applicable kind in the window, in order: the offline preview's schedule. */
export function reminderSchedule(rotation: Rotation, policy: ReminderPolicy, window: ReminderWindow): ReminderOccurrence[] {
  return applicableKinds(rotation)
    .flatMap((kind) => occurrencesOf(kind, rotation, policy, window))
    .sort(byDueAt);
}

function weekday(date: CalendarDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The next weekly digest strictly after `after`; digest days are not moved for holidays (a summary, not a task). */
export function nextDigest(policy: ReminderPolicy, after: Date): Date | undefined {
  if (policy.digestDay === 'off') return undefined;
  const start = todayIn(policy.calendar, after);
  for (let offset = 0; offset <= 7; offset += 1) {
    const day = addCalendarDays(start, offset);
    if (weekday(day) !== policy.digestDay) continue;
    const at = reminderTime(day, policy);
    if (at.getTime() > after.getTime()) return at;
  }
  return undefined;
}
