import { App, webApi, type Logger } from '@slack/bolt';
import type { Config } from './config';
import type { Clock, EngineLocks, ReminderSchedule, RotationStore, SharedRateCounters, StepExecutionStore } from './domain/ports';
import { registerListeners } from './slack/listeners';
import { describeRequest, metricsEndpoint, type HealthCheck, type HttpEndpoint } from './slack/receiver';
import { slackTransport } from './slack/transport';
import { openStore } from './store/keyv-factory';
import { Scheduler } from './scheduler/scheduler';
import { SlackApproverDirectory } from './slack/approver-directory';
import { SlackPeopleDirectory } from './slack/people-directory';
// Not re-exported from the package's index; the type of app.error's argument with extendedErrorHandler.
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App';
import { tellingError } from './lib/error-text';
import { createLogger, LOG_LEVELS, quietWhile, type RedactingLogger } from './logging';
import { withTimeout } from './lib/with-timeout';
import { limitsFor, listenerDeps, quickWebClient, serviceDeps, type WiringOptions } from './wiring';
import { BotMetrics, ROTATION_GAUGES_MAX_AGE_MS } from './metrics/bot-metrics';
import { CodedError } from './domain/errors';
import {
  approverGroupsProblem,
  SLACK_CHECK,
  slackCheckFailed,
  slackCheckTimedOut,
  StartupSteps,
  storeFailed,
  storeTimedOut,
  transportFailed,
  transportTimedOut,
  withinMs,
} from './startup';

export interface BotOptions extends WiringOptions {
  clock?: Clock;
  /** The bot's logger (`createLogger` in src/logging.ts); unset: one for LOG_FORMAT and LOG_LEVEL, writing to stdout. */
  logger?: RedactingLogger;
  /** How long the rotation gauges of /metrics reuse a read of the store (tests that count a change at once use 0). */
  rotationGaugesMaxAgeMs?: number;
  /** Replaces the store STORE_URL names (tests use it to simulate an outage). */
  store?: RotationStore;
  /** Aborted when the process is told to stop (SIGTERM) while the bot is still starting: the start stops where it is. */
  signal?: AbortSignal;
}

export interface RunningBot {
  /** The HTTP port actually bound (useful when PORT is 0). */
  port: number;
  /** The port /metrics is served on when METRICS_PORT is set (the one bound, when it is 0). */
  metricsPort?: number;
  mode: 'http' | 'socket';
  /** Runs a scheduler tick now (the loop also runs one every WFI_SCHEDULER_INTERVAL_SECONDS). */
  runReminders(): Promise<void>;
  /**
   * Stops taking work, lets what is in flight finish (for DRAIN_TIMEOUT_MS at
   * most), ends the connections left, then closes the store.
   */
  stop(): Promise<void>;
}

const STORE_PING_TIMEOUT_MS = 2000;
/** The whole Slack check at start: its tries, and the waits between them, with room to spare. */
const SLACK_CHECK_STEP_MS = 15_000;
/** Binding PORT; in Socket Mode, also opening the connection to Slack. */
const TRANSPORT_STEP_MS = { http: 5000, socket: 15_000 } as const;
/** Closing what a failed start opened. */
const CLEANUP_MS = 2000;
/**
 * How long shutdown waits for the work in flight (the scheduler's tick, each
 * request's answer and listeners) before it ends every connection and closes
 * the store: a container manager kills the process about 10 s after SIGTERM.
 */
const DRAIN_TIMEOUT_MS = 8000;

/**
 * What auth.test says of SLACK_BOT_TOKEN: the bot's ids (given to the App, so
 * it makes no auth.test call of its own), and whether the app is installed
 * org-wide on an Enterprise Grid org (one token for every workspace it is
 * added to) or in one workspace.
 */
interface Installation {
  botId: string;
  botUserId: string;
  orgWide: boolean;
  enterpriseId?: string;
}

/**
 * Checks the bot token once, quickly, before anything else starts: a wrong
 * token or an unreachable SLACK_API_URL is a start-up error within seconds, not
 * after the Web client's half hour of retries. The App is then given the ids,
 * so it makes no auth.test call of its own.
 */
async function verifyBotToken(config: Config, logger: Logger, fetch?: webApi.FetchFunction): Promise<Installation> {
  const client = new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    // A failed try is reported once, in the start-up message: the client's warning for each try goes to debug.
    logger: quietWhile(logger, () => true),
    ...(fetch ? { fetch } : {}),
    timeout: SLACK_CHECK.timeoutMs,
    retryConfig: { retries: SLACK_CHECK.tries - 1, factor: 1, minTimeout: 500, maxTimeout: 1000 },
  });
  const result = await client.auth.test();
  return {
    botId: result.bot_id ?? '',
    botUserId: result.user_id ?? '',
    orgWide: result.is_enterprise_install === true,
    ...(result.enterprise_id ? { enterpriseId: result.enterprise_id } : {}),
  };
}

