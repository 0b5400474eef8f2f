import { z } from 'zod';
import { CodedError } from './domain/errors';
import { isCalendarDate, isTimeZone, type BusinessCalendar } from './domain/calendar';
import { DEFAULT_RETENTION_DAYS, MIN_RETENTION_DAYS } from './domain/retention';
import { isChannelId } from './domain/rotation';

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

export interface Approvers {
  userIds: string[];
  groupIds: string[];
}

/** The parts of the configuration the pure domain and the offline preview need. */
export interface PolicyConfig {
  calendar: BusinessCalendar;
  leadBusinessDays: number;
  reminderHour: number;
  instanceDomain: string;
}

export interface Config extends PolicyConfig {
  slack: {
    botToken: string;
    /** Unset only in Socket Mode, where requests arrive over the authenticated socket. */
    signingSecret?: string;
    appToken?: string;
    apiUrl: string;
  };
  port: number;
  storeUrl: string;
  approvers: Approvers;
  allowSelfApproval: boolean;
  reminderChannelId?: string;
  schedulerIntervalSeconds: number;
  /** Days a finished reminder is kept before it is pruned (WFI_RETENTION_DAYS). */
  retentionDays: number;
  digestDay: number | 'off';
  rotationIntervalDays?: number;
  portalUrl?: string;
  /** Host suffixes a meeting join link may point at, besides Webex, Teams, Zoom and Skype. */
  meetingHosts: string[];
  logLevel: LogLevelName;
}

/** CONFIG_INVALID, with every problem found (each names its variable). */
export class ConfigError extends CodedError {
  constructor(readonly problems: string[]) {
    super(
      'CONFIG_INVALID',
      `wfi-rotate cannot start: the configuration has ${problems.length} problem(s).\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSet these environment variables (see README.md, "Configuration") and start again.',
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

function integer(name: string, fallback: number, min: number, max: number) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return fallback;
        const n = Number(value);
        if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
          ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max} (got "${value}")` });
          return z.NEVER;
        }
        return n;
      }),
  );
}

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

// Two labels at least: a bare `com` would let a join link point anywhere under it.
function isHostName(host: string): boolean {
  const labels = host.split('.');
  return host.length <= 253 && labels.length >= 2 && labels.every((label) => HOST_LABEL.test(label));
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Host names (as the URL parser writes them) that never leave this machine. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The tokens travel with every Web API call, so never in clear: https,
 * or http to this machine only (a fake Slack under test).
 */
function isSafeApiUrl(value: string): boolean {
  const url = parseUrl(value);
  return url?.protocol === 'https:' || (url?.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

// memory:// names nothing further; the others need a path or a host after the scheme.
const STORE_SCHEMES = /^(?:(?:sqlite|redis|rediss|postgres|postgresql):\/\/.|memory:\/\/)/;

const policySchema = z.object({
  WFI_TIMEZONE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default('UTC')
      .refine(isTimeZone, { message: 'WFI_TIMEZONE must be an IANA time zone such as Europe/Paris or UTC' }),
  ),
  WFI_HOLIDAYS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const dates = list(value);
      const bad = dates.filter((d) => !isCalendarDate(d));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `WFI_HOLIDAYS must be comma-separated YYYY-MM-DD dates (bad: ${bad.join(', ')})` });
        return z.NEVER;
      }
      return dates;
    }),
  WFI_LEAD_BUSINESS_DAYS: integer('WFI_LEAD_BUSINESS_DAYS', 10, 1, 60),
  WFI_REMINDER_HOUR: integer('WFI_REMINDER_HOUR', 9, 0, 23),
  WFI_INSTANCE_DOMAIN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default('wfi.pega.com')
      .transform((d) => d.toLowerCase().replace(/^\.+/, ''))
      .refine((d) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d), {
        message: 'WFI_INSTANCE_DOMAIN must be a host name suffix such as wfi.pega.com',
      }),
  ),
});

const storeUrl = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default('sqlite://data/wfi-rotate.sqlite')
    .refine((u) => STORE_SCHEMES.test(u), {
      message: 'STORE_URL must be sqlite://PATH, redis://…, postgres://… or postgresql://…',
    }),
);

const slackSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'SLACK_BOT_TOKEN is required: the bot token (xoxb-…) from OAuth & Permissions' })
    .refine((t) => t.startsWith('xoxb-'), { message: 'SLACK_BOT_TOKEN must be a bot token starting with xoxb-' }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((t) => t === undefined || t.startsWith('xapp-'), {
    message: 'SLACK_APP_TOKEN must be an app-level token starting with xapp-',
  }),
  SLACK_API_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default('https://slack.com/api/')
      .refine(isSafeApiUrl, {
        message: 'SLACK_API_URL must be an https:// URL such as https://slack.com/api/ (http:// only to 127.0.0.1, [::1] or localhost)',
      })
      .transform((u) => (u.endsWith('/') ? u : `${u}/`)),
  ),
  PORT: integer('PORT', 3000, 0, 65535),
  STORE_URL: storeUrl,
  WFI_APPROVERS: z
    .string({ error: 'WFI_APPROVERS is required: comma-separated Slack user IDs (U…/W…) or user-group IDs (S…)' })
    .transform((value, ctx) => {
      const ids = list(value);
      const bad = ids.filter((id) => !/^[UWS][A-Z0-9]{2,}$/.test(id));
      if (ids.length === 0 || bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message:
            'WFI_APPROVERS must list Slack user IDs (U…/W…) or user-group IDs (S…), comma-separated' +
            (bad.length > 0 ? ` (bad: ${bad.join(', ')})` : ''),
        });
        return z.NEVER;
      }
      return {
        userIds: ids.filter((id) => !id.startsWith('S')),
        groupIds: ids.filter((id) => id.startsWith('S')),
      };
    }),
  WFI_ALLOW_SELF_APPROVAL: z.preprocess(
    blankToUndefined,
    z.enum(['true', 'false'], { error: 'WFI_ALLOW_SELF_APPROVAL must be true or false' }).default('false'),
  ),
  WFI_REMINDER_CHANNEL: optionalText.refine((c) => c === undefined || isChannelId(c), {
    message: 'WFI_REMINDER_CHANNEL must be a channel ID such as C0123ABCD (not a #name)',
  }),
  WFI_SCHEDULER_INTERVAL_SECONDS: integer('WFI_SCHEDULER_INTERVAL_SECONDS', 60, 1, 3600),
  WFI_RETENTION_DAYS: integer('WFI_RETENTION_DAYS', DEFAULT_RETENTION_DAYS, MIN_RETENTION_DAYS, 3650),
  WFI_DIGEST_DAY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default('monday')
      .transform((d) => d.toLowerCase())
      .refine((d) => d === 'off' || WEEKDAYS.includes(d), {
        message: 'WFI_DIGEST_DAY must be a weekday name (monday … sunday) or off',
      })
      .transform((d) => (d === 'off' ? ('off' as const) : WEEKDAYS.indexOf(d))),
  ),
  WFI_ROTATION_INTERVAL_DAYS: z.preprocess(
    blankToUndefined,
    integer('WFI_ROTATION_INTERVAL_DAYS', 0, 1, 3650).optional(),
  ),
  WFI_PORTAL_URL: optionalText.refine((u) => u === undefined || (parseUrl(u)?.protocol === 'https:' && u.startsWith('https:')), {
    message: 'WFI_PORTAL_URL must be an https:// URL',
  }),
  WFI_MEETING_HOSTS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      // A leading dot reads as "any subdomain of", which a suffix already means.
      const hosts = list(value).map((host) => host.toLowerCase().replace(/^\.+/, ''));
      const bad = hosts.filter((host) => !isHostName(host));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `WFI_MEETING_HOSTS must be comma-separated host names such as meet.acme.com (bad: ${bad.join(', ')})`,
        });
        return z.NEVER;
      }
      return hosts;
    }),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['debug', 'info', 'warn', 'error'], { error: 'LOG_LEVEL must be debug, info, warn or error' }).default('info'),
  ),
});

function problemsOf(error: z.ZodError): string[] {
  // Messages name the variable themselves and never echo a token's value.
  return error.issues.map((issue) => issue.message);
}

function toPolicy(env: z.output<typeof policySchema>): PolicyConfig {
  return {
    calendar: { timeZone: env.WFI_TIMEZONE, holidays: new Set(env.WFI_HOLIDAYS) },
    leadBusinessDays: env.WFI_LEAD_BUSINESS_DAYS,
    reminderHour: env.WFI_REMINDER_HOUR,
    instanceDomain: env.WFI_INSTANCE_DOMAIN,
  };
}

/** The business-day policy alone: what the offline preview needs, without any Slack token. */
export function loadPolicyConfig(env: Env = process.env): PolicyConfig {
  const parsed = policySchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  return toPolicy(parsed.data);
}

/** STORE_URL alone, checked as the bot checks it: what the maintenance commands (audit:verify) need, without any Slack token. */
export function loadStoreUrl(env: Env = process.env): string {
  const parsed = z.object({ STORE_URL: storeUrl }).safeParse(env);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  return parsed.data.STORE_URL;
}

/** Reads and checks every variable at once, so one message names everything that is wrong. */
export function loadConfig(env: Env = process.env): Config {
  const policy = policySchema.safeParse(env);
  const slack = slackSchema.safeParse(env);
  const problems = [
    ...(policy.success ? [] : problemsOf(policy.error)),
    ...(slack.success ? [] : problemsOf(slack.error)),
  ];
  if (!env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim()) {
    problems.push(
      'SLACK_SIGNING_SECRET is required in HTTP mode (Basic Information → Signing Secret); or set SLACK_APP_TOKEN for Socket Mode',
    );
  }
  if (!policy.success || !slack.success || problems.length > 0) throw new ConfigError(problems);
  const s = slack.data;
  return {
    ...toPolicy(policy.data),
    slack: {
      botToken: s.SLACK_BOT_TOKEN,
      ...(s.SLACK_SIGNING_SECRET ? { signingSecret: s.SLACK_SIGNING_SECRET } : {}),
      ...(s.SLACK_APP_TOKEN ? { appToken: s.SLACK_APP_TOKEN } : {}),
      apiUrl: s.SLACK_API_URL,
    },
    port: s.PORT,
    storeUrl: s.STORE_URL,
    approvers: s.WFI_APPROVERS,
    allowSelfApproval: s.WFI_ALLOW_SELF_APPROVAL === 'true',
    ...(s.WFI_REMINDER_CHANNEL ? { reminderChannelId: s.WFI_REMINDER_CHANNEL } : {}),
    schedulerIntervalSeconds: s.WFI_SCHEDULER_INTERVAL_SECONDS,
    retentionDays: s.WFI_RETENTION_DAYS,
    digestDay: s.WFI_DIGEST_DAY,
    ...(s.WFI_ROTATION_INTERVAL_DAYS ? { rotationIntervalDays: s.WFI_ROTATION_INTERVAL_DAYS } : {}),
    ...(s.WFI_PORTAL_URL ? { portalUrl: s.WFI_PORTAL_URL } : {}),
    meetingHosts: s.WFI_MEETING_HOSTS,
    logLevel: s.LOG_LEVEL,
  };
}
