import { openStore } from '../../src/store/keyv-factory';
import type { Rotation } from '../../src/domain/rotation';
import { FakeSlack, type RecordedCall } from '../../testkit/fake-slack';
import { startTestBot, tempStoreUrl, type TestBot } from '../support/bot-harness';
import { homePublished, homesSince, openHome } from '../support/app-home';
import { buttonClick, REQUESTER, requestSubmission, slashCommand, stepStates, viewSubmission, type RequestFormInput } from '../../testkit/payloads';
import { postToBot } from '../../testkit/slack-request';
import { EXPORT_REFUSAL } from '../../src/slack/views/refusals';
import { STATUS_LABELS } from '../../src/slack/views/labels';

// Monday 2026-03-02, 10:00 UTC.
const NOW = new Date('2026-03-02T10:00:00Z');
const APPROVER = 'U0APPROVE1';
const GROUP_MEMBER = 'U0GROUPMBR';
const ATTENDEE = 'U0ATTEND01';
const STRANGER = 'U0STRANGER';

interface Posted {
  id: string;
  ts: string;
  channel: string;
}

type Blocks = Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>;

/** The action_ids of the buttons in a rendered message. */
function buttonsOf(call: RecordedCall | undefined): string[] {
  const blocks = (call?.args.blocks ?? []) as Blocks;
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => (b.elements ?? []).map((e) => e.action_id ?? ''));
}