/** Waits until nothing is in flight, work that starts meanwhile included, or until DRAIN_TIMEOUT_MS has passed. */
async function drain(inFlight: Set<Promise<unknown>>, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), DRAIN_TIMEOUT_MS);
  });
  try {
    while (inFlight.size > 0) {
      if ((await Promise.race([Promise.allSettled([...inFlight]), timeout])) === 'timeout') {
        logger.warn(`Stopping with ${inFlight.size} task(s) still running after ${DRAIN_TIMEOUT_MS} ms`);
        return;
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/** What must never reach a log line: the tokens, the signing secret and the store's password. */
export function configSecrets(config: Config): string[] {
  let storePassword: string | undefined;
  try {
    const password = new URL(config.storeUrl).password;
    storePassword = password ? decodeURIComponent(password) : undefined;
  } catch {
    storePassword = undefined;
  }
  return [config.slack.botToken, config.slack.signingSecret, config.slack.appToken, storePassword].filter(
    (secret): secret is string => secret !== undefined && secret !== '',
  );
}

/**
 * The store STORE_URL names (or the one given), answering: a store that does
 * not answer within STORE_PING_TIMEOUT_MS is a start-up error, not a bot that
 * fails every request. Until it answers, what the store reports (Redis
 * refusing connections, say) is kept for that error, not logged apart.
 */
async function openAnsweringStore(
  config: Config,
  options: BotOptions,
  logger: Logger,
  steps: StartupSteps,
  metrics: BotMetrics | undefined,
): Promise<{ rotations: RotationStore; reminders: ReminderSchedule; locks: EngineLocks; steps: StepExecutionStore; rateCounters?: SharedRateCounters }> {
  let starting = true;
  let reported: Error | undefined;
  const onError = (error: Error) => {
    if (starting) {
      reported = tellingError(reported, error);
      logger.debug(`Store error while starting: ${error.message}`);
    } else {
      logger.warn(`Store error: ${error.message}`);
    }
  };
  const url = config.storeUrl;
  const opened = await steps.run({ failed: (error) => storeFailed(url, error) }, async () => openStore(url, onError));
  const given = options.store ?? opened.rotations;
  // With metrics on, every call to the store is timed (and its failures counted) from here on.
  const rotations = metrics ? metrics.timed(given, 'rotations') : given;
  try {
    await steps.run(
      {
        timeoutMs: STORE_PING_TIMEOUT_MS,
        timedOut: () => storeTimedOut(url, STORE_PING_TIMEOUT_MS, reported),
        failed: (error) => storeFailed(url, error),
      },
      () => rotations.ping(),
    );
    // A store made before the rotation index or the audit chain: indexed and chained once, here (one full
    // read), before any request reads the index or appends to the chain.
    const updated = await steps.run(
      { failed: (error) => storeFailed(url, error, 'could not be brought up to date (indexing its rotations, chaining their audit trails)') },
      () => rotations.migrate(),
    );
    if (updated > 0) logger.info(`The store's ${updated} rotations were indexed and their audit trails chained (once, for a store made by an earlier release)`);
  } catch (error) {
    await withinMs(rotations.close(), CLEANUP_MS);
    throw error;
  } finally {
    starting = false;
  }
  const rateCounters = opened.rateCounters ? { rateCounters: opened.rateCounters } : {};
  if (!metrics) return { rotations, reminders: opened.reminders, locks: opened.locks, steps: opened.steps, ...rateCounters };
  return { rotations, reminders: metrics.timed(opened.reminders, 'reminders'), locks: metrics.timed(opened.locks, 'locks'), steps: opened.steps, ...rateCounters };
}

/**
 * `/healthz`: whether the store answers. It is on the public port and the
 * store's error names its host, database or user: that is logged, when the
 * store stops or starts answering again (not once per probe of an outage).
 */
function storeHealth(store: RotationStore, logger: Logger): HealthCheck {
  let storeDown = false;
  return async () => {
    try {
      await withTimeout(store.ping(), STORE_PING_TIMEOUT_MS, 'The store');
      if (storeDown) logger.info('Health check: the store answers again');
      storeDown = false;
      return { ok: true };
    } catch (error) {
      if (!storeDown) logger.warn(`Health check: the store is unavailable: ${(error as Error).message}`);
      storeDown = true;
      return { ok: false, reason: 'store unavailable' };
    }
  };
}

/** The work shutdown waits for: the scheduler's tick, each request from Slack (its answer, then its listeners). */
function workInFlight(): { track: <T>(work: Promise<T>) => Promise<T>; drain(logger: Logger): Promise<void> } {
  const inFlight = new Set<Promise<unknown>>();
  return {
    track(work) {
      inFlight.add(work);
      const forget = () => inFlight.delete(work);
      void work.then(forget, forget);
      return work;
    },
    drain: (logger) => drain(inFlight, logger),
  };
}

/** An error a listener throws is logged with its request's id (set by the listeners' gate) and the request's kind, never its body. */
function logListenerErrors(app: App, logger: Logger): void {
  app.error(async ({ error, context, body }: ExtendedErrorHandlerArgs) => {
    const requestId = typeof context.requestId === 'string' ? context.requestId : 'none';
    logger.error(`Unhandled error in a listener (request ${requestId}, ${describeRequest(body)}): ${error.message}`);
  });
}

/**
 * Where and when reminders go, said once at start: a WFI_TIMEZONE or
 * WFI_REMINDER_CHANNEL left unset shows here, not weeks later as a reminder
 * at 09:00 UTC in the wrong channel.
 */
function reminderSettings(config: Config): string {
  const hour = `${String(config.reminderHour).padStart(2, '0')}:00`;
  const channel = config.reminderChannelId ? `in ${config.reminderChannelId} (WFI_REMINDER_CHANNEL)` : "in each request's channel (WFI_REMINDER_CHANNEL unset)";
  return `reminders at ${hour} ${config.calendar.timeZone} (WFI_REMINDER_HOUR, WFI_TIMEZONE) on business days, ${channel}`;
}

/**
 * GET /metrics on METRICS_PORT, bound before the bot takes requests; undefined
 * when metrics are off or served on PORT (by the transport).
 */
async function startMetricsEndpoint(config: Config, metrics: BotMetrics | undefined): Promise<{ endpoint: HttpEndpoint; port: number } | undefined> {
  const port = config.metrics?.port;
  if (!metrics || port === undefined) return undefined;
  const endpoint = metricsEndpoint(metrics);
  try {
    const server = await endpoint.start(port);
    return { endpoint, port: (server.address() as { port: number }).port };
  } catch (error) {
    // Said of METRICS_PORT, not of PORT, which is what start-up says of a port in use (src/index.ts).
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`METRICS_PORT ${port} is already in use by another program. Set METRICS_PORT to a free port.`, { cause: error });
    if (code === 'EACCES') throw new Error(`METRICS_PORT ${port} may not be bound (permission denied: a port below 1024?).`, { cause: error });
    throw error;
  }
}

/** Builds and starts the whole bot from a checked configuration. */
export async function startBot(config: Config, options: BotOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config, configSecrets(config));
  const clock = options.clock ?? { now: () => new Date() };
  const steps = new StartupSteps(options.signal);
  // One registry per bot: tests run several bots in one process.
  const metrics = config.metrics ? new BotMetrics() : undefined;
  // Every Web client (and Bolt's respond()) calls Slack through this fetch when metrics are on.
  const fetch = metrics?.slackFetch(config.slack.apiUrl);
  const identity = await steps.run(
    {
      timeoutMs: SLACK_CHECK_STEP_MS,
      timedOut: () => slackCheckTimedOut(config.slack.apiUrl),
      failed: (error) => slackCheckFailed(config.slack.apiUrl, error),
    },
    () => verifyBotToken(config, logger, fetch),
  );
  const approversProblem = approverGroupsProblem(config.approvers.groups, identity);
  if (approversProblem) throw new CodedError('STARTUP_FAILED', approversProblem);
  const store = await openAnsweringStore(config, options, logger, steps, metrics);
  metrics?.countRotations({
    rotations: store.rotations,
    calendar: config.calendar,
    clock,
    maxAgeMs: options.rotationGaugesMaxAgeMs ?? ROTATION_GAUGES_MAX_AGE_MS,
  });
  const work = workInFlight();

  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.slack.apiUrl,
    // Rate limits and 5xx are retried, but not for the client's default half hour.
    retryConfig: options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
    ...(fetch ? { fetch } : {}),
  };
  const transport = slackTransport(config.slack, {
    logger,
    health: storeHealth(store.rotations, logger),
    // On PORT unless METRICS_PORT gives them a port of their own.
    ...(metrics && config.metrics?.port === undefined ? { metrics } : {}),
    ...(metrics ? { observe: metrics } : {}),
    track: work.track,
    clientOptions,
  });
  const app = new App({
    token: config.slack.botToken,
    receiver: transport.receiver,
    logger,
    // Bolt sets its logger to this level (INFO when not given), over the one set above.
    logLevel: LOG_LEVELS[config.logLevel],
    clientOptions,
    // The error handler gets the request's context, to log its id (never its body).
    extendedErrorHandler: true,
    // No listener keeps conversation state: Bolt's store of it would cost every request a lookup (npm run bench).
    convoStore: false,
    botId: identity.botId,
    botUserId: identity.botUserId,
  });
  logListenerErrors(app, logger);

  const quickClient = quickWebClient(config, logger, fetch);
  const approvers = new SlackApproverDirectory(quickClient, config.approvers, clock, logger);
  // The export's names: looked up after the answer, without retries (a name Slack cannot give now is left out).
  const people = new SlackPeopleDirectory(quickClient, clock, logger);
  const services = serviceDeps(config, { app, store, approvers, people, clock, logger, track: work.track, metrics, fetch, orgWide: identity.orgWide }, options);
  const limits = limitsFor(config, { clock, logger, ...(store.rateCounters ? { rateCounters: store.rateCounters } : {}) }, options);
  const deps = listenerDeps(config, { services, clock, quickClient, limits });
  // One gate before every listener: the user-id and trigger_id checks come before the rate limits,
  // so that the limiter only ever counts well-formed requests.
  registerListeners(app, deps, { logger, track: work.track });
  // The scheduler also prunes: it gets the engine's locks and the retention, which no use case needs.
  const scheduler = new Scheduler(
    { ...services, locks: store.locks, retentionDays: config.retentionDays },
    { intervalMs: config.schedulerIntervalSeconds * 1000, ...(metrics ? { metrics } : {}) },
  );

  let port: number;
  const listening = { port: config.port, apiUrl: config.slack.apiUrl, mode: transport.mode };
  let ownMetrics: Awaited<ReturnType<typeof startMetricsEndpoint>>;
  try {
    ownMetrics = await startMetricsEndpoint(config, metrics);
    const limit = TRANSPORT_STEP_MS[transport.mode];
    port = await steps.run(
      { timeoutMs: limit, timedOut: () => transportTimedOut(listening, limit), failed: (error) => transportFailed(listening, error) },
      () => transport.start(app, config.port),
    );
  } catch (error) {
    // Socket Mode may still be trying to connect: it stops, and the port closes.
    await withinMs(transport.stopTaking(app), CLEANUP_MS);
    await withinMs(transport.close(), CLEANUP_MS);
    await withinMs(ownMetrics?.endpoint.stop() ?? Promise.resolve(), CLEANUP_MS);
    await withinMs(store.rotations.close(), CLEANUP_MS);
    throw error;
  }
  approvers.start();
  await scheduler.start();
  logger.info(`wfi-rotate is running (${transport.mode === 'http' ? 'HTTP' : 'Socket Mode'}, port ${port}); ${reminderSettings(config)}`);
  if (identity.orgWide) {
    logger.info(`Installed org-wide on the Enterprise Grid org ${identity.enterpriseId ?? '(no id given)'}: the rotations of every workspace the app is added to are served together`);
  }

  let stopping: Promise<void> | undefined;
  return {
    port,
    ...(ownMetrics ? { metricsPort: ownMetrics.port } : {}),
    mode: transport.mode,
    runReminders: () => scheduler.tickNow(),
    stop() {
      stopping ??= (async () => {
        try {
          // No new request: the socket (Socket Mode) and the port close first.
          await transport.stopTaking(app);
          approvers.stop();
          // No new tick, and the running one finishes: cut short, it could leave a reminder sent
          // but not marked sent, to go out again once its lease ends.
          void work.track(scheduler.stop());
          await work.drain(logger);
        } finally {
          // The drain waited for the App Home windows the last requests and the tick opened; one
          // still open (the drain ran out of time, or a change came after it) is dropped, its timer
          // cleared. Not awaited: a publish still running after the drain's deadline is not waited for.
          void services.homes.stop();
          // No connection left open (a request still arriving, or one past the deadline) keeps
          // the store open until the process is killed.
          await transport.close();
          await ownMetrics?.endpoint.stop();
          await store.rotations.close();
        }
      })();
      return stopping;
    },
  };
}
