import { z } from 'zod';
import { CodedError } from './domain/errors';
import { isCalendarDate, isTimeZone, type BusinessCalendar } from './domain/calendar';
import { PERSON_LIMITS, RATE_LIMITS, type PersonLimitKind, type RateLimit } from './domain/rate-limits';
import { DEFAULT_RETENTION_DAYS, MIN_RETENTION_DAYS } from './domain/retention';
import { isChannelId } from './domain/rotation';
import { redactUrl } from './lib/error-text';
import { storeUrlProblem } from './store/store-url';

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';
/** `text`: the lines as they have always been; `json`: one JSON object per line, for a log pipeline. */
export type LogFormatName = 'text' | 'json';

/** How the bot logs: what `createLogger` (src/logging.ts) is given. */
export interface LogConfig {
  logLevel: LogLevelName;
  logFormat: LogFormatName;
}

/**
 * A user group of WFI_APPROVERS: `S…`, or `S…@T…` naming the workspace its
 * members are read in (Slack requires one for an org-wide install's token).
 */
export interface ApproverGroup {
  id: string;
  teamId?: string;
}

export interface Approvers {
  userIds: string[];
  groups: ApproverGroup[];
}

/** The parts of the configuration the pure domain and the offline preview need. */
export interface PolicyConfig {
  calendar: BusinessCalendar;
  leadBusinessDays: number;
  reminderHour: number;
  instanceDomain: string;
}

export interface Config extends PolicyConfig, LogConfig {
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
  /** Per-person limits (WFI_RATE_LIMITS over RATE_LIMITS), counted by every replica together on Redis and PostgreSQL. */
  rateLimits: Record<PersonLimitKind, RateLimit>;
  /**
   * Prometheus metrics on `GET /metrics`; unset when off (METRICS_ENABLED and
   * METRICS_PORT unset). With `port`, served on that port alone instead of PORT.
   */
  metrics?: { port?: number };
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

/** One of `allowed` (any case), or `fallback` when unset; a problem naming the variable, its value and what is allowed otherwise. */
function oneOf<T extends string, F extends T | undefined>(name: string, allowed: readonly T[], fallback: F) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value, ctx): T | F => {
        if (value === undefined) return fallback;
        const chosen = allowed.find((option) => option === value.trim().toLowerCase());
        if (chosen === undefined) {
          ctx.addIssue({ code: 'custom', message: `${name} must be ${allowed.join(' or ')} (got "${value}")` });
          return z.NEVER;
        }
        return chosen;
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

/** `(got "VALUE")`, for a setting whose value is no secret: the person sees what the bot read. */
const got = (value: unknown) => `(got "${String(value)}")`;

/** The token prefixes people paste into the wrong variable, and what each one is. Only the prefix is ever printed. */
const TOKEN_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['xoxb-', 'a bot token, for SLACK_BOT_TOKEN'],
  ['xapp-', 'an app-level token, for SLACK_APP_TOKEN'],
  ['xoxp-', 'a user token, which the bot does not use'],
  ['xoxe', 'a token of token rotation, which the bot does not use'],
];

/** A template's stand-in left as it was (`.env.example`'s `xoxb-…`): nothing to send to Slack yet. */
const isPlaceholder = (token: string, prefix: string) => token === prefix || token.includes('…') || token.includes('...');

/** What a wrongly prefixed token is, without printing it: "it starts with xapp-: an app-level token, for SLACK_APP_TOKEN". */
function tokenKind(token: string): string {
  const kind = TOKEN_KINDS.find(([prefix]) => token.startsWith(prefix));
  return kind ? ` (it starts with ${kind[0]}: ${kind[1]})` : '';
}

const DURATION_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;
const MAX_RATE_LIMIT = 1_000_000;
const MAX_RATE_WINDOW_MS = 24 * 3_600_000;
const RATE_LIMITS_FORM =
  `comma-separated KIND=COUNT/DURATION, KIND one of ${PERSON_LIMITS.join(', ')} (each at most once; those left out keep their default), ` +
  `COUNT a whole number from 1 to ${MAX_RATE_LIMIT}, DURATION a whole number of seconds, minutes or hours from 1s to 24h, ` +
  'e.g. clicks=30/60s,commands=20/60s,requests=10/10m';

