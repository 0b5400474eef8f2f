import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** Bearer token the client sent, to check which token was used (never printed). */
  token?: string;
  /** What the fake answered. */
  answer?: Record<string, unknown>;
}

export interface RecordedResponse {
  /** Path of the response_url that was posted to. */
  path: string;
  body: Record<string, unknown>;
}

const HTTP = Symbol('http');

/** An answer with an HTTP status and headers of its own (a 429 with Retry-After, a 500). */
export function httpAnswer(status: number, headers: Record<string, string> = {}, body: Record<string, unknown> = { ok: false }) {
  return Object.assign({ ...body }, { [HTTP]: { status, headers } }) as Record<string, unknown>;
}

type Handler = (args: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A bot that passed an object where a string belongs sends `[object Object]`: kept as the text it is. */
function jsonOr(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The Web client form-encodes arguments and JSON-encodes nested ones (blocks, view). */
function parseArgs(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = /^[[{]/.test(value) ? jsonOr(value) : value;
  }
  return args;
}

/**
 * A stand-in for Slack's Web API on loopback: the bot is pointed at it with
 * SLACK_API_URL. It records every call, answers like Slack does for the
 * methods the bot uses, and lets a test replace any answer. It also receives
 * posts to `response_url`s handed out by `responseUrl()`.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  /** File contents uploaded through files.uploadV2's upload URL. */
  readonly uploads: Array<{ path: string; body: string }> = [];
  private readonly handlers = new Map<string, Handler>();
  private server?: Server;
  private baseUrl = '';
  private ts = 1000;
  private sockets?: WebSocketServer;
  private envelope = 0;
  /** Every WebSocket message a Socket Mode client sent back (acks). */
  readonly socketAcks: Array<{ envelope_id: string; payload?: Record<string, unknown> }> = [];

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (path.startsWith('/upload/')) {
          // files.uploadV2 step 2: the file's bytes go to the URL getUploadURLExternal handed out.
          this.uploads.push({ path, body });
          res.writeHead(200, { 'content-type': 'text/plain' }).end('OK - 200');
          return;
        }
        if (path.startsWith('/response/')) {
          this.responses.push({ path, body: body ? (JSON.parse(body) as Record<string, unknown>) : {} });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
          return;
        }
        const method = path.replace(/^\/api\//, '');
        const args = parseArgs(body, req.headers['content-type']);
        const token = req.headers.authorization?.replace(/^Bearer /, '');
        const answer = await (this.handlers.get(method) ?? ((a) => this.defaultAnswer(method, a)))(args);
        // Recorded once answered, so a test that waited for a call can read the answer too.
        this.calls.push({ method, args, ...(token ? { token } : {}), answer });
        const http = (answer as { [HTTP]?: { status: number; headers: Record<string, string> } })[HTTP];
        res.writeHead(http?.status ?? 200, { 'content-type': 'application/json', ...http?.headers }).end(JSON.stringify(answer));
      })();
    });
    // Socket Mode: apps.connections.open hands out this WebSocket URL; the first
    // message on it is Slack's `hello`, after which envelopes flow both ways.
    this.sockets = new WebSocketServer({ server, path: '/socket' });
    this.sockets.on('connection', (socket: WebSocket) => {
      socket.on('message', (data) => this.socketAcks.push(JSON.parse(String(data)) as never));
      socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0APP0001' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const client of this.sockets?.clients ?? []) client.terminate();
    this.sockets?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The value for SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  responseUrl(id = 'r1'): string {
    return `${this.baseUrl}/response/${id}`;
  }

  /** Sends an envelope to every connected Socket Mode client and waits for its ack. */
  async sendEnvelope(type: string, payload: Record<string, unknown>): Promise<{ envelope_id: string; payload?: Record<string, unknown> }> {
    const envelopeId = `env-${(this.envelope += 1)}`;
    for (const client of this.sockets?.clients ?? []) {
      client.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }));
    }
    await this.waitUntil(() => this.socketAcks.some((a) => a.envelope_id === envelopeId), `the ack of ${envelopeId}`);
    return this.socketAcks.find((a) => a.envelope_id === envelopeId) as never;
  }

  /** Replaces the answer to one Web API method. */
  on(method: string, handler: Handler): void {
    this.handlers.set(method, handler);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.socketAcks.length = 0;
    this.uploads.length = 0;
    this.handlers.clear();
    this.ts = 1000;
  }

  /** Waits until `count` calls to `method` were recorded (listeners keep working after the ack). */
  async waitFor(method: string, count = 1, timeoutMs = 5000): Promise<RecordedCall[]> {
    return this.waitUntil(() => this.callsTo(method).length >= count, `${count} call(s) to ${method}`, timeoutMs).then(() =>
      this.callsTo(method),
    );
  }

  async waitForResponse(timeoutMs = 5000): Promise<RecordedResponse> {
    await this.waitUntil(() => this.responses.length > 0, 'a post to a response_url', timeoutMs);
    return this.responses[0] as RecordedResponse;
  }

  private async waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; calls: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private defaultAnswer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return { ok: true, url: `${this.baseUrl.replace(/^http/, 'ws')}/socket` };
      case 'auth.test':
        return { ok: true, user_id: 'UBOT0001', bot_id: 'BBOT0001', team_id: 'T0TEAM001' };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: 'V0VIEW001' } };
      case 'chat.postMessage': {
        this.ts += 1;
        // Posting to a user id lands in the app's direct message with them.
        const channel = String(args.channel).replace(/^[UW]/, 'D');
        return { ok: true, channel, ts: `${this.ts}.000100`, message: { text: args.text } };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: '1.000200' };
      case 'files.getUploadURLExternal':
        return { ok: true, upload_url: `${this.baseUrl}/upload/F0FILE0001`, file_id: 'F0FILE0001' };
      case 'files.completeUploadExternal':
        return { ok: true, files: [{ id: 'F0FILE0001', title: args.title ?? 'file' }] };
      case 'usergroups.users.list':
        return { ok: true, users: [] };
      case 'users.info':
        return { ok: true, user: { id: args.user, tz: 'Europe/Berlin' } };
      case 'conversations.join':
        return { ok: true, channel: { id: args.channel } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}
