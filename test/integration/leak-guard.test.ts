import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RotationStore } from '../../src/domain/ports';
import type { Rotation } from '../../src/domain/rotation';
import { SECRET_REFUSAL } from '../../src/domain/secret-detector';
import { JOIN_LINK_HOST_ERROR } from '../../src/domain/step-inputs';
import { openStore } from '../../src/store/keyv-factory';
import { startTestBot, type TestBot } from '../support/bot-harness';
import { FakeSlack } from '../../testkit/fake-slack';
import { logCaptureDir } from '../support/log-capture';
import { buttonClick, eventCallback, REQUESTER, requestSubmission, stepStates, threadReply, viewSubmission } from '../../testkit/payloads';
import { TEST_MEETING_PASSCODE, TEST_SECRET_ASSIGNMENT, TEST_WFI_SECRET } from '../support/secrets';
import { postToBot } from '../../testkit/slack-request';

// Monday 2026-03-02, 10:00 UTC.
const NOW = new Date('2026-03-02T10:00:00Z');
const APPROVER = 'U0APPROVE1';
const S = TEST_WFI_SECRET;
const [HEAD, TAIL] = [S.slice(0, 16), S.slice(16)];
/** Every 8-character piece of the secret: a secret split or spread out must not show up in parts either. */
const PIECES = Array.from({ length: S.length - 7 }, (_, i) => S.slice(i, i + 8));
const ATTENDEE = 'U0ATTEND01';

/** Where a secret could be typed, as the step forms and the request form see it. */
type SecretCarrier = 'notes' | 'instance URL' | 'reject reason' | 'cancel reason' | 'case number' | 'join link';

