import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * Requests to a Slack app as Slack sends them: form-encoded, signed with the
 * signing secret (v0 HMAC-SHA256 over `v0:timestamp:body`), over a keep-alive
 * connection pool. The same client drives the bot and the bare Bolt app, so
 * whatever it costs is the same on both sides of a ratio.
 */

export const SIGNING_SECRET = 'bench-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-bench-bot-token-0001';
export const TEAM_ID = 'T0TEAM001';
export const REQUESTER = 'U0REQUEST1';
export const CHANNEL = 'C0CHANNEL1';

export function signatureHeaders(body: string, secret = SIGNING_SECRET): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` };
}

export interface Answer {
  status: number;
  body: string;
  /** performance.now() when the request was handed to the socket pool. */
  sentAt: number;
  /** performance.now() when the whole answer had arrived. */
  answeredAt: number;
}

export class SlackPoster {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** POSTs a body to /slack/events, signed; the timer starts before signing, as Slack's clock would. */
  post(body: string, contentType = 'application/x-www-form-urlencoded'): Promise<Answer> {
    const sentAt = performance.now();
    const headers = {
      'content-type': contentType,
      'content-length': String(Buffer.byteLength(body)),
      ...signatureHeaders(body),
    };
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, method: 'POST', path: '/slack/events', headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sentAt, answeredAt: performance.now() }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * The bot limits each person to 20 commands a minute and 10 rotations in 10
 * minutes, as a real workspace's people would stay under; the load comes from
 * this many people in turn. Under 10,000, the size at which the limiter
 * starts sweeping its table on every request.
 */
const PEOPLE = 2000;

export function benchUser(n: number): string {
  return `UB${String(n % PEOPLE).padStart(5, '0')}`;
}

/** A fixed-width marker: unique, URL-safe, never a prefix of another (`t000012x` vs `t000123x`). */
export function marker(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(7, '0')}x`;
}

export function slashCommand(options: { triggerId: string; userId: string; text?: string; responseUrl?: string }): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    team_domain: 'acme',
    channel_id: CHANNEL,
    channel_name: 'security',
    user_id: options.userId,
    user_name: 'requester',
    command: '/wfi-rotate',
    text: options.text ?? '',
    api_app_id: 'A0APP0001',
    response_url: options.responseUrl ?? 'https://hooks.slack.com/commands/T0TEAM001/1/abc',
    trigger_id: options.triggerId,
  }).toString();
}

export interface RequestForm {
  instanceUrl: string;
  deadline: string;
}

/** The request modal's view_submission, with its state values as Slack sends them. */
export function requestSubmission(form: RequestForm, userId: string): string {
  const select = (value: string) => ({ type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } });
  const values = {
    instance_url: { value: { type: 'url_text_input', value: form.instanceUrl } },
    environment_type: { value: select('Production') },
    deadline: { value: { type: 'datepicker', selected_date: form.deadline } },
    reminder_channel: { value: { type: 'conversations_select', selected_conversation: CHANNEL } },
    attendees: { value: { type: 'multi_users_select', selected_users: [userId] } },
    notes: { value: { type: 'plain_text_input', value: null } },
    rotation_interval: { value: select('0') },
  };
  const payload = {
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'acme' },
    user: { id: userId, username: 'requester', name: 'requester', team_id: TEAM_ID },
    api_app_id: 'A0APP0001',
    token: 'legacy-verification-token',
    trigger_id: '1234567890.123456.submit',
    view: {
      id: 'V0VIEW001',
      team_id: TEAM_ID,
      type: 'modal',
      callback_id: 'wfi_request',
      private_metadata: '',
      hash: '1700000000.abcdef',
      title: { type: 'plain_text', text: 'WFI secret rotation' },
      blocks: [],
      state: { values },
      app_id: 'A0APP0001',
      bot_id: 'BBOT0001',
    },
    response_urls: [],
    is_enterprise_install: false,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** An Events API callback, as Slack posts it: JSON, so post it with `application/json`. */
export function appHomeOpened(userId = REQUESTER): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    api_app_id: 'A0APP0001',
    type: 'event_callback',
    event_id: `Ev${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user: userId, channel: 'D0HOME0001', tab: 'home', event_ts: `${Date.now() / 1000}` },
  });
}
