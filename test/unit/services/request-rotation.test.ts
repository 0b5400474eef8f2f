import type { Notifier, ReminderDisplay, ReminderSchedule } from '../../../src/domain/ports';
import type { Rotation } from '../../../src/domain/rotation';
import { FOLLOW_UP, FOLLOW_UP_GRACE_MS } from '../../../src/services/follow-up';
import type { ServiceDeps } from '../../../src/services/lifecycle-deps';
import { announceRotation, saveNewRotation, startPlanned } from '../../../src/services/request-rotation';
import { RecordingNotifier } from '../../support/recording-notifier';
import { servicesOn, VirtualClock } from '../../support/simulation';
import { aPlannedRotation, aRequest, aRotation, REQUESTER_ID, asStored } from '../../../testkit/rotations';

/**
 * Starting a planned cycle and announcing a new request, on the in-memory
 * store: the follow-up is recorded before anything is written, and posting the
 * message never undoes a request, whatever fails around it.
 */
describe('requesting a rotation', () => {
  const clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
  let deps: ServiceDeps & { close(): Promise<void> };
  let notifier: RecordingNotifier;
  let posted: Array<{ rotation: Rotation; reminders: ReminderDisplay | undefined }>;
  let warnings: string[];

  beforeEach(() => {
    clock.set('2026-03-02T10:00:00Z');
    notifier = new RecordingNotifier(clock);
    posted = [];
    const post = notifier.postRotation.bind(notifier);
    // Through the port's type: the recording notifier's own takes the rotation only.
    (notifier as Notifier).postRotation = (rotation, _now, reminders) => {
      posted.push({ rotation, reminders });
      return post(rotation);
    };
    warnings = [];
    deps = servicesOn('memory://', clock, notifier);
    deps.logger = { ...deps.logger, warn: (message: string) => warnings.push(message) };
  });
  afterEach(() => deps.close());

  const followUpsOf = async (id: string) =>
    (await deps.reminders.due(new Date(clock.t + FOLLOW_UP_GRACE_MS), 100)).filter((r) => r.kind === FOLLOW_UP && r.rotationId === id);

  describe('starting a planned cycle', () => {
    const form = { deadline: '2026-06-30', attendeeIds: [], rotationIntervalDays: '90' };
    const context = { instanceDomain: 'wfi.pega.com' };

    it('records its follow-up along with the start, so a tick plans its reminders if the caller dies', async () => {
      const { planned } = aPlannedRotation({ id: 'ROT-222222' });
      await deps.store.insert(planned);

      const outcome = await startPlanned(deps, planned.id, form, REQUESTER_ID, context);

      expect(outcome).toMatchObject({ ok: true, rotation: { id: planned.id, status: 'requested' } });
      expect(await followUpsOf(planned.id)).toEqual([
        expect.objectContaining({ dueAt: new Date(clock.t + FOLLOW_UP_GRACE_MS).toISOString(), state: 'pending' }),
      ]);
    });

    it('writes nothing when its follow-up cannot be recorded', async () => {
      const { planned } = aPlannedRotation({ id: 'ROT-222222' });
      await deps.store.insert(planned);
      const reminders = new Proxy(deps.reminders, {
        get: (schedule, name) => (name === 'add' ? () => Promise.reject(new Error('schedule unreachable')) : Reflect.get(schedule, name)),
      }) as ReminderSchedule;

      await expect(startPlanned({ ...deps, reminders }, planned.id, form, REQUESTER_ID, context)).rejects.toThrow('schedule unreachable');
      expect(await deps.store.get(planned.id)).toEqual(asStored(planned));
    });
  });

  describe('announcing a new request', () => {
    it('posts its message with its next reminder and records where it went, without a warning', async () => {
      const saved = await saveNewRotation(deps, aRequest(), REQUESTER_ID);

      const announced = await announceRotation(deps, saved);

      expect(posted).toHaveLength(1);
      expect(posted[0]?.reminders).toEqual({ next: expect.objectContaining({ kind: 'approval_pending' }), failures: [] });
      expect(announced.message).toEqual({ channelId: saved.channelId, ts: `${saved.id}.ts` });
      expect((await deps.store.get(saved.id))?.message).toEqual(announced.message);
      expect(warnings).toEqual([]);
    });

    it('when the rotation is gone from the store by the time it was posted, warns naming it and still answers', async () => {
      // Announced, but not (or no longer) stored: there is nowhere to record the message's place.
      const vanished = aRotation({ id: 'ROT-222222' });

      const announced = await announceRotation(deps, vanished);

      expect(announced.message).toEqual({ channelId: vanished.channelId, ts: `${vanished.id}.ts` });
      expect(warnings).toEqual([`${vanished.id} was posted, but is no longer in the store to record where`]);
      expect(await deps.store.findByMessage(announced.message as NonNullable<Rotation['message']>)).toBeUndefined();
    });

    it('when its reminders cannot be read, still posts the message, showing no reminder and no failure', async () => {
      const saved = await saveNewRotation(deps, aRequest(), REQUESTER_ID);
      const reminders = new Proxy(deps.reminders, {
        get: (schedule, name) => (name === 'nextFor' ? () => Promise.reject(new Error('schedule unreachable')) : Reflect.get(schedule, name)),
      }) as ReminderSchedule;

      const announced = await announceRotation({ ...deps, reminders }, saved);

      expect(posted).toHaveLength(1);
      expect(posted[0]?.reminders).toStrictEqual({ failures: [] });
      expect((await deps.store.get(saved.id))?.message).toEqual(announced.message);
    });
  });
});
