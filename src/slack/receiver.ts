import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  HTTPModuleFunctions as httpFunc,
  HTTPResponseAck,
  type App,
  type BufferedIncomingMessage,
  type Logger,
  type Receiver,
  type ReceiverEvent,
} from '@slack/bolt';

export const EVENTS_PATH = '/slack/events';
export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';

/** Slack's payloads are a few kB; a modal's state stays far below this. */
const BODY_LIMIT_BYTES = 1024 * 1024;

const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Slack sends its headers and its few kB of body at once. A request still
 * arriving after these is a slow or stalled client holding a connection (and
 * a socket) open: it is answered 408 and closed, and cannot outlast shutdown.
 */
const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** How often node enforces the two above: its default, 30 s, would let a stalled request run three times over. */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export type HealthCheck = () => Promise<{ ok: true } | { ok: false; reason: string }>;

/** The Prometheus exposition GET /metrics answers with (src/metrics/bot-metrics.ts). */
export interface MetricsSource {
  contentType: string;
  exposition(): Promise<string>;
}

/** Counts each acknowledgement of a request from Slack, with the seconds since the request arrived. */
export type AckObserver = (body: Record<string, unknown>, seconds: number) => void;

/** What the bot serves besides Slack's requests: the health check, and the metrics when they are on (and on this port). */
export interface OpsRoutes {
  health: HealthCheck;
  metrics?: MetricsSource;
}

export async function answerHealth(check: HealthCheck, res: ServerResponse): Promise<void> {
  // The port is public: a failure's own message (a host, a user) is for the log, not for whoever asks.
  const health = await check().catch(() => ({ ok: false as const, reason: 'health check failed' }));
  res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' });
  res.end(JSON.stringify(health.ok ? { status: 'ok' } : { status: 'unavailable', reason: health.reason }));
}

async function answerMetrics(metrics: MetricsSource, res: ServerResponse): Promise<void> {
  let body: string;
  try {
    body = await metrics.exposition();
  } catch {
    httpFunc.buildNoBodyResponse(res, 500);
    return;
  }
  res.writeHead(200, { 'content-type': metrics.contentType });
  res.end(body);
}

/** What kind of request a log line is about, by its ids only (never its content): `block_actions rotation_approve`. */
export function describeRequest(body: unknown): string {
  const fields = body as Record<string, unknown> & {
    actions?: Array<{ action_id?: unknown }>;
    view?: { callback_id?: unknown };
    event?: { type?: unknown };
  };
  const kind = fields.command ?? fields.type ?? 'unknown';
  const what = Array.isArray(fields.actions) ? fields.actions[0]?.action_id : (fields.view?.callback_id ?? fields.event?.type);
  return [kind, what]
    .filter((part): part is string => typeof part === 'string')
    .map((part) => part.slice(0, 100))
    .join(' ');
}

