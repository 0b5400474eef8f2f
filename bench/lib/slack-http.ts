import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FakeSlack } from '../../testkit/fake-slack';
import { appHomeOpened, requestSubmission } from '../../testkit/payloads';
import { signatureHeaders } from '../../testkit/slack-request';

/**
 * The bench's Slack client: bodies built by testkit/payloads.ts, signed by
 * testkit/slack-request.ts, sent over a keep-alive connection pool and timed.
 * The same client drives the bot and the bare Bolt app, so whatever it costs
 * is the same on both sides of a ratio.
 */

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

/**
 * The request form as one of the bench's people submits it, as the handoff's
 * only attendee: every other attendee would be one more App Home to publish
 * per rotation, and the figures would no longer compare with earlier runs.
 */
export function submissionBy(userId: string, form: { instanceUrl: string; deadline: string }): string {
  return requestSubmission({ ...form, attendeeIds: [userId] }, userId);
}

/**
 * These people open the bot's Home tab, one after the other, each until their
 * Home is published. A change refreshes only the Homes of people who opened
 * it (the store records them), so a section that times "App Home refreshed"
 * has its people open it first, outside every timing.
 */
export async function openHomes(poster: SlackPoster, slack: FakeSlack, userIds: readonly string[]): Promise<void> {
  for (const userId of userIds) {
    const published = slack.count('views.publish') + 1;
    const answer = await poster.post(appHomeOpened(userId, `Ev${userId}`), 'application/json');
    if (answer.status !== 200) throw new Error(`app_home_opened for ${userId} was answered ${answer.status}`);
    await slack.untilCount('views.publish', published, 30_000);
  }
}
