import type { ReminderSchedule, RotationStore } from '../../../src/domain/ports';
import { decide } from '../../../src/domain/lifecycle';
import { nextCycleId, type AuditEntry, type Rotation, type RotationIn } from '../../../src/domain/rotation';
import { entryContent } from '../../../src/domain/audit-chain';
import { completeFollowUp, FOLLOW_UP, FOLLOW_UP_GRACE_MS } from '../../../src/services/follow-up';
import type { ServiceDeps } from '../../../src/services/lifecycle-deps';
import { runDueReminders } from '../../../src/services/reminders';
import { announceRotation, saveNewRotation } from '../../../src/services/request-rotation';
import { announceTransition, transitionRotation } from '../../../src/services/transition-rotation';
import { RecordingNotifier } from '../../support/recording-notifier';
import { reportedExposure, startedCycle } from '../../support/changes';
import { APPROVER_ID, aPlannedRotation, aRequest, aRotation, aRotationIn, REQUESTER_ID, asStored, TEST_POLICY } from '../../../testkit/rotations';
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

/**
 * `completeFollowUp` on its own, as the tick and the announcement both call
 * it: which next cycle a completed rotation ends up linked to, who the link is
 * recorded for, what a refused link means, and from when reminders are planned.
 */
describe('completing the follow-up of a change', () => {
  const clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
  let deps: ServiceDeps & { close(): Promise<void> };

  beforeEach(() => {
    clock.set('2026-03-02T10:00:00Z');
    deps = servicesOn('memory://', clock, new RecordingNotifier(clock));
  });
  afterEach(() => deps.close());

  /** A completed rotation that rotates every 90 days, stored as the completion left it: no next cycle linked yet. */
  async function storedCompletion(id = 'ROT-222222'): Promise<RotationIn<'completed'>> {
    const completed = aRotationIn('completed', { id, rotationIntervalDays: 90 });
    await deps.store.insert(completed);
    return completed;
  }
  const cyclesAfter = async (id: string) => (await deps.store.list()).filter((r) => r.previousRotationId === id);

  it('records the link for the person who completed the rotation, as an event that keeps the version', async () => {
    const completed = await storedCompletion();

    const linked = await completeFollowUp(deps, completed);

    expect(linked.nextRotationId).toBe(nextCycleId(completed.id));
    const stored = (await deps.store.get(completed.id)) as Rotation;
    expect(stored.version).toBe(completed.version);
    expect(entryContent(stored.history.at(-1) as AuditEntry)).toEqual({
      at: clock.now().toISOString(),
      actorId: completed.completion.by,
      from: 'completed',
      to: 'completed',
      event: 'next_cycle_planned',
      details: { nextRotationId: nextCycleId(completed.id) },
    });
  });

  it('given its next cycle was inserted (and even started) before the link was recorded, then that one is linked, not a second, and planned as what it is now', async () => {
    const completed = await storedCompletion();
    // An earlier follow-up inserted the next cycle under its derived id and died before linking it;
    // meanwhile someone started it from their App Home.
    const { planned } = aPlannedRotation({ id: completed.id }, nextCycleId(completed.id));
    const started = startedCycle(planned, aRequest({ deadline: '2026-05-29' }), {
      actor: { userId: REQUESTER_ID, isApprover: false },
      now: new Date('2026-03-01T10:00:00Z'),
      policy: TEST_POLICY,
    });
    if (!started.ok) throw new Error(`cannot start the planned cycle: ${started.error.code}`);
    await deps.store.insert(started.rotation);

    const linked = await completeFollowUp(deps, completed);

    expect(linked.nextRotationId).toBe(planned.id);
    expect(await cyclesAfter(completed.id)).toEqual([asStored(started.rotation)]);
    // Its reminders are planned from the started request (waiting for approval), not from a fresh plan.
    expect((await deps.reminders.nextFor(planned.id))?.kind).toBe('approval_pending');
  });

  it('given an unrelated rotation holds the derived id, then a fresh id is drawn for the next cycle, and the other rotation is left alone', async () => {
    const completed = await storedCompletion();
    const unrelated = aRotation({ id: nextCycleId(completed.id) });
    await deps.store.insert(unrelated);

    const linked = await completeFollowUp(deps, completed);

    const nextId = linked.nextRotationId as string;
    expect(nextId).toBeDefined();
    expect(nextId).not.toBe(unrelated.id);
    expect(await deps.store.get(nextId)).toMatchObject({ status: 'planned', previousRotationId: completed.id });
    expect((await deps.store.get(completed.id))?.nextRotationId).toBe(nextId);
    expect(await deps.store.get(unrelated.id)).toEqual(asStored(unrelated));
  });

  it('given another replica linked the next cycle since this copy was read, then the stored, linked rotation is returned and nothing is planned twice', async () => {
    const completed = await storedCompletion();
    await completeFollowUp(deps, completed);

    // The same follow-up again, from the read taken before the link (the tick and the announcement racing).
    const again = await completeFollowUp(deps, completed);

    expect(again.nextRotationId).toBe(nextCycleId(completed.id));
    expect(again).toEqual(await deps.store.get(completed.id));
    expect(await cyclesAfter(completed.id)).toHaveLength(1);
    expect(again.history.filter((e) => e.event === 'next_cycle_planned')).toHaveLength(1);
  });

  it('given the completed rotation keeps changing under every write, then it throws for the tick to try again, the next cycle already inserted', async () => {
    const completed = await storedCompletion();
    // Every compare-and-write loses: another writer got there first each time.
    const racing = new Proxy(deps.store, { get: (store, key) => (key === 'replace' ? async () => false : Reflect.get(store, key)) });

    await expect(completeFollowUp({ ...deps, store: racing }, completed)).rejects.toThrow(
      `${completed.id} kept changing; its next cycle ${nextCycleId(completed.id)} could not be linked yet`,
    );
    // The retry finds it under the same id instead of planning a second one.
    expect(await deps.store.get(nextCycleId(completed.id))).toMatchObject({ status: 'planned', previousRotationId: completed.id });
  });

  it('given the completed rotation is gone from the store, then the rotation is returned as given, unlinked, and nothing is thrown', async () => {
    // Never stored here: as if pruned before its follow-up ran.
    const completed = aRotationIn('completed', { id: 'ROT-222222', rotationIntervalDays: 90 });

    const result = await completeFollowUp(deps, completed);

    expect(result).toEqual(completed);
    expect(await deps.store.get(completed.id)).toBeUndefined();
  });

  it('plans reminders as of the last transition, not the events recorded after it, nor the time the follow-up runs', async () => {
    // Requested Fri 2026-02-20, approved Tue 03-03 10:00 (after submit-soon, 03-03 09:00, fell due),
    // a secret-looking reply reported Fri 03-06 10:00 (after submit-due, 03-06 09:00); the follow-up runs Mon 03-09 10:00.
    const approval = decide(aRotation({ id: 'ROT-222222' }), { type: 'approve' }, {
      actor: { userId: APPROVER_ID, isApprover: true },
      now: new Date('2026-03-03T10:00:00Z'),
      allowSelfApproval: false,
    });
    if (!approval.ok) throw new Error(`cannot approve: ${approval.error.code}`);
    const reported = reportedExposure(approval.rotation, {
      posterId: 'U0ATTENDEE',
      channelId: 'C0ROTATIONS',
      messageTs: '1.1',
      now: new Date('2026-03-06T10:00:00Z'),
    }) as Rotation;
    await deps.store.insert(reported);
    clock.set('2026-03-09T10:00:00Z');

    await completeFollowUp(deps, reported);

    const planned = (await deps.reminders.due(new Date('2027-01-01T00:00:00Z'), 100)).filter((r) => r.rotationId === reported.id);
    // From the approval: submit-due (fell due meanwhile, so the tick sends it), the first overdue day, deadline-near.
    expect(planned.map((r) => [r.kind, r.dueAt])).toEqual([
      ['submit_due', '2026-03-06T09:00:00.000Z'],
      ['submit_overdue', '2026-03-09T09:00:00.000Z'],
      ['deadline_near', '2026-03-18T09:00:00.000Z'],
    ]);
  });
});
