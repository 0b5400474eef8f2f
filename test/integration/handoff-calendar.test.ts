import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack, type RecordedCall, type SharedFile } from '../../testkit/fake-slack';
import { buttonClick, REQUESTER, requestSubmission, stepStates, viewSubmission } from '../../testkit/payloads';
import { postToBot } from '../../testkit/slack-request';
import { aRotationIn } from '../../testkit/rotations';
import { startTestBot, tempStoreUrl, UNLIMITED, type TestBot } from '../support/bot-harness';
import { theEvent } from '../support/icalendar';

/*
 * The handoff meeting's calendar file, end to end: signed requests over HTTP
 * to the bot, the fake Slack taking the uploads (files.getUploadURLExternal,
 * the upload URL, files.completeUploadExternal) exactly as the Slack SDK
 * sends them, and each file read back with a strict RFC 5545 reader.
 */

// Monday 2026-03-02, 10:00 UTC.
const NOW = new Date('2026-03-02T10:00:00Z');
const APPROVER = 'U0APPROVE1';
const ATTENDEE = 'U0ATTEND01';
const INVITEE = 'U0INVITEE1';
const LINK = 'https://acme.webex.com/meet/handoff?pwd=Tr33Frog';
const UID = (id: string) => `${id.toLowerCase()}-handoff@wfi-rotate`;

/** A person's direct message with the app: the fake answers a post to U… in D…. */
const dmOf = (userId: string) => userId.replace(/^U/, 'D');

/**
 * The bot on a store of its own, talking to `fake`, started before the
 * suite's tests and stopped after them; `submitted()` requests a rotation
 * (the requester and the attendee), approves it and records its submission,
 * so its meeting is the next step (at version 3).
 */
function botOn(fake: FakeSlack) {
  const running: { bot?: TestBot; store?: ReturnType<typeof tempStoreUrl> } = {};
  beforeAll(async () => {
    await fake.start();
    running.store = tempStoreUrl();
    running.bot = await startTestBot(fake, { storeUrl: running.store.url, now: NOW, rateLimits: UNLIMITED, env: { WFI_APPROVERS: APPROVER, WFI_SCHEDULER_INTERVAL_SECONDS: '3600' } });
  });
  afterAll(async () => {
    await running.bot?.stop();
    await fake.stop();
    running.store?.cleanup();
  });
  const bot = () => running.bot as TestBot;
  const send = (body: string) => postToBot(bot().port, body);
  const step = (rotationId: string, callbackId: string, state: Parameters<typeof viewSubmission>[1], user: string, version: number) =>
    send(viewSubmission(callbackId, state, { user, privateMetadata: JSON.stringify({ rotationId, version }) }));
  async function submitted(): Promise<{ id: string; channel: string; ts: string }> {
    await send(requestSubmission({ attendeeIds: [REQUESTER, ATTENDEE], deadline: '2026-03-31' }));
    const [post] = await fake.waitFor('chat.postMessage');
    const rotation = { id: /ROT-[A-Z0-9]{6}/.exec(String(post?.args.text))?.[0] as string, channel: String(post?.answer?.channel), ts: String(post?.answer?.ts) };
    await send(buttonClick('rotation_approve', `${rotation.id}:1`, { user: APPROVER, responseUrl: fake.responseUrl(), channelId: rotation.channel, messageTs: rotation.ts }));
    await fake.waitFor('chat.update', 1);
    await step(rotation.id, 'wfi_submission', stepStates.submission('CS-0123456', '2026-03-02'), REQUESTER, 2);
    await fake.waitFor('chat.update', 2);
    return rotation;
  }
  return { bot, step, submitted };
}

