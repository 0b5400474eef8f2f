import { FakeSlack } from '../../testkit/fake-slack';
import { requestSubmission, slashCommand } from '../../testkit/payloads';
import { postToBot } from '../../testkit/slack-request';
import { startTestBot, tempStoreUrl, type TestBot } from '../support/bot-harness';
import { jsonLineProblem } from '../support/global-teardown';
import { TEST_SECRET_ASSIGNMENT, TEST_WFI_SECRET } from '../support/secrets';

/** A JSON log line as the bot writes it. */
interface JsonLine {
  time: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  requestId?: string;
  rotationId?: string;
  slackMethod?: string;
}

/** A clock the test moves: the bot reads it for every decision. */
const clock = { t: Date.parse('2026-03-02T10:00:00Z'), now: () => new Date(clock.t) };

/**
 * LOG_FORMAT=json, end to end: a bot taken through requests, a failure and
 * a reminder writes nothing but JSON lines, each with its time, level and
 * message, and the fields of what it is about. (The log scan at the end of
 * the run parses every line such a bot wrote, too.)
 */
describe('JSON logs (LOG_FORMAT=json)', () => {
  const fake = new FakeSlack();
  const store = tempStoreUrl();
  let bot: TestBot;
  let lines: JsonLine[];
  let rotationId: string;

  beforeAll(async () => {
    await fake.start();
    bot = await startTestBot(fake, { storeUrl: store.url, clock, env: { LOG_FORMAT: 'json' } });
    // The tick the bot runs at start, finished: the one this test asks for later is its own.
    await bot.runReminders();

    // A request: the form, and a rotation late already (its reminders fall due the next morning).
    await postToBot(bot.port, slashCommand({ response_url: fake.responseUrl() }));
    await fake.waitFor('views.open');
    await postToBot(bot.port, requestSubmission({ deadline: '2026-03-13' }));
    const [post] = await fake.waitFor('chat.postMessage');
    rotationId = /ROT-[A-Z0-9]{6}/.exec(String(post?.args.text))?.[0] as string;
    // A refusal: a secret typed into the form is refused and never logged.
    await postToBot(bot.port, requestSubmission({ notes: TEST_SECRET_ASSIGNMENT }));
    // A failure: Slack refuses the modal.
    fake.on('views.open', () => ({ ok: false, error: 'expired_trigger_id' }));
    await postToBot(bot.port, slashCommand({ trigger_id: 'expired.trigger', response_url: fake.responseUrl('expired') }));
    await fake.waitFor('views.open', 2);

    // A reminder that Slack will not take anywhere: the channel and the requester both refuse.
    fake.on('chat.postMessage', () => ({ ok: false, error: 'channel_not_found' }));
    clock.t = Date.parse('2026-03-03T09:30:00Z');
    await bot.runReminders();
    await bot.stop();
    lines = bot.logger.lines.map((line) => JSON.parse(line) as JsonLine);
  });
  afterAll(async () => {
    await fake.stop();
    store.cleanup();
  });

  it('writes every line as one JSON object with its time, level and message, and nothing else', () => {
    expect(bot.logger.lines.length).toBeGreaterThan(50);
    for (const line of bot.logger.lines) expect({ line, problem: jsonLineProblem(line) }).toEqual({ line, problem: undefined });
    expect(new Set(lines.map((line) => line.level))).toEqual(new Set(['debug', 'info', 'warn', 'error']));
  });

  it('carries each request\'s id as a field, on the lines its listeners wrote', () => {
    const requests = lines.filter((line) => line.message.startsWith('Request: '));

    expect(requests.map((line) => line.message)).toEqual([
      'Request: /wfi-rotate',
      'Request: view_submission wfi_request',
      'Request: view_submission wfi_request',
      'Request: /wfi-rotate',
    ]);
    for (const line of requests) expect(line.requestId).toMatch(/^[0-9a-f]{8}$/);
    expect(new Set(requests.map((line) => line.requestId)).size).toBe(4);
  });

  it('names the Slack method of the Web client\'s lines, and of the failed call', () => {
    expect(lines).toContainEqual(expect.objectContaining({ level: 'debug', message: "apiCall('views.open') start", slackMethod: 'views.open' }));
    const failure = lines.find((line) => line.level === 'error' && /expired_trigger_id/.test(line.message));
    expect(failure).toMatchObject({ slackMethod: 'views.open', requestId: expect.stringMatching(/^[0-9a-f]{8}$/) });
  });

  it('names the rotation of the reminder that could not be delivered, as an error', () => {
    const failed = lines.filter((line) => line.level === 'error' && /could not be delivered: channel_not_found/.test(line.message));

    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const line of failed) expect(line.rotationId).toBe(rotationId);
  });

  it('never writes the secret typed into the form, in any field', () => {
    const whole = bot.logger.lines.join('\n');

    expect(whole).not.toContain(TEST_WFI_SECRET);
    for (const line of lines) expect(Object.values(line).join(' ')).not.toContain(TEST_WFI_SECRET);
  });
});
