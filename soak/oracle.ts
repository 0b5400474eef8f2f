import { TZDate } from '@date-fns/tz';

/**
 * The reminder table of the domain rules, written a second time on purpose:
 * plain, day by day, from the rotations' final histories, sharing no code
 * with src/domain (only the store's record shape). The soak compares what it
 * says was owed with what the fake Slack received.
 *
 * | kind | when | while |
 * | approval pending | 1 business day after the request, then every business day | requested |
 * | submit soon | 3 business days before submit-by | requested, approved |
 * | submit due | on the submit-by day | requested, approved |
 * | submit overdue | every business day after submit-by | requested, approved |
 * | no meeting yet | 3 business days after submission, then every 2 | submitted |
 * | meeting tomorrow / in one hour | 24 h and 1 h before the meeting | meeting_scheduled |
 * | confirm receipt | 1 business day after the meeting, then every business day | meeting_scheduled |
 * | deadline near | 2 business days before the deadline (or the business day before it), and on it | open |
 * | next cycle | 5 business days before a planned rotation's submit-by | planned |
 *
 * A meeting reminder exists only if the meeting was set before it falls due.
 */

export interface OracleCalendar {
  timeZone: string;
  holidays: ReadonlySet<string>;
  reminderHour: number;
}

/** The parts of a stored rotation the oracle reads. */
export interface HistoryRotation {
  id: string;
  status: string;
  submitBy: string;
  deadline: string;
  history: Array<{ at: string; from: string | null; to: string; details?: Record<string, string>; event?: string }>;
}

export interface Owed {
  rotationId: string;
  kind: string;
  /** ISO instant. */
  dueAt: string;
}

const OPEN = ['requested', 'approved', 'submitted', 'meeting_scheduled'];
const NOT_SUBMITTED = ['requested', 'approved'];
export const WHILE: Record<string, string[]> = {
  approval_pending: ['requested'],
  submit_soon: NOT_SUBMITTED,
  submit_due: NOT_SUBMITTED,
  submit_overdue: NOT_SUBMITTED,
  no_meeting_yet: ['submitted'],
  meeting_tomorrow: ['meeting_scheduled'],
  meeting_in_one_hour: ['meeting_scheduled'],
  confirm_receipt: ['meeting_scheduled'],
  deadline_near: OPEN,
  next_cycle: ['planned'],
};

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The calendar date `date` plus `days`, as YYYY-MM-DD. */
function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function isWorkday(date: string, cal: OracleCalendar): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !cal.holidays.has(date);
}

/** `n` business days before `date` (after it when n is negative), counted one day at a time. */
function workdaysFrom(date: string, n: number, cal: OracleCalendar): string {
  const step = n >= 0 ? -1 : 1;
  let day = date;
  for (let left = Math.abs(n); left > 0; ) {
    day = plusDays(day, step);
    if (isWorkday(day, cal)) left -= 1;
  }
  return day;
}

function workdayOnOrBefore(date: string, cal: OracleCalendar): string {
  let day = date;
  while (!isWorkday(day, cal)) day = plusDays(day, -1);
  return day;
}

/** The local date of an instant in the policy's zone. */
export function localDate(ms: number, cal: OracleCalendar): string {
  const t = new TZDate(ms, cal.timeZone);
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
}

/** The reminder hour on a local date, as an instant. */
function atHour(date: string, cal: OracleCalendar): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new TZDate(y, m - 1, d, cal.reminderHour, 0, 0, cal.timeZone).getTime();
}

interface Phase {
  from: number;
  status: string;
  /** The latest entry into requested or planned, as of this phase. */
  requestedAt: number;
  meeting?: { startsAt: number; setAt: number };
  submittedOn?: string;
}

/** The rotation's states over time, from its history's transitions (events change no state). */
export function phases(rotation: HistoryRotation): Phase[] {
  const out: Phase[] = [];
  let current: Phase | undefined;
  for (const entry of rotation.history) {
    if (entry.event) continue;
    const at = Date.parse(entry.at);
    const next: Phase = { ...(current ?? { requestedAt: at }), from: at, status: entry.to };
    if (entry.to === 'requested' || entry.to === 'planned') next.requestedAt = at;
    if (entry.to === 'submitted') next.submittedOn = entry.details?.submittedOn;
    if (entry.to === 'meeting_scheduled' && entry.details?.startsAt) next.meeting = { startsAt: Date.parse(entry.details.startsAt), setAt: at };
    out.push(next);
    current = next;
  }
  return out;
}

