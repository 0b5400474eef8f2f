import { openStore } from '../../src/store/keyv-factory';
import type { Rotation } from '../../src/domain/rotation';
import { FakeSlack, type RecordedCall, type StepEnd } from '../../testkit/fake-slack';
import { startTestBot, tempStoreUrl, type TestBot } from '../support/bot-harness';
import { freshPostgresDatabase, freshRedisDatabase } from '../support/databases';
import { buttonClick, CHANNEL, functionExecuted, REQUESTER, stepStates, viewSubmission } from '../../testkit/payloads';
import { postToBot } from '../../testkit/slack-request';

// Monday 2026-03-02, 10:00 UTC.
const NOW = new Date('2026-03-02T10:00:00Z');
const APPROVER = 'U0APPROVE1';
const ATTENDEE = 'U0ATTEND01';

const ENGINES: Array<[string, () => { url: string; cleanup(): void }]> = [
  ['SQLite', () => tempStoreUrl()],
  ...(process.env.TEST_REDIS_URL ? [['Redis', () => freshRedisDatabase(process.env.TEST_REDIS_URL as string, 6)] as [string, () => { url: string; drop(): void }]] : []).map(
    ([name, open]): [string, () => { url: string; cleanup(): void }] => [name, () => { const db = open(); return { url: db.url, cleanup: db.drop }; }],
  ),
  ...(process.env.TEST_POSTGRES_URL ? [['PostgreSQL', () => freshPostgresDatabase(process.env.TEST_POSTGRES_URL as string)] as [string, () => { url: string; drop(): void }]] : []).map(
    ([name, open]): [string, () => { url: string; cleanup(): void }] => [name, () => { const db = open(); return { url: db.url, cleanup: db.drop }; }],
  ),
];

const REQUEST_INPUTS = {
  instance_url: 'https://acme.wfi.pega.com',
  deadline: '2026-04-30',
  requester: REQUESTER,
  channel: CHANNEL,
  attendees: [REQUESTER, ATTENDEE],
};

