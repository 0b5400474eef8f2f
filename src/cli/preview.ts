#!/usr/bin/env node
import { readOptions } from './command-line';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { ConfigError, loadPolicyConfig } from '../config';
import {
  addCalendarDays,
  businessDayOnOrBefore,
  formatCalendarDate,
  isCalendarDate,
  subtractBusinessDays,
  todayIn,
  type CalendarDate,
} from '../domain/calendar';
import { AUDIENCE, type Audience } from '../domain/reminder-kinds';
import { reminderSchedule } from '../domain/reminders';
import { createRotation, ENVIRONMENT_TYPES, leadTime, type EnvironmentType, type LeadTimePolicy } from '../domain/rotation';
import { validateRotationRequest, type RequestField } from '../domain/rotation-request';
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
 * Every reminder a rotation requested today would get if nobody acted, from
 * the start of today until some business days after the deadline: one line
 * each, at its local time in the policy's zone, with who it mentions.
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
  const rows = occurrences.map((o) => {
    const local = new TZDate(Date.parse(o.dueAt), zone);
    return [
      `${formatCalendarDate(todayIn(calendar, local))} ${format(local, 'HH:mm')}`,
      REMINDER_LABELS[o.kind],
      AUDIENCE[o.kind].map((a) => AUDIENCE_NAMES[a]).join(', '),
    ] as const;
  });
  const whenWidth = Math.max(0, ...rows.map(([when]) => when.length));
  const labelWidth = Math.max(0, ...rows.map(([, label]) => label.length));
  const hour = `${String(reminderHour).padStart(2, '0')}:00`;
  return [
    `Reminder schedule if the request is made today and nobody acts (day-based reminders at ${hour} ${zone}, ` +
      `up to ${businessDays(SCHEDULE_BUSINESS_DAYS_AFTER_DEADLINE)} after the deadline):`,
    ...(rows.length > 0
      ? rows.map(([when, label, who]) => `  ${when.padEnd(whenWidth)}  ${label.padEnd(labelWidth)}  mentions ${who}`)
      : ['  (none)']),
    'Each stops as soon as the rotation moves on: approval pending once it is approved; submit soon, submit today ' +
      'and submission overdue once the portal request is recorded; deadline near once the rotation is completed.',
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

/** Accepts `production` as well as `Production`; anything else is left for validation to name. */
function environmentOption(value: string | undefined): string | undefined {
  return ENVIRONMENT_TYPES.find((type) => type.toLowerCase() === value?.trim().toLowerCase()) ?? value;
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

  if (values.today !== undefined && !isCalendarDate(values.today)) {
    io.stderr(`--today: Enter the date as YYYY-MM-DD (got "${values.today}")\n`);
    return 2;
  }
  const today = values.today ?? todayIn(policy.calendar, now);
  const hourOption = values['reminder-hour'];
  if (hourOption !== undefined && !/^(?:[01]?\d|2[0-3])$/.test(hourOption.trim())) {
    io.stderr(`--reminder-hour: Enter an hour from 0 to 23 (got "${hourOption}")\n`);
    return 2;
  }
  const reminderHour = hourOption !== undefined ? Number(hourOption.trim()) : policy.reminderHour;

  const result = validateRotationRequest(
    {
      instanceUrl: values.url,
      environmentType: environmentOption(values.environment),
      deadline: values.deadline,
      channelId: PREVIEW_CHANNEL_ID,
      attendeeIds: [PREVIEW_USER_ID],
    },
    { instanceDomain: policy.instanceDomain, today },
  );
  if (!result.ok) {
    const lines = Object.entries(result.errors).map(([field, message]) => `${OPTION_OF[field as RequestField]}: ${message}`);
    io.stderr(`${lines.join('\n')}\nRun wfi-rotate-preview --help for usage.\n`);
    return 2;
  }

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
