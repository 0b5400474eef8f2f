import { addCalendarDays, formatCalendarDate, isCalendarDate, type CalendarDate } from './calendar';
import { normaliseInstanceUrl } from './instance-url';
import { ENVIRONMENT_TYPES, type EnvironmentType, type RotationRequest, isChannelId, isUserId } from './rotation';
import { looksLikeSecret, SECRET_REFUSAL } from './secret-detector';

/** What a person entered, before validation: every field may be missing or wrong. */
export interface RawRotationRequest {
  instanceUrl?: string;
  environmentType?: string;
  deadline?: string;
  channelId?: string;
  attendeeIds?: string[];
  notes?: string;
  /** "Rotate again every": a select's option value, "0" meaning none. */
  rotationIntervalDays?: string;
}

export type RequestField = keyof RawRotationRequest;
export type FieldErrors = Partial<Record<RequestField, string>>;

export type RequestValidation = { ok: true; request: RotationRequest } | { ok: false; errors: FieldErrors };

export const LIMITS = {
  notes: 2000,
  attendees: 20,
  /** A deadline further out than this is almost certainly a typo in the year. */
  deadlineYearsAhead: 3,
  /** The longest "rotate again every", matching WFI_ROTATION_INTERVAL_DAYS' own bound. */
  rotationIntervalDays: 3650,
} as const;

function isEnvironmentType(value: string): value is EnvironmentType {
  return (ENVIRONMENT_TYPES as readonly string[]).includes(value);
}

function deadlineError(deadline: string | undefined, today: CalendarDate): string | undefined {
  if (!deadline) return 'Pick the deadline from your security policy';
  if (!isCalendarDate(deadline)) return 'Enter the deadline as a date (YYYY-MM-DD)';
  if (deadline <= today) return `The deadline must be a future date (today is ${formatCalendarDate(today)})`;
  const latest = addCalendarDays(today, Math.round(LIMITS.deadlineYearsAhead * 365.25));
  if (deadline > latest) return `The deadline is more than ${LIMITS.deadlineYearsAhead} years away; check the year`;
  return undefined;
}

/** No interval (missing, or the "None" option "0"), a whole number of days, or an error. */
function rotationInterval(raw: string | undefined): { ok: true; days?: number } | { ok: false; error: string } {
  if (raw === undefined || raw === '0') return { ok: true };
  // Digits only: Number() alone would also take " 90", "9e1", "0x5a" and "90.0".
  const days = /^[1-9][0-9]{0,3}$/.test(raw) ? Number(raw) : NaN;
  if (days >= 1 && days <= LIMITS.rotationIntervalDays) return { ok: true, days };
  return { ok: false, error: `Choose how often to rotate again: none, or 1 to ${LIMITS.rotationIntervalDays} days` };
}

/** Checks a request field by field, so each error can be shown on its own field. */
export function validateRotationRequest(
  raw: RawRotationRequest,
  context: { instanceDomain: string; today: CalendarDate },
): RequestValidation {
  const errors: FieldErrors = {};

  const url = normaliseInstanceUrl(raw.instanceUrl ?? '', context.instanceDomain);
  // The secret pasted into the wrong field is told as such, not as a malformed URL.
  if (looksLikeSecret(raw.instanceUrl ?? '')) errors.instanceUrl = SECRET_REFUSAL;
  else if (!url.ok) errors.instanceUrl = url.error;

  const environmentType = raw.environmentType ?? 'Production';
  if (!isEnvironmentType(environmentType)) errors.environmentType = `Choose one of: ${ENVIRONMENT_TYPES.join(', ')}`;

  const deadline = deadlineError(raw.deadline, context.today);
  if (deadline) errors.deadline = deadline;

  if (!raw.channelId || !isChannelId(raw.channelId)) errors.channelId = 'Choose the channel for reminders';

  // De-duplicated first, so the limit counts people, not repeated picks.
  const attendeeIds = [...new Set(raw.attendeeIds ?? [])];
  if (attendeeIds.length === 0) errors.attendeeIds = 'Choose at least one person to attend the handoff meeting';
  else if (attendeeIds.length > LIMITS.attendees) errors.attendeeIds = `Choose at most ${LIMITS.attendees} people`;
  else if (!attendeeIds.every(isUserId)) errors.attendeeIds = 'Choose people from the workspace';

  const notes = raw.notes?.trim() ?? '';
  if (notes.length > LIMITS.notes) errors.notes = `Notes may be at most ${LIMITS.notes} characters (${notes.length} now)`;
  else if (looksLikeSecret(notes)) errors.notes = SECRET_REFUSAL;

  const interval = rotationInterval(raw.rotationIntervalDays);
  if (!interval.ok) errors.rotationIntervalDays = interval.error;

  if (!url.ok || Object.keys(errors).length > 0 || !isEnvironmentType(environmentType)) return { ok: false, errors };
  return {
    ok: true,
    request: {
      instanceUrl: url.url,
      environmentType,
      deadline: raw.deadline as CalendarDate,
      channelId: raw.channelId as string,
      attendeeIds,
      ...(notes ? { notes } : {}),
      ...(interval.ok && interval.days ? { rotationIntervalDays: interval.days } : {}),
    },
  };
}
