import type { RotationStore } from '../../src/domain/ports';
import type { MessageRef, Rotation, RotationStatus } from '../../src/domain/rotation';
import { openStore } from '../../src/store/keyv-factory';
import { startTestBot, type TestBot } from '../support/bot-harness';
import { FakeSlack, type RecordedCall } from '../../testkit/fake-slack';
import { buttonClick, stepStates, viewSubmission } from '../../testkit/payloads';
import { aPlannedRotation, aRotationIn, APPROVER_ID, REQUESTER_ID, rotationIdAt } from '../../testkit/rotations';
import { postToBot, type SlackPost } from '../../testkit/slack-request';

/*
 * Every action × every role × every state, over real HTTP against the real bot.
 * The decisive request is sent directly (the Approve click; the submission of
 * the step's form; the request form that starts a planned cycle), whatever
 * buttons the state would render, so the server's own re-check is what is tested.
 *
 * The expected verdicts below are written from shared/domain.md ("The lifecycle
 * the bot tracks", "Who may do what") and the README's button table, NOT computed
 * with the code's allowedActions/permissionError: a test that mirrors the
 * implementation would prove nothing.
 */

// ---------------------------------------------------------------- the truth table

const STATES = ['planned', 'requested', 'approved', 'rejected', 'submitted', 'meeting_scheduled', 'completed', 'cancelled'] as const;
type State = (typeof STATES)[number];

const ROLES = ['requester', 'attendee', 'approver', 'group_member', 'removed_member', 'stranger'] as const;
type Role = (typeof ROLES)[number];

const ACTIONS = ['approve', 'reject', 'record_submission', 'schedule_meeting', 'complete', 'cancel', 'start_planned'] as const;
type Action = (typeof ACTIONS)[number];

/**
 * The states each action starts from.
 * domain.md: requested → approved (or rejected) → submitted → meeting_scheduled →
 * completed; cancelled from any open state. README: "Meeting scheduled /
 * Reschedule meeting", so a set meeting may be set again. A planned next cycle
 * is started by submitting its prefilled request form (App Home, "Start
 * request") and can be cancelled (nobody would otherwise stop its reminders);
 * rejected, completed and cancelled are final.
 */
const FROM_STATES: Record<Action, readonly State[]> = {
  approve: ['requested'],
  reject: ['requested'],
  record_submission: ['approved'],
  schedule_meeting: ['submitted', 'meeting_scheduled'],
  complete: ['meeting_scheduled'],
  cancel: ['planned', 'requested', 'approved', 'submitted', 'meeting_scheduled'],
  start_planned: ['planned'],
};

/**
 * Who may do it. domain.md, "Who may do what": only WFI_APPROVERS (user ids, or
 * members of the listed user groups) approve or reject; the requester, the
 * attendees and the approvers record the later steps and cancel. A planned
 * next cycle belongs to the team of the last one: its requester, its attendees
 * and the approvers may start it, nobody else (issue 11: a stranger could take
 * it over and cancel it). A member removed from the group is no approver once
 * the directory has re-read the group. (The requester here is not an
 * approver; self-approval has its own cases below.)
 */
const MAY: Record<Action, readonly Role[]> = {
  approve: ['approver', 'group_member'],
  reject: ['approver', 'group_member'],
  record_submission: ['requester', 'attendee', 'approver', 'group_member'],
  schedule_meeting: ['requester', 'attendee', 'approver', 'group_member'],
  complete: ['requester', 'attendee', 'approver', 'group_member'],
  cancel: ['requester', 'attendee', 'approver', 'group_member'],
  start_planned: ['requester', 'attendee', 'approver', 'group_member'],
};

/** The state an accepted action leads to. */
const LEADS_TO: Record<Action, RotationStatus> = {
  approve: 'approved',
  reject: 'rejected',
  record_submission: 'submitted',
  schedule_meeting: 'meeting_scheduled',
  complete: 'completed',
  cancel: 'cancelled',
  start_planned: 'requested',
};

const expectedAllowed = (action: Action, state: State, role: Role) => FROM_STATES[action].includes(state) && MAY[action].includes(role);

// ---------------------------------------------------------------- people and time

