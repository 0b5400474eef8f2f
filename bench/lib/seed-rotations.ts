import { reminderKey, type ReminderOccurrence, type ReminderPolicy } from '../../src/domain/reminder-kinds';
import { nextOccurrences } from '../../src/domain/reminders';
import type { LeadTimePolicy, MessageRef, Rotation } from '../../src/domain/rotation';
import { aRotation, rotationIdAt } from '../../testkit/rotations';

/**
 * Rotations as the bot makes them (testkit's object mother, through the
 * domain's own `createRotation`, and the domain's reminder plan), in bulk
 * and deterministically, for the store-size benchmarks. Ids come from
 * `rotationIdAt`, so 100,000 of them never collide.
 */

/** A Wednesday, 10:00 UTC: an hour after the reminder hour, mid-week, so business days are plain. */
export const BENCH_NOW = new Date('2027-03-17T10:00:00.000Z');
export const BENCH_POLICY: ReminderPolicy & LeadTimePolicy = {
  calendar: { timeZone: 'UTC', holidays: new Set() },
  leadBusinessDays: 10,
  reminderHour: 9,
  digestDay: 'off',
};

/** Requested today at the reminder hour: the first approval reminder is tomorrow, the others later. */
const NOT_DUE_REQUESTED_AT = new Date('2027-03-17T09:00:00.000Z');
/** Requested on Monday: the approval reminder fell due on Tuesday at 09:00, so it is due at BENCH_NOW. */
const DUE_REQUESTED_AT = new Date('2027-03-15T08:00:00.000Z');

function addDays(date: Date, days: number): string {
  return new Date(date.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

export interface Seeded {
  rotation: Rotation;
  message: MessageRef;
  occurrences: ReminderOccurrence[];
}

/** Distinct deadlines among seeded rotations: 60 days to ~3 years out, every 19 days. */
const DEADLINE_OFFSETS = 50;

/**
 * The domain's date arithmetic steps one calendar day at a time through
 * Intl (a request three years out costs a few milliseconds to create), so
 * 100,000 rotations are made from one template per (deadline, due): the
 * domain computes each template once, and every rotation is that template
 * with its own id, instance, people and reminder keys.
 */
const templates = new Map<string, { rotation: Rotation; occurrences: ReminderOccurrence[] }>();

function template(deadline: string, due: boolean) {
  const cacheKey = `${deadline}|${due}`;
  let cached = templates.get(cacheKey);
  if (!cached) {
    const requestedAt = due ? DUE_REQUESTED_AT : NOT_DUE_REQUESTED_AT;
    const rotation = aRotation({
      instanceUrl: 'https://template.wfi.pega.com',
      deadline,
      channelId: 'C0CHANNEL1',
      attendeeIds: ['U0TEMPLATE'],
      id: 'ROT-TEMPLT',
      requesterId: 'U0TEMPLATE',
      now: requestedAt,
      policy: BENCH_POLICY,
    });
    cached = { rotation, occurrences: nextOccurrences(rotation, BENCH_POLICY, requestedAt) };
    templates.set(cacheKey, cached);
  }
  return cached;
}

/**
 * One requested rotation with its posted message and its pending reminders.
 * `due`: its approval reminder is due at BENCH_NOW (and nothing else is);
 * otherwise nothing of it is due before tomorrow. Deadlines spread over the
 * next ~3 years, as a real team's instances would be.
 */
export function seededRotation(index: number, due: boolean): Seeded {
  const base = template(addDays(BENCH_NOW, 60 + (index % DEADLINE_OFFSETS) * 19), due);
  const id = rotationIdAt(index);
  const requesterId = `U0REQ${index % 500}`;
  const rotation = {
    ...(structuredClone(base.rotation) as Rotation),
    id,
    instanceUrl: `https://i${index}.wfi.pega.com`,
    requesterId,
    attendeeIds: [requesterId, 'U0ATTENDEE'],
  } as Rotation;
  for (const entry of rotation.history) entry.actorId = requesterId;
  return {
    rotation,
    message: { channelId: 'C0CHANNEL1', ts: `${1_700_000_000 + index}.000100` },
    occurrences: base.occurrences.map((o) => ({ ...o, rotationId: id, key: reminderKey(id, o.kind, o.dueAt) })),
  };
}
