import Keyv from 'keyv';
import { MemoryLocks } from '../../../src/store/engine-locks';
import { KeyvStepExecutions } from '../../../src/store/keyv-step-executions';

describe('the workflow steps\' records in the store', () => {
  const step = { executionId: 'Fx0WAIT0001', token: 'xwfp-token-0001', since: '2026-03-02T10:00:00.000Z' };

  it('keeps a waiting step\'s token apart: listings never show it, the step is taken with it, and it is gone after', async () => {
    const keyv = new Keyv();
    const executions = new KeyvStepExecutions(keyv, new MemoryLocks());
    await executions.addWaiting('ROT-AAAAAA', step);
    await executions.addWaiting('ROT-AAAAAA', { ...step, token: 'xwfp-redelivered' });

    expect(await executions.waiting()).toEqual(new Map([['ROT-AAAAAA', [{ executionId: step.executionId, since: step.since }]]]));
    expect(await executions.takeWaiting('ROT-AAAAAA')).toEqual([step]);
    expect(await executions.takeWaiting('ROT-AAAAAA')).toEqual([]);
    const left: string[] = [];
    if (!keyv.iterator) throw new Error('a memory keyv lists its keys');
    for await (const [key] of keyv.iterator(undefined) as AsyncIterable<[string, unknown]>) left.push(key);
    expect(left).toEqual([]);
  });

  it('does not keep the token past its time to live: the step is then taken without it', async () => {
    const executions = new KeyvStepExecutions(new Keyv(), new MemoryLocks(), { tokenTtlMs: 20 });
    await executions.addWaiting('ROT-BBBBBB', step);
    await new Promise((resolve) => setTimeout(resolve, 40));

    expect(await executions.takeWaiting('ROT-BBBBBB')).toEqual([{ executionId: step.executionId, since: step.since }]);
  });

  it('lists which execution made which rotation', async () => {
    const executions = new KeyvStepExecutions(new Keyv(), new MemoryLocks());
    await executions.onceForExecution('Fx0REQ0001', async () => 'ROT-CCCCCC');
    await executions.onceForExecution('Fx0REQ0002', async () => 'ROT-DDDDDD');
    await executions.addWaiting('ROT-CCCCCC', step);

    expect(await executions.executions()).toEqual(new Map([['Fx0REQ0001', 'ROT-CCCCCC'], ['Fx0REQ0002', 'ROT-DDDDDD']]));
  });
});
