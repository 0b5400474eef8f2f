import { webApi } from '@slack/bolt';
import type { Notifier } from '../../src/domain/ports';
import type { Rotation } from '../../src/domain/rotation';
import { refreshDashboards, type DashboardDeps } from '../../src/services/dashboards';
import { SlackNotifier } from '../../src/slack/notifier';
import { STATUS_LABELS } from '../../src/slack/views/labels';
import { openStore } from '../../src/store/keyv-factory';
import { FakeSlack, type RecordedCall } from '../../testkit/fake-slack';
import { buttonClick, eventCallback, REQUESTER, requestSubmission } from '../../testkit/payloads';
import { aRotationIn, REQUESTER_ID, TEST_POLICY } from '../../testkit/rotations';
import { postToBot } from '../../testkit/slack-request';
import { homePublished, homesSince, openHome } from '../support/app-home';
import { startTestBot, tempStoreUrl, UNLIMITED, type TestBot } from '../support/bot-harness';

/*
 * App Home costs what one person's view costs: published only to people who
 * opened the Home tab, once per burst of changes, and never over a newer
 * Home with a view read before it (`hash`).
 */

const NOW = new Date('2026-03-02T10:00:00Z');
const APPROVER = 'U0APPROVE1';
const ATTENDEE = 'U0ATTEND01';

const publishesTo = (fake: FakeSlack, user: string, from = 0): RecordedCall[] =>
  fake.calls.slice(from).filter((c) => c.method === 'views.publish' && c.args.user_id === user);
const shows = (call: RecordedCall | undefined, text: string) => JSON.stringify(call?.args.view).includes(text);

