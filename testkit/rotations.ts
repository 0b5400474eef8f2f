import { sealHistory } from '../src/domain/audit-chain';
import type { BusinessCalendar } from '../src/domain/calendar';
import { decide, planNextRotation, type RotationAction } from '../src/domain/lifecycle';
import { sha256Hex } from '../src/lib/sha256';
import {
  createRotation,
  ID_ALPHABET,
  type LeadTimePolicy,
  type Rotation,
  type RotationIn,
  type RotationRequest,
  type RotationStatus,
} from '../src/domain/rotation';

/**
 * Object mother for rotations. Defaults describe an ordinary on-time request:
 * made on Friday 2026-02-20 for a Friday 2026-03-20 deadline, so submit-by is
 * Friday 2026-03-06 with 10 business days left (UTC, no holidays, 10-day lead).
 */
export const TEST_CALENDAR: BusinessCalendar = { timeZone: 'UTC', holidays: new Set() };
export const TEST_POLICY: LeadTimePolicy = { calendar: TEST_CALENDAR, leadBusinessDays: 10 };
export const TEST_NOW = new Date('2026-02-20T10:00:00Z');

export const REQUESTER_ID = 'U0REQUESTER';

/**
 * The `index`th rotation id in the bot's own alphabet (ROT-222222,
 * ROT-222223, …): a distinct, well-formed id for every index, where random
 * ones would collide (about seven times in 100,000). A `prefix` takes the
 * first characters (ROT-Z…), to keep a run of ids apart from the fixed ones.
 */
export function rotationIdAt(index: number, prefix = ''): string {
  let id = '';
  let rest = index;
  for (let i = prefix.length; i < 6; i += 1) {
    id = (ID_ALPHABET[rest % ID_ALPHABET.length] as string) + id;
    rest = Math.floor(rest / ID_ALPHABET.length);
  }
  return `ROT-${prefix}${id}`;
}

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
  Partial<Omit<RotationIn<'requested'>, keyof RotationRequest | 'status'>> & {
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
export function aRotation(overrides: RotationOverrides = {}): RotationIn<'requested'> {
  const { now = TEST_NOW, policy = TEST_POLICY, id = 'ROT-4F7K2Q', requesterId = REQUESTER_ID, ...rest } = overrides;
  const requestOverrides: Partial<RotationRequest> = {};
  const fieldOverrides: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if ((REQUEST_KEYS as readonly string[]).includes(key)) Object.assign(requestOverrides, { [key]: value });
    else fieldOverrides[key] = value;
  }
  const rotation = createRotation(aRequest(requestOverrides), { id, requesterId, now, policy });
  return { ...rotation, ...(fieldOverrides as Partial<RotationIn<'requested'>>) };
}

export const APPROVER_ID = 'U0APPROVER';
export const MEETING_START = '2026-03-24T14:00:00.000Z';

/** The actions that lead from `requested` to each state, as the people involved would take them. */
const PATHS: Record<Exclude<RotationStatus, 'planned'>, Array<[RotationAction, string]>> = {
  requested: [],
  approved: [[{ type: 'approve' }, APPROVER_ID]],
  rejected: [[{ type: 'reject', reason: 'Not due yet' }, APPROVER_ID]],
  submitted: [
    [{ type: 'approve' }, APPROVER_ID],
    [{ type: 'record_submission', caseNumber: 'CS-0123456', submittedOn: '2026-02-23' }, REQUESTER_ID],
  ],
  meeting_scheduled: [
    [{ type: 'approve' }, APPROVER_ID],
    [{ type: 'record_submission', caseNumber: 'CS-0123456', submittedOn: '2026-02-23' }, REQUESTER_ID],
    [
      {
        type: 'schedule_meeting',
        meeting: {
          platform: 'Webex',
          startsAt: MEETING_START,
          timeZone: 'Europe/Berlin',
          joinUrl: 'https://acme.webex.com/meet/handoff',
          attendeeIds: [REQUESTER_ID, 'U0ATTENDEE'],
        },
      },
      REQUESTER_ID,
    ],
  ],
  completed: [],
  cancelled: [[{ type: 'cancel', reason: 'Instance decommissioned' }, REQUESTER_ID]],
};
PATHS.completed = [...PATHS.meeting_scheduled, [{ type: 'complete', confirmations: ['vault', 'integrations'] }, REQUESTER_ID]];

/**
 * A rotation carried to `status` through `decide`, as the buttons would carry
 * it (one day between steps), so every step field and audit entry is real.
 */
export function aRotationIn<S extends Exclude<RotationStatus, 'planned'>>(
  status: S,
  overrides: RotationOverrides = {},
): RotationIn<S> {
  let rotation: Rotation = aRotation(overrides);
  let at = (overrides.now ?? TEST_NOW).getTime();
  for (const [action, userId] of PATHS[status]) {
    at += 24 * 60 * 60 * 1000;
    const result = decide(rotation, action, {
      actor: { userId, isApprover: userId === APPROVER_ID },
      now: new Date(at),
      allowSelfApproval: false,
    });
    if (!result.ok) throw new Error(`cannot reach ${status}: ${JSON.stringify(result.error)}`);
    rotation = result.rotation;
  }
  return rotation as RotationIn<S>;
}

/**
 * A planned next cycle, as completing a rotation with an interval plans it:
 * the completed rotation (made with `overrides` and a 90-day interval unless
 * given) is returned with it, pointing at it.
 */
export function aPlannedRotation(
  overrides: RotationOverrides = {},
  plannedId = 'ROT-NEXT22',
): { planned: RotationIn<'planned'>; completed: RotationIn<'completed'> } {
  const completed = aRotationIn('completed', { rotationIntervalDays: 90, ...overrides });
  const now = new Date(Date.parse(completed.completion.at));
  const planned = planNextRotation(completed, { id: plannedId, now, policy: overrides.policy ?? TEST_POLICY });
  if (!planned) throw new Error('no next cycle: the rotation has no interval');
  return { planned, completed: { ...completed, nextRotationId: planned.id } };
}

/**
 * A rotation as the store gives it back: its audit entries linked into the
 * chain (each with `prev` and `hash`), as every store write does.
 */
export function asStored<R extends Rotation>(rotation: R): R {
  return { ...rotation, history: sealHistory(rotation.id, rotation.history, sha256Hex) };
}
