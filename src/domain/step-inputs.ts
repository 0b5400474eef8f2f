import { TZDate } from '@date-fns/tz';
import { formatCalendarDate, isCalendarDate, isTimeZone, type CalendarDate } from './calendar';
import type { MeetingDetails } from './lifecycle';
import { CONFIRMATIONS, MEETING_PLATFORMS, type Confirmation, type MeetingPlatform, isUserId } from './rotation';
import { linkLooksLikeSecret, looksLikeSecret, normaliseText, SECRET_REFUSAL } from './secret-detector';

/** Checks of what people type in the step modals; each error is keyed by its field. */
export type Checked<T, F extends string> = { ok: true; value: T } | { ok: false; errors: Partial<Record<F, string>> };

export const STEP_LIMITS = { reason: 500, caseNumber: 40, joinUrl: 500, attendees: 20 } as const;

// Portal case numbers vary (CS-123456, INC0012345, 12345678): letters, digits and a few separators.
const CASE_NUMBER = /^[A-Za-z0-9][A-Za-z0-9 ._/#-]*[A-Za-z0-9]$/;
// Every portal case number has a number in it; a word there is a mistake, or something that is no case number.
const CASE_NUMBER_DIGITS = 3;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function checkReason(text: string | undefined): Checked<string, 'reason'> {
  const reason = text?.trim() ?? '';
  if (reason === '') return { ok: false, errors: { reason: 'Give a short reason' } };
  if (reason.length > STEP_LIMITS.reason) {
    return { ok: false, errors: { reason: `Keep the reason under ${STEP_LIMITS.reason} characters (${reason.length} now)` } };
  }
  if (looksLikeSecret(reason)) return { ok: false, errors: { reason: SECRET_REFUSAL } };
  return { ok: true, value: reason };
}

export function checkSubmission(
  input: { caseNumber?: string; submittedOn?: string },
  context: { today: CalendarDate },
): Checked<{ caseNumber: string; submittedOn: CalendarDate }, 'caseNumber' | 'submittedOn'> {
  const errors: Partial<Record<'caseNumber' | 'submittedOn', string>> = {};
  const caseNumber = input.caseNumber?.trim() ?? '';
  if (caseNumber === '') errors.caseNumber = 'Enter the case number the portal gave you';
  // The secret pasted here is told as such first, not as a malformed case number.
  else if (looksLikeSecret(caseNumber)) errors.caseNumber = SECRET_REFUSAL;
  else if (caseNumber.length < 3 || caseNumber.length > STEP_LIMITS.caseNumber || !CASE_NUMBER.test(caseNumber)) {
    errors.caseNumber = 'That does not look like a case number (letters, digits, spaces and - _ . / # only, e.g. CS-0123456)';
  } else if ((caseNumber.match(/\d/g) ?? []).length < CASE_NUMBER_DIGITS) {
    errors.caseNumber = `A case number has at least ${CASE_NUMBER_DIGITS} digits, e.g. CS-0123456`;
  }
  const submittedOn = input.submittedOn ?? '';
  if (!isCalendarDate(submittedOn)) errors.submittedOn = 'Pick the date the portal request was submitted';
  else if (submittedOn > context.today) errors.submittedOn = `The submission date cannot be in the future (today is ${formatCalendarDate(context.today)})`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { caseNumber, submittedOn } };
}

export type MeetingField = 'platform' | 'date' | 'time' | 'timeZone' | 'joinUrl' | 'attendeeIds';

export interface MeetingInput {
  platform?: string;
  date?: string;
  time?: string;
  timeZone?: string;
  joinUrl?: string;
  attendeeIds?: string[];
}


function isPlatform(value: string): value is MeetingPlatform {
  return (MEETING_PLATFORMS as readonly string[]).includes(value);
}

/** The instant a wall-clock date and time denote in a zone (DST-safe: the zone's own offset that day). */
export function wallClockToInstant(date: CalendarDate, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return new Date(new TZDate(y, m - 1, d, hh, mm, 0, timeZone).getTime());
}

/**
 * Where a join link may point, so that "Join the meeting" cannot lead to a
 * look-alike login page; a suffix matches the host itself or any subdomain.
 */
export const MEETING_HOSTS = ['webex.com', 'teams.microsoft.com', 'teams.live.com', 'zoom.us', 'zoom.com', 'skype.com'] as const;
export const JOIN_LINK_HOST_ERROR =
  'The join link must be a Webex, Microsoft Teams, Zoom or Skype link (or a host in WFI_MEETING_HOSTS)';

function isMeetingHost(host: string, extraHosts: readonly string[]): boolean {
  return [...MEETING_HOSTS, ...extraHosts].some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}

export function checkMeeting(
  input: MeetingInput,
  context: { now: Date; meetingHosts?: readonly string[] },
): Checked<MeetingDetails, MeetingField> {
  const errors: Partial<Record<MeetingField, string>> = {};
  const platform = input.platform ?? '';
  if (!isPlatform(platform)) errors.platform = `Choose one of: ${MEETING_PLATFORMS.join(', ')}`;
  const date = input.date ?? '';
  if (!isCalendarDate(date)) errors.date = 'Pick the meeting date';
  const time = input.time ?? '';
  if (!TIME.test(time)) errors.time = 'Pick the meeting time';
  const timeZone = input.timeZone ?? '';
  if (!isTimeZone(timeZone)) errors.timeZone = 'Choose a time zone';
  // Checked and kept as it reads, so the host checked is the host people are sent to.
  const joinUrl = normaliseText(input.joinUrl ?? '').trim();
  const url = URL.canParse(joinUrl) ? new URL(joinUrl) : undefined;
  if (joinUrl !== '') {
    if (linkLooksLikeSecret(joinUrl)) errors.joinUrl = SECRET_REFUSAL;
    else if (!url || url.protocol !== 'https:' || joinUrl.length > STEP_LIMITS.joinUrl) {
      errors.joinUrl = 'The join link must be an https:// link (or leave it empty)';
    } else if (!isMeetingHost(url.hostname, context.meetingHosts ?? [])) errors.joinUrl = JOIN_LINK_HOST_ERROR;
  }
  const attendeeIds = [...new Set(input.attendeeIds ?? [])];
  if (attendeeIds.length === 0) errors.attendeeIds = 'Choose who attends the handoff';
  else if (attendeeIds.length > STEP_LIMITS.attendees) errors.attendeeIds = `Choose at most ${STEP_LIMITS.attendees} people`;
  else if (!attendeeIds.every(isUserId)) errors.attendeeIds = 'Choose people from the workspace';

  let startsAt: Date | undefined;
  if (!errors.date && !errors.time && !errors.timeZone) {
    startsAt = wallClockToInstant(date, time, timeZone);
    if (startsAt.getTime() <= context.now.getTime()) errors.date = 'The meeting must be in the future';
  }
  if (Object.keys(errors).length > 0 || !startsAt || !isPlatform(platform)) return { ok: false, errors };
  return {
    ok: true,
    value: {
      platform,
      startsAt: startsAt.toISOString(),
      timeZone,
      ...(url ? { joinUrl: url.href } : {}),
      attendeeIds,
    },
  };
}

export function checkConfirmations(values: string[] | undefined): Confirmation[] {
  return [...new Set(values ?? [])].filter((v): v is Confirmation => Object.hasOwn(CONFIRMATIONS, v));
}
