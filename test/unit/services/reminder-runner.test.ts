import { CodedError } from '../../../src/domain/errors';
import { entryContent } from '../../../src/domain/audit-chain';
import type { Notifier, ReminderDisplay } from '../../../src/domain/ports';
import { reminderKey, type ReminderKind } from '../../../src/domain/reminder-kinds';
import type { Rotation } from '../../../src/domain/rotation';
import { FOLLOW_UP, FOLLOW_UP_GRACE_MS, recordFollowUp } from '../../../src/services/follow-up';
import type { ServiceDeps } from '../../../src/services/lifecycle-deps';
import { CLAIM_LEASE_MS, runDueReminders, scheduleDigest } from '../../../src/services/reminders';
import { RecordingNotifier } from '../../support/recording-notifier';
import { APPROVER, servicesOn, VirtualClock } from '../../support/simulation';
import { aPlannedRotation, aRotation, aRotationIn, REQUESTER_ID, asStored } from '../../../testkit/rotations';

/**
 * The scheduler's runner, one tick at a time on the in-memory store: what each
 * kind of due entry is finished as, what reaches Slack, and what is logged when
 * Slack or the follow-up fails. (The simulations run thousands of ticks; these
 * pin each outcome on its own.)
 */
describe('one tick of the scheduler', () => {
  const clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
  let deps: ServiceDeps & { close(): Promise<void> };
  let notifier: RecordingNotifier;
  let refreshed: Array<{ rotation: Rotation; reminders: ReminderDisplay }>;
  let homes: string[];
  let logs: { info: string[]; warn: string[]; error: string[] };

  beforeEach(() => {
    clock.set('2026-03-02T10:00:00Z');
    notifier = new RecordingNotifier(clock);
    refreshed = [];
    // Through the port's type: the recording notifier's own no-op takes no arguments.
    (notifier as Notifier).refreshMessage = async (rotation, _now, reminders) => void refreshed.push({ rotation, reminders });
    homes = [];
    logs = { info: [], warn: [], error: [] };
    deps = servicesOn('memory://', clock, notifier);
    // Whose App Home the tick says changed (the publisher, tested on its own, publishes them later).
    deps.homes = { changed: (userIds) => void homes.push(...userIds) };
    deps.logger = {
      info: (message: string) => logs.info.push(message),
      warn: (message: string) => logs.warn.push(message),
      error: (message: string) => logs.error.push(message),
    };
  });
  afterEach(() => deps.close());

  /** Puts an occurrence in the schedule as the planner would have; returns its key. */
  async function due(rotationId: string, kind: ReminderKind, dueAt: string): Promise<string> {
    const key = reminderKey(rotationId, kind, dueAt);
    await deps.reminders.add([{ rotationId, kind, dueAt, key }]);
    return key;
  }
  const stateOf = async (key: string) => (await deps.reminders.entries()).find((e) => e.key === key);

  it('with nothing due, sends, drops, fails and defers nothing', async () => {
    expect(await runDueReminders(deps)).toEqual({ sent: [], dropped: [], failed: [], deferred: [], lagMs: 0 });
  });

  describe('a reminder', () => {
    it('that no longer applies (approval pending, but approved since) is dropped, and nothing is posted or re-rendered', async () => {
      const approved = aRotationIn('approved', { id: 'ROT-222222' });
      await deps.store.insert(approved);
      const key = await due(approved.id, 'approval_pending', '2026-03-02T09:00:00.000Z');

      // Due at 09:00, ticked at 10:00: the tick was an hour behind.
      expect(await runDueReminders(deps)).toEqual({ sent: [], dropped: [key], failed: [], deferred: [], lagMs: 60 * 60 * 1000 });
      expect(notifier.sent).toEqual([]);
      expect(refreshed).toEqual([]);
      expect(await stateOf(key)).toMatchObject({ state: 'dropped' });
    });

    it('of a rotation that is gone is dropped', async () => {
      const key = await due('ROT-ZZZZZZ', 'approval_pending', '2026-03-02T09:00:00.000Z');

      expect((await runDueReminders(deps)).dropped).toEqual([key]);
      expect(notifier.sent).toEqual([]);
    });

    it('that still applies is sent, followed by its next occurrence, and the message shows that one', async () => {
      const requested = aRotation({ id: 'ROT-222222' });
      await deps.store.insert(requested);
      const key = await due(requested.id, 'approval_pending', '2026-03-02T09:00:00.000Z');

      expect((await runDueReminders(deps)).sent).toEqual([key]);
      expect(notifier.sent).toMatchObject([{ kind: 'approval_pending', rotationId: requested.id, deliveryKey: key }]);
      expect(refreshed).toEqual([
        { rotation: asStored(requested), reminders: { next: expect.objectContaining({ kind: 'approval_pending', dueAt: '2026-03-03T09:00:00.000Z' }), failures: [] } },
      ]);
    });

    it('keeps its kind going when the store fails after the post: the next occurrence is stored before this one is finished', async () => {
      const requested = aRotation({ id: 'ROT-222222' });
      await deps.store.insert(requested);
      const key = await due(requested.id, 'approval_pending', '2026-03-02T09:00:00.000Z');
      const finishing = deps.reminders.finish.bind(deps.reminders);
      deps.reminders.finish = () => Promise.reject(new Error('store unreachable'));

      await expect(runDueReminders(deps)).rejects.toThrow('store unreachable');
      expect(notifier.sent).toHaveLength(1);
      const nextKey = reminderKey(requested.id, 'approval_pending', '2026-03-03T09:00:00.000Z');
      expect(await stateOf(nextKey)).toMatchObject({ state: 'pending' });

      // The store is back; the claim runs out; a later tick finds the post in Slack and records it, without posting again.
      deps.reminders.finish = finishing;
      clock.set(new Date(Date.parse('2026-03-02T10:00:00Z') + CLAIM_LEASE_MS + 60_000).toISOString());
      expect((await runDueReminders(deps)).sent).toEqual([key]);
      expect(notifier.sent).toHaveLength(1);
      expect(await stateOf(key)).toMatchObject({ state: 'sent' });
      expect(await stateOf(nextKey)).toMatchObject({ state: 'pending' });
    });

    it('whose holder died after posting it, and which fell due again during an outage, sends the latest occurrence once', async () => {
      const requested = aRotation({ id: 'ROT-222222' });
      await deps.store.insert(requested);
      // Monday 09:00: a process claims the entry, Slack takes its post, and the process dies; nobody runs until Thursday.
      const key = await due(requested.id, 'approval_pending', '2026-03-02T09:00:00.000Z');
      expect(await deps.reminders.claim(key, 'dead-process', new Date('2026-03-02T09:00:00Z'), CLAIM_LEASE_MS)).toBe(true);
      await notifier.sendReminder(requested, { rotationId: requested.id, kind: 'approval_pending', dueAt: '2026-03-02T09:00:00.000Z', key }, clock.now(), key);
      clock.set('2026-03-05T10:00:00Z');

      expect((await runDueReminders(deps)).sent).toEqual([key]);
      // Monday's is not posted again; Thursday's, the latest that fell due meanwhile, is.
      expect(notifier.sent.map((s) => s.dueAt)).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-05T09:00:00.000Z']);
      expect(await runDueReminders(deps)).toMatchObject({ sent: [] });
    });

    it('that Slack will not take is finished as failed with its reason, and logged as an error', async () => {
      const requested = aRotation({ id: 'ROT-222222' });
      await deps.store.insert(requested);
      const key = await due(requested.id, 'approval_pending', '2026-03-02T09:00:00.000Z');
      notifier.refusal = 'channel_not_found';

      expect((await runDueReminders(deps)).failed).toEqual([key]);
      expect(await stateOf(key)).toMatchObject({ state: 'failed', failure: 'channel_not_found' });
      expect(logs.error).toEqual([`Reminder ${key} could not be delivered: channel_not_found`]);
    });

    it.each([
      ['a string', 'not_in_channel', 'not_in_channel'],
      ['nothing', undefined, 'undefined'],
      ['null', null, 'null'],
    ])('whose delivery is refused with %s (not an Error) is failed with that, as text', async (_what, thrown, reason) => {
      const requested = aRotation({ id: 'ROT-222222' });
      await deps.store.insert(requested);
      const key = await due(requested.id, 'approval_pending', '2026-03-02T09:00:00.000Z');
      notifier.sendReminder = () => Promise.reject(thrown);

      expect((await runDueReminders(deps)).failed).toEqual([key]);
      expect(await stateOf(key)).toMatchObject({ state: 'failed', failure: reason });
    });

    it('that Slack did not take for now is deferred to a later tick, with a warning', async () => {
      const requested = aRotation({ id: 'ROT-222222' });
      await deps.store.insert(requested);
      const key = await due(requested.id, 'approval_pending', '2026-03-02T09:00:00.000Z');
      notifier.sendReminder = () => Promise.reject(new CodedError('SLACK_UNAVAILABLE', 'ratelimited'));

      expect(await runDueReminders(deps)).toEqual({ sent: [], dropped: [], failed: [], deferred: [key], lagMs: 60 * 60 * 1000 });
      expect(logs.warn).toEqual([`Reminder ${key} was not taken by Slack for now (ratelimited); it is tried again when its claim runs out`]);
    });

    it('that Slack did not take for now is failed a day after its due time, or a day after the bot could act again', async () => {
      const requested = aRotation({ id: 'ROT-222222' });
      await deps.store.insert(requested);
      // Due two days ago: the bot was down, or Slack has not taken it since.
      const key = await due(requested.id, 'approval_pending', '2026-02-28T10:00:00.000Z');
      notifier.sendReminder = () => Promise.reject(new CodedError('SLACK_UNAVAILABLE', 'ratelimited'));

      expect((await runDueReminders(deps, { actingSince: new Date('2026-03-02T09:00:00Z') })).deferred).toEqual([key]);
      clock.set('2026-03-02T11:00:00Z');
      expect((await runDueReminders(deps, { actingSince: new Date('2026-02-28T09:00:00Z') })).failed).toEqual([key]);
      expect(await stateOf(key)).toMatchObject({ state: 'failed', failure: 'ratelimited' });
    });

    it('that was sent, but whose message cannot be re-rendered, is still sent; the refresh failure is a warning', async () => {
      const requested = aRotation({ id: 'ROT-222222' });
      await deps.store.insert(requested);
      const key = await due(requested.id, 'approval_pending', '2026-03-02T09:00:00.000Z');
      notifier.refreshMessage = () => Promise.reject(new Error('message_not_found'));

      expect((await runDueReminders(deps)).sent).toEqual([key]);
      expect(logs.warn).toEqual([`The message of ${requested.id} could not show its next reminder: message_not_found`]);
      expect(logs.error).toEqual([]);
    });
  });

  describe('a recorded follow-up', () => {
    /** A change whose follow-up was recorded and never ran (the process died): due once the grace period is over. */
    async function unfinishedFollowUp(rotation: Rotation): Promise<string> {
      await deps.store.insert(rotation);
      await recordFollowUp(deps, rotation.id);
      const [entry] = (await deps.reminders.due(new Date(clock.t + FOLLOW_UP_GRACE_MS), 10)).filter((e) => e.kind === FOLLOW_UP);
      clock.t += FOLLOW_UP_GRACE_MS + 1;
      return entry?.key as string;
    }

    it('that links a next cycle is sent, logged, and the message and dashboards show the next cycle', async () => {
      const completed = aRotationIn('completed', { id: 'ROT-222222', rotationIntervalDays: 90 });
      const key = await unfinishedFollowUp(completed);

      expect((await runDueReminders(deps)).sent).toEqual([key]);
      expect(logs.info).toEqual([`${completed.id}: the follow-up of its last change was completed by the scheduler`]);
      const linked = await deps.store.get(completed.id);
      expect(linked?.nextRotationId).toBeDefined();
      // The rotation as the change made it: its last entry is chained by the store, where the hashes are not needed.
      const unchained = { ...(linked as Rotation), history: (linked as Rotation).history.map(entryContent) };
      expect(refreshed).toMatchObject([{ rotation: unchained, reminders: { failures: [] } }]);
      expect(refreshed).toHaveLength(1);
      expect(homes.sort()).toEqual([APPROVER, ...completed.attendeeIds].sort());
    });

    it('that links nothing new (a step without a next cycle) re-renders nothing', async () => {
      const approved = aRotationIn('approved', { id: 'ROT-222222' });
      const key = await unfinishedFollowUp(approved);

      expect((await runDueReminders(deps)).sent).toEqual([key]);
      expect(logs.info).toEqual([`${approved.id}: the follow-up of its last change was completed by the scheduler`]);
      expect(refreshed).toEqual([]);
      expect(homes).toEqual([]);
    });

    it('whose message cannot show the new next cycle is still done; the refresh failure is a warning and the dashboards are refreshed', async () => {
      const completed = aRotationIn('completed', { id: 'ROT-222222', rotationIntervalDays: 90 });
      const key = await unfinishedFollowUp(completed);
      notifier.refreshMessage = () => Promise.reject(new Error('message_not_found'));

      expect((await runDueReminders(deps)).sent).toEqual([key]);
      expect(logs.warn).toEqual([`The message of ${completed.id} could not show its next cycle: message_not_found`]);
      expect(homes).toContain(REQUESTER_ID);
    });

    it('that fails again is logged, dropped, and recorded once more for a later tick', async () => {
      const completed = aRotationIn('completed', { id: 'ROT-222222', rotationIntervalDays: 90 });
      const key = await unfinishedFollowUp(completed);
      const broken = new Proxy(deps.store, {
        get: (target, name) => (name === 'insert' ? () => Promise.reject(new Error('store unreachable')) : Reflect.get(target, name)),
      });

      expect((await runDueReminders({ ...deps, store: broken })).dropped).toEqual([key]);
      expect(logs.error).toEqual([`${completed.id}: its follow-up failed again and is retried on a later tick: store unreachable`]);
      expect((await deps.reminders.nextFor(completed.id))?.kind).toBe(FOLLOW_UP);
    });

    it('of a rotation that is gone is dropped', async () => {
      await recordFollowUp(deps, 'ROT-ZZZZZZ');
      clock.t += FOLLOW_UP_GRACE_MS + 1;

      expect((await runDueReminders(deps)).dropped).toHaveLength(1);
      expect(logs.info).toEqual([]);
    });
  });

  describe('the weekly digest', () => {
    // Monday 2026-03-09 09:00Z is a digest time (digestDay 1, reminderHour 9, UTC).
    beforeEach(async () => {
      await scheduleDigest(deps, clock.now());
      clock.set('2026-03-09T09:00:00Z');
    });

    it('counts only open rotations and planned cycles: with nothing but finished ones it posts nothing and is dropped', async () => {
      await deps.store.insert(aRotationIn('completed', { id: 'ROT-222222', channelId: 'C0ONE' }));
      await deps.store.insert(aRotationIn('cancelled', { id: 'ROT-222223', channelId: 'C0TWO' }));

      const result = await runDueReminders(deps);

      expect(result.dropped).toHaveLength(1);
      expect(result.sent).toEqual([]);
      expect(notifier.sent).toEqual([]);
    });

    it('with a planned cycle only, is posted to its channel and sent', async () => {
      await deps.store.insert(aPlannedRotation({ id: 'ROT-222222', channelId: 'C0ONE' }).planned);

      const result = await runDueReminders(deps);

      expect(result.sent).toHaveLength(1);
      expect(notifier.sent.map((s) => s.deliveryKey?.split(' ')[1])).toEqual(['C0ONE']);
    });

    it("when several channels refuse, fails with each one's reason (an Error's message, anything else as text), joined; the others get theirs", async () => {
      for (const [id, channelId] of [
        ['ROT-222222', 'C0GONE'],
        ['ROT-222223', 'C0OK'],
        ['ROT-222224', 'C0KICKED'],
        ['ROT-222225', 'C0OK'],
      ]) {
        await deps.store.insert(aRotationIn('approved', { id, channelId }));
      }
      const posted: Array<{ channelId: string; ids: string[] }> = [];
      notifier.sendDigest = async (channelId, rotations) => {
        if (channelId === 'C0GONE') throw new Error('channel_not_found');
        if (channelId === 'C0KICKED') throw 'not_in_channel';
        posted.push({ channelId, ids: rotations.map((r) => r.id).sort() });
      };

      const result = await runDueReminders(deps);

      expect(result.failed).toHaveLength(1);
      // One post for the channel, listing both of its rotations.
      // (toStrictEqual: toEqual would let an extra undefined id through.)
      expect(posted).toStrictEqual([{ channelId: 'C0OK', ids: ['ROT-222223', 'ROT-222225'] }]);
      expect(await deps.reminders.failures(undefined, 10)).toEqual([
        expect.objectContaining({ kind: 'weekly_digest', state: 'failed', failure: 'C0GONE: channel_not_found; C0KICKED: not_in_channel' }),
      ]);
    });
  });

  describe('what each tick counts for the metrics', () => {
    let counted: Array<[string, string, string | undefined]>;
    beforeEach(() => {
      counted = [];
      deps.metrics = { reminderHandled: (kind, outcome, error) => void counted.push([kind, outcome, error]) };
    });

    it('counts a sent, a dropped, a failed (with its code) and a deferred reminder, each by kind', async () => {
      const sent = aRotation({ id: 'ROT-222222' });
      const moved = aRotationIn('approved', { id: 'ROT-222223' });
      const refused = aRotation({ id: 'ROT-222224' });
      const later = aRotation({ id: 'ROT-222225' });
      for (const rotation of [sent, moved, refused, later]) await deps.store.insert(rotation);
      for (const rotation of [sent, moved, refused, later]) await due(rotation.id, 'approval_pending', '2026-03-02T09:00:00.000Z');
      notifier.sendReminder = async (rotation) => {
        if (rotation.id === refused.id) throw new CodedError('REMINDER_UNDELIVERABLE', 'channel_not_found; the DM failed too', { reason: 'channel_not_found' });
        if (rotation.id === later.id) throw new CodedError('SLACK_UNAVAILABLE', 'ratelimited', { reason: 'ratelimited' });
      };

      await runDueReminders(deps);

      expect(counted.sort()).toEqual(
        [
          ['approval_pending', 'sent', undefined],
          ['approval_pending', 'dropped', undefined],
          ['approval_pending', 'failed', 'channel_not_found'],
          ['approval_pending', 'deferred', undefined],
        ].sort(),
      );
    });

    it('does not count a follow-up, which is no reminder', async () => {
      await recordFollowUp(deps, 'ROT-ZZZZZZ');
      clock.t += FOLLOW_UP_GRACE_MS + 1;

      expect((await runDueReminders(deps)).dropped).toHaveLength(1);
      expect(counted).toEqual([]);
    });
  });
});
