import { webApi } from '@slack/bolt';
import { openStore } from '../../src/store/keyv-factory';
import type { Rotation } from '../../src/domain/rotation';
import { explainRefusal } from '../../src/slack/views/refusals';
import { FakeSlack, type RecordedCall } from '../../testkit/fake-slack';
import { startTestBot, tempStoreUrl, type TestBot } from '../support/bot-harness';
import { homePublished, openHome } from '../support/app-home';
import { buttonClick, REQUESTER, requestSubmission, slashCommand, stepStates, viewSubmission } from '../../testkit/payloads';
import { postToBot, type SlackPost } from '../../testkit/slack-request';

/**
 * Slack is slow, rate-limits, or does not answer: every request from Slack is
 * still answered within Slack's 3 seconds, the person still hears what
 * happened within a few seconds, a directly listed approver is never held up
 * by a user group Slack cannot give, and nothing is saved twice. The bot runs
 * with production's retry policy, so a retried call behaves as it would live.
 */

// Monday 2026-03-02, 10:00 UTC.
const NOW = new Date('2026-03-02T10:00:00Z');
const APPROVER = 'U0APPROVE1';
const GROUP = 'S0GROUP001';
const GROUP_MEMBER = 'U0GROUPMBR';
const ATTENDEE = 'U0ATTEND01';
const STRANGER = 'U0STRANGER';

/** Slack drops a request it has no answer to within 3 seconds. */
const SLACK_WINDOW_MS = 3000;
/** "Within a few seconds": a private message, a refusal, the form's answer. */
const HEARD_WITHIN_MS = 2000;
/** "At once": a listed approver's approval stored and its message updated; a form asked for. */
const AT_ONCE_MS = 1500;

const UNKNOWN_RIGHTS = (id: string) => explainRefusal({ code: 'APPROVER_UNKNOWN' }, id);

interface Answer extends SlackPost {
  /** When the request was sent, and how long its answer took. */
  sentAt: number;
  ms: number;
}

interface Posted {
  id: string;
  ts: string;
  channel: string;
}

/** The ways Slack can fail to give the members of a user group. */
const UNREADABLE_GROUPS: Array<[string, (fake: FakeSlack) => void]> = [
  ['answering after 10 s', (fake) => fake.slow('usergroups.users.list', 10_000)],
  ['answering 429 with Retry-After: 30', (fake) => fake.rateLimit('usergroups.users.list', 30)],
  ['not answering for minutes', (fake) => fake.hang('usergroups.users.list')],
];

