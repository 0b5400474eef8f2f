import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

/** Slack's v0 request signature: HMAC-SHA256 over `v0:timestamp:body` with the signing secret. */
export function signatureHeaders(body: string | Buffer, options: { secret?: string; timestamp?: number | string } = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', options.secret ?? SIGNING_SECRET)
    .update(`v0:${timestamp}:`)
    .update(body)
    .digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` };
}

export interface SlackPost {
  status: number;
  text: string;
  json(): Record<string, unknown>;
}

/** POSTs a body to the bot's /slack/events exactly as Slack would, signed unless told otherwise. */
export async function postToBot(
  port: number,
  body: string,
  options: { secret?: string; timestamp?: number; contentType?: string; unsigned?: boolean; headers?: Record<string, string> } = {},
): Promise<SlackPost> {
  const response = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      ...(options.unsigned ? {} : signatureHeaders(body, options)),
      ...options.headers,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}
