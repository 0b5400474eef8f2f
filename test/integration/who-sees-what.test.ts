import { startTestBot, tempStoreUrl, UNLIMITED, type TestBot } from '../support/bot-harness';
import { freshPostgresDatabase, freshRedisDatabase } from '../support/databases';
import { FakeSlack, type RecordedCall } from '../../testkit/fake-slack';
import { buttonClick, eventCallback, REQUESTER, requestSubmission, slashCommand, stepStates, viewSubmission } from '../../testkit/payloads';
import { httpTransport, socketTransport, type Transport } from '../support/transport';

/*
 * The handoff meeting is where the vendor reads the new secret out, and its join
 * link often carries the meeting's passcode: it reaches the people in the
 * handoff (requester, attendees, meeting invitees) and the approvers (listed, or
 * through a user group), directly; the channel, and anyone else who asks, see
 * that a meeting is set and when, never the link. An approver sees every
 * rotation on App Home and in `list`; anyone else the ones they are in.
 */

// Monday 2026-03-02, 10:00 UTC.
const NOW = Date.parse('2026-03-02T10:00:00Z');
const APPROVER = 'U0APPROVE1';
const GROUP = 'S0GROUP001';
const GROUP_MEMBER = 'U0GROUPMBR';
const ATTENDEE = 'U0ATTEND01';
const INVITEE = 'U0INVITEE1';
const STRANGER = 'U0STRANGER';
const LINK = 'https://acme.webex.com/meet/handoff?pwd=Tr33Frog';
const LINK_MARK = 'webex.com/meet/handoff';
/** Who opened App Home before the rotation was requested: everyone it involves, not the stranger. */
const HOME_VIEWERS = [APPROVER, GROUP_MEMBER, REQUESTER, ATTENDEE, INVITEE];

interface Engine {
  name: string;
  url(): { url: string; drop(): void };
}

const ENGINES: Engine[] = [
  { name: 'SQLite', url: () => { const t = tempStoreUrl(); return { url: t.url, drop: t.cleanup }; } },
  ...(process.env.TEST_REDIS_URL ? [{ name: 'Redis', url: () => freshRedisDatabase(process.env.TEST_REDIS_URL as string, 8) }] : []),
  ...(process.env.TEST_POSTGRES_URL ? [{ name: 'PostgreSQL', url: () => freshPostgresDatabase(process.env.TEST_POSTGRES_URL as string) }] : []),
];

const TRANSPORTS = ['HTTP', 'Socket Mode'] as const;
const CASES = ENGINES.flatMap((engine) => TRANSPORTS.map((transport) => ({ engine, transport })));

