import { format } from 'date-fns';
import { tz } from '@date-fns/tz';

/**
 * Calendar dates are `YYYY-MM-DD` strings: a policy deadline is a day, not an
 * instant, so it carries no time zone. "Today" is derived from an instant in
 * the configured zone (`todayIn`); everything after that is plain calendar math.
 */
export type CalendarDate = string;

export interface BusinessCalendar {
  /** IANA zone in which "today" and reminder hours are read. */
  timeZone: string;
  /** Dates that are not business days, besides Saturdays and Sundays. */
  holidays: ReadonlySet<CalendarDate>;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether the runtime knows an IANA zone name. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function isCalendarDate(value: string): value is CalendarDate {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const DAY_MS = 86_400_000;

// Calendar arithmetic runs on whole days since the epoch (midnight UTC), so
// that no zone offset or DST change can move a date; the configured zone only
// matters when reading "today". Plain integers rather than zoned Date objects:
// business-day counts run for every rotation a dashboard shows.
function toEpochDay(date: CalendarDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function fromEpochDay(day: number): CalendarDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Saturday or Sunday (1970-01-01, epoch day 0, was a Thursday). */
function isWeekendDay(epochDay: number): boolean {
  const weekday = (((epochDay + 4) % 7) + 7) % 7; // 0 = Sunday
  return weekday === 0 || weekday === 6;
}

export function addCalendarDays(date: CalendarDate, days: number): CalendarDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** The calendar date that `now` falls on in the calendar's zone. */
export function todayIn(calendar: Pick<BusinessCalendar, 'timeZone'>, now: Date): CalendarDate {
  return format(now, 'yyyy-MM-dd', { in: tz(calendar.timeZone) });
}

export function isBusinessDay(date: CalendarDate, calendar: BusinessCalendar): boolean {
  return !isWeekendDay(toEpochDay(date)) && !calendar.holidays.has(date);
}

/** The date itself when it is a business day, else the closest business day before it. */
export function businessDayOnOrBefore(date: CalendarDate, calendar: BusinessCalendar): CalendarDate {
  let day = date;
  while (!isBusinessDay(day, calendar)) day = addCalendarDays(day, -1);
  return day;
}

/** The date itself when it is a business day, else the closest business day after it. */
export function businessDayOnOrAfter(date: CalendarDate, calendar: BusinessCalendar): CalendarDate {
  let day = date;
  while (!isBusinessDay(day, calendar)) day = addCalendarDays(day, 1);
  return day;
}

/** Moves `count` business days back (negative: forward) from a date, skipping weekends and holidays. */
export function subtractBusinessDays(date: CalendarDate, count: number, calendar: BusinessCalendar): CalendarDate {
  const step = count >= 0 ? -1 : 1;
  let day = date;
  for (let moved = 0; moved < Math.abs(count); moved += 1) {
    day = addCalendarDays(day, step);
    while (!isBusinessDay(day, calendar)) day = addCalendarDays(day, step);
  }
  return day;
}

/**
 * Business days in the half-open range (from, to]: how many working days are
 * left from `from` until `to`, counting `to` itself. Negative when `to` is
 * before `from` (the days already past).
 */
export function businessDaysBetween(from: CalendarDate, to: CalendarDate, calendar: BusinessCalendar): number {
  if (to === from) return 0;
  const [start, end, sign] = from < to ? [from, to, 1] : [to, from, -1];
  const first = toEpochDay(start) + 1;
  const last = toEpochDay(end);
  // Whole weeks hold five weekdays each; the few days left over are looked at one by one.
  const days = last - first + 1;
  let count = Math.floor(days / 7) * 5;
  for (let day = first + Math.floor(days / 7) * 7; day <= last; day += 1) if (!isWeekendDay(day)) count += 1;
  for (const holiday of calendar.holidays) {
    if (holiday > start && holiday <= end && isCalendarDate(holiday) && !isWeekendDay(toEpochDay(holiday))) count -= 1;
  }
  // Never -0 (a reverse range without business days): Object.is and Jest's toBe tell it from 0.
  return count === 0 ? 0 : sign * count;
}

/**
 * The last day the vendor's service request may be opened: the deadline moved
 * back to a business day (the vendor works business days), then `leadDays`
 * business days earlier. Never lenient: a Saturday deadline counts from Friday.
 */
export function submitByDate(deadline: CalendarDate, leadDays: number, calendar: BusinessCalendar): CalendarDate {
  return subtractBusinessDays(businessDayOnOrBefore(deadline, calendar), leadDays, calendar);
}

const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A calendar date as people read it, e.g. `Mon 4 Jan 2027`: the weekday makes a
 * weekend or a wrong year obvious, and the month's name leaves no doubt about
 * day-month order. Plain text on purpose, never a Slack date token: a token is
 * rendered in each reader's own zone, which moves a date by a day for readers
 * far east or west of the policy's zone. Anything that is not a date is
 * returned as it is (a damaged record still shows what it holds).
 */
export function formatCalendarDate(date: CalendarDate): string {
  if (!isCalendarDate(date)) return date;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const weekday = WEEKDAY_NAMES[(((toEpochDay(date) + 4) % 7) + 7) % 7];
  return `${weekday} ${d} ${MONTH_NAMES[m - 1]} ${y}`;
}
