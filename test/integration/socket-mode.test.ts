import { FakeSlack } from '../../testkit/fake-slack';
import { startTestBot, tempStoreUrl, type TestBot } from '../support/bot-harness';
import { freePort } from '../../testkit/free-port';
import { rawStatusLine } from '../support/raw-http';
import { scrape } from '../support/metrics';

const APP_TOKEN = 'xapp-1-test-app-token';

describe('Socket Mode, when SLACK_APP_TOKEN is set', () => {
  const fake = new FakeSlack();
  const store = tempStoreUrl();
  let bot: TestBot | undefined;
  let port: number;

  /** `/wfi-rotate help` as a Socket Mode envelope's payload, with a trigger id of its own. */
  const helpCommand = (triggerId: string): Record<string, unknown> => ({
    team_id: 'T0TEAM001',
    channel_id: 'C0CHANNEL1',
    user_id: 'U0REQUEST1',
    command: '/wfi-rotate',
    text: 'help',
    response_url: fake.responseUrl(),
    trigger_id: triggerId,
    api_app_id: 'A0APP0001',
  });

  beforeAll(async () => {
    await fake.start();
    port = await freePort();
    bot = await startTestBot(fake, {
      storeUrl: store.url,
      env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '', PORT: String(port), METRICS_ENABLED: 'true' },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
    store.cleanup();
  });

  it('opens the connection through SLACK_API_URL with the app token', () => {
    expect(bot?.mode).toBe('socket');
    const [open] = fake.callsTo('apps.connections.open');
    expect(open?.token).toBe(APP_TOKEN);
  });

  it('serves /healthz on PORT', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers the slash command over the socket and opens the modal', async () => {
    const ack = await fake.sendEnvelope('slash_commands', {
      token: 'legacy',
      team_id: 'T0TEAM001',
      channel_id: 'C0CHANNEL1',
      user_id: 'U0REQUEST1',
      command: '/wfi-rotate',
      text: '',
      response_url: fake.responseUrl(),
      trigger_id: '777.socket.trigger',
      api_app_id: 'A0APP0001',
    });

    expect(ack.envelope_id).toMatch(/^env-/);
    const [open] = await fake.waitFor('views.open');
    expect(open?.args.trigger_id).toBe('777.socket.trigger');
  });

  it('keeps the payloads out of its log, even at debug level, and never logs the app token', async () => {
    const marker = 'zzsocketmarker';
    await fake.sendEnvelope('slash_commands', {
      team_id: 'T0TEAM001',
      channel_id: 'C0CHANNEL1',
      channel_name: marker,
      user_id: 'U0REQUEST1',
      command: '/wfi-rotate',
      text: 'help',
      response_url: fake.responseUrl(),
      trigger_id: '778.socket.trigger',
      api_app_id: 'A0APP0001',
    });

    const lines = bot?.logger.lines ?? [];
    // The Socket Mode client did log the message, without its payload.
    expect(lines).toContainEqual(expect.stringMatching(/^DEBUG Received a message on the WebSocket: \(payload omitted\)$/));
    expect(lines.join('\n')).not.toContain(marker);
    expect(lines.join('\n')).not.toContain(APP_TOKEN);
  });

  it('answers odd request targets on the health port with 404 and keeps running', async () => {
    for (const target of ['//', '//[', '/%E0%A4%A', '*']) expect(await rawStatusLine(port, 'GET', target)).toBe('HTTP/1.1 404 Not Found');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ack = await fake.sendEnvelope('slash_commands', helpCommand('779.socket.trigger'));
    expect(ack.envelope_id).toMatch(/^env-/);
  });

  it('serves /metrics on PORT, timing the ack of each envelope and counting the socket\'s own Web API call', async () => {
    const acks = async () => (await scrape(port)).value('wfi_rotate_slack_request_ack_seconds_count', { kind: 'command' }) ?? 0;
    const before = await acks();

    await fake.sendEnvelope('slash_commands', helpCommand('780.socket.trigger'));

    expect(await acks()).toBe(before + 1);
    const metrics = await scrape(port);
    expect(metrics.value('wfi_rotate_slack_request_ack_seconds_bucket', { kind: 'command', le: '3' })).toBe(before + 1);
    expect(metrics.value('wfi_rotate_slack_api_requests_total', { method: 'apps.connections.open', result: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('logs a dropped connection as the routine reconnection it is (no error), counts it, and answers over the new one', async () => {
    const opened = fake.callsTo('apps.connections.open').length;
    const reconnects = async () => (await scrape(port)).value('wfi_rotate_socket_mode_reconnects_total') ?? 0;
    const before = await reconnects();
    const mark = bot?.logger.lines.length ?? 0;

    fake.dropSocketConnections();
    // The client waits its ping timeout (5 s) before it reconnects.
    await fake.waitFor('apps.connections.open', opened + 1, 10_000);
    for (let i = 0; i < 100 && fake.socketConnections() === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));

    const lines = (bot?.logger.lines ?? []).slice(mark);
    expect(lines.filter((line) => line.startsWith('ERROR'))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('INFO'))).toEqual([
      'INFO Socket Mode: the connection to Slack dropped (closed without a close frame); reconnecting',
    ]);
    expect(await reconnects()).toBe(before + 1);
    const ack = await fake.sendEnvelope('slash_commands', helpCommand('781.socket.trigger'));
    expect(ack.envelope_id).toMatch(/^env-/);
  }, 20_000);

  it('does not serve /slack/events: requests arrive over the socket only', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(404);
  });
});