describe('the rotation lifecycle through Slack', () => {
  const fake = new FakeSlack();
  let store: ReturnType<typeof tempStoreUrl>;
  let bot: TestBot | undefined;
  const port = () => (bot as TestBot).port;

  async function startBot(env: Record<string, string> = {}) {
    await bot?.stop();
    bot = await startTestBot(fake, { storeUrl: store.url, now: NOW, env: { WFI_APPROVERS: `${APPROVER},S0GROUP001`, ...env } });
  }

  async function stored(id: string): Promise<Rotation | undefined> {
    await bot?.stop();
    const reader = openStore(store.url).rotations;
    try {
      return await reader.get(id);
    } finally {
      await reader.close();
    }
  }

  /** People who opened App Home on this test's store: a change refreshes only their Homes. */
  let homeViewers: Set<string>;
  async function openHomeOnce(user: string) {
    if (homeViewers.has(user)) return;
    await openHome(fake, port(), user);
    homeViewers.add(user);
  }

  /** Requests a rotation through the modal and returns where its message went. */
  async function requestRotation(input: RequestFormInput = {}, requester = REQUESTER): Promise<Posted> {
    // The requester opened App Home once: its refresh says when the request is complete.
    await openHomeOnce(requester);
    const before = fake.callsTo('chat.postMessage').length;
    const mark = fake.calls.length;
    await postToBot(port(), requestSubmission({ attendeeIds: [REQUESTER, ATTENDEE], ...input }, requester));
    const posts = await fake.waitFor('chat.postMessage', before + 1);
    const post = posts[before] as RecordedCall;
    const id = /ROT-[A-Z0-9]{6}/.exec(String(post.args.text))?.[0] as string;
    // The dashboards are refreshed once the message's location is stored: the request is complete.
    await homePublished(fake, requester, mark, { showing: id });
    return { id, ts: String(post.answer?.ts), channel: String(post.answer?.channel) };
  }

  /** Clicks a button on the rotation message, carrying the version it was rendered at. */
  function click(actionId: string, rotation: Posted, version: number, user: string) {
    return postToBot(
      port(),
      buttonClick(actionId, `${rotation.id}:${version}`, { user, responseUrl: fake.responseUrl(), channelId: rotation.channel, messageTs: rotation.ts }),
    );
  }

  function submitStep(
    callbackId: string,
    state: Parameters<typeof viewSubmission>[1],
    rotation: Posted,
    version: number,
    user: string,
    privateMetadata = JSON.stringify({ rotationId: rotation.id, version }),
  ) {
    return postToBot(port(), viewSubmission(callbackId, state, { user, privateMetadata }));
  }

  async function approve(rotation: Posted, user = APPROVER) {
    const updates = fake.callsTo('chat.update').length;
    await click('rotation_approve', rotation, 1, user);
    return fake.waitFor('chat.update', updates + 1);
  }

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.reset();
    fake.on('usergroups.users.list', (args) => ({ ok: true, users: args.usergroup === 'S0GROUP001' ? [GROUP_MEMBER] : [] }));
    store = tempStoreUrl();
    homeViewers = new Set();
    await startBot();
  });
  afterEach(async () => {
    await bot?.stop();
    store.cleanup();
  });

  describe('approval', () => {
    it('refuses the requester, privately, and changes nothing', async () => {
      const rotation = await requestRotation();
      await click('rotation_approve', rotation, 1, REQUESTER);

      const [ephemeral] = await fake.waitFor('chat.postEphemeral');
      expect(ephemeral?.args.user).toBe(REQUESTER);
      expect(String(ephemeral?.args.text)).toMatch(/Only the approvers/);
      expect(fake.callsTo('chat.update')).toEqual([]);
      expect((await stored(rotation.id))?.status).toBe('requested');
    });

    it('refuses a stranger, privately, and changes nothing', async () => {
      const rotation = await requestRotation();
      await click('rotation_approve', rotation, 1, STRANGER);

      const [ephemeral] = await fake.waitFor('chat.postEphemeral');
      expect(ephemeral?.args.user).toBe(STRANGER);
      expect(fake.callsTo('chat.update')).toEqual([]);
      expect((await stored(rotation.id))?.history).toHaveLength(1);
    });

    it('accepts a listed approver: the message is updated in place and the thread says so', async () => {
      const rotation = await requestRotation();
      const [update] = await approve(rotation);

      expect(update?.args.channel).toBe(rotation.channel);
      expect(update?.args.ts).toBe(rotation.ts);
      expect(buttonsOf(update)).toEqual(expect.arrayContaining(['rotation_record_submission', 'rotation_cancel']));
      expect(buttonsOf(update)).not.toContain('rotation_approve');
      const reply = (await fake.waitFor('chat.postMessage', 2))[1];
      expect(reply?.args.thread_ts).toBe(rotation.ts);
      expect(JSON.stringify(reply?.args)).toContain(`<@${APPROVER}>`);
      expect(JSON.stringify(reply?.args)).toContain(`<@${REQUESTER}>`);

      const saved = await stored(rotation.id);
      expect(saved).toMatchObject({ status: 'approved', version: 2, approval: { by: APPROVER } });
      expect(saved?.history.map((e) => [e.from, e.to, e.actorId])).toEqual([
        [null, 'requested', REQUESTER],
        ['requested', 'approved', APPROVER],
      ]);
    });

    it('accepts a member of a listed user group', async () => {
      const rotation = await requestRotation();
      await approve(rotation, GROUP_MEMBER);

      expect(fake.callsTo('usergroups.users.list').map((c) => c.args.usergroup)).toContain('S0GROUP001');
      expect(await stored(rotation.id)).toMatchObject({ status: 'approved', approval: { by: GROUP_MEMBER } });
    });

    it('refuses self-approval unless WFI_ALLOW_SELF_APPROVAL is true', async () => {
      await startBot({ WFI_APPROVERS: REQUESTER });
      const refused = await requestRotation();
      await click('rotation_approve', refused, 1, REQUESTER);
      const [ephemeral] = await fake.waitFor('chat.postEphemeral');
      expect(String(ephemeral?.args.text)).toMatch(/another approver/);

      await startBot({ WFI_APPROVERS: REQUESTER, WFI_ALLOW_SELF_APPROVAL: 'true' });
      const allowed = await requestRotation();
      await approve(allowed, REQUESTER);
      expect((await stored(allowed.id))?.status).toBe('approved');
    });

    it('turns two simultaneous approvals into one transition; the second is told who did it', async () => {
      const rotation = await requestRotation();
      fake.on('usergroups.users.list', async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { ok: true, users: [GROUP_MEMBER] };
      });

      await Promise.all([click('rotation_approve', rotation, 1, APPROVER), click('rotation_approve', rotation, 1, GROUP_MEMBER)]);

      const [ephemeral] = await fake.waitFor('chat.postEphemeral');
      expect(String(ephemeral?.args.text)).toMatch(/already done by <@U0(APPROVE1|GROUPMBR)>/);
      await fake.waitFor('chat.update');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(fake.callsTo('chat.update')).toHaveLength(1);
      const saved = await stored(rotation.id);
      expect(saved?.version).toBe(2);
      expect(saved?.history.filter((e) => e.to === 'approved')).toHaveLength(1);
    });

    it('refuses a stale button with the current state', async () => {
      const rotation = await requestRotation();
      await approve(rotation);

      // The Reject button of the first rendering still carries version 1.
      await click('rotation_reject', rotation, 1, APPROVER);
      const [update] = await fake.waitFor('views.update');
      expect(JSON.stringify(update?.args.view)).toMatch(/out of date|Approved/);
      expect((await stored(rotation.id))?.status).toBe('approved');
    });

    it('answers a click on an unknown rotation privately', async () => {
      await click('rotation_approve', { id: 'ROT-ZZZZZZ', ts: '1.1', channel: 'C0CHANNEL1' }, 1, APPROVER);
      const [ephemeral] = await fake.waitFor('chat.postEphemeral');
      expect(String(ephemeral?.args.text)).toMatch(/no longer exists/);
    });

    it('rejects with a reason through the reject modal', async () => {
      const rotation = await requestRotation();
      await click('rotation_reject', rotation, 1, APPROVER);
      const [open] = await fake.waitFor('views.open');
      expect((open?.args.view as { callback_id: string }).callback_id).toBe('wfi_reject');

      const response = await submitStep('wfi_reject', stepStates.reason('Rotated last month already'), rotation, 1, APPROVER);
      expect(response.status).toBe(200);
      const [update] = await fake.waitFor('chat.update');
      expect(buttonsOf(update)).toEqual([]);
      expect(await stored(rotation.id)).toMatchObject({ status: 'rejected', rejection: { by: APPROVER, reason: 'Rotated last month already' } });
    });
  });

  it('carries a rotation from request to completed through the buttons and modals, and plans the next cycle', async () => {
    const rotation = await requestRotation({ rotationIntervalDays: '90' });
    await approve(rotation);

    // Mark submitted in portal → case number modal.
    await click('rotation_record_submission', rotation, 2, REQUESTER);
    const [submissionForm] = await fake.waitFor('views.open');
    expect((submissionForm?.args.view as { callback_id: string }).callback_id).toBe('wfi_submission');
    const badCase = await submitStep('wfi_submission', stepStates.submission('x', '2026-03-02'), rotation, 2, REQUESTER);
    expect(badCase.json()).toMatchObject({ response_action: 'errors', errors: { case_number: expect.any(String) } });
    await submitStep('wfi_submission', stepStates.submission('CS-0123456', '2026-03-02'), rotation, 2, REQUESTER);
    const afterSubmission = await fake.waitFor('chat.update', 2);
    expect(buttonsOf(afterSubmission[1])).toEqual(expect.arrayContaining(['rotation_schedule_meeting', 'rotation_cancel']));

    // Meeting scheduled, in the clicker's own Slack time zone (users.info says Europe/Berlin): the form
    // opens at once, then the zone is looked up and the form updated with it, before anyone submits.
    await click('rotation_schedule_meeting', rotation, 3, ATTENDEE);
    await fake.waitFor('views.open', 2);
    const [zoneUpdate] = await fake.waitFor('views.update');
    expect(fake.calls.findIndex((c) => c.method === 'users.info')).toBeGreaterThan(fake.calls.findIndex((c) => c.method === 'views.open' && c.args.view && JSON.stringify(c.args.view).includes('wfi_meeting')));
    const zoneMeta = (zoneUpdate?.args.view as { private_metadata: string }).private_metadata;
    expect(JSON.parse(zoneMeta)).toEqual({ rotationId: rotation.id, version: 3, myTimeZone: 'Europe/Berlin' });
    expect(JSON.stringify(zoneUpdate?.args.view)).toContain('My Slack time zone (Europe/Berlin)');
    const meeting = { platform: 'Webex', date: '2026-03-20', time: '15:00', timeZone: 'slack-user-time-zone', joinUrl: 'https://acme.webex.com/meet/x', attendeeIds: [REQUESTER, ATTENDEE] };
    const badLink = await submitStep('wfi_meeting', stepStates.meeting({ ...meeting, joinUrl: 'http://insecure.example' }), rotation, 3, ATTENDEE, zoneMeta);
    expect(badLink.json()).toMatchObject({ response_action: 'errors', errors: { join_url: expect.any(String) } });
    const lookups = fake.callsTo('users.info').length;
    await submitStep('wfi_meeting', stepStates.meeting(meeting), rotation, 3, ATTENDEE, zoneMeta);
    const afterMeeting = await fake.waitFor('chat.update', 3);
    expect(buttonsOf(afterMeeting[2])).toEqual(expect.arrayContaining(['rotation_complete', 'rotation_schedule_meeting', 'rotation_cancel']));
    // Nothing was asked of Slack between the submission and its answer.
    expect(fake.callsTo('users.info')).toHaveLength(lookups);

    // Reschedule while a meeting is set.
    await click('rotation_schedule_meeting', rotation, 4, REQUESTER);
    await fake.waitFor('views.open', 3);
    await submitStep('wfi_meeting', stepStates.meeting({ ...meeting, time: '16:30', timeZone: 'UTC' }), rotation, 4, REQUESTER);
    await fake.waitFor('chat.update', 4);

    // Secret received.
    await click('rotation_complete', rotation, 5, REQUESTER);
    await fake.waitFor('views.open', 4);
    await submitStep('wfi_completion', stepStates.completion(['vault', 'integrations']), rotation, 5, REQUESTER);
    const afterCompletion = await fake.waitFor('chat.update', 5);
    expect(buttonsOf(afterCompletion[4])).toEqual([]);

    const saved = await stored(rotation.id);
    expect(saved).toMatchObject({
      status: 'completed',
      version: 6,
      submission: { caseNumber: 'CS-0123456', submittedOn: '2026-03-02', by: REQUESTER },
      // 16:30 UTC after the reschedule (first 15:00 Berlin = 14:00 UTC).
      meeting: { platform: 'Webex', startsAt: '2026-03-20T16:30:00.000Z', timeZone: 'UTC' },
      completion: { by: REQUESTER, confirmations: ['vault', 'integrations'] },
    });
    // The last entry records the next cycle being planned (an event: the state stays completed).
    expect(saved?.history.map((e) => e.event ?? e.to)).toEqual(['requested', 'approved', 'submitted', 'meeting_scheduled', 'meeting_scheduled', 'completed', 'next_cycle_planned']);
    expect(saved?.history[3]?.details).toMatchObject({ startsAt: '2026-03-20T14:00:00.000Z', timeZone: 'Europe/Berlin' });

    // The next cycle: planned, deadline = completion date (2026-03-02) + 90 days.
    const next = saved && 'nextRotationId' in saved ? await stored(saved.nextRotationId as string) : undefined;
    expect(next).toMatchObject({ status: 'planned', instanceUrl: 'https://acme.wfi.pega.com', deadline: '2026-05-31', previousRotationId: rotation.id });
  });

  /** A rotation carried to completed with "rotate again every 90 days", and the id of its planned next cycle. */
  async function completedWithNextCycle(): Promise<{ rotation: Posted; plannedId: string }> {
    const rotation = await requestRotation({ rotationIntervalDays: '90' });
    await approve(rotation);
    await submitStep('wfi_submission', stepStates.submission('CS-0000001', '2026-03-02'), rotation, 2, REQUESTER);
    await submitStep('wfi_meeting', stepStates.meeting({ platform: 'Skype', date: '2026-03-20', time: '10:00', timeZone: 'UTC', attendeeIds: [REQUESTER] }), rotation, 3, REQUESTER);
    await submitStep('wfi_completion', stepStates.completion([]), rotation, 4, REQUESTER);
    await fake.waitFor('chat.update', 4);
    const plannedId = ((await stored(rotation.id)) as { nextRotationId?: string }).nextRotationId as string;
    await startBot();
    return { rotation, plannedId };
  }

  it('starts a planned rotation from the App Home: the team keeps it, the starter joins it, and the channel hears who started it', async () => {
    const { rotation, plannedId } = await completedWithNextCycle();

    await postToBot(port(), buttonClick('home_start_planned', plannedId, { user: ATTENDEE, responseUrl: fake.responseUrl(), fromHome: true }));
    const [open] = await fake.waitFor('views.open');
    const view = open?.args.view as { callback_id: string; private_metadata: string; blocks: Array<{ block_id?: string; element?: Record<string, unknown> }> };
    expect(view.callback_id).toBe('wfi_start_planned');
    expect(JSON.parse(view.private_metadata)).toEqual({ plannedRotationId: plannedId });
    // The instance and the channel are shown, not offered for change.
    expect(view.blocks.find((b) => b.block_id === 'instance_url')).toBeUndefined();
    expect(view.blocks.find((b) => b.block_id === 'reminder_channel')).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('acme.wfi.pega.com');
    expect(view.blocks.find((b) => b.block_id === 'deadline')?.element?.initial_date).toBe('2026-05-31');

    const starting = viewSubmission(
      'wfi_start_planned',
      { deadline: { value: { type: 'datepicker', selected_date: '2026-05-29' } }, attendees: { value: { type: 'multi_users_select', selected_users: [GROUP_MEMBER] } } },
      { user: ATTENDEE, privateMetadata: view.private_metadata },
    );
    const posts = fake.callsTo('chat.postMessage').length;
    expect((await postToBot(port(), starting)).status).toBe(200);
    const post = (await fake.waitFor('chat.postMessage', posts + 1)).find((c) => String(c.args.text).startsWith(`WFI client secret rotation ${plannedId}`));
    expect(post?.args.channel).toBe(rotation.channel);
    expect(JSON.stringify(post?.args.blocks)).toContain(`started by <@${ATTENDEE}>`);
    expect(await stored(plannedId)).toMatchObject({
      status: 'requested',
      requesterId: REQUESTER,
      channelId: rotation.channel,
      instanceUrl: 'https://acme.wfi.pega.com',
      attendeeIds: [REQUESTER, ATTENDEE, GROUP_MEMBER],
      deadline: '2026-05-29',
      version: 2,
    });
  });

  it('refuses a stranger who tries to take a planned rotation over, and tells them why in the form', async () => {
    const { plannedId } = await completedWithNextCycle();

    await postToBot(port(), buttonClick('home_start_planned', plannedId, { user: STRANGER, responseUrl: fake.responseUrl(), fromHome: true }));
    const [notice] = await fake.waitFor('views.update');
    expect(JSON.stringify(notice?.args.view)).toMatch(/Only the requester, the handoff attendees and the approvers/);

    // Even a forged submission of the start form changes nothing.
    const meta = JSON.stringify({ plannedRotationId: plannedId });
    const forged = viewSubmission('wfi_start_planned', { deadline: { value: { type: 'datepicker', selected_date: '2026-05-29' } } }, { user: STRANGER, privateMetadata: meta });
    const answer = await postToBot(port(), forged);
    expect(answer.json()).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(answer.json())).toMatch(/Only the requester, the handoff attendees and the approvers/);
    expect(await stored(plannedId)).toMatchObject({ status: 'planned', requesterId: REQUESTER, version: 1 });
  });

  it('cancels from an open state with a reason, by an attendee', async () => {
    const rotation = await requestRotation();
    await approve(rotation);
    await click('rotation_cancel', rotation, 2, ATTENDEE);
    await fake.waitFor('views.open');
    await submitStep('wfi_cancel', stepStates.reason('Instance decommissioned'), rotation, 2, ATTENDEE);
    await fake.waitFor('chat.update', 2);
    expect(await stored(rotation.id)).toMatchObject({ status: 'cancelled', cancellation: { by: ATTENDEE, reason: 'Instance decommissioned' }, approval: { by: APPROVER } });
  });

  it('refuses a stranger in a step form, showing why, and changes nothing', async () => {
    const rotation = await requestRotation();
    await approve(rotation);
    const response = await submitStep('wfi_cancel', stepStates.reason('because'), rotation, 2, STRANGER);
    expect(response.json()).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(response.json())).toMatch(/Only the requester, the handoff attendees and the approvers/);
    expect((await stored(rotation.id))?.status).toBe('approved');
  });

  it('lists the open rotations privately, most urgent first', async () => {
    const later = await requestRotation({ deadline: '2026-06-30' });
    const late = await requestRotation({ deadline: '2026-03-06' });
    const soon = await requestRotation({ deadline: '2026-04-10' });
    await postToBot(port(), slashCommand({ text: 'list', response_url: fake.responseUrl('list') }));

    const reply = await fake.waitForResponse();
    expect(reply.body.response_type).toBe('ephemeral');
    const json = JSON.stringify(reply.body.blocks);
    const order = [late.id, soon.id, later.id].map((id) => json.indexOf(id));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('shows a rotation with its whole history in status', async () => {
    const rotation = await requestRotation();
    await approve(rotation);
    await postToBot(port(), slashCommand({ text: `status ${rotation.id}`, response_url: fake.responseUrl('status') }));
    const reply = await fake.waitForResponse();
    const json = JSON.stringify(reply.body.blocks);
    expect(json).toContain('requested → approved');
    expect(json).toContain(`<@${APPROVER}>`);
  });

  it('exports every rotation and its history as CSV in a direct message, saying whether the audit trail\'s hash chains verify', async () => {
    const rotation = await requestRotation();
    await approve(rotation);
    await postToBot(port(), slashCommand({ text: 'export', user_id: APPROVER }));

    const dm = (await fake.waitFor('chat.postMessage', 3)).find((c) => c.args.channel === APPROVER);
    const text = JSON.stringify(dm?.args.blocks);
    expect(text).toContain('rotation_id');
    expect(text).toContain(`${rotation.id}`);
    expect(text.match(new RegExp(rotation.id, 'g'))?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/:white_check_mark: Audit trail: every hash chain verifies \(2 entries; store-wide log head `[0-9a-f]{64}`\)\./);
  });

  it('exports the trail as JSON Lines for a SIEM: a file in a direct message, with names where Slack gives them, each entry\'s hash, and the check', async () => {
    // Slack names the approver; the requester's look-up fails: the export goes with the id alone.
    fake.on('users.info', (args) =>
      args.user === APPROVER ? { ok: true, user: { id: APPROVER, real_name: 'Grace Hopper', tz: 'Europe/Berlin' } } : { ok: false, error: 'user_not_found' },
    );
    const rotation = await requestRotation();
    await approve(rotation);
    await postToBot(port(), slashCommand({ text: 'export jsonl', user_id: APPROVER }));

    await fake.waitFor('files.completeUploadExternal');
    const [file] = fake.files;
    expect(file).toMatchObject({ filename: 'wfi-rotations-2026-03-02.jsonl', channelId: 'D0APPROVE1' });
    expect(Buffer.byteLength(file?.content ?? '')).toBe(file?.declaredLength);
    const lines = (file?.content ?? '').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => [l.type, l.entry_index, l.to, l.actor_id, l.actor_name])).toEqual([
      ['audit_entry', 0, 'requested', REQUESTER, null],
      ['audit_entry', 1, 'approved', APPROVER, 'Grace Hopper'],
      ['audit_verification', undefined, undefined, undefined, undefined],
    ]);
    const saved = (await stored(rotation.id)) as Rotation;
    expect(lines.slice(0, 2).map((l) => [l.prev_hash, l.hash])).toEqual(saved.history.map((e) => [e.prev, e.hash]));
    expect(lines[2]).toMatchObject({ verified: true, entries: 2, log_records: 2, broken: [] });
    // The direct message says where the file is, and that the chains verify.
    const dm = fake.callsTo('chat.postMessage').find((c) => c.args.channel === APPROVER);
    expect(JSON.stringify(dm?.args.blocks)).toContain('The JSON Lines file is in the thread');
    expect(file?.threadTs).toBe(String(fake.callsTo('chat.postMessage').find((c) => c.args.channel === APPROVER)?.answer?.ts));
  });

  it('answers an export format it does not know with the ones it knows, privately, and sends nothing', async () => {
    const posts = fake.callsTo('chat.postMessage').length;

    const reply = await postToBot(port(), slashCommand({ text: 'export xlsx', user_id: APPROVER }));

    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('`/wfi-rotate export jsonl` for JSON Lines') });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(posts);
    expect(fake.callsTo('files.getUploadURLExternal')).toEqual([]);
  });

  it('refuses the export to someone who is not an approver, privately, and sends nothing', async () => {
    await requestRotation();
    const posts = fake.callsTo('chat.postMessage').length;
    await postToBot(port(), slashCommand({ text: 'export', user_id: STRANGER, response_url: fake.responseUrl() }));

    expect((await fake.waitForResponse()).body).toEqual({ response_type: 'ephemeral', text: EXPORT_REFUSAL });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(posts);
    expect(fake.callsTo('files.getUploadURLExternal')).toEqual([]);
  });

  it('uploads a large export as a file', async () => {
    // Several requesters: one person may create only RATE_LIMITS.requests.limit rotations in a row.
    for (let i = 0; i < 25; i += 1) await requestRotation({}, `U0REQ${String(i).padStart(4, '0')}`);
    await postToBot(port(), slashCommand({ text: 'export', user_id: APPROVER }));

    await fake.waitFor('files.completeUploadExternal');
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]?.body).toContain('rotation_id');
    expect(fake.callsTo('files.completeUploadExternal')[0]?.args).toMatchObject({ channel_id: 'D0APPROVE1' });
  });

  it('publishes the dashboard on App Home and refreshes it after a change for the people involved who opened it, and nobody else', async () => {
    const rotation = await requestRotation();
    // The attendee and the listed approver opened App Home too; the approver through the group never did.
    for (const user of [ATTENDEE, APPROVER]) expect(JSON.stringify((await openHome(fake, port(), user)).args.view)).toContain(rotation.id);
    const mark = fake.calls.length;
    await approve(rotation);
    for (const user of [REQUESTER, ATTENDEE, APPROVER]) {
      expect(JSON.stringify((await homePublished(fake, user, mark)).args.view)).toContain(STATUS_LABELS.approved);
    }
    // Stopping lets the publishes under way finish: after it, everything the change published is recorded.
    await bot?.stop();
    expect(homesSince(fake, mark).map((c) => c.args.user_id).sort()).toEqual([APPROVER, ATTENDEE, REQUESTER].sort());
    expect(fake.callsTo('views.publish').filter((c) => c.args.user_id === GROUP_MEMBER)).toEqual([]);
  });
});
