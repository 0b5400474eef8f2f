#!/usr/bin/env node
import { readOptions } from './command-line';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { ConfigError, loadPolicyConfig } from '../config';
import {
  addCalendarDays,
  businessDayOnOrBefore,
  businessDaysBetween,
  formatCalendarDate,
  isCalendarDate,
  subtractBusinessDays,
  todayIn,
  type BusinessCalendar,
  type CalendarDate,
} from '../domain/calendar';
import { AUDIENCE, type Audience, type ReminderKind } from '../domain/reminder-kinds';
import { reminderSchedule } from '../domain/reminders';
import { createRotation, ENVIRONMENT_TYPES, leadTime, type EnvironmentType, type LeadTimePolicy } from '../domain/rotation';
import { validateRotationRequest, type RequestField } from '../domain/rotation-request';
import { looksLikeSecret } from '../domain/secret-detector';
import { buildServiceRequest, PORTAL_NOTES, PORTAL_STEPS } from '../domain/service-request';
import { wallClockToInstant } from '../domain/step-inputs';
import { REMINDER_LABELS } from '../slack/views/labels';

/** What the preview shows: a request that already passed validation, and the day it would be made. */
export interface PreviewInput {
  /** Normalised by `validateRotationRequest`. */
  instanceUrl: string;
  environmentType: EnvironmentType;
  deadline: CalendarDate;
  today: CalendarDate;
  policy: LeadTimePolicy;
  /** Local hour of the day-based reminders (WFI_REMINDER_HOUR); the bot's default, 9, when not given. */
  reminderHour?: number;
}

/** WFI_REMINDER_HOUR's default, for a preview rendered without one. */
export const DEFAULT_REMINDER_HOUR = 9;
/** The schedule runs this many business days past the deadline: long enough to show the escalations. */
export const SCHEDULE_BUSINESS_DAYS_AFTER_DEADLINE = 10;

/** Who the preview's rotation involves: placeholders, as nobody is asked for. */
const PREVIEW_CHANNEL_ID = 'C0PREVIEW';
const PREVIEW_USER_ID = 'U0PREVIEW';
const PREVIEW_ROTATION_ID = 'ROT-PREVEW';

export const USAGE = `Usage: wfi-rotate-preview --url URL --deadline YYYY-MM-DD [options]

Prints the vendor's service request for rotating the Workforce Intelligence
client secret, and the date by which it must be submitted. Offline: nothing is
sent to Slack or to the vendor, and no Slack token is needed.

Options:
  --url URL              the instance URL, e.g. https://acme.wfi.pega.com
  --deadline YYYY-MM-DD  the deadline from your security policy
  --environment TYPE     ${ENVIRONMENT_TYPES.join(' | ')} (default: Production)
  --today YYYY-MM-DD     the day the request would be made (default: today in WFI_TIMEZONE)
  --reminder-hour H      the local hour of the reminders, 0-23 (default: WFI_REMINDER_HOUR, else 9)
  -h, --help             show this help

Environment: WFI_TIMEZONE, WFI_HOLIDAYS, WFI_LEAD_BUSINESS_DAYS,
WFI_REMINDER_HOUR and WFI_INSTANCE_DOMAIN, as for the bot (see README.md,
"Configuration").

Exit status: 0 preview printed, 2 bad option or configuration.
`;

const businessDays = (count: number) => `${count} business day${count === 1 ? '' : 's'}`;

/** The same three answers as the Slack message: days left, due today, or late. */
function standing(input: PreviewInput, submitBy: CalendarDate): string {
  const { businessDaysLeft, lateByBusinessDays } = leadTime(input.deadline, input.today, input.policy);
  if (lateByBusinessDays > 0) {
    return (
      `LATE by ${businessDays(lateByBusinessDays)}: a request made today is after its submit-by date ` +
      `(${formatCalendarDate(submitBy)}), ${businessDays(lateByBusinessDays)} short of the vendor's ` +
      `${input.policy.leadBusinessDays}-business-day lead time. ` +
      'Open the portal request today and mention the policy deadline to the vendor.'
    );
  }
  if (businessDaysLeft === 0) return 'due today: open the portal request today';
  return `${businessDays(businessDaysLeft)} left until submit-by`;
}