/** One `KIND=COUNT/DURATION` of WFI_RATE_LIMITS, or why it is not one. */
function parseRateLimit(item: string, seen: ReadonlySet<string>): { kind: PersonLimitKind; rule: RateLimit } | string {
  const match = /^([a-z]+)\s*=\s*(\d+)\s*\/\s*(\d+)\s*([smh])$/i.exec(item);
  if (!match) return `"${item}" is not KIND=COUNT/DURATION`;
  const [, kindText = '', countText = '', amountText = '', unit = ''] = match;
  const kind = PERSON_LIMITS.find((k) => k === kindText.toLowerCase());
  if (!kind) return `"${kindText}" is not a kind of limit`;
  if (seen.has(kind)) return `${kind} is given twice`;
  const limit = Number(countText);
  const windowMs = Number(amountText) * DURATION_UNITS_MS[unit.toLowerCase() as keyof typeof DURATION_UNITS_MS];
  if (limit < 1 || limit > MAX_RATE_LIMIT) return `the count of ${kind} is out of range`;
  if (windowMs < 1000 || windowMs > MAX_RATE_WINDOW_MS) return `the duration of ${kind} is out of range`;
  return { kind, rule: { limit, windowMs } };
}

const rateLimitsSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const rules: Record<PersonLimitKind, RateLimit> = { clicks: RATE_LIMITS.clicks, commands: RATE_LIMITS.commands, requests: RATE_LIMITS.requests };
    const seen = new Set<string>();
    for (const item of list(value)) {
      const parsed = parseRateLimit(item, seen);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: `WFI_RATE_LIMITS must be ${RATE_LIMITS_FORM} (got "${value}": ${parsed})` });
        return z.NEVER;
      }
      seen.add(parsed.kind);
      rules[parsed.kind] = parsed.rule;
    }
    return rules;
  });

const policySchema = z.object({
  WFI_TIMEZONE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default('UTC')
      .superRefine((zone, ctx) => {
        if (!isTimeZone(zone)) {
          ctx.addIssue({ code: 'custom', message: `WFI_TIMEZONE must be an IANA time zone such as Europe/Paris, America/New_York or UTC ${got(zone)}` });
        }
      }),
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
      .superRefine((d, ctx) => {
        if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)) {
          ctx.addIssue({ code: 'custom', message: `WFI_INSTANCE_DOMAIN must be a host name suffix such as wfi.pega.com ${got(d)}` });
        }
      }),
  ),
});

/** STORE_URL, as the bot and the maintenance commands (audit:verify) check it. */
const storeUrl = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default('sqlite://data/wfi-rotate.sqlite')
    .superRefine((u, ctx) => {
      const problem = storeUrlProblem(u);
      if (problem) ctx.addIssue({ code: 'custom', message: `STORE_URL ${problem}` });
    }),
);

const USER_ENTRY = /^[UW][A-Z0-9]{2,}$/;
/** `S…`, or `S…@T…`: a group and the workspace it is read in. */
const GROUP_ENTRY = /^(S[A-Z0-9]{2,})(?:@(T[A-Z0-9]{2,}))?$/;
const APPROVERS_FORM =
  'Slack user IDs (U…/W…) or user-group IDs (S…, or S…@T… for a group read in workspace T… of an Enterprise Grid org), comma-separated';

const slackSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'SLACK_BOT_TOKEN is required: the bot token (xoxb-…) from OAuth & Permissions' })
    .superRefine((t, ctx) => {
      if (isPlaceholder(t, 'xoxb-')) {
        ctx.addIssue({ code: 'custom', message: "SLACK_BOT_TOKEN is still a placeholder: paste the Bot User OAuth Token (xoxb-…), under Install App in the app's settings" });
      } else if (!t.startsWith('xoxb-')) {
        ctx.addIssue({
          code: 'custom',
          message: `SLACK_BOT_TOKEN must be a bot token starting with xoxb-${tokenKind(t)}: the Bot User OAuth Token, under Install App in the app's settings`,
        });
      }
    }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.superRefine((t, ctx) => {
    if (t !== undefined && isPlaceholder(t, 'xapp-')) {
      ctx.addIssue({
        code: 'custom',
        message: 'SLACK_APP_TOKEN is still a placeholder: paste the app-level token (xapp-…) from Basic Information → App-Level Tokens, or remove it for HTTP mode',
      });
    } else if (t !== undefined && !t.startsWith('xapp-')) {
      ctx.addIssue({
        code: 'custom',
        message: `SLACK_APP_TOKEN must be an app-level token starting with xapp-${tokenKind(t)}: Basic Information → App-Level Tokens, or unset it for HTTP mode`,
      });
    }
  }),
  SLACK_API_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default('https://slack.com/api/')
      .superRefine((u, ctx) => {
        if (!isSafeApiUrl(u)) {
          ctx.addIssue({
            code: 'custom',
            message: `SLACK_API_URL must be an https:// URL such as https://slack.com/api/ (http:// only to 127.0.0.1, [::1] or localhost) ${got(redactUrl(u))}`,
          });
        }
      })
      .transform((u) => (u.endsWith('/') ? u : `${u}/`)),
  ),
  PORT: integer('PORT', 3000, 0, 65535),
  STORE_URL: storeUrl,
  WFI_APPROVERS: z
    .string({ error: `WFI_APPROVERS is required: ${APPROVERS_FORM}` })
    .transform((value, ctx) => {
      const ids = list(value);
      const bad = ids.filter((id) => !USER_ENTRY.test(id) && !GROUP_ENTRY.test(id));
      if (ids.length === 0 || bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message:
            `WFI_APPROVERS must list ${APPROVERS_FORM}, not names` +
            (bad.length > 0 ? ` (bad: ${bad.join(', ')})` : '') +
            ": a person's ID is under their profile → ⋯ → Copy member ID",
        });
        return z.NEVER;
      }
      return {
        userIds: ids.filter((id) => USER_ENTRY.test(id)),
        groups: ids.flatMap((entry): ApproverGroup[] => {
          const [, id = '', teamId] = GROUP_ENTRY.exec(entry) ?? [];
          return id === '' ? [] : [{ id, ...(teamId ? { teamId } : {}) }];
        }),
      };
    }),
  WFI_ALLOW_SELF_APPROVAL: z.preprocess(
    blankToUndefined,
    z.enum(['true', 'false'], { error: (issue) => `WFI_ALLOW_SELF_APPROVAL must be true or false ${got(issue.input)}` }).default('false'),
  ),
  WFI_REMINDER_CHANNEL: optionalText.superRefine((c, ctx) => {
    if (c !== undefined && !isChannelId(c)) {
      ctx.addIssue({
        code: 'custom',
        message: `WFI_REMINDER_CHANNEL must be a channel ID such as C0123ABCD, not a #name ${got(c)}: in Slack, the channel's details → About → Channel ID`,
      });
    }
  }),
  WFI_SCHEDULER_INTERVAL_SECONDS: integer('WFI_SCHEDULER_INTERVAL_SECONDS', 60, 1, 3600),
  WFI_RETENTION_DAYS: integer('WFI_RETENTION_DAYS', DEFAULT_RETENTION_DAYS, MIN_RETENTION_DAYS, 3650),
  WFI_DIGEST_DAY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default('monday')
      .transform((d) => d.toLowerCase())
      .superRefine((d, ctx) => {
        if (d !== 'off' && !WEEKDAYS.includes(d)) {
          ctx.addIssue({ code: 'custom', message: `WFI_DIGEST_DAY must be a weekday name (monday … sunday) or off ${got(d)}` });
        }
      })
      .transform((d) => (d === 'off' ? ('off' as const) : WEEKDAYS.indexOf(d))),
  ),
  WFI_ROTATION_INTERVAL_DAYS: z.preprocess(
    blankToUndefined,
    integer('WFI_ROTATION_INTERVAL_DAYS', 0, 1, 3650).optional(),
  ),
  WFI_PORTAL_URL: optionalText.superRefine((u, ctx) => {
    if (u !== undefined && !(parseUrl(u)?.protocol === 'https:' && u.startsWith('https:'))) {
      ctx.addIssue({ code: 'custom', message: `WFI_PORTAL_URL must be an https:// URL ${got(redactUrl(u))}` });
    }
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
  WFI_RATE_LIMITS: rateLimitsSchema,
  METRICS_ENABLED: oneOf('METRICS_ENABLED', ['true', 'false'] as const, undefined),
  METRICS_PORT: z.preprocess(blankToUndefined, integer('METRICS_PORT', 0, 0, 65535).optional()),
});

