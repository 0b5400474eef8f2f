import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';

/** How a custom workflow step ended (see `FakeSlack.stepEnds`). */
export type StepEnd = { executionId: string; outcome: 'success'; outputs: Record<string, unknown> } | { executionId: string; outcome: 'error'; error: string };

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

/** A file as files.uploadV2 hands it over: its bytes (to the upload URL) and where it was shared (files.completeUploadExternal). */
export interface SharedFile {
  id: string;
  filename: string;
  /** The length the client declared in files.getUploadURLExternal, and the length of what it uploaded. */
  declaredLength: number;
  content: string;
  title?: string;
  channelId?: string;
  threadTs?: string;
  initialComment?: string;
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

/** A test's answer to a method; undefined leaves the call to the fake's own answer (a handler for some calls only). */
type Handler = (args: Record<string, unknown>) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;

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

/**
 * The file in a multipart/form-data body (the Web client posts the bytes to the
 * upload URL as a form with one file part); the body itself when it is not one.
 */
function fileOfUpload(body: string, contentType: string | undefined): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!boundary) return body;
  const parts = body.split(`--${boundary[1] ?? boundary[2]}`);
  const file = parts.find((part) => /content-disposition:[^\r\n]*filename=/i.test(part)) ?? '';
  const start = file.indexOf('\r\n\r\n');
  return start < 0 ? body : file.slice(start + 4).replace(/\r\n$/, '');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * An Enterprise Grid org the app is installed in org-wide: auth.test answers
 * as an org install, and user groups are read per workspace.
 */
export interface FakeOrg {
  enterpriseId: string;
  /** The org's workspaces (team ids) the app was added to. */
  teams: string[];
  /** Each workspace's user groups and their members, team → group → members (an org-wide group is listed under each workspace it is enabled in). */
  groups?: Record<string, Record<string, string[]>>;
}

export interface FakeSlackOptions {
  /**
   * Keep every call, answer, response_url post and upload for the test to
   * read (the default). The benchmark turns it off and only counts calls and
   * waits for markers: 2,000 modals of 10 kB each, decoded and kept, would
   * be measured as the bench process's own parsing and garbage collection.
   */
  record?: boolean;
  /** Installed org-wide on this Enterprise Grid org; unset: installed in one workspace (T0TEAM001), as every suite but the org's. */
  org?: FakeOrg;
}

/** Waits for the next call to a method whose raw body holds `marker`. */
interface MarkerWaiter {
  marker: string;
  resolve(arrivedAt: number): void;
}

interface CountWaiter {
  method: string;
  count: number;
  resolve(): void;
}

