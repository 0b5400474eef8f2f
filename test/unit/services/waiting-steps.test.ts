import type { StepCompleter, StepExecutionStore } from '../../../src/domain/ports';
import { FOLLOW_UP_GRACE_MS } from '../../../src/services/follow-up';
import type { ServiceDeps } from '../../../src/services/lifecycle-deps';
import { runDueReminders } from '../../../src/services/reminders';
import { announceTransition, transitionRotation } from '../../../src/services/transition-rotation';
import { KeyvStepExecutions } from '../../../src/store/keyv-step-executions';
import { MemoryLocks } from '../../../src/store/engine-locks';
import Keyv from 'keyv';
import { RecordingNotifier } from '../../support/recording-notifier';
import { aRotationIn, REQUESTER_ID } from '../../../testkit/rotations';
import { servicesOn, VirtualClock } from '../../support/simulation';

/**
 * A workflow's await_rotation step is settled by the follow-up of the
 * rotation's last change: right after it, or by the scheduler's tick when that
 * failed, and once.
 */
describe('steps waiting on a rotation', () => {
  const clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
  let deps: ServiceDeps & { close(): Promise<void> };
  let executions: StepExecutionStore;
  let completer: StepCompleter & { complete: jest.Mock; fail: jest.Mock };

  beforeEach(() => {
    clock.set('2026-03-02T10:00:00Z');
    executions = new KeyvStepExecutions(new Keyv(), new MemoryLocks());
    completer = { complete: jest.fn(async () => undefined), fail: jest.fn(async () => undefined) };
    deps = Object.assign(servicesOn('memory://', clock, new RecordingNotifier(clock)), { steps: { executions, completer } });
  });
  afterEach(() => deps.close());

  const waiting = { executionId: 'Fx0WAIT0001', token: 'xwfp-token', since: '2026-03-02T10:00:00.000Z' };

  async function complete(services: ServiceDeps, id: string, version: number) {
    const outcome = await transitionRotation(services, { rotationId: id, actorId: REQUESTER_ID, action: { type: 'complete', confirmations: [] }, expectedVersion: version });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
    await announceTransition(services, outcome.rotation, outcome.entry);
  }

  it('given a completed rotation with a next cycle, completes the waiting step once with the next deadline', async () => {
    const scheduled = aRotationIn('meeting_scheduled', { rotationIntervalDays: 90 });
    await deps.store.insert(scheduled);
    await executions.addWaiting(scheduled.id, waiting);

    await complete(deps, scheduled.id, scheduled.version);

    const next = (await deps.store.list()).find((r) => r.previousRotationId === scheduled.id);
    expect(completer.complete).toHaveBeenCalledWith(waiting, { status: 'completed', case_number: 'CS-0123456', completed_at: expect.any(String), next_deadline: next?.deadline });
    expect(await executions.takeWaiting(scheduled.id)).toEqual([]);
    clock.t += FOLLOW_UP_GRACE_MS + 1;
    await runDueReminders(deps);
    expect(completer.complete).toHaveBeenCalledTimes(1);
  });

  it('given the waiting steps cannot be read right after the change, the next tick settles them', async () => {
    const scheduled = aRotationIn('meeting_scheduled');
    await deps.store.insert(scheduled);
    await executions.addWaiting(scheduled.id, waiting);
    let failures = 1;
    const flaky: StepExecutionStore = {
      addWaiting: (id, step) => executions.addWaiting(id, step),
      onceForExecution: (id, create) => executions.onceForExecution(id, create),
      waiting: () => executions.waiting(),
      executions: () => executions.executions(),
      takeWaiting: (id) => (failures-- > 0 ? Promise.reject(new Error('store down (test)')) : executions.takeWaiting(id)),
    };
    const services = { ...deps, steps: { executions: flaky, completer } };

    await complete(services, scheduled.id, scheduled.version);
    expect(completer.complete).not.toHaveBeenCalled();

    clock.t += FOLLOW_UP_GRACE_MS + 1;
    await runDueReminders(services);
    expect(completer.complete).toHaveBeenCalledWith(waiting, expect.objectContaining({ case_number: 'CS-0123456' }));
  });

  it('given Slack refuses the completion, logs the execution without its token and drops it', async () => {
    const warn = jest.fn();
    completer.fail.mockRejectedValueOnce(new Error('function_execution_not_found'));
    const approved = aRotationIn('approved');
    await deps.store.insert(approved);
    await executions.addWaiting(approved.id, waiting);
    const services = { ...deps, logger: { ...deps.logger, warn } };

    const outcome = await transitionRotation(services, { rotationId: approved.id, actorId: REQUESTER_ID, action: { type: 'cancel', reason: 'Decommissioned' }, expectedVersion: approved.version });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
    await announceTransition(services, outcome.rotation, outcome.entry);

    expect(completer.fail).toHaveBeenCalledWith(waiting, `Rotation ${approved.id} was cancelled: Decommissioned`);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Fx0WAIT0001'));
    expect(JSON.stringify(warn.mock.calls)).not.toContain('xwfp-token');
    expect(await executions.takeWaiting(approved.id)).toEqual([]);
  });
});
