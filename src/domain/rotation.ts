import type { BusinessCalendar, CalendarDate } from './calendar';
import { businessDayOnOrAfter, businessDaysBetween, submitByDate, todayIn } from './calendar';

export const ENVIRONMENT_TYPES = ['Production', 'Staging', 'Test', 'Development'] as const;
export type EnvironmentType = (typeof ENVIRONMENT_TYPES)[number];

/** Lifecycle states of `../shared/domain.md`; only `requested` is reachable so far. */
export type RotationStatus =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'submitted'
  | 'meeting_scheduled'
  | 'completed'
  | 'cancelled';

export interface AuditEntry {
  /** ISO instant. */
  at: string;
  actorId: string;
  from: RotationStatus | null;
  to: RotationStatus;
  details?: Record<string, string>;
}

/** Where the rotation's message lives in Slack, so later steps can update it in place. */
export interface MessageRef {
  channelId: string;
  ts: string;
}

export const ROTATION_SCHEMA_VERSION = 1;

interface RotationFields {
  schemaVersion: typeof ROTATION_SCHEMA_VERSION;
  id: string;
  /** Bumped on every lifecycle change; buttons carry it so stale clicks can be refused. */
  version: number;
  requesterId: string;
  instanceUrl: string;
  environmentType: EnvironmentType;
  deadline: CalendarDate;
  submitBy: CalendarDate;
  /** Business days the request was short of the vendor's lead time when it was made; 0 when on time. */
  lateByBusinessDays: number;
  attendeeIds: string[];
  channelId: string;
  notes?: string;
  /** ISO instant. */
  createdAt: string;
  message?: MessageRef;
  history: AuditEntry[];
}

export type Rotation = RotationFields & { status: 'requested' };

export interface RotationRequest {
  instanceUrl: string;
  environmentType: EnvironmentType;
  deadline: CalendarDate;
  channelId: string;
  attendeeIds: string[];
  notes?: string;
}

export interface LeadTimePolicy {
  calendar: BusinessCalendar;
  leadBusinessDays: number;
}

export interface LeadTime {
  submitBy: CalendarDate;
  /** Business days from today until submit-by (0 on the day itself); negative once past. */
  businessDaysLeft: number;
  /** Business days short of the vendor's lead time; 0 when on time. */
  lateByBusinessDays: number;
}

/**
 * Where a deadline stands against the vendor's lead time on a given day. A
 * request made on a weekend after submit-by is counted as made on the next
 * business day, when the vendor will first see it.
 */
export function leadTime(deadline: CalendarDate, today: CalendarDate, policy: LeadTimePolicy): LeadTime {
  const submitBy = submitByDate(deadline, policy.leadBusinessDays, policy.calendar);
  const lateByBusinessDays =
    today > submitBy ? businessDaysBetween(submitBy, businessDayOnOrAfter(today, policy.calendar), policy.calendar) : 0;
  // Once past, count from the next business day like the late marker does: on the weekend after a
  // Friday submit-by there are no business days in between, yet the request is overdue, not "due today".
  const businessDaysLeft = today > submitBy ? -lateByBusinessDays : businessDaysBetween(today, submitBy, policy.calendar);
  return { submitBy, businessDaysLeft, lateByBusinessDays };
}

export function createRotation(
  request: RotationRequest,
  context: { id: string; requesterId: string; now: Date; policy: LeadTimePolicy },
): Rotation {
  const { id, requesterId, now, policy } = context;
  const today = todayIn(policy.calendar, now);
  const { submitBy, lateByBusinessDays } = leadTime(request.deadline, today, policy);
  const details: Record<string, string> = { deadline: request.deadline, submitBy };
  if (lateByBusinessDays > 0) details.lateByBusinessDays = String(lateByBusinessDays);
  return {
    schemaVersion: ROTATION_SCHEMA_VERSION,
    id,
    version: 1,
    status: 'requested',
    requesterId,
    instanceUrl: request.instanceUrl,
    environmentType: request.environmentType,
    deadline: request.deadline,
    submitBy,
    lateByBusinessDays,
    attendeeIds: [...request.attendeeIds],
    channelId: request.channelId,
    ...(request.notes ? { notes: request.notes } : {}),
    createdAt: now.toISOString(),
    history: [{ at: now.toISOString(), actorId: requesterId, from: null, to: 'requested', details }],
  };
}

const ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ROTATION_ID_PATTERN = /^ROT-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/;

/**
 * Short, unambiguous ids people can read aloud in a meeting (no 0/O, 1/I/L, U).
 * `randomIndex` is injected so the domain stays free of global randomness.
 */
export function rotationId(randomIndex: (exclusiveMax: number) => number): string {
  let id = 'ROT-';
  for (let i = 0; i < 6; i += 1) id += ID_ALPHABET[randomIndex(ID_ALPHABET.length)];
  return id;
}

/** Normalises what a person types after `status` (lower case, missing prefix). */
export function parseRotationId(text: string): string | undefined {
  const candidate = text.trim().toUpperCase();
  const withPrefix = candidate.startsWith('ROT-') ? candidate : `ROT-${candidate}`;
  return ROTATION_ID_PATTERN.test(withPrefix) ? withPrefix : undefined;
}