/** A bot that passed an object where a string belongs sends `[object Object]`: kept as the text it is. */
function jsonOr(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * The Web client form-encodes arguments and JSON-encodes nested ones (blocks,
 * view); `nested: false` leaves those as the text they came as.
 */
function parseArgs(body: string, contentType: string | undefined, nested: boolean): Record<string, unknown> {
  if (contentType?.includes('application/json')) return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = nested && /^[[{]/.test(value) ? jsonOr(value) : value;
  }
  return args;
}

/** `make()`, worked out on first use and kept. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/**
 * A stand-in for Slack's Web API on loopback: the bot is pointed at it with
 * SLACK_API_URL. It records every call, answers like Slack does for the
 * methods the bot uses, and lets a test replace any answer, or make it late,
 * rate-limited or failed. It also receives posts to `response_url`s handed
 * out by `responseUrl()`, uploads, and Socket Mode connections.
 *
 * It counts the calls to each method and tells *when* a call carrying a given
 * marker arrived, on `performance.now()`'s clock: the benchmark times
 * requests with those, and runs it with `record: false`.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  /** What reached files.uploadV2's upload URLs: the raw request body, and the file in it. */
  readonly uploads: Array<{ path: string; body: string; fileId: string; content: string }> = [];
  /**
   * Every file uploaded and then shared with files.completeUploadExternal, in
   * the order shared: its content, name, and the channel and thread it went to.
   */
  readonly files: SharedFile[] = [];
  /** Files handed an upload URL (files.getUploadURLExternal), by id, until shared. */
  private readonly pendingFiles = new Map<string, SharedFile>();
  private fileSeq = 0;
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
  /** method → how many more of its calls get no answer at all: the connection is cut (a network failure). */
  private readonly cuts = new Map<string, number>();
  private readonly held = new Set<Held>();
  private readonly record: boolean;
  private readonly counts = new Map<string, number>();
  private readonly markerWaiters = new Map<string, MarkerWaiter[]>();
  private readonly countWaiters: CountWaiter[] = [];
  /**
   * Every custom workflow step ended (functions.completeSuccess / completeError),
   * in order: the execution, how it ended, its outputs or error, and the token
   * the call carried (a step's own bot_access_token; never printed).
   */
  readonly stepEnds: StepEnd[] = [];
  /** Tokens Slack no longer takes (`expireToken`): a call carrying one is answered `token_expired`. */
  private readonly expiredTokens = new Set<string>();
  /** Per person, the hash of the App Home last published to them (views.publish). */
  private readonly homeHashes = new Map<string, string>();
  private homeVersion = 0;

  /** The org it is installed in org-wide, if it is. */
  readonly org?: FakeOrg;

  constructor(options: FakeSlackOptions = {}) {
    this.record = options.record ?? true;
    if (options.org) this.org = options.org;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const arrivedAt = performance.now();
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (path.startsWith('/upload/')) {
          // files.uploadV2 step 2: the file's bytes go to the URL getUploadURLExternal handed out.
          this.arrived('upload', body, arrivedAt);
          const fileId = path.slice('/upload/'.length);
          const pending = this.pendingFiles.get(fileId);
          if (!pending) {
            res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown upload URL');
            return;
          }
          if (this.record) {
            const content = fileOfUpload(body, req.headers['content-type']);
            this.uploads.push({ path, body, fileId, content });
            pending.content = content;
          }
          res.writeHead(200, { 'content-type': 'text/plain' }).end('OK - 200');
          return;
        }
        if (path.startsWith('/response/')) {
          // A response_url is told apart by its path, so a marker in it finds the post.
          this.arrived('response_url', `${path}\n${body}`, arrivedAt);
          if (this.record) this.responses.push({ path, body: body ? (JSON.parse(body) as Record<string, unknown>) : {} });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
          return;
        }
        const method = path.replace(/^\/api\//, '');
        this.arrived(method, body, arrivedAt);
        // Not recording, the arguments are decoded only when an answer echoes one: never a whole view.
        const args = once(() => parseArgs(body, req.headers['content-type'], this.record));
        const token = req.headers.authorization?.replace(/^Bearer /, '');
        const receivedAt = Date.now();
        if (this.record) this.received.push({ method, args: args(), at: receivedAt });
        if (this.takeCut(method)) {
          res.socket?.destroy();
          return;
        }
        // A fault is taken in the order calls arrive, so "the next two calls" means the next two sent.
        const fault = this.takeFault(method);
        if (!(await this.hold(method))) return; // stop(): its connection is closed already
        const handler = this.handlers.get(method);
        const answer = fault
          ? httpAnswer(fault.status, fault.headers, fault.body)
          : token !== undefined && this.expiredTokens.has(token)
            ? { ok: false, error: 'token_expired' }
            : ((handler ? await handler(args()) : undefined) ?? this.defaultAnswer(method, (name) => args()[name]));
        const http = (answer as { [HTTP]?: { status: number; headers: Record<string, string> } })[HTTP];
        const status = http?.status ?? 200;
        // Recorded once answered, so a test that waited for a call can read the answer too. A late
        // answer is recorded even when the caller gave up waiting (Slack would have acted on it).
        if (this.record) this.calls.push({ method, args: args(), ...(token ? { token } : {}), answer, status, receivedAt, answeredAt: Date.now() });
        // A caller that timed out closed its connection: there is nobody left to answer.
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(status, { 'content-type': 'application/json', ...http?.headers }).end(JSON.stringify(answer));
      })().catch(() => {
        // A body the fake cannot read, or a handler that threw: the bot sees a failed call, as from a broken Slack.
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    // Slack keeps connections alive, and so does the Web client's agent: no TCP set-up per call in the bench's figures.
    server.keepAliveTimeout = 60_000;
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

  /**
   * Sends an envelope to every connected Socket Mode client and waits for its
   * ack. `retry` marks it as Slack's redelivery of an event (`retry_attempt`,
   * `retry_reason`, as the envelope carries them).
   */
  async sendEnvelope(
    type: string,
    payload: Record<string, unknown>,
    retry?: { attempt: number; reason: string },
  ): Promise<{ envelope_id: string; payload?: Record<string, unknown> }> {
    const envelopeId = `env-${(this.envelope += 1)}`;
    const redelivery = retry ? { retry_attempt: retry.attempt, retry_reason: retry.reason } : {};
    for (const client of this.sockets?.clients ?? []) {
      client.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true, ...redelivery }));
    }
    await this.waitUntil(() => this.socketAcks.some((a) => a.envelope_id === envelopeId), `the ack of ${envelopeId}`);
    return this.socketAcks.find((a) => a.envelope_id === envelopeId) as never;
  }

  /**
   * Drops every Socket Mode connection without a close frame, as a recycled
   * Slack server or a proxy cutting an idle connection does; the client is
   * expected to reconnect (through apps.connections.open).
   */
  dropSocketConnections(): void {
    for (const client of this.sockets?.clients ?? []) client.terminate();
  }

  /** How many Socket Mode clients are connected now. */
  socketConnections(): number {
    return this.sockets?.clients.size ?? 0;
  }

  /** Replaces the answer to one Web API method. */
  on(method: string, handler: Handler): void {
    this.handlers.set(method, handler);
  }

  /** Calls to `method` that arrived so far, answered yet or not; counted with `record: false` too. */
  count(method: string): number {
    return this.counts.get(method) ?? 0;
  }

  /**
   * Resolves with the `performance.now()` at which the next call to `method`
   * whose raw body contains `marker` arrived (a URL-encoded body keeps an
   * [a-z0-9] marker intact). Register it before sending what causes the call.
   */
  arrival(method: string, marker: string, timeoutMs = 30_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const list = this.markerWaiters.get(method) ?? [];
      const timer = setTimeout(() => {
        const index = list.indexOf(waiter);
        if (index >= 0) list.splice(index, 1);
        reject(new Error(`no ${method} carrying ${marker} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: MarkerWaiter = {
        marker,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      list.push(waiter);
      this.markerWaiters.set(method, list);
    });
  }

  /**
   * Resolves as soon as `count` calls to `method` have arrived in all: told
   * by the call itself, not by a poll, so no poll interval lands in a timing.
   */
  untilCount(method: string, count: number, timeoutMs = 60_000): Promise<void> {
    if (this.count(method) >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: ${this.count(method)} of ${count} calls within ${timeoutMs} ms`)), timeoutMs);
      this.countWaiters.push({
        method,
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
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

  /** Cuts the connection of the next `times` calls to `method` without answering: the caller sees a network failure. */
  cutConnection(method: string, times = 1): void {
    this.cuts.set(method, times);
  }

  /**
   * Slack refuses `token` from now on, on every method, with `token_expired`
   * (HTTP 200, `ok: false`), as it does a workflow execution's
   * `bot_access_token` 15 minutes after issuing it or once its step completed.
   */
  expireToken(token: string): void {
    this.expiredTokens.add(token);
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
    for (const name of [...this.cuts.keys()]) if (method === undefined || name === method) this.cuts.delete(name);
    for (const held of [...this.held]) if (method === undefined || held.method === method) held.settle(true);
  }

  reset(): void {
    this.release();
    this.calls.length = 0;
    this.received.length = 0;
    this.responses.length = 0;
    this.socketAcks.length = 0;
    this.uploads.length = 0;
    this.files.length = 0;
    this.stepEnds.length = 0;
    this.expiredTokens.clear();
    this.pendingFiles.clear();
    this.fileSeq = 0;
    this.handlers.clear();
    this.counts.clear();
    this.homeHashes.clear();
    this.ts = 1000;
  }

  /** Waits until `count` calls to `method` arrived, answered yet or not (a call answered late is waited for here). */
  async waitForReceived(method: string, count = 1, timeoutMs = 5000): Promise<ReceivedCall[]> {
    await this.waitUntil(() => this.receivedBy(method).length >= count, `${count} call(s) to ${method} to arrive`, timeoutMs);
    return this.receivedBy(method);
  }

  /** Waits until a call to `method` that `matches` was recorded, and gives it. */
  async waitForCall(method: string, matches: (call: RecordedCall) => boolean, what: string, timeoutMs = 5000): Promise<RecordedCall> {
    await this.waitUntil(() => this.callsTo(method).some(matches), what, timeoutMs);
    return this.callsTo(method).find(matches) as RecordedCall;
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

  /** Counts a call and settles whoever waits for it. */
  private arrived(method: string, body: string, arrivedAt: number): void {
    const count = this.count(method) + 1;
    this.counts.set(method, count);
    const list = this.markerWaiters.get(method);
    if (list) {
      const index = list.findIndex((w) => body.includes(w.marker));
      if (index >= 0) list.splice(index, 1)[0]?.resolve(arrivedAt);
    }
    for (let i = this.countWaiters.length - 1; i >= 0; i -= 1) {
      const waiter = this.countWaiters[i];
      if (waiter && waiter.method === method && count >= waiter.count) {
        this.countWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private takeCut(method: string): boolean {
    const remaining = this.cuts.get(method) ?? 0;
    if (remaining <= 0) return false;
    if (remaining === 1) this.cuts.delete(method);
    else this.cuts.set(method, remaining - 1);
    return true;
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

  /**
   * The messages Slack took in a channel (`threadTs` undefined) or in a thread,
   * with their metadata, as conversations.history and .replies give them (read
   * from what was recorded, so with `record: false` there are none).
   */
  private postedTo(channel: string, threadTs: string | undefined): Array<Record<string, unknown>> {
    return this.calls
      .filter((call) => call.method === 'chat.postMessage' && call.answer?.ok === true && call.answer.channel === channel)
      .filter((call) => (threadTs === undefined ? call.args.thread_ts === undefined || call.args.reply_broadcast === 'true' : call.args.thread_ts === threadTs))
      .map((call) => ({ ts: call.answer?.ts, text: call.args.text, ...(call.args.metadata ? { metadata: call.args.metadata } : {}) }));
  }

  /**
   * views.publish as Slack answers it: each person's Home has a hash that
   * changes with every publish (here a count of them), answered as
   * `view.hash`; a publish given a hash that is not the person's latest is
   * refused with `hash_conflict`, and one without a hash always goes through.
   */
  private publishHome(userId: string, hash: unknown): Record<string, unknown> {
    const latest = this.homeHashes.get(userId);
    if (hash !== undefined && hash !== '' && hash !== latest) return { ok: false, error: 'hash_conflict' };
    this.homeVersion += 1;
    const next = `${this.homeVersion}.${userId}`;
    this.homeHashes.set(userId, next);
    return { ok: true, view: { id: `V0HOME${userId}`, type: 'home', hash: next } };
  }

  /**
   * A custom step ends once: a second completion of the same execution is
   * refused, as Slack does for an execution that is no longer running.
   */
  private endStep(method: string, arg: (name: string) => unknown): Record<string, unknown> {
    const executionId = String(arg('function_execution_id') ?? '');
    if (!executionId) return { ok: false, error: 'invalid_arguments' };
    if (this.stepEnds.some((end) => end.executionId === executionId)) return { ok: false, error: 'function_execution_not_found' };
    const raw = arg('outputs');
    const outputs = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown> | undefined;
    if (this.record) {
      this.stepEnds.push(
        method === 'functions.completeSuccess'
          ? { executionId, outcome: 'success', outputs: outputs ?? {} }
          : { executionId, outcome: 'error', error: String(arg('error') ?? '') },
      );
    }
    return { ok: true };
  }

  /** Waits until the custom step `executionId` ended (functions.completeSuccess / completeError), and gives how. */
  async waitForStepEnd(executionId: string, timeoutMs?: number): Promise<StepEnd> {
    await this.waitUntil(() => this.stepEnds.some((end) => end.executionId === executionId), `the end of step ${executionId}`, timeoutMs);
    return this.stepEnds.find((end) => end.executionId === executionId) as StepEnd;
  }

  /** The hash of a person's App Home as last published (views.publish), if it ever was. */
  homeHash(userId: string): string | undefined {
    return this.homeHashes.get(userId);
  }

  /**
   * files.uploadV2 step 1: a file id and a URL of its own to post the bytes
   * to, as Slack hands them out (each upload gets its own).
   */
  private uploadUrl(filename: string, length: number): Record<string, unknown> {
    if (!filename || !Number.isInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
    this.fileSeq += 1;
    const id = `F0FILE${String(this.fileSeq).padStart(4, '0')}`;
    this.pendingFiles.set(id, { id, filename, declaredLength: length, content: '' });
    return { ok: true, upload_url: `${this.baseUrl}/upload/${id}`, file_id: id };
  }

  /**
   * files.uploadV2 step 3: the uploaded files are shared in a channel (and a
   * thread), as Slack does; a file never handed an upload URL is refused.
   */
  private completeUpload(arg: (name: string) => unknown): Record<string, unknown> {
    const listed = arg('files');
    const requested = (Array.isArray(listed) ? listed : typeof listed === 'string' ? (JSON.parse(listed) as unknown[]) : []) as Array<{ id?: string; title?: string }>;
    const known = requested.map((file) => ({ file, pending: this.pendingFiles.get(String(file.id)) }));
    if (known.length === 0 || known.some(({ pending }) => !pending)) return { ok: false, error: 'file_not_found' };
    const channelId = arg('channel_id') === undefined ? undefined : String(arg('channel_id'));
    const threadTs = arg('thread_ts') === undefined ? undefined : String(arg('thread_ts'));
    const initialComment = arg('initial_comment') === undefined ? undefined : String(arg('initial_comment'));
    const shared = known.map(({ file, pending }) => {
      this.pendingFiles.delete(String(file.id));
      return {
        ...(pending as SharedFile),
        ...(file.title ? { title: file.title } : {}),
        ...(channelId ? { channelId } : {}),
        ...(threadTs ? { threadTs } : {}),
        ...(initialComment ? { initialComment } : {}),
      };
    });
    if (this.record) this.files.push(...shared);
    return { ok: true, files: shared.map((file) => ({ id: file.id, name: file.filename, title: file.title ?? file.filename })) };
  }

  /**
   * usergroups.users.list with an org-wide install's token: Slack requires
   * `team_id` (the workspace the group is read in). Refused without one as
   * `missing_argument`, and a group the workspace does not have as
   * `no_such_subteam`: the error codes are this fake's choice.
   */
  private orgGroupMembers(org: FakeOrg, arg: (name: string) => unknown): Record<string, unknown> {
    const teamId = arg('team_id');
    if (typeof teamId !== 'string' || teamId === '') return { ok: false, error: 'missing_argument' };
    const members = org.groups?.[teamId]?.[String(arg('usergroup'))];
    return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
  }

  /** `arg` reads one argument of the call: only the answers that echo one decode the body. */
  private defaultAnswer(method: string, arg: (name: string) => unknown): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return { ok: true, url: `${this.baseUrl.replace(/^http/, 'ws')}/socket` };
      case 'auth.test':
        return this.org
          ? { ok: true, user_id: 'UBOT0001', bot_id: 'BBOT0001', team: 'Acme Org', enterprise_id: this.org.enterpriseId, is_enterprise_install: true }
          : { ok: true, user_id: 'UBOT0001', bot_id: 'BBOT0001', team_id: 'T0TEAM001' };
      case 'views.open':
      case 'views.update':
        return { ok: true, view: { id: 'V0VIEW001' } };
      case 'views.publish':
        return this.publishHome(String(arg('user_id')), arg('hash'));
      case 'chat.postMessage': {
        this.ts += 1;
        // Posting to a user id lands in the app's direct message with them.
        const channel = String(arg('channel')).replace(/^[UW]/, 'D');
        return { ok: true, channel, ts: `${this.ts}.000100`, message: { text: arg('text') } };
      }
      case 'chat.update':
        return { ok: true, channel: arg('channel'), ts: arg('ts') };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: '1.000200' };
      case 'files.getUploadURLExternal':
        return this.uploadUrl(String(arg('filename')), Number(arg('length')));
      case 'files.completeUploadExternal':
        return this.completeUpload(arg);
      case 'usergroups.users.list':
        return this.org ? this.orgGroupMembers(this.org, arg) : { ok: true, users: [] };
      case 'functions.completeSuccess':
      case 'functions.completeError':
        return this.endStep(method, arg);
      case 'users.info':
        return { ok: true, user: { id: arg('user'), tz: 'Europe/Berlin' } };
      case 'conversations.join':
        return { ok: true, channel: { id: arg('channel') } };
      case 'conversations.replies':
        return { ok: true, messages: this.postedTo(String(arg('channel')), String(arg('ts'))) };
      case 'conversations.history':
        return { ok: true, messages: this.postedTo(String(arg('channel')), undefined) };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}