export function phaseAt(list: Phase[], ms: number): Phase | undefined {
  let found: Phase | undefined;
  for (const phase of list) if (phase.from < ms) found = phase;
  return found;
}

/** Submit-by and deadline in a phase: a planned cycle's own until it is started. */
function datesOf(rotation: HistoryRotation, status: string): { submitBy: string; deadline: string } {
  if (status === 'planned') {
    const planned = rotation.history.find((e) => e.to === 'planned' && !e.event);
    if (planned?.details?.submitBy && planned.details.deadline) return { submitBy: planned.details.submitBy, deadline: planned.details.deadline };
  }
  return { submitBy: rotation.submitBy, deadline: rotation.deadline };
}

/** Every reminder the rotation was owed up to `until`, day by day. */
export function owedReminders(rotation: HistoryRotation, cal: OracleCalendar, until: number): Owed[] {
  const list = phases(rotation);
  const first = list[0];
  if (!first) return [];
  const owed: Owed[] = [];
  const owe = (kind: string, ms: number) => owed.push({ rotationId: rotation.id, kind, dueAt: new Date(ms).toISOString() });
  const applies = (kind: string, phase: Phase | undefined): phase is Phase => phase !== undefined && WHILE[kind]?.includes(phase.status) === true;

  // Day-based kinds: each calendar day of the rotation's life, at the reminder hour.
  for (let day = localDate(first.from, cal); atHour(day, cal) <= until + DAY; day = plusDays(day, 1)) {
    const t = atHour(day, cal);
    if (t > until) break;
    const phase = phaseAt(list, t);
    if (!phase || !isWorkday(day, cal)) continue;
    const { submitBy, deadline } = datesOf(rotation, phase.status);
    const requestedOn = localDate(phase.requestedAt, cal);
    if (applies('approval_pending', phase) && day > requestedOn) owe('approval_pending', t);
    if (applies('submit_soon', phase) && day === workdaysFrom(submitBy, 3, cal)) owe('submit_soon', t);
    if (applies('submit_due', phase) && day === submitBy) owe('submit_due', t);
    if (applies('submit_overdue', phase) && day > submitBy) owe('submit_overdue', t);
    if (applies('no_meeting_yet', phase) && phase.submittedOn) {
      for (let d = workdaysFrom(phase.submittedOn, -3, cal); d <= day; d = workdaysFrom(d, -2, cal)) if (d === day) owe('no_meeting_yet', t);
    }
    if (applies('confirm_receipt', phase) && phase.meeting && day > localDate(phase.meeting.startsAt, cal) && t > phase.meeting.startsAt) {
      owe('confirm_receipt', t);
    }
    const onTheDay = workdayOnOrBefore(deadline, cal);
    if (applies('deadline_near', phase) && (day === onTheDay || day === workdaysFrom(onTheDay, 2, cal))) owe('deadline_near', t);
    if (applies('next_cycle', phase) && day === workdaysFrom(submitBy, 5, cal)) owe('next_cycle', t);
  }
  // Meeting reminders: at exact times before the meeting in effect then, if it was set before.
  const seen = new Set<string>();
  for (const phase of list) {
    if (!phase.meeting) continue;
    for (const [kind, lead] of [['meeting_tomorrow', DAY], ['meeting_in_one_hour', HOUR]] as const) {
      const t = phase.meeting.startsAt - lead;
      const then = phaseAt(list, t);
      const key = `${kind}${t}`;
      if (t <= until && t > phase.meeting.setAt && applies(kind, then) && then.meeting?.startsAt === phase.meeting.startsAt && !seen.has(key)) {
        seen.add(key);
        owe(kind, t);
      }
    }
  }
  return owed;
}

/** Whether the rotation was still where a reminder of `kind` due at `dueAt` applies, at `ms`. */
export function stillOwedAt(rotation: HistoryRotation, kind: string, dueAt: number, ms: number): boolean {
  const list = phases(rotation);
  const then = phaseAt(list, dueAt);
  const now = phaseAt(list, ms);
  if (!now || !WHILE[kind]?.includes(now.status)) return false;
  if (kind === 'meeting_tomorrow' || kind === 'meeting_in_one_hour') return now.meeting?.startsAt === then?.meeting?.startsAt && ms < (now.meeting?.startsAt ?? 0);
  if (kind === 'confirm_receipt') return (now.meeting?.startsAt ?? Infinity) < dueAt;
  return true;
}
