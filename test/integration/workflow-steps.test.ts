import { openStore } from '../../src/store/keyv-factory';
import type { Rotation } from '../../src/domain/rotation';
import { FakeSlack, type RecordedCall, type StepEnd } from '../../testkit/fake-slack';
import { startTestBot, tempStoreUrl, type TestBot } from '../support/bot-harness';
import { freshPostgresDatabase, freshRedisDatabase } from '../support/databases';
import { buttonClick, CHANNEL, functionExecuted, REQUESTER, stepStates, viewSubmission } from '../../testkit/payloads';
import { postToBot } from '../../testkit/slack-request';
import { BOT_TOKEN } from '../../testkit/bot-env';
import { httpTransport, socketTransport, type Transport } from '../support/transport';

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

const TRANSPORTS = ['HTTP', 'Socket Mode'] as const;
type TransportName = (typeof TRANSPORTS)[number];

const MINUTE = 60_000;

describe.each(ENGINES)('custom workflow steps (%s)', (engine, location) => {
  const fake = new FakeSlack();
  let store: { url: string; cleanup(): void };
  let bot: TestBot | undefined;
  let transport: Transport;
  /** The bots' clock: a test moves it to make a wait older than the execution's token. */
  let now = NOW.getTime();
  const port = () => (bot as TestBot).port;

  /** Starts the bot (again, after a stop) over `over`, or over the transport it ran on. */
  async function startBot(over?: TransportName) {
    await bot?.stop();
    if (over) transport = over === 'HTTP' ? httpTransport(port) : socketTransport(fake);
    bot = await startTestBot(fake, { storeUrl: store.url, clock: { now: () => new Date(now) }, env: { WFI_APPROVERS: APPROVER, ...transport.env } });
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
    return transport.send(functionExecuted({ callbackId, inputs, executionId }));
  }

  const stepEnd = (executionId: string) => fake.waitForStepEnd(executionId);

  /** Every completion call for an execution, answered: which token each carried, and how Slack answered. */
  function endCalls(executionId: string): RecordedCall[] {
    return fake.calls.filter((call) => call.method.startsWith('functions.complete') && call.args.function_execution_id === executionId);
  }

  function endCall(executionId: string): RecordedCall | undefined {
    return endCalls(executionId).find((call) => call.answer?.ok === true);
  }

  function click(actionId: string, rotation: { id: string; channel: string; ts: string }, version: number, user: string) {
    return transport.send(buttonClick(actionId, `${rotation.id}:${version}`, { user, responseUrl: fake.responseUrl(), channelId: rotation.channel, messageTs: rotation.ts }));
  }

  function submitStep(callbackId: string, state: Parameters<typeof viewSubmission>[1], rotationId: string, version: number, user: string) {
    return transport.send(viewSubmission(callbackId, state, { user, privateMetadata: JSON.stringify({ rotationId, version }) }));
  }

  /** Waits until the rotation's message was updated `count` times in all (each step updates it once). */
  function updates(count: number) {
    return fake.waitFor('chat.update', count);
  }

  /** request_rotation run to its end: the rotation's id and its message in the channel. */
  async function requestByStep(executionId: string): Promise<{ id: string; channel: string; ts: string }> {
    await runStep('request_rotation', REQUEST_INPUTS, executionId);
    const requested = (await stepEnd(executionId)) as Extract<StepEnd, { outcome: 'success' }>;
    const id = String(requested.outputs.rotation_id);
    const post = await fake.waitForCall('chat.postMessage', (call) => String(call.args.text).includes(id), `${id}'s message`);
    return { id, channel: String(post.answer?.channel), ts: String(post.answer?.ts) };
  }

  /** The buttons and forms of a whole rotation, approval to completion, as the people involved use them. */
  async function finishRotation(message: { id: string; channel: string; ts: string }, caseNumber: string, beforeCompletion?: () => void) {
    await click('rotation_approve', message, 1, APPROVER);
    await updates(1);
    await submitStep('wfi_submission', stepStates.submission(caseNumber, '2026-03-02'), message.id, 2, REQUESTER);
    await updates(2);
    await submitStep(
      'wfi_meeting',
      stepStates.meeting({ platform: 'Webex', date: '2026-03-20', time: '10:00', timeZone: 'UTC', joinUrl: 'https://acme.webex.com/meet/x', attendeeIds: [REQUESTER] }),
      message.id,
      3,
      REQUESTER,
    );
    await updates(3);
    beforeCompletion?.();
    await submitStep('wfi_completion', stepStates.completion(['vault']), message.id, 4, REQUESTER);
  }

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.reset();
    now = NOW.getTime();
    store = location();
    await startBot('HTTP');
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    store.cleanup();
  });

  it.each(TRANSPORTS)('runs a workflow over %s: request_rotation, the buttons, then await_rotation completes with the case number, across a restart', async (over) => {
    if (over !== 'HTTP') await startBot(over);
    expect(bot?.mode).toBe(over === 'HTTP' ? 'http' : 'socket');
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

    await finishRotation(message, 'CS-0123456', () => expect(fake.stepEnds.map((end) => end.executionId)).toEqual(['Fx0REQUEST1']));

    const awaited = await stepEnd('Fx0AWAIT001');
    expect(awaited).toEqual({
      executionId: 'Fx0AWAIT001',
      outcome: 'success',
      outputs: { status: 'completed', case_number: 'CS-0123456', completed_at: NOW.toISOString() },
    });
    // Within minutes of the step starting, completed with the execution's own token.
    expect(endCall('Fx0AWAIT001')?.token).toBe('xwfp-test-Fx0AWAIT001');
    // Completed once: nothing more is sent for it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(endCalls('Fx0AWAIT001')).toHaveLength(1);
    // The token is a secret: never in a log line.
    expect((bot as TestBot).logger.lines.join('\n')).not.toContain('xwfp-test-');
    // Stored with the workspace the workflow ran in.
    expect((await storedRotations()).map((r) => [r.id, r.status, r.workspace])).toEqual([[rotationId, 'completed', { teamId: 'T0TEAM001' }]]);
  });

  it.each(TRANSPORTS)('makes one rotation of a step delivered twice at once over %s (Slack\'s retry)', async (over) => {
    if (over !== 'HTTP') await startBot(over);
    const body = functionExecuted({ callbackId: 'request_rotation', inputs: REQUEST_INPUTS, executionId: 'Fx0TWICE01' });
    const [first, second] = await Promise.all([transport.send(body), transport.send(body, { retry: { attempt: 1, reason: 'http_timeout' } })]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const ended = await stepEnd('Fx0TWICE01');
    expect(ended.outcome).toBe('success');
    await fake.waitFor('chat.postMessage', 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    const rotations = await storedRotations();
    expect(rotations.map((r) => r.id)).toEqual([(ended as Extract<StepEnd, { outcome: 'success' }>).outputs.rotation_id]);
  });

  it('completes a wait longer than 15 minutes with the app\'s own bot token, not the execution\'s expired one', async () => {
    const message = await requestByStep('Fx0REQUEST3');
    await runStep('await_rotation', { rotation_id: message.id }, 'Fx0AWAITOLD');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Twenty minutes on: Slack no longer takes the execution's token.
    now += 20 * MINUTE;
    fake.expireToken('xwfp-test-Fx0AWAITOLD');

    await finishRotation(message, 'CS-0200000');

    expect(await stepEnd('Fx0AWAITOLD')).toMatchObject({ outcome: 'success', outputs: { status: 'completed', case_number: 'CS-0200000' } });
    // Straight to the bot token: the stale execution token is not even tried.
    expect(endCalls('Fx0AWAITOLD').map((call) => [call.token === BOT_TOKEN ? 'bot token' : call.token, call.answer?.ok])).toEqual([['bot token', true]]);
  });

  it('when Slack refuses the execution\'s token of a fresh wait, completes the step once more with the app\'s bot token', async () => {
    const message = await requestByStep('Fx0REQUEST4');
    await runStep('await_rotation', { rotation_id: message.id }, 'Fx0AWAITREV');
    await new Promise((resolve) => setTimeout(resolve, 200));
    fake.expireToken('xwfp-test-Fx0AWAITREV');

    await submitStep('wfi_reject', stepStates.reason('Rotated last month already'), message.id, 1, APPROVER);

    expect(await stepEnd('Fx0AWAITREV')).toEqual({ executionId: 'Fx0AWAITREV', outcome: 'error', error: `Rotation ${message.id} was rejected: Rotated last month already` });
    expect(endCalls('Fx0AWAITREV').map((call) => [call.token === BOT_TOKEN ? 'bot token' : call.token, call.answer?.error ?? 'ok'])).toEqual([
      ['xwfp-test-Fx0AWAITREV', 'token_expired'],
      ['bot token', 'ok'],
    ]);
    const logs = (bot as TestBot).logger.lines.join('\n');
    expect(logs).toMatch(/Fx0AWAITREV.*token_expired/);
    expect(logs).not.toContain('xwfp-test-');
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
