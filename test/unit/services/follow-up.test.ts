import type { ReminderSchedule, RotationStore } from '../../../src/domain/ports';
import type { Rotation } from '../../../src/domain/rotation';
import { FOLLOW_UP, FOLLOW_UP_GRACE_MS } from '../../../src/services/follow-up';
import type { ServiceDeps } from '../../../src/services/lifecycle-deps';
import { runDueReminders } from '../../../src/services/reminders';
import { announceRotation, saveNewRotation } from '../../../src/services/request-rotation';
import { announceTransition, transitionRotation } from '../../../src/services/transition-rotation';
import { RecordingNotifier } from '../../support/recording-notifier';
import { aRequest, aRotationIn, REQUESTER_ID } from '../../../testkit/rotations';
import { APPROVER, servicesOn, VirtualClock } from '../../support/simulation';

/**
 * The work that follows a stored change (planning the rotation's reminders and
 * its next cycle) can fail after the change is written: the change stands, the
 * person is told it was saved, and the next tick completes what is left.
 */

/** Makes the named method of an object fail the next `times` calls, then behave. */
function failing<T extends object>(target: T, method: keyof T & string, times: number, when: (...args: never[]) => boolean = () => true): T {
  let left = times;
  return new Proxy(target, {
    get(object, key) {
      const value = Reflect.get(object, key) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: never[]) => {
        if (key === method && left > 0 && when(...args)) {
          left -= 1;
          return Promise.reject(new Error(`${method} failed (test)`));
        }
        return (value as (...a: never[]) => unknown).apply(object, args);
      };
    },
  });
}

