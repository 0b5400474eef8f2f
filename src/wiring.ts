import { randomInt } from 'node:crypto';
import { webApi, type App, type Logger } from '@slack/bolt';
import type { Config } from './config';
import { todayIn } from './domain/calendar';
import type { ApproverDirectory, Clock, PeopleDirectory, ReminderSchedule, RotationStore, SharedRateCounters, StepExecutionStore } from './domain/ports';
import type { BotMetrics } from './metrics/bot-metrics';
import { HomePublisher } from './services/home-publisher';
import type { ServiceDeps } from './services/lifecycle-deps';
import { useCases } from './services/use-cases';
import type { ListenerDeps } from './slack/deps';
import { SlackNotifier } from './slack/notifier';
import { RATE_LIMITS, rateLimiters, sharedRateLimiters, type RateLimiters, type RateLimitRules } from './slack/rate-limits';
import { SlackStepCompleter } from './slack/step-completer';

/**
 * The composition of the bot's parts, from the configuration and what
 * start-up opened (the store, the Bolt app, the clock): the use cases' ports,
 * the rate limits and what the listeners get. `bot.ts` runs start-up and stop
 * and calls these in order.
 */

/** What tests may replace in the wiring (part of `BotOptions`). */
export interface WiringOptions {
  randomIndex?: (exclusiveMax: number) => number;
  /** Tests shorten the Web client's retries (its default keeps trying for about 30 minutes). */
  retryConfig?: webApi.RetryOptions;
  /** Replaces WFI_RATE_LIMITS and RATE_LIMITS (a test that drives one person through hundreds of steps). */
  rateLimits?: RateLimitRules;
  /**
   * Replaces SHARED_COUNT_TIMEOUT_MS: tests that count hits exactly give the
   * shared store longer, so a busy machine cannot turn a count into a local one.
   */
  sharedCountTimeoutMs?: number;
}

/** Timeout of the Web API calls someone may be waiting on (see quickWebClient). */
const QUICK_CALL_TIMEOUT_MS = 2000;

/**
 * Calls a person or Slack may be waiting on (a user group's members, a time
 * zone for a form): no retries and no waiting out a rate limit, a short
 * timeout; whoever asks copes with no answer.
 */
export function quickWebClient(config: Config, logger: Logger, fetch?: webApi.FetchFunction): webApi.WebClient {
  return new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger,
    ...(fetch ? { fetch } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: QUICK_CALL_TIMEOUT_MS,
  });
}

/** The use cases' ports, wired to Slack and the store; `homes` is the process's App Home publisher, stopped with the bot. */
export function serviceDeps(
  config: Config,
  parts: {
    app: App;
    store: { rotations: RotationStore; reminders: ReminderSchedule; steps: StepExecutionStore };
    approvers: ApproverDirectory;
    people: PeopleDirectory;
    clock: Clock;
    logger: Logger;
    track: <T>(work: Promise<T>) => Promise<T>;
    metrics: BotMetrics | undefined;
    fetch: webApi.FetchFunction | undefined;
    orgWide: boolean;
  },
  options: WiringOptions,
): ServiceDeps & { homes: HomePublisher } {
  const policy = { calendar: config.calendar, leadBusinessDays: config.leadBusinessDays };
  const approverMentions = [
    ...config.approvers.userIds.map((id) => `<@${id}>`),
    // A group listed for two workspaces (S…@T1, S…@T2) is one group, mentioned once.
    ...[...new Set(config.approvers.groups.map((group) => group.id))].map((id) => `<!subteam^${id}>`),
  ];
  const notifier = new SlackNotifier(
    parts.app.client,
    {
      policy,
      ...(config.portalUrl ? { portalUrl: config.portalUrl } : {}),
      leadBusinessDays: config.leadBusinessDays,
      approverMentions,
      ...(parts.orgWide ? { orgWide: true } : {}),
    },
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
    ...(parts.orgWide ? { orgWide: true } : {}),
    ...(parts.metrics ? { metrics: parts.metrics } : {}),
    steps: {
      executions: parts.store.steps,
      completer: new SlackStepCompleter({
        apiUrl: config.slack.apiUrl,
        botClient: parts.app.client,
        clock: parts.clock,
        logger: parts.logger,
        ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
        ...(parts.fetch ? { fetch: parts.fetch } : {}),
      }),
    },
  };
}

/**
 * The per-person limits: counted by every replica together on the store when
 * it is shared (Redis, PostgreSQL), each falling back to this process's count
 * when the store does not answer; in this process on memory and SQLite (one
 * process). The exposure notices are always counted per replica.
 */
export function limitsFor(config: Config, parts: { clock: Clock; logger: Logger; rateCounters?: SharedRateCounters }, options: WiringOptions): RateLimiters {
  const local = rateLimiters(parts.clock, options.rateLimits ?? { ...config.rateLimits, exposureNotices: RATE_LIMITS.exposureNotices });
  return parts.rateCounters ? sharedRateLimiters(local, parts.rateCounters, parts.logger, options.sharedCountTimeoutMs) : local;
}

/** What the listeners get: the use cases and what they need to translate between Slack and them. */
export function listenerDeps(
  config: Config,
  parts: { services: ServiceDeps; clock: Clock; quickClient: webApi.WebClient; limits: RateLimiters },
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
    messageContext: () => ({
      policy: services.policy,
      ...(config.portalUrl ? { portalUrl: config.portalUrl } : {}),
      ...(services.orgWide ? { orgWide: true } : {}),
      now: clock.now(),
    }),
    limits: parts.limits,
    userTimeZone: async (userId) => (await quickClient.users.info({ user: userId }).catch(() => undefined))?.user?.tz ?? undefined,
  };
}
