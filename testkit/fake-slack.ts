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
  /** The HTTP status of the answer (200 unless a fault or an `httpAnswer` said otherwise). */
  status?: number;
  /** When the call arrived and when it was answered (Date.now()), to tell how late an answer was. */
  receivedAt?: number;
  answeredAt?: number;
}

/** A call as it arrived, before any answer: a call answered late (or never) is here at once. */
export interface ReceivedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
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

/** An HTTP-level failure answered instead of the method's answer, for `remaining` more calls. */
interface Fault {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  remaining: number;
}

/** A call held back by `slow`: answered when its timer fires or on `release`, dropped on `stop`. */
interface Held {
  method: string;
  timer?: NodeJS.Timeout;
  settle(answer: boolean): void;
}

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
  /** Every Web API call as it arrived, answered yet or not. */
  readonly received: ReceivedCall[] = [];
  /** method → how late each of its answers comes (ms; Infinity: not until `release`). */
  private readonly delays = new Map<string, number>();
  private readonly faults = new Map<string, Fault>();
  private readonly held = new Set<Held>();

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
        const receivedAt = Date.now();
        this.received.push({ method, args, at: receivedAt });
        // A fault is taken in the order calls arrive, so "the next two calls" means the next two sent.
        const fault = this.takeFault(method);
        if (!(await this.hold(method))) return; // stop(): its connection is closed already
        const answer = fault
          ? httpAnswer(fault.status, fault.headers, fault.body)
          : await (this.handlers.get(method) ?? ((a) => this.defaultAnswer(method, a)))(args);
        const http = (answer as { [HTTP]?: { status: number; headers: Record<string, string> } })[HTTP];
        const status = http?.status ?? 200;
        // Recorded once answered, so a test that waited for a call can read the answer too. A late
        // answer is recorded even when the caller gave up waiting (Slack would have acted on it).
        this.calls.push({ method, args, ...(token ? { token } : {}), answer, status, receivedAt, answeredAt: Date.now() });
        // A caller that timed out closed its connection: there is nobody left to answer.
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(status, { 'content-type': 'application/json', ...http?.headers }).end(JSON.stringify(answer));
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
    // A call held back for seconds or minutes is dropped, its timer with it: nothing keeps the process alive.
    for (const held of [...this.held]) held.settle(false);
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

  /** The calls to `method` as they arrived, answered yet or not. */
  receivedBy(method: string): ReceivedCall[] {
    return this.received.filter((call) => call.method === method);
  }

  /**
   * Answers every call to `method` `ms` late (Infinity: only on `release`):
   * the answer is worked out when the delay ends, so a handler given with
   * `on` answers with the state of then. A caller with a timeout gives up
   * first, as it would with Slack.
   */
  slow(method: string, ms: number): void {
    this.delays.set(method, ms);
  }

  /** Holds every call to `method` until `release` (a Slack that does not answer for minutes). */
  hang(method: string): void {
    this.slow(method, Number.POSITIVE_INFINITY);
  }

  /**
   * Answers the next `times` calls to `method` (every one, unless given) with
   * 429 and `Retry-After: retryAfterSeconds`, as Slack's rate limiter does.
   */
  rateLimit(method: string, retryAfterSeconds: number, times = Number.POSITIVE_INFINITY): void {
    this.faults.set(method, {
      status: 429,
      headers: { 'retry-after': String(retryAfterSeconds) },
      body: { ok: false, error: 'ratelimited' },
      remaining: times,
    });
  }

  /** Answers the next `times` calls to `method` (every one, unless given) with HTTP `status` (a 5xx). */
  serverError(method: string, status = 503, times = Number.POSITIVE_INFINITY): void {
    this.faults.set(method, { status, headers: {}, body: { ok: false, error: 'service_unavailable' }, remaining: times });
  }

  /** Calls to `method` held back by `slow` or `hang` right now (all methods when not given). */
  heldCount(method?: string): number {
    return [...this.held].filter((held) => method === undefined || held.method === method).length;
  }

  /**
   * Slack is well again for `method` (every method when not given): no more
   * delays or faults, and the calls held back are answered now.
   */
  release(method?: string): void {
    for (const name of [...this.delays.keys()]) if (method === undefined || name === method) this.delays.delete(name);
    for (const name of [...this.faults.keys()]) if (method === undefined || name === method) this.faults.delete(name);
    for (const held of [...this.held]) if (method === undefined || held.method === method) held.settle(true);
  }

  reset(): void {
    this.release();
    this.calls.length = 0;
    this.received.length = 0;
    this.responses.length = 0;
    this.socketAcks.length = 0;
    this.uploads.length = 0;
    this.handlers.clear();
    this.ts = 1000;
  }

  /** Waits until `count` calls to `method` arrived, answered yet or not (a call answered late is waited for here). */
  async waitForReceived(method: string, count = 1, timeoutMs = 5000): Promise<ReceivedCall[]> {
    await this.waitUntil(() => this.receivedBy(method).length >= count, `${count} call(s) to ${method} to arrive`, timeoutMs);
    return this.receivedBy(method);
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

  private takeFault(method: string): Fault | undefined {
    const fault = this.faults.get(method);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.delete(method);
    return fault;
  }

  /** Resolves true when the call may be answered, false when the fake stopped meanwhile. */
  private hold(method: string): Promise<boolean> {
    const ms = this.delays.get(method) ?? 0;
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const held: Held = {
        method,
        settle: (answer) => {
          clearTimeout(held.timer);
          this.held.delete(held);
          resolve(answer);
        },
      };
      if (Number.isFinite(ms)) held.timer = setTimeout(() => held.settle(true), ms);
      this.held.add(held);
    });
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