describe('the handoff meeting in people\'s calendars', () => {
  const fake = new FakeSlack();
  const running = botOn(fake);
  let rotation: { id: string; channel: string; ts: string };

  const step = (callbackId: string, state: Parameters<typeof viewSubmission>[1], user: string, version: number) =>
    running.step(rotation.id, callbackId, state, user, version);
  const meeting = (m: { date: string; time: string; timeZone: string; attendeeIds: string[] }) => stepStates.meeting({ platform: 'Webex', joinUrl: LINK, ...m });

  /** Waits until `count` files were shared in all, and gives those shared since `from`. */
  async function filesShared(count: number, from: number): Promise<SharedFile[]> {
    const deadline = Date.now() + 5000;
    while (fake.files.length < count) {
      if (Date.now() > deadline) throw new Error(`${fake.files.length} of ${count} files shared; calls: ${fake.calls.map((c) => c.method).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Nothing more arrives after a moment: no file was sent twice.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.files).toHaveLength(count);
    return fake.files.slice(from);
  }

  const byChannel = (files: SharedFile[]): Record<string, SharedFile> => Object.fromEntries(files.map((file) => [file.channelId, file]));
  const dmsTo = (userId: string, from: number): RecordedCall[] =>
    fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === userId);

  beforeAll(async () => {
    rotation = await running.submitted();
  });

  it('sends each person in the handoff, right after the message with the join link, the meeting as a file their calendar reads at the time set, in its zone', async () => {
    const mark = fake.calls.length;
    await step('wfi_meeting', meeting({ date: '2026-03-20', time: '15:00', timeZone: 'Europe/Berlin', attendeeIds: [ATTENDEE, INVITEE] }), ATTENDEE, 3);

    const files = byChannel(await filesShared(3, 0));

    // The requester, the attendee and the invitee: the people in the handoff. The approver gets the message, no file.
    expect(Object.keys(files).sort()).toEqual([REQUESTER, ATTENDEE, INVITEE].map(dmOf).sort());
    expect(dmsTo(APPROVER, mark)).toHaveLength(1);
    for (const person of [REQUESTER, ATTENDEE, INVITEE]) {
      const file = files[dmOf(person)] as SharedFile;
      expect(file).toMatchObject({ filename: `handoff-${rotation.id}.ics`, title: `Handoff meeting ${rotation.id} (calendar)` });
      expect(Buffer.byteLength(file.content)).toBe(file.declaredLength);
      const event = theEvent(file.content);
      expect(event).toMatchObject({ method: 'PUBLISH', status: 'CONFIRMED', uid: UID(rotation.id), sequence: 0, url: LINK, location: LINK });
      // 15:00 in Berlin on 20 March (winter time, UTC+1).
      expect(event.start.toISOString()).toBe('2026-03-20T14:00:00.000Z');
      // The message with the link came first, in the same conversation, and says the file follows.
      const [message] = dmsTo(person, mark);
      expect(JSON.stringify(message?.args.blocks)).toContain('The calendar file below puts it in your calendar');
      const messageAt = fake.calls.indexOf(message as RecordedCall);
      const completedAt = fake.calls.findIndex((c, i) => i > messageAt && c.method === 'files.completeUploadExternal' && c.args.channel_id === dmOf(person));
      expect(completedAt).toBeGreaterThan(messageAt);
    }
    // The three steps of files.uploadV2, once per file.
    expect(fake.callsTo('files.getUploadURLExternal').slice(-3).map((c) => c.args.filename)).toEqual(Array(3).fill(`handoff-${rotation.id}.ics`));
    expect(fake.uploads.slice(-3).map((u) => u.fileId).sort()).toEqual(Object.values(files).map((f) => f.id).sort());
  });

  it('sends the moved meeting under the same UID with a higher SEQUENCE, and a cancellation to whoever the move left off', async () => {
    const before = fake.files.length;
    const mark = fake.calls.length;
    await step('wfi_meeting', meeting({ date: '2026-03-23', time: '10:30', timeZone: 'America/New_York', attendeeIds: [ATTENDEE] }), REQUESTER, 4);

    const files = byChannel(await filesShared(before + 3, before));

    for (const person of [REQUESTER, ATTENDEE]) {
      const event = theEvent((files[dmOf(person)] as SharedFile).content);
      expect(event).toMatchObject({ method: 'PUBLISH', uid: UID(rotation.id), sequence: 1 });
      // 10:30 in New York on 23 March (summer time since 8 March, UTC-4).
      expect(event.start.toISOString()).toBe('2026-03-23T14:30:00.000Z');
    }
    const uninvited = files[dmOf(INVITEE)] as SharedFile;
    expect(uninvited.filename).toBe(`handoff-${rotation.id}-cancelled.ics`);
    expect(theEvent(uninvited.content)).toMatchObject({ method: 'CANCEL', status: 'CANCELLED', uid: UID(rotation.id), sequence: 1, url: undefined });
    expect(JSON.stringify(dmsTo(INVITEE, mark))).toContain('You are no longer in the handoff meeting');
    expect(JSON.stringify(dmsTo(INVITEE, mark))).not.toContain('webex.com');
  });

  it('sends a cancellation of the same UID, past the last SEQUENCE, to the people in the handoff when the rotation is cancelled', async () => {
    const before = fake.files.length;
    await step('wfi_cancel', stepStates.reason('The vendor rotated it in another ticket'), REQUESTER, 5);

    const files = byChannel(await filesShared(before + 2, before));

    expect(Object.keys(files).sort()).toEqual([REQUESTER, ATTENDEE].map(dmOf).sort());
    for (const file of Object.values(files)) {
      const event = theEvent(file.content);
      expect(event).toMatchObject({ method: 'CANCEL', status: 'CANCELLED', uid: UID(rotation.id), sequence: 2 });
      expect(event.start.toISOString()).toBe('2026-03-23T14:30:00.000Z');
      expect(file.content).not.toContain('webex.com');
    }
  });
});

describe('a calendar upload Slack refuses', () => {
  const fake = new FakeSlack();
  const running = botOn(fake);

  it('for one person leaves the others\' files, and every message, and is logged', async () => {
    // Slack will not share a file in the attendee's conversation.
    fake.on('files.completeUploadExternal', (args) => (args.channel_id === dmOf(ATTENDEE) ? { ok: false, error: 'not_allowed_token_type' } : undefined));
    const { id } = await running.submitted();
    const meeting = stepStates.meeting({ platform: 'Webex', date: '2026-03-20', time: '15:00', timeZone: 'UTC', joinUrl: LINK, attendeeIds: [ATTENDEE] });
    await running.step(id, 'wfi_meeting', meeting, REQUESTER, 3);
    const bot = running.bot();

    await fake.waitForCall('files.completeUploadExternal', (c) => c.args.channel_id === dmOf(ATTENDEE), 'the refused upload');
    await fake.waitFor('files.completeUploadExternal', 2);
    await bot.stop();

    expect(fake.files.map((f) => f.channelId)).toEqual([dmOf(REQUESTER)]);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.args.channel === ATTENDEE)).toHaveLength(1);
    expect(bot.logger.lines.some((line) => line.startsWith('WARN') && line.includes(`${id}: the calendar file handoff-${id}.ics did not reach ${ATTENDEE}`))).toBe(true);
  });
});

describe('the calendar file in a bot whose process runs in another zone than UTC', () => {
  const ROOT = join(__dirname, '..', '..');
  const compiled = join(ROOT, 'dist', 'src', 'slack', 'views', 'handoff-invitation.js');

  it('is the same file: nothing is read in the process\'s local time (the compiled builder, run with TZ=Pacific/Chatham)', () => {
    if (!existsSync(compiled)) throw new Error(`run npm run build first: ${compiled} is missing`);
    const rotation = aRotationIn('meeting_scheduled');
    const script = `process.stdout.write(require(${JSON.stringify(compiled)}).buildHandoffInvitation(JSON.parse(process.argv[1])).content)`;
    const run = (tz: string) => spawnSync(process.execPath, ['-e', script, JSON.stringify(rotation)], { env: { TZ: tz }, encoding: 'utf8' });

    const chatham = run('Pacific/Chatham');
    const utc = run('UTC');

    expect(chatham.stderr).toBe('');
    expect(chatham.stdout).toBe(utc.stdout);
    expect(theEvent(chatham.stdout).start.toISOString()).toBe('2026-03-24T14:00:00.000Z');
  });
});