/** The path of a request target, or undefined for one that is no URL (`//`, `//[`): answered 404, never thrown on. */
function pathOf(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/**
 * 413, closing the connection: the rest of the body is left unread, so the
 * socket cannot carry another request (and the client stops sending it).
 */
function refuseTooLarge(res: ServerResponse): void {
  res.writeHead(413, { connection: 'close' });
  res.end();
}

/**
 * A node HTTP server with short read timeouts, stopped in two steps so that
 * shutdown can wait for the work in flight in between: `stopListening()`,
 * then `stop()`, which ends whatever connection is still open.
 */
export class HttpEndpoint {
  private server?: Server;
  private closed?: Promise<void>;

  constructor(private readonly handle: (req: IncomingMessage, res: ServerResponse) => void) {}

  start(port: number): Promise<Server> {
    const server = createServer(
      {
        headersTimeout: HEADERS_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      },
      this.handle,
    );
    this.server = server;
    this.closed = undefined;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  /** Takes no new connection, and closes the keep-alive ones that have no request in flight. */
  stopListening(): void {
    const server = this.server;
    if (!server || this.closed) return;
    // Its only error is "not running": closed already, which is what was asked.
    this.closed = new Promise((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
  }

  /**
   * Ends every connection still open, and with it any request still arriving
   * (Slack retries a request it got no answer to): called once the work in
   * flight is done, or its time is up, so no client can hold shutdown open.
   */
  async stop(): Promise<void> {
    this.stopListening();
    this.server?.closeAllConnections();
    this.server = undefined;
    await this.closed;
  }
}

/** Answers `GET /healthz`, and `GET /metrics` when the metrics are served here; false for any other request. */
function servedOps(req: IncomingMessage, res: ServerResponse, ops: OpsRoutes): boolean {
  if (req.method !== 'GET') return false;
  const path = pathOf(req.url);
  if (path === HEALTH_PATH) void answerHealth(ops.health, res);
  else if (path === METRICS_PATH && ops.metrics) void answerMetrics(ops.metrics, res);
  else return false;
  return true;
}

/**
 * Socket Mode's HTTP endpoint, `GET /healthz` (and `GET /metrics`), served
 * here rather than through Bolt's `customRoutes`: their handler parses the
 * request target unguarded, so a single `GET //` is an unhandled rejection
 * that ends the process.
 */
export function opsEndpoint(ops: OpsRoutes): HttpEndpoint {
  return new HttpEndpoint((req, res) => {
    if (!servedOps(req, res, ops)) httpFunc.buildNoBodyResponse(res, 404);
  });
}

/** METRICS_PORT's endpoint: `GET /metrics` alone, off the port Slack reaches. */
export function metricsEndpoint(metrics: MetricsSource): HttpEndpoint {
  return new HttpEndpoint((req, res) => {
    if (req.method === 'GET' && pathOf(req.url) === METRICS_PATH) void answerMetrics(metrics, res);
    else httpFunc.buildNoBodyResponse(res, 404);
  });
}

/**
 * Bolt's HTTP receiver, rebuilt from Bolt's own request functions with two
 * defaults of Bolt 5.1 changed:
 * - a signed body that parses to `null` (or any non-object) is answered 400:
 *   Bolt's receiver reads `body.ssl_check` from it and the process crashes;
 * - a request no listener acknowledges (an unknown action, `view_closed`) is
 *   answered as soon as the listeners are done: Bolt's receiver answers it
 *   after 3001 ms, which is past Slack's 3-second window.
 * Signature and timestamp checks, url_verification and ssl_check stay Bolt's.
 */
export class SlackHttpReceiver implements Receiver {
  private app?: App;
  private readonly endpoint = new HttpEndpoint((req, res) => this.route(req, res));

  constructor(
    private readonly options: OpsRoutes & {
      signingSecret: string;
      logger: Logger;
      /** Registers work that shutdown waits for: each request, from when its whole body has arrived until it is answered. */
      track: (work: Promise<void>) => Promise<void>;
      /** Counts each ack with its latency (metrics on). */
      observeAck?: AckObserver;
    },
  ) {}

  init(app: App): void {
    this.app = app;
  }

  start(port: number): Promise<Server> {
    return this.endpoint.start(port);
  }

  stopListening(): void {
    this.endpoint.stopListening();
  }

  stop(): Promise<void> {
    return this.endpoint.stop();
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    if (pathOf(req.url) === EVENTS_PATH && req.method === 'POST') {
      // A failure no branch below expected is answered and logged, never left to crash the process.
      this.handleSlackRequest(req, res).catch((error: unknown) => {
        this.options.logger.error(`Could not answer a Slack request: ${(error as Error)?.message}`);
        if (!res.headersSent) httpFunc.buildNoBodyResponse(res, 500);
        else res.end();
      });
    } else if (!servedOps(req, res, this.options)) {
      httpFunc.buildNoBodyResponse(res, 404);
    }
  }

  private async handleSlackRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Slack's clock for the ack starts when it sends the request: the body's arrival and its check count
    // (read only when acks are timed: metrics off, a request costs nothing more).
    const arrivedAt = this.options.observeAck ? performance.now() : 0;
    const buffered = await this.readVerified(req, res);
    // A request still arriving is not waited for at shutdown (Slack retries it); a whole one is answered.
    if (buffered) await this.options.track(this.answer(req, res, buffered, arrivedAt));
  }

  /** The request's body once it has all arrived and its signature holds; undefined once refused. */
  private async readVerified(req: IncomingMessage, res: ServerResponse): Promise<BufferedIncomingMessage | undefined> {
    const { logger } = this.options;
    // A declared length over the limit is refused before a byte of the body is read.
    if (Number(req.headers['content-length']) > BODY_LIMIT_BYTES) {
      logger.warn('Refused a request body over the size limit');
      refuseTooLarge(res);
      return;
    }
    // Bolt refuses a timestamp over five minutes old; Slack's rule is five minutes either way.
    const signedAt = Number(req.headers['x-slack-request-timestamp']) * 1000;
    if (signedAt > Date.now() + MAX_CLOCK_SKEW_MS) {
      logger.warn('Refused a request signed more than five minutes in the future');
      httpFunc.buildNoBodyResponse(res, 401);
      return;
    }
    try {
      return await httpFunc.parseAndVerifyHTTPRequest(
        { enabled: true, signingSecret: this.options.signingSecret, bodyLimit: BODY_LIMIT_BYTES },
        req,
      );
    } catch (error) {
      if (httpFunc.isRawBodyError(error) && (error.type === 'entity.too.large' || error.statusCode === 413)) {
        logger.warn('Refused a request body over the size limit');
        refuseTooLarge(res);
        return;
      }
      if (httpFunc.isRawBodyError(error) && error.type === 'request.aborted') {
        // Cut off by the read timeout or by shutdown, or the client left: there is no one to answer.
        logger.warn('Dropped a request whose connection ended before its whole body arrived');
        return;
      }
      logger.warn(`Refused a request that failed verification: ${(error as Error).message}`);
      httpFunc.buildNoBodyResponse(res, 401);
      return;
    }
  }

  private async answer(req: IncomingMessage, res: ServerResponse, buffered: BufferedIncomingMessage, arrivedAt: number): Promise<void> {
    const fields = this.payloadOf(res, buffered);
    if (!fields) return;
    if (fields.ssl_check === '1') return httpFunc.buildSSLCheckResponse(res);
    if (fields.type === 'url_verification') {
      // Slack's challenge is a string; anything else (a nested value JSON.stringify cannot take) is not echoed.
      if (typeof fields.challenge === 'string') return httpFunc.buildUrlVerificationResponse(res, { challenge: fields.challenge });
      this.options.logger.warn('Refused a url_verification without a string challenge');
      httpFunc.buildNoBodyResponse(res, 400);
      return;
    }
    await this.dispatch(req, res, buffered, fields, arrivedAt);
  }

  /** The signed body as an object, or undefined once answered 400 (a body that parses to `null` would crash Bolt). */
  private payloadOf(res: ServerResponse, buffered: BufferedIncomingMessage): Record<string, unknown> | undefined {
    let body: unknown;
    try {
      body = httpFunc.parseHTTPRequestBody(buffered);
    } catch {
      this.options.logger.warn('Refused a signed request whose body could not be parsed');
      httpFunc.buildNoBodyResponse(res, 400);
      return undefined;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      this.options.logger.warn('Refused a signed request whose payload is not an object');
      httpFunc.buildNoBodyResponse(res, 400);
      return undefined;
    }
    return body as Record<string, unknown>;
  }

  /** Bolt's listeners, with an answer at once when none acknowledges the request (Bolt would wait 3001 ms). */
  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    buffered: BufferedIncomingMessage,
    fields: Record<string, unknown>,
    arrivedAt: number,
  ): Promise<void> {
    const { logger, observeAck } = this.options;
    const boundAck = new HTTPResponseAck({ logger, processBeforeResponse: false, httpRequest: buffered, httpRequestBody: fields, httpResponse: res }).bind();
    let acknowledged = false;
    const ack: ReceiverEvent['ack'] = async (response) => {
      acknowledged = true;
      await boundAck(response);
      observeAck?.(fields, (performance.now() - arrivedAt) / 1000);
    };
    try {
      await this.app?.processEvent({
        body: fields,
        ack,
        retryNum: httpFunc.extractRetryNumFromHTTPRequest(req),
        retryReason: httpFunc.extractRetryReasonFromHTTPRequest(req),
      });
      if (!acknowledged) {
        logger.info(`No listener handles this request (${describeRequest(fields)}); answered 200 at once`);
        await ack(undefined);
      }
    } catch (error) {
      // Listener errors reach app.error and do not arrive here; what does is
      // Bolt failing before any listener ran. Slack is answered either way.
      logger.error(`Could not process a Slack request: ${(error as Error).message}`);
      if (!acknowledged) await ack(undefined);
    }
  }
}
