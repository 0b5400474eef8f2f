import type { FakeSlack } from '../../testkit/fake-slack';
import { postToBot } from '../../testkit/slack-request';

/** What the bot answered to one request from Slack: the HTTP response, or the Socket Mode ack's payload. */
export interface BotAnswer {
  status: number;
  json(): Record<string, unknown>;
}

/**
 * How a request reaches the bot: signed over HTTP to /slack/events, or as an
 * envelope on the Socket Mode connection. Tests written against this run
 * unchanged over both.
 */
export interface Transport {
  name: 'HTTP' | 'Socket Mode';
  /** Environment the bot needs for this transport (Socket Mode: the app token). */
  env: Record<string, string>;
  /**
   * Sends a body built by testkit/payloads.ts (form-encoded command or
   * interaction, JSON event); `retry` sends it as Slack's redelivery of an
   * event (the x-slack-retry-* headers, or the envelope's retry fields).
   */
  send(body: string, options?: { retry?: Redelivery }): Promise<BotAnswer>;
}

/** Which redelivery of an event this is, and why Slack sent it again. */
export interface Redelivery {
  attempt: number;
  reason: string;
}

type Kind = 'command' | 'interactive' | 'event';

/** Reads a body of payloads.ts back into the object Slack would put in an envelope. */
function decode(body: string): { kind: Kind; payload: Record<string, unknown> } {
  if (body.startsWith('{')) return { kind: 'event', payload: JSON.parse(body) as Record<string, unknown> };
  const form = new URLSearchParams(body);
  const interaction = form.get('payload');
  if (interaction !== null) return { kind: 'interactive', payload: JSON.parse(interaction) as Record<string, unknown> };
  return { kind: 'command', payload: Object.fromEntries(form) };
}

const ENVELOPE_TYPES: Record<Kind, string> = { command: 'slash_commands', interactive: 'interactive', event: 'events_api' };

export function httpTransport(port: () => number): Transport {
  return {
    name: 'HTTP',
    env: {},
    async send(body, options = {}) {
      const retry = options.retry ? { headers: { 'x-slack-retry-num': String(options.retry.attempt), 'x-slack-retry-reason': options.retry.reason } } : {};
      const answer = await postToBot(port(), body, { ...(body.startsWith('{') ? { contentType: 'application/json' } : {}), ...retry });
      // A plain acknowledgement has no body: read as an empty answer, as over the socket.
      return { status: answer.status, json: () => (answer.text === '' ? {} : answer.json()) };
    },
  };
}

export function socketTransport(fake: FakeSlack): Transport {
  return {
    name: 'Socket Mode',
    env: { SLACK_APP_TOKEN: 'xapp-1-test-app-token', SLACK_SIGNING_SECRET: '', PORT: '0' },
    async send(body, options = {}) {
      const { kind, payload } = decode(body);
      const ack = await fake.sendEnvelope(ENVELOPE_TYPES[kind], payload, options.retry);
      return { status: 200, json: () => ack.payload ?? {} };
    },
  };
}
