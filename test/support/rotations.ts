import type { BusinessCalendar } from '../../src/domain/calendar';
import { createRotation, type LeadTimePolicy, type Rotation, type RotationRequest } from '../../src/domain/rotation';

/**
 * Object mother for rotations. Defaults describe an ordinary on-time request:
 * made on Friday 2026-02-20 for a Friday 2026-03-20 deadline, so submit-by is
 * Friday 2026-03-06 with 10 business days left (UTC, no holidays, 10-day lead).
 */
export const TEST_CALENDAR: BusinessCalendar = { timeZone: 'UTC', holidays: new Set() };
export const TEST_POLICY: LeadTimePolicy = { calendar: TEST_CALENDAR, leadBusinessDays: 10 };
export const TEST_NOW = new Date('2026-02-20T10:00:00Z');

export const REQUESTER_ID = 'U0REQUESTER';

export function aRequest(overrides: Partial<RotationRequest> = {}): RotationRequest {
  return {
    instanceUrl: 'https://acme.wfi.pega.com',
    environmentType: 'Production',
    deadline: '2026-03-20',
    channelId: 'C0ROTATIONS',
    attendeeIds: [REQUESTER_ID, 'U0ATTENDEE'],
    ...overrides,
  };
}

export type RotationOverrides = Partial<RotationRequest> &
  Partial<Omit<Rotation, keyof RotationRequest>> & {
    /** When the request is made; drives submit-by standing and the first history entry. */
    now?: Date;
    policy?: LeadTimePolicy;
  };

const REQUEST_KEYS = ['instanceUrl', 'environmentType', 'deadline', 'channelId', 'attendeeIds', 'notes'] as const;

/**
 * A rotation made through `createRotation`, so derived fields (submit-by,
 * lateness, the first history entry) are what the domain computes. Request
 * fields and `now`/`policy` feed the computation; any other field given
 * (version, history, message, …) is laid over the result as is.
 */
export function aRotation(overrides: RotationOverrides = {}): Rotation {
  const { now = TEST_NOW, policy = TEST_POLICY, id = 'ROT-4F7K2Q', requesterId = REQUESTER_ID, ...rest } = overrides;
  const requestOverrides: Partial<RotationRequest> = {};
  const fieldOverrides: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if ((REQUEST_KEYS as readonly string[]).includes(key)) Object.assign(requestOverrides, { [key]: value });
    else fieldOverrides[key] = value;
  }
  const rotation = createRotation(aRequest(requestOverrides), { id, requesterId, now, policy });
  return { ...rotation, ...(fieldOverrides as Partial<Rotation>) };
}
