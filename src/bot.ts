import { randomInt } from 'node:crypto';
import { App, LogLevel, webApi, type Logger } from '@slack/bolt';
import { ConsoleLogger } from '@slack/logger';
import type { Config } from './config';
import { CodedError } from './domain/errors';
import type { ApproverDirectory, Clock, EngineLocks, PeopleDirectory, ReminderSchedule, RotationStore } from './domain/ports';
import { SlackNotifier } from './slack/notifier';
import { registerListeners } from './slack/listeners';
import { describeRequest, type HealthCheck } from './slack/receiver';
import { slackTransport } from './slack/transport';
import { openStore } from './store/keyv-factory';
import { Scheduler } from './scheduler/scheduler';
import type { ListenerDeps } from './slack/deps';
import { SlackApproverDirectory } from './slack/approver-directory';
import { SlackPeopleDirectory } from './slack/people-directory';
import { rateLimiters, type RateLimitRules } from './slack/rate-limits';
import type { ServiceDeps } from './services/lifecycle-deps';
import { useCases } from './services/use-cases';
import { HomePublisher } from './services/home-publisher';
import { todayIn } from './domain/calendar';
// Not re-exported from the package's index; the type of app.error's argument with extendedErrorHandler.
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App';
import { RedactingLogger } from './logging';

export interface BotOptions {
  clock?: Clock;
  logger?: Logger;
  randomIndex?: (exclusiveMax: number) => number;
  /** Replaces the store STORE_URL names (tests use it to simulate an outage). */
  store?: RotationStore;
  /** Tests shorten the Web client's retries (its default keeps trying for about 30 minutes). */
  retryConfig?: webApi.RetryOptions;
  /** Replaces RATE_LIMITS (a test that drives one person through hundreds of steps). */
  rateLimits?: RateLimitRules;
}

export interface RunningBot {
  /** The HTTP port actually bound (useful when PORT is 0). */
  port: number;
  mode: 'http' | 'socket';
  /** Runs a scheduler tick now (the loop also runs one every WFI_SCHEDULER_INTERVAL_SECONDS). */
  runReminders(): Promise<void>;
  /**
   * Stops taking work, lets what is in flight finish (for DRAIN_TIMEOUT_MS at
   * most), ends the connections left, then closes the store.
   */
  stop(): Promise<void>;
}

const LOG_LEVELS = { debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR } as const;
const STORE_PING_TIMEOUT_MS = 2000;
/** Timeout of the Web API calls someone may be waiting on (see quickClient). */
const QUICK_CALL_TIMEOUT_MS = 2000;
/**
 * How long shutdown waits for the work in flight (the scheduler's tick, each
 * request's answer and listeners) before it ends every connection and closes
 * the store: a container manager kills the process about 10 s after SIGTERM.
 */
const DRAIN_TIMEOUT_MS = 8000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Checks the bot token once, quickly, before anything else starts: a wrong
 * token or an unreachable SLACK_API_URL is a start-up error within seconds, not
 * after the Web client's half hour of retries. The App is then given the ids,
 * so it makes no auth.test call of its own.
 */
async function verifyBotToken(config: Config, logger: Logger): Promise<{ botId: string; botUserId: string }> {
  const client = new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger,
    retryConfig: { retries: 2, factor: 1, minTimeout: 500, maxTimeout: 1000 },
  });
  const result = await client.auth.test();
  return { botId: result.bot_id ?? '', botUserId: result.user_id ?? '' };
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
 * fails every request.
 */
async function openAnsweringStore(
  config: Config,
  options: BotOptions,
  logger: Logger,
): Promise<{ rotations: RotationStore; reminders: ReminderSchedule; locks: EngineLocks }> {
  const opened = openStore(config.storeUrl, (error) => logger.warn(`Store error: ${error.message}`));
  const rotations = options.store ?? opened.rotations;
  try {
    await withTimeout(rotations.ping(), STORE_PING_TIMEOUT_MS, 'The store');
  } catch (error) {
    await rotations.close().catch(() => undefined);
    throw new CodedError('STORE_UNAVAILABLE', `STORE_URL could not be opened: ${(error as Error).message}`, { cause: error });
  }
  try {
    // A store made before the rotation index or the audit chain: indexed and chained once, here (one full
    // read), before any request reads the index or appends to the chain.
    const updated = await rotations.migrate();
    if (updated > 0) logger.info(`The store's ${updated} rotations were indexed and their audit trails chained (once, for a store made by an earlier release)`);
  } catch (error) {
    await rotations.close().catch(() => undefined);
    throw new CodedError('STORE_UNAVAILABLE', `STORE_URL could not be brought up to date (indexing its rotations, chaining their audit trails): ${(error as Error).message}`, { cause: error });
  }
  return { rotations, reminders: opened.reminders, locks: opened.locks };
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
 * Calls a person or Slack may be waiting on (a user group's members, a time
 * zone for a form): no retries and no waiting out a rate limit, a short
 * timeout; whoever asks copes with no answer.
 */
function quickWebClient(config: Config, logger: Logger): webApi.WebClient {
  return new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: QUICK_CALL_TIMEOUT_MS,
  });
}