function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`);
}

const AUDIENCE_NAMES: Record<Audience, string> = {
  approvers: 'approvers',
  requester: 'requester',
  attendees: 'attendees',
  meeting_attendees: 'meeting attendees',
};

/**
 * The kinds that repeat until someone acts, and what stops each: printed once,
 * as "every business day at 09:00 from … until approved", not once a day.
 */
const REPEATS_UNTIL: Partial<Record<ReminderKind, string>> = {
  approval_pending: 'approved',
  submit_overdue: 'the portal request is recorded',
  no_meeting_yet: 'a meeting is set',
  confirm_receipt: 'the secret is received',
};

/** One reminder as the preview lists it: its local date and time. */
interface LocalOccurrence {
  date: CalendarDate;
  time: string;
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The business days from each occurrence to the next, when they are all the same and at one time of day; else undefined. */
function steadyInterval(occurrences: readonly LocalOccurrence[], calendar: BusinessCalendar): number | undefined {
  const [first, second] = occurrences;
  if (!first || !second) return undefined;
  const step = businessDaysBetween(first.date, second.date, calendar);
  const steady = occurrences.every(
    (o, i) => o.time === first.time && (i === 0 || businessDaysBetween((occurrences[i - 1] as LocalOccurrence).date, o.date, calendar) === step),
  );
  return steady && step > 0 ? step : undefined;
}

/**
 * When one kind falls due, in words: "Tue 3 Mar 2026 09:00", or "every
 * business day from Mon 23 Feb 2026 09:00 until approved". A due time is an
 * instant, so it is always written with its time of day (in WFI_TIMEZONE), as
 * on every other surface: a date alone is a calendar date of the rotation.
 */
function whenText(kind: ReminderKind, occurrences: readonly LocalOccurrence[], calendar: BusinessCalendar): string {
  const at = (o: LocalOccurrence) => `${formatCalendarDate(o.date)} ${o.time}`;
  const until = REPEATS_UNTIL[kind];
  const step = until === undefined ? undefined : steadyInterval(occurrences, calendar);
  if (until !== undefined && (step !== undefined || occurrences.length === 1)) {
    const every = step === undefined || step === 1 ? 'every business day' : `every ${step} business days`;
    return `${every} from ${at(occurrences[0] as LocalOccurrence)} until ${until}`;
  }
  return listed(occurrences.map(at));
}

/**
 * The reminders a rotation requested today would get if nobody acted, one
 * line per kind, earliest first: when (a repeating kind once, with what stops
 * it), in the policy's zone, and who it mentions. Worked out over the days
 * from today to some business days after the deadline.
 */
export function reminderScheduleLines(input: PreviewInput): string[] {
  const { calendar } = input.policy;
  const zone = calendar.timeZone;
  const reminderHour = input.reminderHour ?? DEFAULT_REMINDER_HOUR;
  const startOfToday = wallClockToInstant(input.today, '00:00', zone);
  const rotation = createRotation(
    {
      instanceUrl: input.instanceUrl,
      environmentType: input.environmentType,
      deadline: input.deadline,
      channelId: PREVIEW_CHANNEL_ID,
      attendeeIds: [PREVIEW_USER_ID],
    },
    { id: PREVIEW_ROTATION_ID, requesterId: PREVIEW_USER_ID, now: startOfToday, policy: input.policy },
  );
  const lastDay = subtractBusinessDays(input.deadline, -SCHEDULE_BUSINESS_DAYS_AFTER_DEADLINE, calendar);
  // The window is (after, until]: up to the last instant of the last day.
  const until = new Date(wallClockToInstant(addCalendarDays(lastDay, 1), '00:00', zone).getTime() - 1);
  const occurrences = reminderSchedule(
    rotation,
    { calendar, leadBusinessDays: input.policy.leadBusinessDays, reminderHour, digestDay: 'off' },
    { after: startOfToday, until },
  );
  // In order of each kind's first occurrence: the schedule comes earliest first.
  const byKind = new Map<ReminderKind, LocalOccurrence[]>();
  for (const o of occurrences) {
    const local = new TZDate(Date.parse(o.dueAt), zone);
    byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), { date: todayIn(calendar, local), time: format(local, 'HH:mm') }]);
  }
  const rows = [...byKind].map(([kind, local]) => [REMINDER_LABELS[kind], whenText(kind, local, calendar), AUDIENCE[kind].map((a) => AUDIENCE_NAMES[a]).join(', ')] as const);
  const labelWidth = Math.max(0, ...rows.map(([label]) => label.length));
  const hour = `${String(reminderHour).padStart(2, '0')}:00`;
  return [
    `Reminders if the request is made today and nobody acts (day-based ones at ${hour} ${zone}, on business days):`,
    ...(rows.length > 0 ? rows.map(([label, when, who]) => `  ${label.padEnd(labelWidth)}  ${when}; mentions ${who}`) : ['  (none)']),
    'The others are dropped once the rotation is past them: submit soon and submit today once the portal request ' +
      'is recorded, deadline near once the rotation is completed.',
    'Not listed, as they depend on dates not known yet: no meeting yet (after submission); meeting tomorrow, ' +
      'meeting in one hour and confirm receipt (once a meeting is set); next cycle due (once a rotation set to rotate again is completed).',
  ];
}

/** The whole preview as plain text. Pure: the day and the policy come in as arguments. */
export function renderPreview(input: PreviewInput): string {
  const { calendar, leadBusinessDays } = input.policy;
  const { submitBy } = leadTime(input.deadline, input.today, input.policy);
  const countedFrom = businessDayOnOrBefore(input.deadline, calendar);
  const deadline =
    countedFrom === input.deadline
      ? formatCalendarDate(input.deadline)
      : `${formatCalendarDate(input.deadline)} (not a business day: counted from ${formatCalendarDate(countedFrom)})`;
  const holidays = calendar.holidays.size;

  const sections: string[][] = [
    [
      'WFI client secret rotation: preview',
      '',
      ...table([
        ['Instance URL', input.instanceUrl],
        ['Environment type', input.environmentType],
        ['Policy deadline', deadline],
        ['Submit by', `${formatCalendarDate(submitBy)} (${businessDays(leadBusinessDays)} before the deadline)`],
        ['Today', formatCalendarDate(input.today)],
        ['Time left', standing(input, submitBy)],
      ]),
      `(Business days: Monday to Friday in ${calendar.timeZone}` +
        `${holidays > 0 ? `, minus ${holidays} holiday${holidays === 1 ? '' : 's'} from WFI_HOLIDAYS` : ''}.)`,
    ],
    [
      "Service request for the vendor's portal (copy each value into the field of the same name):",
      ...buildServiceRequest(input).map((field) => `  ${field.tab} tab · ${field.label}: ${field.value}`),
    ],
    ['Steps in the portal:', ...PORTAL_STEPS.map((step, i) => `  ${i + 1}. ${step}`)],
    [PORTAL_NOTES, 'The new secret is handed over in the meeting: never paste it in Slack or in the portal request.'],
    reminderScheduleLines(input),
  ];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

export interface PreviewIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: PreviewIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const OPTION_OF: Record<RequestField, string> = {
  instanceUrl: '--url',
  environmentType: '--environment',
  deadline: '--deadline',
  // The CLI fills these with placeholders; named anyway so a future check cannot fail silently.
  channelId: 'channel',
  attendeeIds: 'attendees',
  notes: 'notes',
  rotationIntervalDays: 'rotate-again-every',
};

/** Accepts `production` as well as `Production`; anything else is refused by optionProblems. */
function environmentOption(value: string | undefined): string | undefined {
  return ENVIRONMENT_TYPES.find((type) => type.toLowerCase() === value?.trim().toLowerCase()) ?? value;
}

/** The options in the order of the usage, which is the order their problems are printed in. */
const OPTION_ORDER = ['--url', '--deadline', '--environment', '--today', '--reminder-hour'];

/** `(got "VALUE")`, unless the value looks like a secret pasted into the wrong place: that is not printed again. */
const got = (value: string) => (looksLikeSecret(value) ? '(the value looks like a secret and is not printed)' : `(got "${value}")`);

interface PreviewOptions {
  url?: string;
  deadline?: string;
  environment?: string;
  today?: string;
  'reminder-hour'?: string;
}

/** What is wrong with the options themselves, in a command line's words (missing, or not in the form the option takes), by option. */
function optionProblems(values: PreviewOptions, instanceDomain: string): Map<string, string> {
  const problems = new Map<string, string>();
  if (values.url === undefined || values.url.trim() === '') problems.set('--url', `--url is required: the instance URL, e.g. https://acme.${instanceDomain}`);
  if (values.deadline === undefined || values.deadline.trim() === '') {
    problems.set('--deadline', '--deadline is required: the deadline from your security policy, as YYYY-MM-DD');
  } else if (!isCalendarDate(values.deadline)) {
    problems.set('--deadline', `--deadline must be a date as YYYY-MM-DD ${got(values.deadline)}`);
  }
  const environment = environmentOption(values.environment);
  if (environment !== undefined && !(ENVIRONMENT_TYPES as readonly string[]).includes(environment)) {
    problems.set('--environment', `--environment must be one of ${ENVIRONMENT_TYPES.join(', ')} ${got(environment)}`);
  }
  if (values.today !== undefined && !isCalendarDate(values.today)) problems.set('--today', `--today must be a date as YYYY-MM-DD ${got(values.today)}`);
  const hour = values['reminder-hour'];
  if (hour !== undefined && !/^(?:[01]?\d|2[0-3])$/.test(hour.trim())) {
    problems.set('--reminder-hour', `--reminder-hour must be a whole hour from 0 to 23 ${got(hour)}`);
  }
  return problems;
}