describe('App Home through Slack', () => {
  const fake = new FakeSlack();
  let store: ReturnType<typeof tempStoreUrl>;
  let bot: TestBot | undefined;
  const port = () => (bot as TestBot).port;

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.reset();
    store = tempStoreUrl();
    bot = await startTestBot(fake, { storeUrl: store.url, now: NOW, rateLimits: UNLIMITED, env: { WFI_APPROVERS: APPROVER } });
  });
  afterEach(async () => {
    await bot?.stop();
    store.cleanup();
  });

  /** Requests a rotation with the attendee, once its requester's Home shows it (the requester opened Home). */
  async function requestRotation(deadline: string): Promise<{ id: string; ts: string; channel: string }> {
    const mark = fake.calls.length;
    await postToBot(port(), requestSubmission({ attendeeIds: [REQUESTER, ATTENDEE], deadline }));
    const post = await new Promise<RecordedCall>((resolve, reject) => {
      const deadlineAt = Date.now() + 5000;
      const look = () => {
        const found = fake.calls.slice(mark).find((c) => c.method === 'chat.postMessage' && /ROT-/.test(String(c.args.text)));
        if (found) resolve(found);
        else if (Date.now() > deadlineAt) reject(new Error('no rotation message'));
        else setTimeout(look, 10);
      };
      look();
    });
    const id = /ROT-[A-Z0-9]{6}/.exec(String(post.args.text))?.[0] as string;
    await homePublished(fake, REQUESTER, mark, { showing: id });
    return { id, ts: String(post.answer?.ts), channel: String(post.answer?.channel) };
  }

  const approve = (rotation: { id: string; ts: string; channel: string }) =>
    postToBot(port(), buttonClick('rotation_approve', `${rotation.id}:1`, { user: APPROVER, responseUrl: fake.responseUrl(), channelId: rotation.channel, messageTs: rotation.ts }));

  it('publishes nothing to a person in the rotation who never opened App Home; the ones who did get their Home', async () => {
    for (const person of [REQUESTER, APPROVER]) await openHome(fake, port(), person);
    const requested = fake.calls.length;
    const rotation = await requestRotation('2026-03-31');
    await homePublished(fake, APPROVER, requested, { showing: rotation.id });
    const mark = fake.calls.length;
    await approve(rotation);
    await homePublished(fake, REQUESTER, mark, { showing: STATUS_LABELS.approved });
    await homePublished(fake, APPROVER, mark, { showing: STATUS_LABELS.approved });
    // Stopping lets the publishes under way finish: everything the two changes published is recorded after it.
    await bot?.stop();
    expect(publishesTo(fake, ATTENDEE)).toEqual([]);
    expect(homesSince(fake, mark).map((c) => c.args.user_id).sort()).toEqual([APPROVER, REQUESTER]);

    // Once the attendee opens it, the next change refreshes theirs too.
    bot = await startTestBot(fake, { storeUrl: store.url, now: NOW, rateLimits: UNLIMITED, env: { WFI_APPROVERS: APPROVER } });
    expect(shows(await openHome(fake, port(), ATTENDEE), rotation.id)).toBe(true);
    const again = fake.calls.length;
    await requestRotation('2026-04-30');
    await homePublished(fake, ATTENDEE, again);
  });

  it("publishes a person's Home once for a burst of changes to their rotations, showing the last of them", async () => {
    await openHome(fake, port(), REQUESTER);
    const first = await requestRotation('2026-03-31');
    const second = await requestRotation('2026-04-30');
    // Both approvals reach the same moment: their messages are updated together once Slack answers.
    fake.hang('chat.update');
    const mark = fake.calls.length;
    await Promise.all([approve(first), approve(second)]);
    await fake.waitForReceived('chat.update', 2);
    fake.release('chat.update');

    const home = await homePublished(fake, REQUESTER, mark, { showing: `${STATUS_LABELS.approved}* (2)` });
    await bot?.stop();
    expect(publishesTo(fake, REQUESTER, mark)).toEqual([home]);
  });

  it('publishes over the Home the app_home_opened event shows; one changed since is read again and published without a hash', async () => {
    const [opened] = [await openHome(fake, port(), REQUESTER)];
    expect(opened?.args.hash).toBeUndefined();
    const latest = fake.homeHash(REQUESTER) as string;
    expect(opened?.answer).toMatchObject({ ok: true, view: { hash: latest } });

    // Slack says which Home the person has open: the latest one. Published over it, it goes through.
    let mark = fake.calls.length;
    await postToBot(port(), eventCallback({ type: 'app_home_opened', user: REQUESTER, channel: 'D0HOME0001', tab: 'home', event_ts: '1.2', view: { id: 'V1', type: 'home', hash: latest } }, 'EvHASH0001'), {
      contentType: 'application/json',
    });
    await homePublished(fake, REQUESTER, mark);
    expect(publishesTo(fake, REQUESTER, mark).map((c) => [c.args.hash, c.answer?.ok])).toEqual([[latest, true]]);

    // An event that was overtaken (its Home was replaced meanwhile): refused, read again, published without a hash.
    mark = fake.calls.length;
    await postToBot(port(), eventCallback({ type: 'app_home_opened', user: REQUESTER, channel: 'D0HOME0001', tab: 'home', event_ts: '1.3', view: { id: 'V1', type: 'home', hash: latest } }, 'EvHASH0002'), {
      contentType: 'application/json',
    });
    await homePublished(fake, REQUESTER, mark);
    expect(publishesTo(fake, REQUESTER, mark).map((c) => [c.args.hash, c.answer?.ok, c.answer?.error])).toEqual([
      [latest, false, 'hash_conflict'],
      [undefined, true, undefined],
    ]);
    // The bot's next publish goes over the Home it last published.
    mark = fake.calls.length;
    await requestRotation('2026-03-31');
    expect(publishesTo(fake, REQUESTER, mark).map((c) => [c.args.hash, c.answer?.ok])).toEqual([[expect.any(String), true]]);
  });
});

