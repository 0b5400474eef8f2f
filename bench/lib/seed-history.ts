import { reminderKey, type ReminderOccurrence } from '../../src/domain/reminder-kinds';
import { nextOccurrences } from '../../src/domain/reminders';
import type { Rotation, RotationStatus } from '../../src/domain/rotation';
import { APPROVER_ID, aPlannedRotation, aRotationIn, MEETING_START, REQUESTER_ID, rotationIdAt } from '../../testkit/rotations';
import { BENCH_POLICY, type Seeded } from './seed-rotations';

/**
 * A store as a team has it after years of use, for the scale section: most
 * rotations completed long ago, a few hundred open or planned, spread over
 * ~40 WFI instances and ~200 people. Rotation `index` is the same whatever
 * the size, so a store grown from 1,000 to 100,000 and one filled at once
 * hold the same rotations; the open ones come first (indexes below `open`),
 * so every size has the same open ones and differs only by history.
 */

export const HISTORY_PEOPLE = 200;
export const HISTORY_INSTANCES = 40;
/** The approvers of the scale section's bot (WFI_APPROVERS): listed users, no group, so no user-group look-up is timed. */
export const SCALE_APPROVERS = ['U0APPROVE1', 'U0APPROVE2', 'U0APPROVE3'] as const;
/** The channel of every rotation: testkit's (its requests' default), kept as it is. */
export const HISTORY_CHANNEL = 'C0ROTATIONS';

/** Person `n`: fixed width, so no id is the start of another (the bench finds a person's Home by `user_id=` + id). */
export function personAt(n: number): string {
  return `U0PPL${String(n % HISTORY_PEOPLE).padStart(3, '0')}`;
}

function instanceAt(n: number): string {
  return `https://inst${String(n % HISTORY_INSTANCES).padStart(2, '0')}.wfi.pega.com`;
}

/** Where rotation `index`'s message is: a fixed-width ts, which the bench finds its chat.update by. */
export function historyMessage(index: number) {
  return { channelId: HISTORY_CHANNEL, ts: `${1_600_000_000 + index}.000200` };
}

/**
 * The open ones, ten at a time: half waiting for approval (the bench
 * approves those), the others at each later step or planned. Planned next
 * cycles count among the few hundred: App Home and `list` read them too.
 */
const OPEN_PATTERN: ReadonlyArray<Exclude<RotationStatus, 'rejected' | 'cancelled' | 'completed'>> = [
  'requested',
  'approved',
  'requested',
  'submitted',
  'requested',
  'meeting_scheduled',
  'requested',
  'planned',
  'requested',
  'approved',
];

export function openStatusAt(index: number): RotationStatus {
  return OPEN_PATTERN[index % OPEN_PATTERN.length] as RotationStatus;
}

const DAY_MS = 86_400_000;
/** Distinct deadlines: open ones 20 to 165 days ahead; completed ones one a week over the last ten years. */
const OPEN_SLOTS = 30;
const COMPLETED_SLOTS = 520;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The domain makes each (status, deadline) once, through `decide` as the
 * buttons would (testkit's `aRotationIn`), kept as JSON; a rotation is that
 * text with its own id, instance and people put in. Making 100,000 through
 * the domain would take minutes of date arithmetic; this takes seconds.
 */
const templates = new Map<string, { json: string; occurrences: ReminderOccurrence[] }>();

/** The portal submission date of testkit's steps. */
const TESTKIT_SUBMITTED_ON = '2026-02-23';

/** The ids and people testkit's object mother uses, replaced in each copy. */
const TEMPLATE = { id: 'ROT-4F7K2Q', plannedId: 'ROT-NEXT22', instance: 'https://acme.wfi.pega.com' };

function template(status: RotationStatus, slot: number, today: number) {
  const key = `${status}|${slot}|${today}`;
  let cached = templates.get(key);
  if (cached) return cached;
  const completed = status === 'completed';
  // Requested a month before its deadline (the open ones five days ago), one step a day after (approve,
  // submit, meeting, received) as the buttons would take them.
  const deadline = completed ? today - (10 + slot * 7) * DAY_MS : today + (20 + slot * 5) * DAY_MS;
  const requestedAt = completed ? deadline - 30 * DAY_MS : today - 5 * DAY_MS + 9 * 3_600_000;
  const overrides = { now: new Date(requestedAt), deadline: dayOf(deadline), policy: BENCH_POLICY };
  let rotation: Rotation =
    status === 'planned'
      ? aPlannedRotation(overrides, TEMPLATE.plannedId).planned
      : aRotationIn(status as Exclude<RotationStatus, 'planned'>, overrides);
  // testkit's steps carry fixed dates of 2026: the portal submission two days after the request, and the
  // meeting the day after (an open rotation's a week ahead, so no meeting of an open one is over).
  const meetingAt = completed ? requestedAt + 3 * DAY_MS + 14 * 3_600_000 : today + 7 * DAY_MS + 14 * 3_600_000;
  rotation = JSON.parse(
    JSON.stringify(rotation).replaceAll(TESTKIT_SUBMITTED_ON, dayOf(requestedAt + 2 * DAY_MS)).replaceAll(MEETING_START, new Date(meetingAt).toISOString()),
  ) as Rotation;
  // An open one's pending reminders, as the bot plans them, from tomorrow noon on: none falls due during a run.
  const occurrences = completed ? [] : nextOccurrences(rotation, BENCH_POLICY, new Date(today + 36 * 3_600_000));
  cached = { json: JSON.stringify(rotation), occurrences };
  templates.set(key, cached);
  return cached;
}

/**
 * Rotation `index` of a store with `open` open or planned rotations, as of
 * the UTC day `today` (ms). Its requester and one attendee (the meeting's
 * invitees too) are two of the 200 people; an approver approved it.
 */
export function historyRotation(index: number, open: number, today: number): Seeded {
  const status = index < open ? openStatusAt(index) : 'completed';
  const slot = index < open ? index % OPEN_SLOTS : (index - open) % COMPLETED_SLOTS;
  const base = template(status, slot, today);
  const id = rotationIdAt(index);
  const json = base.json
    .replaceAll(TEMPLATE.plannedId, id)
    // A planned cycle follows a completed one: one of the history's (index `open` + index exists once the store is twice `open`).
    .replaceAll(TEMPLATE.id, status === 'planned' ? rotationIdAt(open + index) : id)
    .replaceAll(TEMPLATE.instance, instanceAt(index))
    .replaceAll(REQUESTER_ID, personAt(index))
    .replaceAll('U0ATTENDEE', personAt(index + HISTORY_PEOPLE / 2))
    .replaceAll(APPROVER_ID, SCALE_APPROVERS[index % SCALE_APPROVERS.length] as string);
  return {
    rotation: JSON.parse(json) as Rotation,
    message: historyMessage(index),
    occurrences: base.occurrences.map((o) => ({ ...o, rotationId: id, key: reminderKey(id, o.kind, o.dueAt) })),
  };
}

/** The UTC day now, as the scale section's `today`. */
export function utcToday(now = Date.now()): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}