describe('the leak guard: the secret never enters the bot through any input', () => {
  const fake = new FakeSlack();
  let store: RotationStore;
  let bot: TestBot | undefined;
  const port = () => (bot as TestBot).port;

  /** Everything the bot sent to Slack, and everything it stored: where a leaked secret would show. */
  async function everywhere(): Promise<string> {
    return JSON.stringify({ calls: fake.calls, responses: fake.responses, stored: await store.list(), logs: bot?.logger.lines });
  }

  async function requestRotation(): Promise<{ id: string; ts: string; channel: string }> {
    const before = fake.callsTo('chat.postMessage').length;
    await postToBot(port(), requestSubmission({ attendeeIds: [REQUESTER, ATTENDEE] }));
    const post = (await fake.waitFor('chat.postMessage', before + 1))[before];
    const id = /ROT-[A-Z0-9]{6}/.exec(String(post?.args.text))?.[0] as string;
    await waitForMessageLocation(id);
    return { id, ts: String(post?.answer?.ts), channel: String(post?.answer?.channel) };
  }

  /** The message's location is stored right after posting; a thread reply is matched against it. */
  async function waitForMessageLocation(id: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!(await store.get(id))?.message) {
      if (Date.now() > deadline) throw new Error(`${id}'s message location was never stored`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function approve(id: string): Promise<void> {
    const updates = fake.callsTo('chat.update').length;
    await postToBot(port(), buttonClick('rotation_approve', `${id}:1`, { user: APPROVER, responseUrl: fake.responseUrl() }));
    await fake.waitFor('chat.update', updates + 1);
  }

  function submitStep(callbackId: string, state: Parameters<typeof viewSubmission>[1], id: string, version: number) {
    return postToBot(port(), viewSubmission(callbackId, state, { user: REQUESTER, privateMetadata: JSON.stringify({ rotationId: id, version }) }));
  }

  async function submitted(id: string): Promise<void> {
    await approve(id);
    const answer = await submitStep('wfi_submission', stepStates.submission('CS-0012345', '2026-03-02'), id, 2);
    expect(answer.text).toBe('');
  }

  const meeting = (joinUrl: string) =>
    stepStates.meeting({ platform: 'Webex', date: '2026-03-10', time: '15:00', timeZone: 'Europe/Berlin', joinUrl, attendeeIds: [ATTENDEE] });

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.reset();
    fake.on('usergroups.users.list', () => ({ ok: true, users: [] }));
    store = openStore('memory://').rotations;
    bot = await startTestBot(fake, { storeUrl: 'memory://', now: NOW, store, env: { WFI_APPROVERS: APPROVER, WFI_MEETING_HOSTS: 'meet.acme.com' } });
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  describe('in the forms: refused on the field, nothing saved, the text echoed nowhere', () => {
    const cases: Array<[SecretCarrier, (text: string) => Promise<{ answer: Record<string, unknown>; field: string; before?: Rotation }>]> = [
      [
        'notes',
        async (text) => ({ answer: (await postToBot(port(), requestSubmission({ notes: `for the vault: ${text}` }))).json(), field: 'notes' }),
      ],
      [
        'instance URL',
        async (text) => ({ answer: (await postToBot(port(), requestSubmission({ instanceUrl: text }))).json(), field: 'instance_url' }),
      ],
      [
        'reject reason',
        async (text) => {
          const { id } = await requestRotation();
          const before = await store.get(id);
          const answer = await postToBot(
            port(),
            viewSubmission('wfi_reject', stepStates.reason(`wrong one, use ${text}`), { user: APPROVER, privateMetadata: JSON.stringify({ rotationId: id, version: 1 }) }),
          );
          return { answer: answer.json(), field: 'reason', before };
        },
      ],
      [
        'cancel reason',
        async (text) => {
          const { id } = await requestRotation();
          const before = await store.get(id);
          return { answer: (await submitStep('wfi_cancel', stepStates.reason(text), id, 1)).json(), field: 'reason', before };
        },
      ],
      [
        'case number',
        async (text) => {
          const { id } = await requestRotation();
          await approve(id);
          const before = await store.get(id);
          return { answer: (await submitStep('wfi_submission', stepStates.submission(text, '2026-03-02'), id, 2)).json(), field: 'case_number', before };
        },
      ],
      [
        'join link',
        async (text) => {
          const { id } = await requestRotation();
          await submitted(id);
          const before = await store.get(id);
          const link = `https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef0123456789abcdef&${text}`;
          return { answer: (await submitStep('wfi_meeting', meeting(link), id, 3)).json(), field: 'join_url', before };
        },
      ],
    ];

    it.each(cases)('the %s: refused with the reason, and the rotation is as it was', async (_carrier, submit) => {
      const { answer, field, before } = await submit(TEST_SECRET_ASSIGNMENT);

      expect(answer).toEqual({ response_action: 'errors', errors: { [field]: SECRET_REFUSAL } });
      if (before) expect(await store.get(before.id)).toEqual(before);
      else expect(await store.list()).toEqual([]);
      expect(await everywhere()).not.toContain(TEST_WFI_SECRET);
    });

    it.each<[SecretCarrier, string, string]>([
      ['notes', 'in mrkdwn bold', `*${S}*`],
      ['notes', 'with a zero-width space inside', `${HEAD}\u200b${TAIL}`],
      ['instance URL', 'after "secret：" (a full-width colon)', `secret：${S}`],
      ['reject reason', 'split in two by a space', `${HEAD} ${TAIL}`],
      ['cancel reason', "as the label of Slack's link wrapper", `<https://x.example|${S}>`],
      ['case number', 'split in two by a full stop', `${HEAD}.${TAIL}`],
      ['join link', 'as a token= parameter', `token=${S}`],
    ])('the %s: a secret %s is refused too, and no piece of it is kept', async (carrier, _how, text) => {
      const submit = cases.find(([name]) => name === carrier)?.[1];
      if (!submit) throw new Error(`no form case for ${carrier}`);

      const { answer, field, before } = await submit(text);

      expect(answer).toEqual({ response_action: 'errors', errors: { [field]: SECRET_REFUSAL } });
      if (before) expect(await store.get(before.id)).toEqual(before);
      else expect(await store.list()).toEqual([]);
      const seen = await everywhere();
      expect(PIECES.filter((piece) => seen.includes(piece))).toEqual([]);
    });

    it.each([
      ['notes', (text: string) => postToBot(port(), requestSubmission({ notes: text })), 'notes'],
      ['instance URL', (text: string) => postToBot(port(), requestSubmission({ instanceUrl: text })), 'instance_url'],
    ])('the %s: a bare secret-like token is refused too', async (_carrier, submit, field) => {
      const answer = (await submit(TEST_WFI_SECRET)).json();

      expect(answer).toEqual({ response_action: 'errors', errors: { [field]: SECRET_REFUSAL } });
      expect(await store.list()).toEqual([]);
      expect(await everywhere()).not.toContain(TEST_WFI_SECRET);
    });

    it('accepts a join link that carries a meeting passcode (pwd=), which is not the WFI secret', async () => {
      const { id } = await requestRotation();
      await submitted(id);
      const link = `https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef0123456789abcdef&pwd=${TEST_MEETING_PASSCODE}`;

      expect((await submitStep('wfi_meeting', meeting(link), id, 3)).text).toBe('');
      const rotation = await store.get(id);
      expect(rotation?.status).toBe('meeting_scheduled');
      expect(rotation && 'meeting' in rotation ? rotation.meeting?.joinUrl : undefined).toBe(link);
    });

    it('accepts a join link on a host from WFI_MEETING_HOSTS, and refuses one on a look-alike host', async () => {
      const { id } = await requestRotation();
      await submitted(id);

      const lookalike = await submitStep('wfi_meeting', meeting('https://meet.acme.com.evil.io/r/handoff'), id, 3);
      expect(lookalike.json()).toEqual({ response_action: 'errors', errors: { join_url: JOIN_LINK_HOST_ERROR } });
      expect((await store.get(id))?.status).toBe('submitted');

      expect((await submitStep('wfi_meeting', meeting('https://eu.meet.acme.com/r/handoff'), id, 3)).text).toBe('');
      const rotation = await store.get(id);
      expect(rotation && 'meeting' in rotation ? rotation.meeting?.joinUrl : undefined).toBe('https://eu.meet.acme.com/r/handoff');
    });
  });

  describe('in a rotation thread', () => {
    const reply = (rotation: { ts: string; channel: string }, text: string, overrides: Record<string, unknown> = {}) =>
      eventCallback({ ...threadReply({ channel: rotation.channel, threadTs: rotation.ts, ts: '1700000500.000100', user: ATTENDEE, text }), ...overrides });
    const postEvent = (body: string, headers: Record<string, string> = {}) =>
      postToBot(port(), body, { contentType: 'application/json', headers });

    /** The direct messages asking a poster to delete what they posted (a direct message stays; an ephemeral one is gone on reload). */
    const deleteRequests = () =>
      fake.callsTo('chat.postMessage').filter((c) => /^[UW]/.test(String(c.args.channel)) && /looks like a secret/.test(String(c.args.text)));
    async function waitForDeleteRequests(count = 1): Promise<ReturnType<typeof deleteRequests>> {
      const deadline = Date.now() + 5000;
      while (deleteRequests().length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} delete request(s), saw ${deleteRequests().length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return deleteRequests();
    }
    const exposuresOf = async (id: string) => (await store.get(id))?.history.filter((e) => e.event === 'secret_exposed') ?? [];

    it('asks the poster in a direct message to delete it, records secret_exposed without the text, and tells the thread', async () => {
      const rotation = await requestRotation();
      const versionBefore = (await store.get(rotation.id))?.version;
      const updates = fake.callsTo('chat.update').length;

      const answer = await postEvent(reply(rotation, `here you go: ${TEST_WFI_SECRET}`));
      expect(answer.status).toBe(200);

      const [request] = await waitForDeleteRequests();
      expect(request?.args.channel).toBe(ATTENDEE);
      expect(String(request?.args.text)).toMatch(/looks like a secret\. Please delete it/);
      expect(String(request?.args.text)).toContain(rotation.id);
      expect(String(request?.args.text)).toContain(`<#${rotation.channel}>`);
      expect(fake.callsTo('chat.postEphemeral')).toEqual([]);

      const recorded = await store.get(rotation.id);
      expect(recorded?.version).toBe(versionBefore);
      expect(recorded?.status).toBe('requested');
      expect(recorded?.history.at(-1)).toMatchObject({
        event: 'secret_exposed',
        actorId: ATTENDEE,
        from: 'requested',
        to: 'requested',
        details: { channel: rotation.channel, messageTs: '1700000500.000100' },
      });
      expect(recorded?.history.at(-1)?.details?.advice).toMatch(/treat it as exposed/);

      // The thread hears of it (the approvers need to know), and the message shows it as the last change.
      await fake.waitFor('chat.update', updates + 1);
      // The notice follows the update (notifier.announceChange): waited for, not read at once.
      const notice = await fake.waitForCall(
        'chat.postMessage',
        (c) => c.args.thread_ts === rotation.ts && /looked like a secret/.test(String(c.args.text)),
        'the thread notice',
      );
      expect(notice).toBeDefined();
      expect(await everywhere()).not.toContain(TEST_WFI_SECRET);
    });

    it.each([
      ['split in two by a space, in bold', `here you go: *${HEAD} ${TAIL}*`],
      ['with a zero-width space inside', `${HEAD}\u200b${TAIL}`],
      ["as the label of Slack's link wrapper", `the new one is <https://x.example|${S}>`],
    ])('catches a secret %s and records it once', async (_how, text) => {
      const rotation = await requestRotation();

      expect((await postEvent(reply(rotation, text))).status).toBe(200);

      const [request] = await waitForDeleteRequests();
      expect(String(request?.args.text)).toMatch(/looks like a secret\. Please delete it/);
      expect(await exposuresOf(rotation.id)).toHaveLength(1);
      const seen = await everywhere();
      expect(PIECES.filter((piece) => seen.includes(piece))).toEqual([]);
    });

    it('records a message once, however often Slack delivers its event', async () => {
      const rotation = await requestRotation();
      const body = reply(rotation, TEST_SECRET_ASSIGNMENT);
      await postEvent(body);
      await waitForDeleteRequests();
      await postEvent(body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
      await postEvent(body);
      // An edit of the same message into another secret-like text is still the same message.
      await postEvent(
        eventCallback({
          type: 'message',
          subtype: 'message_changed',
          channel: rotation.channel,
          message: { type: 'message', user: ATTENDEE, text: `again ${TEST_WFI_SECRET}`, ts: '1700000500.000100', thread_ts: rotation.ts },
          ts: '1700000600.000100',
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));

      const exposures = (await store.get(rotation.id))?.history.filter((e) => e.event === 'secret_exposed');
      expect(exposures).toHaveLength(1);
      // The poster is asked once, too.
      expect(deleteRequests()).toHaveLength(1);
    });

    it('catches a secret added by editing a harmless reply', async () => {
      const rotation = await requestRotation();
      await postEvent(reply(rotation, 'I will paste it after the meeting'));
      await postEvent(
        eventCallback({
          type: 'message',
          subtype: 'message_changed',
          channel: rotation.channel,
          message: { type: 'message', user: ATTENDEE, text: TEST_SECRET_ASSIGNMENT, ts: '1700000500.000100', thread_ts: rotation.ts },
          ts: '1700000600.000100',
        }),
      );

      await waitForDeleteRequests();
      expect(await exposuresOf(rotation.id)).toHaveLength(1);
    });

    it.each([6, 60])('records every one of %i secret-looking replies posted at once, by several people, and asks each poster to delete', async (count) => {
      const rotation = await requestRotation();
      const posters = ['U0POSTER01', 'U0POSTER02', 'U0POSTER03'];
      const replies = Array.from({ length: count }, (_, i) =>
        eventCallback(
          threadReply({ channel: rotation.channel, threadTs: rotation.ts, ts: `1700000600.${String(i).padStart(6, '0')}`, user: posters[i % 3] as string, text: TEST_WFI_SECRET }),
          `Ev0BURST${String(i).padStart(4, '0')}`,
        ),
      );

      const answers = await Promise.all(replies.map((body) => postEvent(body)));
      expect(answers.map((a) => a.status)).toEqual(replies.map(() => 200));

      const deadline = Date.now() + 20_000;
      while ((await exposuresOf(rotation.id)).length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const exposures = await exposuresOf(rotation.id);
      expect(exposures).toHaveLength(count);
      expect(new Set(exposures.map((e) => e.details?.messageTs)).size).toBe(count);
      // Every poster is asked to delete; a burst from one person costs one message to them, not one per reply.
      const asked = await waitForDeleteRequests(posters.length);
      expect(asked.map((c) => c.args.channel).sort()).toEqual(posters);
      const notices = () => fake.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === rotation.ts && /looked like a secret/.test(String(c.args.text)));
      while (notices().length < posters.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(notices()).toHaveLength(posters.length);
      // The appended entries kept the rotation's version: its buttons stay valid.
      expect((await store.get(rotation.id))?.version).toBe(1);
      expect(await everywhere()).not.toContain(TEST_WFI_SECRET);
    });

    it.each([
      ['an ordinary reply', (r: { ts: string; channel: string }) => reply(r, 'Vendor confirmed the meeting for Tuesday, case CS-0012345')],
      [
        'a reply with a Zoom link and its passcode, a mention and a rotation id',
        (r: { ts: string; channel: string }) =>
          reply(r, `Join <https://us02web.zoom.us/j/81234567890?pwd=${TEST_MEETING_PASSCODE}> with <@${ATTENDEE}>, as for ROT-4F7K2Q`),
      ],
      ['a secret in a thread that is not a rotation', (r: { ts: string; channel: string }) => reply({ ...r, ts: '1600000000.000100' }, TEST_WFI_SECRET)],
      ['a secret posted by a bot', (r: { ts: string; channel: string }) => reply(r, TEST_WFI_SECRET, { bot_id: 'B0OTHERBOT', user: undefined })],
      ['a secret in a top-level message', (r: { ts: string; channel: string }) => reply(r, TEST_WFI_SECRET, { thread_ts: undefined })],
    ])('leaves %s alone', async (_case, body) => {
      const rotation = await requestRotation();
      const before = await store.get(rotation.id);
      const calls = fake.calls.length;

      expect((await postEvent(body(rotation))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));

      // App Home refreshes of the request itself (and the background read of the approver groups) may still be arriving; nothing else may.
      expect(fake.calls.slice(calls).filter((c) => c.method !== 'views.publish' && c.method !== 'usergroups.users.list')).toEqual([]);
      expect(await store.get(rotation.id)).toEqual(before);
    });

    it('keeps the message buttons valid: an approval rendered before the report still goes through', async () => {
      const rotation = await requestRotation();
      await postEvent(reply(rotation, TEST_WFI_SECRET));
      await waitForDeleteRequests();

      await approve(rotation.id);
      expect((await store.get(rotation.id))?.status).toBe('approved');
    });
  });

  it("captures the bot's log lines for the log scan at the end of the run", () => {
    // The scan (test/support/global-teardown.ts) is only as good as the capture: this suite's lines must be in it.
    const dir = logCaptureDir();
    expect(dir).toBeDefined();
    const captured = readdirSync(dir as string)
      .map((file) => readFileSync(join(dir as string, file), 'utf8'))
      .join('\n');
    expect(captured).toMatch(/looked like a secret \(message ts 1700000500\.000100\); recorded as secret_exposed/);
  });
});