const GROUP = 'S0GROUP001';
const ATTENDEE = 'U0ATTENDEE';
const GROUP_MEMBER = 'U0GROUPMBR';
const EX_MEMBER = 'U0EXMEMBER';
const STRANGER = 'U0STRANGER';
const INVITEE = 'U0INVITEE1';
const USERS: Record<Role, string> = {
  requester: REQUESTER_ID,
  attendee: ATTENDEE,
  approver: APPROVER_ID,
  group_member: GROUP_MEMBER,
  removed_member: EX_MEMBER,
  stranger: STRANGER,
};
const CHANNEL = 'C0ROTATIONS';
const MESSAGE: MessageRef = { channelId: CHANNEL, ts: '1700000000.000100' };
/** Monday 2026-03-02, 10:00 UTC: after every seeded step, before the seeded and the submitted meetings. */
const NOW = new Date('2026-03-02T10:00:00Z');
/** Longer than the approver directory caches a user group (a minute). */
const PAST_GROUP_CACHE_MS = 61_000;

// ---------------------------------------------------------------- harness

/**
 * A store the test swaps per case: each case runs on a fresh, empty memory
 * store holding only its rotation. Every call is passed to the current one.
 */
function swappableStore(): { store: RotationStore; fresh(): RotationStore } {
  let current = openStore('memory://').rotations;
  const store = new Proxy({} as RotationStore, {
    get: (_target, key) => {
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
  return {
    store,
    fresh: () => {
      current = openStore('memory://').rotations;
      return current;
    },
  };
}

let idCounter = 0;
/** A fresh rotation id per case (ROT-Z…), so nothing a case sees can belong to another. */
function nextId(): string {
  return rotationIdAt((idCounter += 1), 'Z');
}

/** A rotation in `state`, carried there by the object mothers; open ones have a posted message. */
function aSeed(state: State, overrides: Parameters<typeof aRotationIn>[1] = {}): Rotation {
  const id = nextId();
  if (state === 'planned') return aPlannedRotation({ ...overrides, id: nextId() }, id).planned;
  return { ...aRotationIn(state, { ...overrides, id }), message: MESSAGE };
}

const stepMeta = (rotation: Rotation, version = rotation.version) => JSON.stringify({ rotationId: rotation.id, version });

const REASON = 'Instance decommissioned';
const MEETING = { platform: 'Webex', date: '2026-03-20', time: '15:00', timeZone: 'UTC', joinUrl: null, attendeeIds: [REQUESTER_ID, ATTENDEE] };

/** The one HTTP request that decides the action, as Slack would send it. */
function decisiveRequest(action: Action, rotation: Rotation, user: string, version = rotation.version): string {
  const viaForm = (callbackId: string, values: Parameters<typeof viewSubmission>[1]) =>
    viewSubmission(callbackId, values, { user, privateMetadata: stepMeta(rotation, version) });
  switch (action) {
    case 'approve':
      return buttonClick('rotation_approve', `${rotation.id}:${version}`, { user, responseUrl: 'http://127.0.0.1:9/unused', channelId: CHANNEL, messageTs: MESSAGE.ts });
    case 'reject':
      return viaForm('wfi_reject', stepStates.reason(REASON));
    case 'cancel':
      return viaForm('wfi_cancel', stepStates.reason(REASON));
    case 'record_submission':
      return viaForm('wfi_submission', stepStates.submission('CS-0123456', '2026-03-02'));
    case 'schedule_meeting':
      return viaForm('wfi_meeting', stepStates.meeting(MEETING));
    case 'complete':
      return viaForm('wfi_completion', stepStates.completion(['vault']));
    case 'start_planned':
      return viewSubmission(
        'wfi_start_planned',
        { deadline: { value: { type: 'datepicker', selected_date: '2026-06-30' } }, attendees: { value: { type: 'multi_users_select', selected_users: [] } } },
        { user, privateMetadata: JSON.stringify({ plannedRotationId: rotation.id }) },
      );
    default: {
      const exhaustive: never = action;
      return exhaustive;
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await pause(5);
  }
}

/** Calls the bot may make whatever the verdict: reading the user groups. */
const NEUTRAL = new Set(['usergroups.users.list']);

interface Outcome {
  response: SlackPost;
  /** Everything the bot asked of Slack while handling the request (group look-ups excepted). */
  calls: RecordedCall[];
  before: Rotation;
  after: Rotation | undefined;
}

/** Everything one bot needs: the fake Slack, a movable clock and the swappable store. */
function botFixture(env: Record<string, string>) {
  const fake = new FakeSlack();
  const store = swappableStore();
  const clock = { at: NOW.getTime(), now: () => new Date(clock.at) };
  let groupMembers = [GROUP_MEMBER, EX_MEMBER];
  let bot: TestBot | undefined;

  beforeAll(async () => {
    await fake.start();
    fake.on('usergroups.users.list', (args) => ({ ok: true, users: args.usergroup === GROUP ? [...groupMembers] : [] }));
    bot = await startTestBot(fake, {
      storeUrl: 'memory://',
      store: store.store,
      clock,
      env: { WFI_APPROVERS: `${APPROVER_ID},${GROUP}`, WFI_SCHEDULER_INTERVAL_SECONDS: '3600', ...env },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
  });

  /** Waits until the bot has stopped talking to Slack (the work after an acknowledgement is done). */
  async function quiet(): Promise<void> {
    let seen = -1;
    while (seen !== fake.calls.length) {
      seen = fake.calls.length;
      await pause(25);
    }
  }

  /** Seeds `rotation` alone in a fresh store, sends `request`, and reports what happened. */
  async function runRequest(rotation: Rotation, request: string, action?: Action): Promise<Outcome> {
    const current = store.fresh();
    await current.insert(rotation);
    const before = (await current.get(rotation.id)) as Rotation;
    const mark = fake.calls.length;
    const response = await postToBot((bot as TestBot).port, request);
    expect(response.status).toBe(200);
    if (action === 'approve') {
      // Acknowledged first, decided after: the decision ends in a private explanation or a change.
      await until(
        async () =>
          fake.calls.slice(mark).some((c) => c.method === 'chat.postEphemeral') || (await current.get(rotation.id))?.version !== before.version
            ? true
            : undefined,
        `the outcome of approving ${rotation.id}`,
      );
    }
    await quiet();
    return { response, calls: fake.calls.slice(mark).filter((c) => !NEUTRAL.has(c.method)), before, after: await current.get(rotation.id) };
  }

  /** Seeds `rotation` alone in a fresh store, sends the decisive request of `action`, and reports what happened. */
  const run = (action: Action, rotation: Rotation, user: string, version?: number): Promise<Outcome> =>
    runRequest(rotation, decisiveRequest(action, rotation, user, version), action);

  return {
    fake,
    clock,
    run,
    runRequest,
    setGroupMembers: (members: string[]) => {
      groupMembers = members;
    },
  };
}

/** Accepted: the rotation moved to the action's state, one version on, with this person's audit entry. */
function expectAccepted(outcome: Outcome, action: Action, user: string): void {
  const { response, before, after, calls } = outcome;
  expect(response.text).not.toMatch(/response_action/);
  expect(after).toMatchObject({ status: LEADS_TO[action], version: before.version + 1 });
  expect(after?.history).toHaveLength(before.history.length + 1);
  expect(after?.history.at(-1)).toMatchObject({ actorId: user, from: before.status, to: LEADS_TO[action] });
  // A started cycle stays its team's: the requester is kept, the starter joins the attendees.
  if (action === 'start_planned') expect(after).toMatchObject({ requesterId: before.requesterId, channelId: before.channelId });
  if (action === 'start_planned') expect(after?.attendeeIds).toEqual(expect.arrayContaining([...before.attendeeIds, user]));
  expect(calls.filter((c) => c.method === 'chat.postEphemeral')).toEqual([]);
  // The change is announced: the rotation's message updated in place (a started plan posts its first one).
  if (before.message) expect(calls.filter((c) => c.method === 'chat.update').map((c) => c.args.ts)).toEqual([before.message.ts]);
  if (action === 'start_planned') expect(calls.some((c) => c.method === 'chat.postMessage' && String(c.args.text).includes(before.id))).toBe(true);
}

/**
 * Refused: the stored rotation is exactly as seeded; the person got a private
 * explanation (an ephemeral message after a click, the form replaced by a
 * notice after a submission); nothing else was said or shown to anyone.
 */
function expectRefused(outcome: Outcome, action: Action, user: string): void {
  const { response, before, after, calls } = outcome;
  expect(after).toEqual(before);
  if (action === 'approve') {
    expect(response.text).toBe('');
    expect(calls.map((c) => c.method)).toEqual(['chat.postEphemeral']);
    expect(calls[0]?.args).toMatchObject({ channel: CHANNEL, user });
    expect(String(calls[0]?.args.text)).toContain(before.id);
  } else {
    const answer = response.json();
    expect(answer.response_action).toBe('update');
    expect(JSON.stringify(answer.view)).toContain('Nothing was changed');
    expect(JSON.stringify(answer.view)).toContain(before.id);
    expect(calls).toEqual([]);
  }
}

// ---------------------------------------------------------------- the cases

const CELLS = ACTIONS.flatMap((action) =>
  STATES.flatMap((state) =>
    ROLES.map((role) => {
      const allowed = expectedAllowed(action, state, role);
      return { action, state, role, allowed, verdict: allowed ? 'allowed' : 'refused' };
    }),
  ),
);

describe('authorisation matrix over HTTP (WFI_ALLOW_SELF_APPROVAL unset)', () => {
  const bot = botFixture({});

  beforeAll(async () => {
    // The removed member was in the group, and could approve then…
    const rotation = aSeed('requested');
    const outcome = await bot.run('approve', rotation, EX_MEMBER);
    if (outcome.after?.status !== 'approved') throw new Error('setup: the group member could not approve before their removal');
    // …then leaves it; once the directory's cache expires, the bot sees it.
    bot.setGroupMembers([GROUP_MEMBER]);
    bot.clock.at += PAST_GROUP_CACHE_MS;
  });

  it('covers every action × state × role, with the allowed cells the domain names', () => {
    expect(CELLS).toHaveLength(ACTIONS.length * STATES.length * ROLES.length);
    expect(CELLS.filter((c) => c.allowed).map((c) => `${c.action}@${c.state}:${c.role}`)).toHaveLength(
      2 * 2 + 4 * 1 + 4 * 2 + 4 * 1 + 4 * 5 + 4 * 1,
    );
  });

  it('seeds the people in the roles the cases name', () => {
    for (const state of STATES) {
      const seeded = aSeed(state);
      expect(seeded.status).toBe(state);
      expect(seeded.requesterId).toBe(USERS.requester);
      expect(seeded.attendeeIds).toContain(USERS.attendee);
      for (const outsider of [USERS.approver, USERS.group_member, USERS.removed_member, USERS.stranger]) {
        expect([seeded.requesterId, ...seeded.attendeeIds]).not.toContain(outsider);
      }
    }
  });

  test.each(CELLS)('$action on a $state rotation by the $role: $verdict', async ({ action, state, role, allowed }) => {
    const user = USERS[role];
    const outcome = await bot.run(action, aSeed(state), user);
    if (allowed) expectAccepted(outcome, action, user);
    else expectRefused(outcome, action, user);
  });

  describe('a button or form drawn for an older version is refused', () => {
    const STALE = ACTIONS.filter((a) => a !== 'start_planned').flatMap((action) =>
      FROM_STATES[action].map((state) => ({ action, state, role: MAY[action][0] as Role })),
    );

    test.each(STALE)('$action on a $state rotation by the $role, one version behind', async ({ action, state, role }) => {
      const user = USERS[role];
      const seeded = aSeed(state);
      // Someone changed it since the message (or the form) was drawn at the seeded version.
      const outcome = await bot.run(action, { ...seeded, version: seeded.version + 1 }, user, seeded.version);
      expectRefused(outcome, action, user);
      const explanation = action === 'approve' ? String(outcome.calls[0]?.args.text) : JSON.stringify(outcome.response.json());
      expect(explanation).toMatch(/out of date/);
    });
  });

  it('lets a person invited to the meeting (not a handoff attendee) confirm receipt (README: "also those invited to the meeting")', async () => {
    const seeded = aRotationIn('meeting_scheduled', { id: nextId() });
    const invited = { ...seeded, message: MESSAGE, meeting: { ...seeded.meeting, attendeeIds: [...seeded.meeting.attendeeIds, INVITEE] } };
    expectAccepted(await bot.run('complete', invited, INVITEE), 'complete', INVITEE);
  });

  it.each([
    ['cancel', 'wfi_cancel', stepStates.reason(REASON)],
    ['reschedule', 'wfi_meeting', stepStates.meeting({ ...MEETING, attendeeIds: [INVITEE, STRANGER] })],
  ] as const)('refuses a person invited to the meeting (not a handoff attendee) who tries to %s', async (_what, callbackId, values) => {
    const seeded = aRotationIn('meeting_scheduled', { id: nextId() });
    const invited = { ...seeded, message: MESSAGE, meeting: { ...seeded.meeting, attendeeIds: [...seeded.meeting.attendeeIds, INVITEE] } };
    const outcome = await bot.runRequest(invited, viewSubmission(callbackId, values, { user: INVITEE, privateMetadata: stepMeta(invited) }));
    expect(outcome.after).toEqual(outcome.before);
    expect(JSON.stringify(outcome.response.json())).toMatch(/Only the requester, the handoff attendees and the approvers/);
  });

  describe('self-approval is refused', () => {
    test.each([
      { who: 'an approver listed by user id', user: APPROVER_ID },
      { who: 'a member of an approver user group', user: GROUP_MEMBER },
    ])('$who may not approve their own request', async ({ user }) => {
      const outcome = await bot.run('approve', aSeed('requested', { requesterId: user }), user);
      expectRefused(outcome, 'approve', user);
      expect(String(outcome.calls[0]?.args.text)).toMatch(/another approver/);
    });

    test.each([
      { who: 'an approver listed by user id', user: APPROVER_ID },
      { who: 'a member of an approver user group', user: GROUP_MEMBER },
    ])('$who may still reject their own request (only approving is restricted)', async ({ user }) => {
      expectAccepted(await bot.run('reject', aSeed('requested', { requesterId: user }), user), 'reject', user);
    });
  });
});

describe('self-approval with WFI_ALLOW_SELF_APPROVAL=true', () => {
  const bot = botFixture({ WFI_ALLOW_SELF_APPROVAL: 'true' });

  test.each([
    { who: 'an approver listed by user id', user: APPROVER_ID, allowed: true },
    { who: 'a member of an approver user group', user: GROUP_MEMBER, allowed: true },
    { who: 'a requester who is no approver', user: REQUESTER_ID, allowed: false },
  ])('$who approving their own request: allowed=$allowed', async ({ user, allowed }) => {
    const outcome = await bot.run('approve', aSeed('requested', { requesterId: user }), user);
    if (allowed) expectAccepted(outcome, 'approve', user);
    else expectRefused(outcome, 'approve', user);
  });
});

describe('a member removed from an approver user group', () => {
  const bot = botFixture({});

  it('keeps the right while the directory caches the group (at most a minute), and loses it once the cache expires', async () => {
    expectAccepted(await bot.run('approve', aSeed('requested'), EX_MEMBER), 'approve', EX_MEMBER);

    bot.setGroupMembers([GROUP_MEMBER]);
    bot.clock.at += 30_000;
    // Within the cache window the old membership still holds (README: re-read at most once a minute).
    expectAccepted(await bot.run('reject', aSeed('requested'), EX_MEMBER), 'reject', EX_MEMBER);

    bot.clock.at += 31_000;
    const lookups = bot.fake.callsTo('usergroups.users.list').length;
    expectRefused(await bot.run('approve', aSeed('requested'), EX_MEMBER), 'approve', EX_MEMBER);
    expect(bot.fake.callsTo('usergroups.users.list').length).toBeGreaterThan(lookups);
    expectRefused(await bot.run('reject', aSeed('requested'), EX_MEMBER), 'reject', EX_MEMBER);
    // The group's remaining member keeps the right.
    expectAccepted(await bot.run('approve', aSeed('requested'), GROUP_MEMBER), 'approve', GROUP_MEMBER);
  });
});