describe.each(CASES)('who sees the join link, on $engine.name over $transport', ({ engine, transport: transportName }) => {
  const fake = new FakeSlack();
  const clock = { t: NOW, now: () => new Date(clock.t) };
  let bot: TestBot;
  let store: { url: string; drop(): void };
  let transport: Transport;
  let rotationId: string;
  let message: { channel: string; ts: string };

  const directMessagesTo = (userId: string, from = 0): RecordedCall[] =>
    fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === userId);
  const inChannel = (from = 0): RecordedCall[] =>
    fake.calls.slice(from).filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === message.channel);

  async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The App Homes Slack took for these people since call `mark`, each after its own reads (a change's come a moment later, coalesced). */
  const homesReached = (mark: number, people: string[]) => () =>
    people.every((person) => fake.calls.slice(mark).some((c) => c.method === 'views.publish' && c.answer?.ok === true && c.args.user_id === person));

  /** The messages after an acknowledgement are done once the bot stops talking to Slack (App Homes are waited for by `homesReached`). */
  async function quiet(): Promise<void> {
    let seen = -1;
    while (seen !== fake.calls.length) {
      seen = fake.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const step = (callbackId: string, values: Parameters<typeof viewSubmission>[1], user: string, version: number) =>
    transport.send(viewSubmission(callbackId, values, { user, privateMetadata: JSON.stringify({ rotationId, version }) }));
  const meeting = (time: string) =>
    stepStates.meeting({ platform: 'Webex', date: '2026-03-20', time, timeZone: 'UTC', joinUrl: LINK, attendeeIds: [ATTENDEE, INVITEE] });

  /** What `/wfi-rotate <text>` answers this person, privately (through the command's response_url). */
  async function command(text: string, user: string): Promise<string> {
    const id = `${user}-${text.replace(/\W/g, '')}-${fake.responses.length}`;
    const answered = fake.responses.length;
    await transport.send(slashCommand({ text, user_id: user, response_url: fake.responseUrl(id), trigger_id: '1.2.3' }));
    await until(() => fake.responses.length > answered, `the reply to "${text}"`);
    return JSON.stringify(fake.responses.filter((r) => r.path.endsWith(id)));
  }

  /** The App Home this person gets when they open it. */
  async function home(user: string): Promise<string> {
    const published = fake.callsTo('views.publish').length;
    await transport.send(eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME0001', tab: 'home', event_ts: '1.1' }, `Ev${user}${published}`));
    await until(() => fake.callsTo('views.publish').slice(published).some((c) => c.args.user_id === user), `${user}'s App Home`);
    return JSON.stringify(fake.callsTo('views.publish').slice(published).filter((c) => c.args.user_id === user).at(-1)?.args.view);
  }

  beforeAll(async () => {
    await fake.start();
    fake.on('usergroups.users.list', (args) => ({ ok: true, users: args.usergroup === GROUP ? [GROUP_MEMBER] : [] }));
    store = engine.url();
    transport = transportName === 'HTTP' ? httpTransport(() => bot.port) : socketTransport(fake);
    bot = await startTestBot(fake, {
      storeUrl: store.url,
      clock,
      rateLimits: UNLIMITED,
      env: { WFI_APPROVERS: `${APPROVER},${GROUP}`, WFI_SCHEDULER_INTERVAL_SECONDS: '3600', ...transport.env },
    });

    // Everyone in the handoff to come and both approvers have opened App Home (the stranger has not):
    // a change refreshes only the Homes of people who opened it.
    for (const person of HOME_VIEWERS) await home(person);

    // A rotation requested by the requester with one attendee, approved, submitted, and a meeting set
    // by the attendee with someone from outside the request invited.
    let mark = fake.calls.length;
    await transport.send(requestSubmission({ attendeeIds: [REQUESTER, ATTENDEE], deadline: '2026-03-31' }));
    await until(() => fake.callsTo('chat.postMessage').some((c) => /ROT-/.test(String(c.args.text))), 'the rotation message');
    const post = fake.callsTo('chat.postMessage').find((c) => /ROT-/.test(String(c.args.text))) as RecordedCall;
    rotationId = /ROT-[A-Z0-9]{6}/.exec(String(post.args.text))?.[0] as string;
    message = { channel: String(post.answer?.channel), ts: String(post.answer?.ts) };
    // The dashboards are refreshed once the message's location is stored.
    await until(homesReached(mark, [REQUESTER, ATTENDEE, APPROVER, GROUP_MEMBER]), 'the App Homes after the request');
    mark = fake.calls.length;
    await transport.send(buttonClick('rotation_approve', `${rotationId}:1`, { user: APPROVER, responseUrl: fake.responseUrl(), channelId: message.channel, messageTs: message.ts }));
    await until(() => fake.callsTo('chat.update').length >= 1, 'the approval');
    await until(homesReached(mark, [REQUESTER, ATTENDEE, APPROVER, GROUP_MEMBER]), 'the App Homes after the approval');
    mark = fake.calls.length;
    await step('wfi_submission', stepStates.submission('CS-0123456', '2026-03-02'), REQUESTER, 2);
    await until(() => fake.callsTo('chat.update').length >= 2, 'the submission');
    await until(homesReached(mark, [REQUESTER, ATTENDEE, APPROVER, GROUP_MEMBER]), 'the App Homes after the submission');
    await quiet();
  });
  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
    store?.drop();
  });

  it('sends the join link to each person in the handoff and each approver when the meeting is set, and never to the channel', async () => {
    const mark = fake.calls.length;
    const answer = await step('wfi_meeting', meeting('15:00'), ATTENDEE, 3);
    expect(JSON.stringify(answer.json())).not.toMatch(/errors|update/);
    await until(() => directMessagesTo(GROUP_MEMBER, mark).length > 0, 'the meeting details');
    await quiet();

    for (const person of [REQUESTER, ATTENDEE, INVITEE, APPROVER, GROUP_MEMBER]) {
      const dms = directMessagesTo(person, mark).filter((c) => JSON.stringify(c.args).includes(LINK_MARK));
      expect({ person, dms: dms.length }).toEqual({ person, dms: 1 });
      expect(JSON.stringify(dms[0]?.args.blocks)).toContain('Handoff meeting set');
    }
    expect(directMessagesTo(STRANGER, mark)).toEqual([]);
    // The channel heard that a meeting is set, and when, and that the link went out directly: not the link.
    const channel = inChannel(mark);
    expect(channel.map((c) => c.method).sort()).toEqual(['chat.postMessage', 'chat.update']);
    expect(JSON.stringify(channel)).not.toContain(LINK_MARK);
    expect(JSON.stringify(channel)).toContain('The join link went to the attendees, the requester and the approvers in a direct message.');
    // The approvers listed through a group have their App Home refreshed like the listed ones. The refreshes
    // follow the messages, each after its own reads: waited for by who they reached, not by a quiet moment.
    const everyoneInvolved = [APPROVER, GROUP_MEMBER, REQUESTER, ATTENDEE, INVITEE];
    await until(homesReached(mark, everyoneInvolved), 'the App Home refreshes');
    await quiet();
    const refreshed = fake.calls.slice(mark).filter((c) => c.method === 'views.publish').map((c) => c.args.user_id);
    expect(refreshed).toEqual(expect.arrayContaining(everyoneInvolved));
    expect(refreshed).not.toContain(STRANGER);
  });

  it('shows the link in `status` to the people in the handoff and the approvers only; anyone else sees what the channel sees', async () => {
    for (const person of [REQUESTER, INVITEE, GROUP_MEMBER]) expect({ person, link: (await command(`status ${rotationId}`, person)).includes(LINK_MARK) }).toEqual({ person, link: true });
    const forStranger = await command(`status ${rotationId}`, STRANGER);
    expect(forStranger).not.toContain(LINK_MARK);
    expect(forStranger).toContain(rotationId);
    expect(forStranger).toContain('CS-0123456');
    expect(forStranger).toContain('platform: Webex');
  });

  it('lists every rotation for an approver, and for anyone else the ones they are in, saying which', async () => {
    expect(await command('list', GROUP_MEMBER)).toContain(`All rotations: 1 open rotation`);
    expect(await command('list', INVITEE)).toContain(`Your rotations: 1 open rotation of yours`);
    const forStranger = await command('list', STRANGER);
    expect(forStranger).not.toContain(rotationId);
    expect(forStranger).toContain('You are in no open rotation');
  });

  it("shows the rotation, its link included, on the App Home of those who may see it, and nothing of it on a stranger's", async () => {
    const approverHome = await home(GROUP_MEMBER);
    expect(approverHome).toContain('all rotations');
    expect(approverHome).toContain(LINK_MARK);
    const inviteeHome = await home(INVITEE);
    expect(inviteeHome).toContain('your rotations');
    expect(inviteeHome).toContain(rotationId);
    const strangerHome = await home(STRANGER);
    expect(strangerHome).not.toContain(rotationId);
    expect(strangerHome).toContain('You are in no open rotation.');
  });

  it('sends the link again when the meeting is moved, to the same people', async () => {
    const mark = fake.calls.length;
    await step('wfi_meeting', meeting('16:30'), REQUESTER, 4);
    await until(() => directMessagesTo(GROUP_MEMBER, mark).length > 0, 'the reschedule');
    await quiet();
    for (const person of [REQUESTER, ATTENDEE, INVITEE, APPROVER, GROUP_MEMBER]) {
      const moved = directMessagesTo(person, mark).filter((c) => JSON.stringify(c.args.blocks).includes('Handoff meeting moved'));
      expect({ person, moved: moved.length }).toEqual({ person, moved: 1 });
      expect(JSON.stringify(moved[0]?.args)).toContain(LINK_MARK);
    }
    expect(JSON.stringify(inChannel(mark))).not.toContain(LINK_MARK);
  });

  it('sends the meeting reminders to each invitee directly with the link; the thread only hears the meeting is near', async () => {
    // A day before the (moved) meeting: Friday 2026-03-20 16:30 UTC.
    clock.t = Date.parse('2026-03-19T16:30:30Z');
    const mark = fake.calls.length;
    await bot.runReminders();
    await quiet();

    for (const invitee of [ATTENDEE, INVITEE]) {
      const reminders = directMessagesTo(invitee, mark);
      expect({ invitee, reminders: reminders.length }).toEqual({ invitee, reminders: 1 });
      expect(JSON.stringify(reminders[0]?.args)).toContain(LINK_MARK);
      expect(JSON.stringify(reminders[0]?.args)).toContain('The handoff meeting is tomorrow');
    }
    // The requester is not invited to this meeting, and the approvers are not the ones to attend it.
    for (const other of [REQUESTER, APPROVER, GROUP_MEMBER, STRANGER]) expect(directMessagesTo(other, mark)).toEqual([]);
    const thread = inChannel(mark).filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts !== undefined);
    expect(thread).toHaveLength(1);
    expect(thread[0]?.args.thread_ts).toBe(message.ts);
    expect(JSON.stringify(thread[0]?.args)).toContain('Each attendee was sent the reminder and the join link in a direct message.');
    expect(JSON.stringify(thread[0]?.args)).not.toContain(LINK_MARK);
  });

  it('sends a meeting reminder whose thread is gone to each invitee once, and nobody a second direct message', async () => {
    // The channel is deleted before the one-hour reminder (15:30 on the 20th).
    let gone = true;
    fake.on('chat.postMessage', (args) =>
      gone && String(args.channel).startsWith('C') ? { ok: false, error: 'channel_not_found' } : { ok: true, channel: String(args.channel).replace(/^U/, 'D'), ts: '7000.000100' },
    );
    clock.t = Date.parse('2026-03-20T15:30:30Z');
    const mark = fake.calls.length;
    await bot.runReminders();
    await quiet();
    gone = false;

    for (const invitee of [ATTENDEE, INVITEE]) {
      const reminders = directMessagesTo(invitee, mark);
      expect({ invitee, reminders: reminders.length }).toEqual({ invitee, reminders: 1 });
      expect(JSON.stringify(reminders[0]?.args)).toContain(LINK_MARK);
    }
    // The thread note has no fallback: the requester (an invitee, most often) would hear it twice.
    for (const other of [REQUESTER, APPROVER, GROUP_MEMBER]) expect(directMessagesTo(other, mark)).toEqual([]);
  });

  it('keeps the link in the audit trail, which `export` gives an approver', async () => {
    const mark = fake.calls.length;
    await transport.send(slashCommand({ text: 'export', user_id: GROUP_MEMBER, response_url: fake.responseUrl('export'), trigger_id: '1.2.3' }));
    await until(() => directMessagesTo(GROUP_MEMBER, mark).length > 0, 'the export');
    const csv = JSON.stringify(directMessagesTo(GROUP_MEMBER, mark));
    expect(csv.match(/joinUrl=https:\/\/acme\.webex\.com\/meet\/handoff/g)).toHaveLength(2);
  });
});