describe('a refresh read before another publish', () => {
  const fake = new FakeSlack();
  const { rotations, reminders } = openStore('memory://');
  const rotationId = 'ROT-222222';
  const held: Array<() => void> = [];
  let arm = false;

  /** A replica's dashboards: its own notifier (and hashes) on the shared store and Slack; `arm` holds its next publish. */
  function replica(): DashboardDeps & { entered: () => Promise<void> } {
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const slack = new SlackNotifier(client, { policy: TEST_POLICY, leadBusinessDays: 10, approverMentions: [] }, { warn: () => undefined });
    let entered: () => void = () => undefined;
    let enteredNow = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const notifier: Notifier = Object.assign(Object.create(slack) as Notifier, {
      homeHash: (viewerId: string) => slack.homeHash(viewerId),
      async publishHome(...args: Parameters<Notifier['publishHome']>) {
        if (arm) {
          arm = false;
          entered();
          await new Promise<void>((resolve) => held.push(resolve));
        }
        return slack.publishHome(...args);
      },
    });
    return {
      store: rotations,
      reminders,
      notifier,
      approvers: { statusOf: async () => 'not_approver', knownApproverIds: () => [] },
      clock: { now: () => NOW },
      logger: { info: () => undefined, warn: (line: string) => void fail(line), error: (line: string) => void fail(line) },
      entered: async () => {
        await enteredNow;
        enteredNow = new Promise<void>((resolve) => {
          entered = resolve;
        });
      },
    };
  }

  /** The store moves the rotation on, as another request would. */
  async function moveTo(status: 'approved' | 'submitted', from: Rotation): Promise<Rotation> {
    const next = aRotationIn(status, { id: rotationId });
    expect(await rotations.replace(next, from.version)).toBe(true);
    return next;
  }

  const okHomes = () => publishesTo(fake, REQUESTER_ID).filter((c) => c.answer?.ok === true);

  beforeAll(async () => {
    await fake.start();
    await rotations.recordHomeViewer(REQUESTER_ID);
  });
  afterAll(async () => {
    await fake.stop();
    await rotations.close();
  });

  it('never overwrites the newer Home, whether the newer one came from another replica or from this process', async () => {
    const requested = aRotationIn('requested', { id: rotationId });
    await rotations.insert(requested);
    const a = replica();
    const b = replica();
    await refreshDashboards(a, [REQUESTER_ID]);
    expect(shows(okHomes().at(-1), STATUS_LABELS.requested)).toBe(true);

    // Replica A reads the Home (requested) and is held before publishing; the rotation is approved
    // and replica B publishes that; then A's publish arrives.
    arm = true;
    const stale = refreshDashboards(a, [REQUESTER_ID]);
    await a.entered();
    const approved = await moveTo('approved', requested);
    await refreshDashboards(b, [REQUESTER_ID]);
    expect(shows(okHomes().at(-1), STATUS_LABELS.approved)).toBe(true);
    held.shift()?.();
    await stale;
    // A's Home read before B's publish was refused; it read again and published what B showed.
    const [refused, last] = publishesTo(fake, REQUESTER_ID).slice(-2);
    expect(refused?.answer).toEqual({ ok: false, error: 'hash_conflict' });
    expect(shows(refused, STATUS_LABELS.requested)).toBe(true);
    expect(last?.args.hash).toBeUndefined();
    expect(shows(last, STATUS_LABELS.approved)).toBe(true);

    // In one process: a refresh held after its read, another that reads later and publishes first.
    arm = true;
    const older = refreshDashboards(a, [REQUESTER_ID]);
    await a.entered();
    await moveTo('submitted', approved);
    await refreshDashboards(a, [REQUESTER_ID]);
    held.shift()?.();
    await older;
    const calls = publishesTo(fake, REQUESTER_ID).slice(-3);
    expect(calls.map((c) => [c.answer?.ok, shows(c, STATUS_LABELS.submitted)])).toEqual([
      [true, true],
      [false, false],
      [true, true],
    ]);
    // Whatever Slack took last shows the latest state.
    expect(shows(okHomes().at(-1), STATUS_LABELS.submitted)).toBe(true);
  });
});