describe.each(ENGINES)('custom workflow steps over HTTP (%s)', (engine, location) => {
  const fake = new FakeSlack();
  let store: { url: string; cleanup(): void };
  let bot: TestBot | undefined;
  const port = () => (bot as TestBot).port;

  async function startBot() {
    await bot?.stop();
    bot = await startTestBot(fake, { storeUrl: store.url, now: NOW, env: { WFI_APPROVERS: APPROVER } });
  }

  /** Every rotation stored, read after the bot stopped. */
  async function storedRotations(): Promise<Rotation[]> {
    await bot?.stop();
    bot = undefined;
    const reader = openStore(store.url).rotations;
    try {
      return await reader.list();
    } finally {
      await reader.close();
    }
  }

  function runStep(callbackId: string, inputs: Record<string, unknown>, executionId: string) {
    return postToBot(port(), functionExecuted({ callbackId, inputs, executionId }), { contentType: 'application/json' });
  }

  const stepEnd = (executionId: string) => fake.waitForStepEnd(executionId);

  function endCall(executionId: string): RecordedCall | undefined {
    return fake.calls.find((call) => call.method.startsWith('functions.complete') && call.args.function_execution_id === executionId && call.answer?.ok === true);
  }

  function click(actionId: string, rotation: { id: string; channel: string; ts: string }, version: number, user: string) {
    return postToBot(port(), buttonClick(actionId, `${rotation.id}:${version}`, { user, responseUrl: fake.responseUrl(), channelId: rotation.channel, messageTs: rotation.ts }));
  }

  function submitStep(callbackId: string, state: Parameters<typeof viewSubmission>[1], rotationId: string, version: number, user: string) {
    return postToBot(port(), viewSubmission(callbackId, state, { user, privateMetadata: JSON.stringify({ rotationId, version }) }));
  }

  /** Waits until the rotation's message was updated `count` times in all (each step updates it once). */
  function updates(count: number) {
    return fake.waitFor('chat.update', count);
  }

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.reset();
    store = location();
    await startBot();
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    store.cleanup();
  });

  it('runs a workflow: request_rotation, the buttons, then await_rotation completes with the case number, across a restart', async () => {
    const response = await runStep('request_rotation', REQUEST_INPUTS, 'Fx0REQUEST1');
    expect(response.status).toBe(200);
    const requested = await stepEnd('Fx0REQUEST1');
    expect(requested).toMatchObject({ outcome: 'success', outputs: { submit_by: '2026-04-16', late: false } });
    const outputs = (requested as Extract<StepEnd, { outcome: 'success' }>).outputs;
    const rotationId = String(outputs.rotation_id);
    expect(rotationId).toMatch(/^ROT-[A-Z0-9]{6}$/);
    expect(String(outputs.portal_request)).toContain('Other URL: https://acme.wfi.pega.com');
    expect(String(outputs.portal_request)).toContain('Environment type: Production');
    // The step ended with the execution's own token, not the bot's.
    expect(endCall('Fx0REQUEST1')?.token).toBe('xwfp-test-Fx0REQUEST1');

    // The rotation is announced as one from the form is: its message, with the approval buttons, in the channel.
    const [post] = await fake.waitFor('chat.postMessage', 1);
    expect(post?.args.channel).toBe(CHANNEL);
    expect(String(post?.args.text)).toContain(rotationId);
    const message = { id: rotationId, channel: String(post?.answer?.channel), ts: String(post?.answer?.ts) };

    await runStep('await_rotation', { rotation_id: rotationId }, 'Fx0AWAIT001');
    // The step stays open while the rotation runs, and a restart keeps it waiting.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.stepEnds.map((end) => end.executionId)).toEqual(['Fx0REQUEST1']);
    await startBot();

    await click('rotation_approve', message, 1, APPROVER);
    await updates(1);
    await submitStep('wfi_submission', stepStates.submission('CS-0123456', '2026-03-02'), rotationId, 2, REQUESTER);
    await updates(2);
    await submitStep(
      'wfi_meeting',
      stepStates.meeting({ platform: 'Webex', date: '2026-03-20', time: '10:00', timeZone: 'UTC', joinUrl: 'https://acme.webex.com/meet/x', attendeeIds: [REQUESTER] }),
      rotationId,
      3,
      REQUESTER,
    );
    await updates(3);
    expect(fake.stepEnds.map((end) => end.executionId)).toEqual(['Fx0REQUEST1']);
    await submitStep('wfi_completion', stepStates.completion(['vault']), rotationId, 4, REQUESTER);

    const awaited = await stepEnd('Fx0AWAIT001');
    expect(awaited).toEqual({
      executionId: 'Fx0AWAIT001',
      outcome: 'success',
      outputs: { status: 'completed', case_number: 'CS-0123456', completed_at: NOW.toISOString() },
    });
    expect(endCall('Fx0AWAIT001')?.token).toBe('xwfp-test-Fx0AWAIT001');
    // Completed once: nothing more is sent for it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.calls.filter((call) => call.method.startsWith('functions.complete') && call.args.function_execution_id === 'Fx0AWAIT001')).toHaveLength(1);
    // The token is a secret: never in a log line.
    expect((bot as TestBot).logger.lines.join('\n')).not.toContain('xwfp-test-');
    // Stored with the workspace the workflow ran in.
    expect((await storedRotations()).map((r) => [r.id, r.status, r.workspace])).toEqual([[rotationId, 'completed', { teamId: 'T0TEAM001' }]]);
  });

  it('makes one rotation of a step delivered twice at once', async () => {
    const body = functionExecuted({ callbackId: 'request_rotation', inputs: REQUEST_INPUTS, executionId: 'Fx0TWICE01' });
    const [first, second] = await Promise.all([
      postToBot(port(), body, { contentType: 'application/json' }),
      postToBot(port(), body, { contentType: 'application/json', headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const ended = await stepEnd('Fx0TWICE01');
    expect(ended.outcome).toBe('success');
    await fake.waitFor('chat.postMessage', 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    const rotations = await storedRotations();
    expect(rotations.map((r) => r.id)).toEqual([(ended as Extract<StepEnd, { outcome: 'success' }>).outputs.rotation_id]);
  });

  it('fails the step on bad inputs, saying which, and saves nothing', async () => {
    await runStep('request_rotation', { ...REQUEST_INPUTS, instance_url: 'https://acme.example.com', deadline: '2026-01-01' }, 'Fx0BADINPT');
    const ended = await stepEnd('Fx0BADINPT');
    expect(ended.outcome).toBe('error');
    const error = (ended as Extract<StepEnd, { outcome: 'error' }>).error;
    expect(error).toMatch(/not requested/);
    expect(error).toMatch(/instance_url: /);
    expect(error).toMatch(/deadline: .*future date/);

    await runStep('request_rotation', { ...REQUEST_INPUTS, requester: 'not-a-user' }, 'Fx0BADUSER');
    expect(await stepEnd('Fx0BADUSER')).toMatchObject({ outcome: 'error', error: expect.stringMatching(/requester: /) });

    expect(fake.callsTo('chat.postMessage')).toEqual([]);
    expect(await storedRotations()).toEqual([]);
  });

  it('fails await_rotation for an unknown rotation, and when the rotation is rejected', async () => {
    await runStep('await_rotation', { rotation_id: 'ROT-NOSUCH' }, 'Fx0UNKNOWN');
    expect(await stepEnd('Fx0UNKNOWN')).toMatchObject({ outcome: 'error', error: expect.stringMatching(/No rotation ROT-NOSUCH/) });

    await runStep('request_rotation', REQUEST_INPUTS, 'Fx0REQUEST2');
    const rotationId = String((await stepEnd('Fx0REQUEST2') as Extract<StepEnd, { outcome: 'success' }>).outputs.rotation_id);
    await fake.waitFor('chat.postMessage', 1);
    await runStep('await_rotation', { rotation_id: rotationId }, 'Fx0AWAIT002');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await submitStep('wfi_reject', stepStates.reason('Rotated last month already'), rotationId, 1, APPROVER);
    expect(await stepEnd('Fx0AWAIT002')).toEqual({
      executionId: 'Fx0AWAIT002',
      outcome: 'error',
      error: `Rotation ${rotationId} was rejected: Rotated last month already`,
    });
  });

  // Replicas share Redis or PostgreSQL (one process keeps a SQLite file).
  (engine === 'SQLite' ? it.skip : it)('across replicas: a delivery to each makes one rotation, and the replica that sees it finish completes the wait, once', async () => {
    const replica = await startTestBot(fake, { storeUrl: store.url, now: NOW, env: { WFI_APPROVERS: APPROVER } });
    try {
      const body = functionExecuted({ callbackId: 'request_rotation', inputs: REQUEST_INPUTS, executionId: 'Fx0REPLICA' });
      await Promise.all([
        postToBot(port(), body, { contentType: 'application/json' }),
        postToBot(replica.port, body, { contentType: 'application/json', headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }),
      ]);
      const requested = (await stepEnd('Fx0REPLICA')) as Extract<StepEnd, { outcome: 'success' }>;
      const rotationId = String(requested.outputs.rotation_id);
      const [post] = await fake.waitFor('chat.postMessage', 1);
      // The wait is recorded by the first replica, which then stops for good.
      await runStep('await_rotation', { rotation_id: rotationId }, 'Fx0AWAIT003');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await bot?.stop();
      bot = undefined;

      const message = { id: rotationId, channel: String(post?.answer?.channel), ts: String(post?.answer?.ts) };
      await postToBot(replica.port, buttonClick('rotation_approve', `${rotationId}:1`, { user: APPROVER, responseUrl: fake.responseUrl(), channelId: message.channel, messageTs: message.ts }));
      await fake.waitFor('chat.update', 1);
      const onReplica = (callbackId: string, state: Parameters<typeof viewSubmission>[1], version: number) =>
        postToBot(replica.port, viewSubmission(callbackId, state, { user: REQUESTER, privateMetadata: JSON.stringify({ rotationId, version }) }));
      await onReplica('wfi_submission', stepStates.submission('CS-7654321', '2026-03-02'), 2);
      await onReplica('wfi_meeting', stepStates.meeting({ platform: 'Webex', date: '2026-03-20', time: '10:00', timeZone: 'UTC', joinUrl: null, attendeeIds: [REQUESTER] }), 3);
      await onReplica('wfi_completion', stepStates.completion([]), 4);

      expect(await stepEnd('Fx0AWAIT003')).toMatchObject({ outcome: 'success', outputs: { case_number: 'CS-7654321' } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      // One rotation message in the channel (the rest are its thread's replies and direct messages).
      expect(fake.callsTo('chat.postMessage').filter((call) => call.args.channel === CHANNEL && call.args.thread_ts === undefined)).toHaveLength(1);
      expect(fake.calls.filter((call) => call.method.startsWith('functions.complete') && call.args.function_execution_id === 'Fx0AWAIT003')).toHaveLength(1);
    } finally {
      await replica.stop();
    }
    expect((await storedRotations()).map((r) => [r.id, r.status])).toEqual([[expect.stringMatching(/^ROT-/), 'completed']]);
  });
});