describe('answering Slack in time while Slack itself is slow', () => {
  const fake = new FakeSlack();
  let store: ReturnType<typeof tempStoreUrl>;
  let bot: TestBot | undefined;
  const port = () => (bot as TestBot).port;

  async function startBot(): Promise<void> {
    bot = await startTestBot(fake, {
      storeUrl: store.url,
      now: NOW,
      // Production's policy: 429s waited out (Retry-After) and retried, 5xx retried, for up to five minutes.
      retryConfig: webApi.retryPolicies.fiveRetriesInFiveMinutes,
      env: { WFI_APPROVERS: `${APPROVER},${GROUP}` },
    });
  }

  /** Posts to the bot as Slack does, timing the answer. */
  async function send(body: string): Promise<Answer> {
    const sentAt = Date.now();
    const response = await postToBot(port(), body);
    return { ...response, sentAt, ms: Date.now() - sentAt };
  }

  function expectAnsweredInTime(answer: Answer): void {
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(SLACK_WINDOW_MS);
  }

  /** Reads the store beside the running bot (SQLite takes a second connection). */
  async function storedRotations(): Promise<Rotation[]> {
    const reader = openStore(store.url).rotations;
    try {
      return await reader.list();
    } finally {
      await reader.close();
    }
  }

  async function stored(id: string): Promise<Rotation | undefined> {
    return (await storedRotations()).find((rotation) => rotation.id === id);
  }

  const steps = (rotation: Rotation | undefined) => rotation?.history.map((entry) => [entry.to, entry.actorId]);

  /** Requests a rotation through the form and returns where its message went, once that is stored. */
  async function requestRotation(): Promise<Posted> {
    // The requester opened App Home: its refresh after the request says the request is complete.
    await openHome(fake, port(), REQUESTER);
    const posts = fake.callsTo('chat.postMessage').length;
    const mark = fake.calls.length;
    expectAnsweredInTime(await send(requestSubmission({ attendeeIds: [REQUESTER, ATTENDEE] })));
    const post = (await fake.waitFor('chat.postMessage', posts + 1))[posts] as RecordedCall;
    const id = /ROT-[A-Z0-9]{6}/.exec(String(post.args.text))?.[0] as string;
    // The dashboards are refreshed once the message's location is stored: the request is complete.
    await homePublished(fake, REQUESTER, mark, { showing: id });
    return { id, ts: String(post.answer?.ts), channel: String(post.answer?.channel) };
  }

  function click(actionId: string, rotation: Posted, version: number, user: string): Promise<Answer> {
    return send(buttonClick(actionId, `${rotation.id}:${version}`, { user, responseUrl: fake.responseUrl(), channelId: rotation.channel, messageTs: rotation.ts }));
  }

  function submitStep(callbackId: string, state: Parameters<typeof viewSubmission>[1], user: string, privateMetadata: string): Promise<Answer> {
    return send(viewSubmission(callbackId, state, { user, privateMetadata }));
  }

  const meta = (rotation: Posted, version: number) => JSON.stringify({ rotationId: rotation.id, version });

  /** The chat.update calls that arrived for one rotation's message, answered yet or not. */
  const updatesOf = (rotation: Posted) => fake.receivedBy('chat.update').filter((call) => call.args.ts === rotation.ts);

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    fake.on('usergroups.users.list', (args) => ({ ok: true, users: args.usergroup === GROUP ? [GROUP_MEMBER] : [] }));
    store = tempStoreUrl();
  });
  afterEach(async () => {
    // Slack answers everything held back, so the bot's shutdown has nothing left to wait for.
    fake.release();
    await bot?.stop();
    bot = undefined;
    store.cleanup();
  });

  describe.each(UNREADABLE_GROUPS)('while usergroups.users.list is %s, from before the bot starts', (_how, makeGroupsUnreadable) => {
    /** No call to usergroups.users.list has given the members: the bot really could not know them. */
    function expectGroupsUnread(): void {
      expect(fake.receivedBy('usergroups.users.list').length).toBeGreaterThan(0);
      expect(fake.callsTo('usergroups.users.list').filter((call) => call.status === 200)).toEqual([]);
    }

    it("tells a group member privately at once that their rights could not be checked, approves a listed approver's click at once, and the member's once the group can be read", async () => {
      makeGroupsUnreadable(fake);
      await startBot();
      const first = await requestRotation();
      const second = await requestRotation();

      // The group member's Approve: answered at once, told within seconds, nothing changed.
      const memberClick = await click('rotation_approve', first, 1, GROUP_MEMBER);
      expectAnsweredInTime(memberClick);
      const [told] = await fake.waitFor('chat.postEphemeral');
      expect(told?.args).toMatchObject({ channel: first.channel, user: GROUP_MEMBER, text: UNKNOWN_RIGHTS(first.id) });
      expect((told?.receivedAt as number) - memberClick.sentAt).toBeLessThan(HEARD_WITHIN_MS);
      expectGroupsUnread();
      expect(updatesOf(first)).toEqual([]);
      expect(await stored(first.id)).toMatchObject({ status: 'requested', version: 1 });

      // A listed approver is not held up by the group: stored and shown at once.
      const approverClick = await click('rotation_approve', second, 1, APPROVER);
      expectAnsweredInTime(approverClick);
      const [shown] = await fake.waitForReceived('chat.update');
      expect(shown?.args.ts).toBe(second.ts);
      expect((shown?.at as number) - approverClick.sentAt).toBeLessThan(AT_ONCE_MS);
      expect(await stored(second.id)).toMatchObject({ status: 'approved', approval: { by: APPROVER } });

      // Slack gives the members again: the group member's next try goes through.
      fake.release('usergroups.users.list');
      const retry = await click('rotation_approve', first, 1, GROUP_MEMBER);
      expectAnsweredInTime(retry);
      await fake.waitForReceived('chat.update', 2);
      expect(updatesOf(first)).toHaveLength(1);
      expect((updatesOf(first)[0]?.at as number) - retry.sentAt).toBeLessThan(HEARD_WITHIN_MS);
      expect(fake.callsTo('usergroups.users.list').some((call) => call.status === 200)).toBe(true);

      // Each approval saved once; the refused click saved nothing and was told once.
      expect(steps(await stored(first.id))).toEqual([
        ['requested', REQUESTER],
        ['approved', GROUP_MEMBER],
      ]);
      expect(steps(await stored(second.id))).toEqual([
        ['requested', REQUESTER],
        ['approved', APPROVER],
      ]);
      expect(await storedRotations()).toHaveLength(2);
      expect(fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    });

    it("answers a Reject or a Cancel form that depends on the group with the explanation in the form, changes nothing, and takes a listed approver's Reject at once", async () => {
      makeGroupsUnreadable(fake);
      await startBot();
      const rotation = await requestRotation();

      // A group member's Reject, and a Cancel by someone who is in no handoff but could be in the group.
      for (const [callbackId, user] of [
        ['wfi_reject', GROUP_MEMBER],
        ['wfi_cancel', STRANGER],
      ] as const) {
        const answer = await submitStep(callbackId, stepStates.reason('Not needed any more'), user, meta(rotation, 1));
        expectAnsweredInTime(answer);
        const body = answer.json() as { response_action?: string; view?: unknown };
        expect(body.response_action).toBe('update');
        expect(JSON.stringify(body.view)).toContain(UNKNOWN_RIGHTS(rotation.id));
      }
      expectGroupsUnread();
      expect(await stored(rotation.id)).toMatchObject({ status: 'requested', version: 1 });
      expect(updatesOf(rotation)).toEqual([]);

      // The listed approver's Reject is decided without the group: the form closes and the rotation is rejected.
      const reject = await submitStep('wfi_reject', stepStates.reason('Rotated last month already'), APPROVER, meta(rotation, 1));
      expectAnsweredInTime(reject);
      expect(reject.text).toBe('');
      expect(reject.ms).toBeLessThan(AT_ONCE_MS);
      const [shown] = await fake.waitForReceived('chat.update');
      expect((shown?.at as number) - reject.sentAt).toBeLessThan(AT_ONCE_MS);
      expect(steps(await stored(rotation.id))).toEqual([
        ['requested', REQUESTER],
        ['rejected', APPROVER],
      ]);
    });
  });

  it('opens the meeting form at once while users.info takes 8 s, answers "My Slack time zone" at once with a field error, and saves an explicit zone once', async () => {
    await startBot();
    const rotation = await requestRotation();
    await click('rotation_approve', rotation, 1, APPROVER);
    await fake.waitFor('chat.update');
    await submitStep('wfi_submission', stepStates.submission('CS-0123456', '2026-03-02'), REQUESTER, meta(rotation, 2));
    await fake.waitFor('chat.update', 2);
    fake.slow('users.info', 8000);

    const meetingClick = await click('rotation_schedule_meeting', rotation, 3, ATTENDEE);
    expectAnsweredInTime(meetingClick);
    const [open] = await fake.waitForReceived('views.open');
    const form = open?.args.view as { callback_id: string; private_metadata: string };
    expect(form.callback_id).toBe('wfi_meeting');
    expect((open?.at as number) - meetingClick.sentAt).toBeLessThan(AT_ONCE_MS);
    // The zone is asked for after the form opened, and has not come back.
    await fake.waitForReceived('users.info');
    expect(fake.callsTo('users.info')).toEqual([]);
    expect(JSON.parse(form.private_metadata)).toEqual({ rotationId: rotation.id, version: 3 });

    /** users.info calls that arrived while a submission waited for its answer. */
    const lookupsDuring = (answer: Answer) => fake.receivedBy('users.info').filter((call) => call.at >= answer.sentAt && call.at <= answer.sentAt + answer.ms);
    const meeting = { platform: 'Webex', date: '2026-03-20', time: '15:00', joinUrl: 'https://acme.webex.com/meet/x', attendeeIds: [REQUESTER, ATTENDEE] };

    const mine = await submitStep('wfi_meeting', stepStates.meeting({ ...meeting, timeZone: 'slack-user-time-zone' }), ATTENDEE, form.private_metadata);
    expectAnsweredInTime(mine);
    expect(mine.ms).toBeLessThan(AT_ONCE_MS);
    expect(mine.json()).toEqual({ response_action: 'errors', errors: { meeting_time_zone: expect.stringMatching(/time zone/) } });
    expect(lookupsDuring(mine)).toEqual([]);
    expect(await stored(rotation.id)).toMatchObject({ status: 'submitted', version: 3 });

    const explicit = await submitStep('wfi_meeting', stepStates.meeting({ ...meeting, timeZone: 'Europe/Berlin' }), ATTENDEE, form.private_metadata);
    expectAnsweredInTime(explicit);
    expect(explicit.text).toBe('');
    expect(lookupsDuring(explicit)).toEqual([]);
    await fake.waitForReceived('chat.update', 3);

    const saved = await stored(rotation.id);
    // 15:00 in Berlin (CET, before the switch to summer time) is 14:00 UTC.
    expect(saved).toMatchObject({ status: 'meeting_scheduled', version: 4, meeting: { startsAt: '2026-03-20T14:00:00.000Z', timeZone: 'Europe/Berlin' } });
    expect(steps(saved)).toEqual([
      ['requested', REQUESTER],
      ['approved', APPROVER],
      ['submitted', REQUESTER],
      ['meeting_scheduled', ATTENDEE],
    ]);
  });

  it('acknowledges /wfi-rotate at once while views.open takes 5 s, and still takes a request form meanwhile', async () => {
    fake.slow('views.open', 5000);
    await startBot();

    const command = await send(slashCommand({ response_url: fake.responseUrl('command') }));
    expectAnsweredInTime(command);
    expect(command.text).toBe('');
    // The form is asked for straight after the acknowledgement, while its trigger_id is fresh.
    const [open] = await fake.waitForReceived('views.open');
    expect((open?.at as number) - command.sentAt).toBeLessThan(AT_ONCE_MS);

    // A slow views.open holds up no other call: the request is saved and posted while it waits.
    const submission = await send(requestSubmission());
    expectAnsweredInTime(submission);
    expect(submission.text).toBe('');
    const [post] = await fake.waitFor('chat.postMessage');
    expect(fake.heldCount('views.open')).toBe(1);
    expect((post?.receivedAt as number) - submission.sentAt).toBeLessThan(HEARD_WITHIN_MS);
    expect(await storedRotations()).toEqual([expect.objectContaining({ status: 'requested', requesterId: REQUESTER })]);

    // Slack answers the form at last: it opened, so the person is not told it failed.
    fake.release('views.open');
    expect((await fake.waitFor('views.open'))[0]?.answer).toMatchObject({ ok: true });
    expect(fake.responses).toEqual([]);
  });

  it("answers a request form at once while chat.postMessage is rate-limited twice, stores one rotation, and posts its message once Slack takes it", async () => {
    fake.rateLimit('chat.postMessage', 1, 2);
    await startBot();
    await openHome(fake, port(), REQUESTER);
    const mark = fake.calls.length;

    const submission = await send(requestSubmission());
    expectAnsweredInTime(submission);
    expect(submission.text).toBe('');
    expect(await storedRotations()).toHaveLength(1);

    // Waited out (Retry-After, then the policy's back-off) and retried: 1 s + 1 s, then 1 s + 3.86 s.
    const posts = await fake.waitFor('chat.postMessage', 3, 12_000);
    expect(posts.map((call) => call.status)).toEqual([429, 429, 200]);
    expect((posts[1]?.receivedAt as number) - (posts[0]?.receivedAt as number)).toBeGreaterThanOrEqual(1000);
    expect(new Set(posts.map((call) => /ROT-[A-Z0-9]{6}/.exec(String(call.args.text))?.[0])).size).toBe(1);
    // The dashboards come after the message's location is stored: nothing more is posted after that.
    await homePublished(fake, REQUESTER, mark, { showing: /ROT-[A-Z0-9]{6}/.exec(String(posts[2]?.args.text))?.[0] ?? 'ROT-' });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(3);

    const rotations = await storedRotations();
    expect(rotations).toHaveLength(1);
    expect(rotations[0]).toMatchObject({ message: { channelId: 'C0CHANNEL1', ts: posts[2]?.answer?.ts } });
    expect(steps(rotations[0])).toEqual([['requested', REQUESTER]]);
  });

  it("acknowledges a listed approver's Approve at once while chat.update takes 6 s, and approves exactly once, a second click included", async () => {
    await startBot();
    const rotation = await requestRotation();
    fake.slow('chat.update', 6000);

    const approve = await click('rotation_approve', rotation, 1, APPROVER);
    expectAnsweredInTime(approve);
    const [update] = await fake.waitForReceived('chat.update');
    expect((update?.at as number) - approve.sentAt).toBeLessThan(AT_ONCE_MS);
    expect(await stored(rotation.id)).toMatchObject({ status: 'approved', version: 2 });

    // The message still shows Approve (its update is not through): a second click is answered and told, not applied again.
    const again = await click('rotation_approve', rotation, 1, APPROVER);
    expectAnsweredInTime(again);
    const [told] = await fake.waitFor('chat.postEphemeral');
    expect(String(told?.args.text)).toMatch(/already done by <@U0APPROVE1>/);
    expect((told?.receivedAt as number) - again.sentAt).toBeLessThan(HEARD_WITHIN_MS);

    // The slow update is answered; the thread hears of the approval once.
    await fake.waitFor('chat.update', 1, 9000);
    const replies = (await fake.waitFor('chat.postMessage', 2)).filter((call) => call.args.thread_ts === rotation.ts);
    expect(replies).toHaveLength(1);
    expect(fake.receivedBy('chat.update')).toHaveLength(1);
    expect(steps(await stored(rotation.id))).toEqual([
      ['requested', REQUESTER],
      ['approved', APPROVER],
    ]);
  });

  it("approves once when chat.update first answers 503: the message is updated on the retry", async () => {
    await startBot();
    const rotation = await requestRotation();
    fake.serverError('chat.update', 503, 1);

    const approve = await click('rotation_approve', rotation, 1, APPROVER);
    expectAnsweredInTime(approve);
    const updates = await fake.waitFor('chat.update', 2);
    expect(updates.map((call) => call.status)).toEqual([503, 200]);
    expect(updates.map((call) => call.args.ts)).toEqual([rotation.ts, rotation.ts]);
    expect(steps(await stored(rotation.id))).toEqual([
      ['requested', REQUESTER],
      ['approved', APPROVER],
    ]);
  });
});