const logSchema = z.object({
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['debug', 'info', 'warn', 'error'], { error: (issue) => `LOG_LEVEL must be debug, info, warn or error ${got(issue.input)}` }).default('info'),
  ),
  LOG_FORMAT: oneOf('LOG_FORMAT', ['text', 'json'] as const, 'text'),
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

/** Every variable the bot reads. */
const KNOWN_VARIABLES = [...Object.keys(policySchema.shape), ...Object.keys(slackSchema.shape), ...Object.keys(logSchema.shape)];

/** Edits (insert, delete, replace a character) from `a` to `b`: how a typo is told from another name. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known variable `name` is probably a typo of: close in spelling, or the same but for underscores and case. */
function meant(name: string): string | undefined {
  const squeeze = (n: string) => n.replace(/_/g, '').toUpperCase();
  return KNOWN_VARIABLES.find((known) => squeeze(known) === squeeze(name) || editDistance(known, name.toUpperCase()) <= 2);
}

/**
 * Variables that look meant for the bot but are none of its settings, each
 * with the one it probably is: `WFI_TIME_ZONE` is otherwise ignored in
 * silence, and reminders go out at 09:00 UTC. Every unknown `WFI_…` name is
 * named; other names (`SLACK_…` ones belong to other tools too) only when
 * they are a near miss of one of ours.
 */
export function configWarnings(env: Env = process.env): string[] {
  return Object.keys(env)
    .filter((name) => !KNOWN_VARIABLES.includes(name) && /^(?:WFI|SLACK)_/i.test(name))
    .flatMap((name) => {
      const known = meant(name);
      if (known) return [`${name} is not a setting of wfi-rotate and is ignored: did you mean ${known}?`];
      return /^WFI_/i.test(name) ? [`${name} is not a setting of wfi-rotate and is ignored (see README.md, "Configuration")`] : [];
    });
}

/**
 * How to log, read leniently: a bad value is taken as its default, so that
 * the message saying so (from `loadConfig`) can itself be logged in the
 * format asked for whenever that format is valid. For start-up, before
 * `loadConfig` has succeeded.
 */
export function loadLogConfig(env: Env = process.env): LogConfig {
  const level = logSchema.shape.LOG_LEVEL.safeParse(env.LOG_LEVEL);
  const format = logSchema.shape.LOG_FORMAT.safeParse(env.LOG_FORMAT);
  return { logLevel: level.success ? level.data : 'info', logFormat: format.success ? format.data : 'text' };
}

/** Where /metrics is served, once each variable is valid on its own; problems with the two together go to `problems`. */
function metricsSetting(s: z.output<typeof slackSchema>, problems: string[]): Config['metrics'] {
  const { METRICS_ENABLED: enabled, METRICS_PORT: port } = s;
  if (port !== undefined && enabled === 'false') {
    problems.push(`METRICS_PORT is set (${port}) but METRICS_ENABLED is false: unset METRICS_PORT, or set METRICS_ENABLED=true`);
  } else if (port !== undefined && port !== 0 && port === s.PORT) {
    problems.push(`METRICS_PORT must differ from PORT (both ${port}): unset METRICS_PORT to serve /metrics on PORT`);
  }
  if (port !== undefined) return { port };
  return enabled === 'true' ? {} : undefined;
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
  const log = logSchema.safeParse(env);
  const problems = [
    ...(policy.success ? [] : problemsOf(policy.error)),
    ...(slack.success ? [] : problemsOf(slack.error)),
    ...(log.success ? [] : problemsOf(log.error)),
  ];
  if (!env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim()) {
    problems.push(
      'SLACK_SIGNING_SECRET is required in HTTP mode (Basic Information → Signing Secret); or set SLACK_APP_TOKEN for Socket Mode',
    );
  }
  const metrics = slack.success ? metricsSetting(slack.data, problems) : undefined;
  if (!policy.success || !slack.success || !log.success || problems.length > 0) throw new ConfigError(problems);
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
    rateLimits: s.WFI_RATE_LIMITS,
    ...(metrics ? { metrics } : {}),
    logLevel: log.data.LOG_LEVEL,
    logFormat: log.data.LOG_FORMAT,
  };
}