/** A check of the request itself (the URL's shape, a deadline in the past), as the form words it, after the option and its value. */
function requestProblem(option: string, value: string | undefined, message: string): string {
  const said = message.charAt(0).toLowerCase() + message.slice(1);
  return value === undefined || looksLikeSecret(value) ? `${option}: ${said}` : `${option} ${value}: ${said}`;
}

/**
 * The command line: parses, loads the policy from the environment, validates
 * like the request modal and prints. Returns the exit code instead of exiting,
 * so tests can run it in-process. `env` defaults to the process environment
 * inside `loadPolicyConfig`, the only place that reads it.
 */
export function main(
  argv: readonly string[],
  env?: Record<string, string | undefined>,
  now: Date = new Date(),
  io: PreviewIo = processIo,
): number {
  const read = readOptions(argv, ['url', 'deadline', 'environment', 'today', 'reminder-hour'], USAGE, io, 2);
  if ('exitCode' in read) return read.exitCode;
  const { values } = read;

  let policy;
  try {
    policy = loadPolicyConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`${error.message}\n`);
    return 2;
  }

  // Every problem at once: the options' own, then what the request's checks find in the options that passed theirs.
  const problems = optionProblems(values, policy.instanceDomain);
  const today = values.today !== undefined && isCalendarDate(values.today) ? values.today : todayIn(policy.calendar, now);
  const raw = { instanceUrl: values.url, environmentType: environmentOption(values.environment), deadline: values.deadline };
  const result = validateRotationRequest(
    { ...raw, channelId: PREVIEW_CHANNEL_ID, attendeeIds: [PREVIEW_USER_ID] },
    { instanceDomain: policy.instanceDomain, today },
  );
  if (!result.ok) {
    for (const [field, message] of Object.entries(result.errors)) {
      const option = OPTION_OF[field as RequestField];
      if (!problems.has(option)) problems.set(option, requestProblem(option, raw[field as keyof typeof raw], message));
    }
  }
  if (problems.size > 0 || !result.ok) {
    const inOrder = [...problems].sort(([a], [b]) => OPTION_ORDER.indexOf(a) - OPTION_ORDER.indexOf(b)).map(([, problem]) => problem);
    io.stderr(`${inOrder.join('\n')}\nRun wfi-rotate-preview --help for usage.\n`);
    return 2;
  }
  const hourOption = values['reminder-hour'];
  const reminderHour = hourOption !== undefined ? Number(hourOption.trim()) : policy.reminderHour;

  io.stdout(
    renderPreview({
      instanceUrl: result.request.instanceUrl,
      environmentType: result.request.environmentType,
      deadline: result.request.deadline,
      today,
      policy,
      reminderHour,
    }),
  );
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