/** The use cases' ports, wired to Slack and the store; `homes` is the process's App Home publisher, stopped with the bot. */
function serviceDeps(
  config: Config,
  parts: {
    app: App;
    store: { rotations: RotationStore; reminders: ReminderSchedule };
    approvers: ApproverDirectory;
    people: PeopleDirectory;
    clock: Clock;
    logger: Logger;
    track: <T>(work: Promise<T>) => Promise<T>;
  },
  options: BotOptions,
): ServiceDeps & { homes: HomePublisher } {
  const policy = { calendar: config.calendar, leadBusinessDays: config.leadBusinessDays };
  const approverMentions = [
    ...config.approvers.userIds.map((id) => `<@${id}>`),
    ...config.approvers.groupIds.map((id) => `<!subteam^${id}>`),
  ];
  const notifier = new SlackNotifier(
    parts.app.client,
    { policy, ...(config.portalUrl ? { portalUrl: config.portalUrl } : {}), leadBusinessDays: config.leadBusinessDays, approverMentions },
    parts.logger,
  );
  const dashboards = { store: parts.store.rotations, reminders: parts.store.reminders, notifier, approvers: parts.approvers, clock: parts.clock, logger: parts.logger };
  return {
    ...dashboards,
    reminderPolicy: { ...policy, reminderHour: config.reminderHour, digestDay: config.digestDay },
    // Each window of Homes waiting to be published is work in flight: shutdown lets it finish.
    homes: new HomePublisher(dashboards, { track: parts.track }),
    people: parts.people,
    policy,
    allowSelfApproval: config.allowSelfApproval,
    randomIndex: options.randomIndex ?? randomInt,
  };
}

/** What the listeners get: the use cases and what they need to translate between Slack and them. */
function listenerDeps(
  config: Config,
  parts: { services: ServiceDeps; clock: Clock; quickClient: webApi.WebClient },
  options: BotOptions,
): ListenerDeps {
  const { services, clock, quickClient } = parts;
  return {
    useCases: useCases(services, { instanceDomain: config.instanceDomain }),
    settings: {
      instanceDomain: config.instanceDomain,
      ...(config.reminderChannelId ? { reminderChannelId: config.reminderChannelId } : {}),
      ...(config.rotationIntervalDays ? { rotationIntervalDays: config.rotationIntervalDays } : {}),
      leadBusinessDays: config.leadBusinessDays,
      meetingHosts: config.meetingHosts,
      policyTimeZone: config.calendar.timeZone,
    },
    now: () => clock.now(),
    today: () => todayIn(config.calendar, clock.now()),
    messageContext: () => ({ policy: services.policy, ...(config.portalUrl ? { portalUrl: config.portalUrl } : {}), now: clock.now() }),
    limits: rateLimiters(clock, options.rateLimits),
    userTimeZone: async (userId) => (await quickClient.users.info({ user: userId }).catch(() => undefined))?.user?.tz ?? undefined,
  };
}

/** Builds and starts the whole bot from a checked configuration. */
export async function startBot(config: Config, options: BotOptions = {}): Promise<RunningBot> {
  const logger = new RedactingLogger(options.logger ?? new ConsoleLogger(), configSecrets(config));
  logger.setLevel(LOG_LEVELS[config.logLevel]);
  const clock = options.clock ?? { now: () => new Date() };
  const identity = await verifyBotToken(config, logger);
  const store = await openAnsweringStore(config, options, logger);
  const work = workInFlight();

  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.slack.apiUrl,
    // Rate limits and 5xx are retried, but not for the client's default half hour.
    retryConfig: options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
  };
  const transport = slackTransport(config.slack, { logger, health: storeHealth(store.rotations, logger), track: work.track, clientOptions });
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
    ...identity,
  });
  logListenerErrors(app, logger);

  const quickClient = quickWebClient(config, logger);
  const approvers = new SlackApproverDirectory(quickClient, config.approvers, clock, logger);
  // The export's names: looked up after the answer, without retries (a name Slack cannot give now is left out).
  const people = new SlackPeopleDirectory(quickClient, clock, logger);
  const services = serviceDeps(config, { app, store, approvers, people, clock, logger, track: work.track }, options);
  const deps = listenerDeps(config, { services, clock, quickClient }, options);
  // Global middleware runs in this order, before any listener: the user-id and trigger_id checks
  // first, so that the rate limiter only ever counts well-formed requests.
  registerListeners(app, deps, { logger, track: work.track });
  // The scheduler also prunes: it gets the engine's locks and the retention, which no use case needs.
  const scheduler = new Scheduler(
    { ...services, locks: store.locks, retentionDays: config.retentionDays },
    { intervalMs: config.schedulerIntervalSeconds * 1000 },
  );

  let port: number;
  try {
    port = await transport.start(app, config.port);
  } catch (error) {
    await transport.close().catch(() => undefined);
    await store.rotations.close();
    throw error;
  }
  approvers.start();
  await scheduler.start();
  logger.info(`wfi-rotate is running (${transport.mode === 'http' ? 'HTTP' : 'Socket Mode'}, port ${port})`);

  let stopping: Promise<void> | undefined;
  return {
    port,
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
          await store.rotations.close();
        }
      })();
      return stopping;
    },
  };
}