describe('follow-up after a stored change', () => {
  const clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
  let deps: ServiceDeps & { close(): Promise<void> };

  beforeEach(() => {
    clock.set('2026-03-02T10:00:00Z');
    deps = servicesOn('memory://', clock, new RecordingNotifier(clock));
  });
  afterEach(() => deps.close());

  const with_ = (overrides: Partial<ServiceDeps>): ServiceDeps => ({ ...deps, ...overrides });
  /** A step as the listeners take it: written, answered, then announced (which runs its follow-up). */
  async function takeStep(services: ServiceDeps, request: Parameters<typeof transitionRotation>[1]) {
    const outcome = await transitionRotation(services, request);
    if (outcome.ok) await announceTransition(services, outcome.rotation, outcome.entry);
    return outcome;
  }
  const pendingFollowUps = async (id: string) =>
    (await deps.reminders.due(new Date(clock.t + FOLLOW_UP_GRACE_MS), 100)).filter((r) => r.kind === FOLLOW_UP && r.rotationId === id);

  it('given a completion whose next cycle cannot be inserted, then the completion is saved, and the next tick plans and links the next cycle', async () => {
    const scheduled = aRotationIn('meeting_scheduled', { rotationIntervalDays: 90 });
    await deps.store.insert(scheduled);
    const store = failing<RotationStore>(deps.store, 'insert', 1, ((rotation: Rotation) => rotation.status === 'planned') as never);

    const outcome = await takeStep(with_({ store }), {
      rotationId: scheduled.id,
      actorId: REQUESTER_ID,
      action: { type: 'complete', confirmations: [] },
      expectedVersion: scheduled.version,
    });

    // Saved, and said so: not "nothing was saved".
    expect(outcome).toMatchObject({ ok: true, rotation: { status: 'completed' } });
    const completed = await deps.store.get(scheduled.id);
    expect(completed?.status).toBe('completed');
    expect(completed?.nextRotationId).toBeUndefined();
    expect(await pendingFollowUps(scheduled.id)).toHaveLength(1);

    clock.t += FOLLOW_UP_GRACE_MS + 1;
    const tick = await runDueReminders(deps);

    expect(tick.sent.filter((key) => key.includes(`|${FOLLOW_UP}|`))).toHaveLength(1);
    const linked = await deps.store.get(scheduled.id);
    const next = linked?.nextRotationId ? await deps.store.get(linked.nextRotationId) : undefined;
    expect(next).toMatchObject({ status: 'planned', previousRotationId: scheduled.id });
    expect(await deps.reminders.nextFor(next?.id as string)).toMatchObject({ kind: 'next_cycle' });
    // Planned once, however often the follow-up runs.
    await runDueReminders(deps);
    expect((await deps.store.list()).filter((r) => r.previousRotationId === scheduled.id)).toHaveLength(1);
  });

  it('given a step whose reminders cannot be re-planned, then the step is saved and the next tick plans them', async () => {
    const requested = aRotationIn('requested');
    await deps.store.insert(requested);
    const reminders = failing<ReminderSchedule>(deps.reminders, 'reschedule', 1);

    const outcome = await takeStep(with_({ reminders }), {
      rotationId: requested.id,
      actorId: APPROVER,
      action: { type: 'approve' },
      expectedVersion: 1,
    });

    expect(outcome).toMatchObject({ ok: true, rotation: { status: 'approved' } });
    // The recorded follow-up is what comes next, until the tick runs it.
    expect((await deps.reminders.nextFor(requested.id))?.kind).toBe(FOLLOW_UP);

    clock.t += FOLLOW_UP_GRACE_MS + 1;
    await runDueReminders(deps);

    // Approved on Monday 2026-03-02 with submit-by Friday 03-06: "submit soon" on Tuesday 03-03 comes next.
    expect(await deps.reminders.nextFor(requested.id)).toMatchObject({ kind: 'submit_soon', dueAt: '2026-03-03T09:00:00.000Z' });
    expect(await pendingFollowUps(requested.id)).toEqual([]);
  });

  it('given a new request whose reminders cannot be planned, then it is saved and the next tick plans them', async () => {
    const reminders = failing<ReminderSchedule>(deps.reminders, 'reschedule', 1);

    const rotation = await saveNewRotation(with_({ reminders }), aRequest(), REQUESTER_ID);
    await announceRotation(with_({ reminders }), rotation);

    expect(await deps.store.get(rotation.id)).toBeDefined();
    expect((await deps.reminders.nextFor(rotation.id))?.kind).toBe(FOLLOW_UP);
    clock.t += FOLLOW_UP_GRACE_MS + 1;
    await runDueReminders(deps);
    expect((await deps.reminders.nextFor(rotation.id))?.kind).toBe('approval_pending');
  });

  it('given the follow-up cannot even be recorded (the store is down), then nothing is saved and the caller hears it', async () => {
    const requested = aRotationIn('requested');
    await deps.store.insert(requested);
    const reminders = failing<ReminderSchedule>(deps.reminders, 'add', 1);

    await expect(
      transitionRotation(with_({ reminders }), { rotationId: requested.id, actorId: APPROVER, action: { type: 'approve' }, expectedVersion: 1 }),
    ).rejects.toThrow('add failed');
    expect((await deps.store.get(requested.id))?.status).toBe('requested');
  });

  it('given the follow-up fails again in the tick, then it is recorded once more for a later tick', async () => {
    const scheduled = aRotationIn('meeting_scheduled', { rotationIntervalDays: 90 });
    await deps.store.insert(scheduled);
    // The follow-up right after the step fails, and so does the first tick's.
    const store = failing<RotationStore>(deps.store, 'insert', 2, ((rotation: Rotation) => rotation.status === 'planned') as never);
    await takeStep(with_({ store }), { rotationId: scheduled.id, actorId: REQUESTER_ID, action: { type: 'complete', confirmations: [] } });

    clock.t += FOLLOW_UP_GRACE_MS + 1;
    const first = await runDueReminders(with_({ store }));
    expect(first.dropped.filter((key) => key.includes(`|${FOLLOW_UP}|`))).toHaveLength(1);
    expect((await deps.store.get(scheduled.id))?.nextRotationId).toBeUndefined();

    clock.t += FOLLOW_UP_GRACE_MS + 1;
    await runDueReminders(with_({ store }));
    expect((await deps.store.get(scheduled.id))?.nextRotationId).toBeDefined();
  });
});
