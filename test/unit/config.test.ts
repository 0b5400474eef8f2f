import { ConfigError, configWarnings, loadConfig, loadLogConfig, loadPolicyConfig } from '../../src/config';

type Env = Record<string, string | undefined>;

// Made-up values; the token-like ones are distinctive so that a leak into a message is easy to spot.
const HTTP_MODE: Env = {
  SLACK_BOT_TOKEN: 'xoxb-111-222-botTokenValue',
  SLACK_SIGNING_SECRET: 'signingSecretValue123',
  WFI_APPROVERS: 'U0APPROVE1',
};

function configError(env: Env, load: (env: Env) => unknown = loadConfig): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function problemsNaming(error: ConfigError, variable: string): string[] {
  return error.problems.filter((problem) => problem.startsWith(`${variable} `));
}

describe('loadConfig', () => {
  describe('defaults', () => {
    it('given only the required variables (HTTP mode), when loaded, then every other setting has its default', () => {
      expect(loadConfig(HTTP_MODE)).toStrictEqual({
        calendar: { timeZone: 'UTC', holidays: new Set() },
        leadBusinessDays: 10,
        reminderHour: 9,
        instanceDomain: 'wfi.pega.com',
        slack: {
          botToken: 'xoxb-111-222-botTokenValue',
          signingSecret: 'signingSecretValue123',
          apiUrl: 'https://slack.com/api/',
        },
        port: 3000,
        storeUrl: 'sqlite://data/wfi-rotate.sqlite',
        approvers: { userIds: ['U0APPROVE1'], groups: [] },
        allowSelfApproval: false,
        schedulerIntervalSeconds: 60,
        retentionDays: 90,
        digestDay: 1,
        meetingHosts: [],
        rateLimits: {
          clicks: { limit: 30, windowMs: 60_000 },
          commands: { limit: 20, windowMs: 60_000 },
          requests: { limit: 10, windowMs: 600_000 },
        },
        logLevel: 'info',
        logFormat: 'text',
      });
    });

    it('given optional variables set to blanks, when loaded, then they count as unset', () => {
      const config = loadConfig({
        ...HTTP_MODE,
        WFI_TIMEZONE: ' ',
        WFI_LEAD_BUSINESS_DAYS: '',
        PORT: '',
        WFI_DIGEST_DAY: '',
        WFI_REMINDER_CHANNEL: '  ',
        WFI_ROTATION_INTERVAL_DAYS: '',
        WFI_RETENTION_DAYS: ' ',
        WFI_RATE_LIMITS: ' ',
        LOG_LEVEL: '',
        LOG_FORMAT: ' ',
        METRICS_ENABLED: '',
        METRICS_PORT: ' ',
      });

      expect(config.calendar.timeZone).toBe('UTC');
      expect(config.logFormat).toBe('text');
      expect('metrics' in config).toBe(false);
      expect(config.leadBusinessDays).toBe(10);
      expect(config.port).toBe(3000);
      expect(config.digestDay).toBe(1);
      expect(config.logLevel).toBe('info');
      expect(config.retentionDays).toBe(90);
      expect(config.rateLimits.clicks).toEqual({ limit: 30, windowMs: 60_000 });
      expect('reminderChannelId' in config).toBe(false);
      expect('rotationIntervalDays' in config).toBe(false);
    });
  });

  it('given every variable set to a valid value, when loaded, then each one is read and normalised', () => {
    expect(
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-111-222-botTokenValue',
        SLACK_SIGNING_SECRET: 'signingSecretValue123',
        SLACK_APP_TOKEN: 'xapp-1-A0-333-appTokenValue',
        SLACK_API_URL: 'http://127.0.0.1:9999/api',
        PORT: '8080',
        STORE_URL: 'redis://localhost:6379',
        WFI_APPROVERS: 'U0AAAAAAA, S0GROUP01 ,W0BBBBBBB',
        WFI_ALLOW_SELF_APPROVAL: 'true',
        WFI_REMINDER_CHANNEL: 'C0123ABCD',
        WFI_SCHEDULER_INTERVAL_SECONDS: '15',
        WFI_RETENTION_DAYS: '30',
        WFI_DIGEST_DAY: 'Friday',
        WFI_ROTATION_INTERVAL_DAYS: '365',
        WFI_PORTAL_URL: 'https://support.example.com/',
        WFI_MEETING_HOSTS: 'meet.acme.com, .Video.Example.org',
        WFI_RATE_LIMITS: 'clicks=60/30s, commands=5/1m,requests=3/2h',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'JSON',
        METRICS_ENABLED: 'true',
        METRICS_PORT: '9464',
        WFI_TIMEZONE: 'Europe/Berlin',
        WFI_HOLIDAYS: '2026-12-25,2026-12-26',
        WFI_LEAD_BUSINESS_DAYS: '12',
        WFI_REMINDER_HOUR: '0',
        WFI_INSTANCE_DOMAIN: '.WFI.Example.org',
      }),
    ).toStrictEqual({
      calendar: { timeZone: 'Europe/Berlin', holidays: new Set(['2026-12-25', '2026-12-26']) },
      leadBusinessDays: 12,
      reminderHour: 0,
      instanceDomain: 'wfi.example.org',
      slack: {
        botToken: 'xoxb-111-222-botTokenValue',
        signingSecret: 'signingSecretValue123',
        appToken: 'xapp-1-A0-333-appTokenValue',
        apiUrl: 'http://127.0.0.1:9999/api/',
      },
      port: 8080,
      storeUrl: 'redis://localhost:6379',
      approvers: { userIds: ['U0AAAAAAA', 'W0BBBBBBB'], groups: [{ id: 'S0GROUP01' }] },
      allowSelfApproval: true,
      reminderChannelId: 'C0123ABCD',
      schedulerIntervalSeconds: 15,
      retentionDays: 30,
      digestDay: 5,
      rotationIntervalDays: 365,
      portalUrl: 'https://support.example.com/',
      meetingHosts: ['meet.acme.com', 'video.example.org'],
      rateLimits: {
        clicks: { limit: 60, windowMs: 30_000 },
        commands: { limit: 5, windowMs: 60_000 },
        requests: { limit: 3, windowMs: 7_200_000 },
      },
      metrics: { port: 9464 },
      logLevel: 'debug',
      logFormat: 'json',
    });
  });

  describe('every problem in one ConfigError', () => {
    const BAD: Env = {
      SLACK_BOT_TOKEN: 'xapp-1-A0-444-swappedTokenValue',
      SLACK_APP_TOKEN: 'xoxb-555-666-swappedBotTokenValue',
      SLACK_SIGNING_SECRET: 'signingSecretValue123',
      SLACK_API_URL: 'ftp://slack.example.com',
      PORT: '70000',
      STORE_URL: 'mysql://db/wfi',
      WFI_APPROVERS: 'U0AAAAAAA,@alice',
      WFI_ALLOW_SELF_APPROVAL: 'yes',
      WFI_REMINDER_CHANNEL: '#wfi-ops',
      WFI_SCHEDULER_INTERVAL_SECONDS: '0',
      WFI_RETENTION_DAYS: '6',
      WFI_DIGEST_DAY: 'funday',
      WFI_ROTATION_INTERVAL_DAYS: '0',
      WFI_PORTAL_URL: 'http://support.example.com',
      WFI_MEETING_HOSTS: 'https://meet.acme.com',
      WFI_RATE_LIMITS: 'clicks=30 per minute',
      LOG_LEVEL: 'trace',
      LOG_FORMAT: 'xml',
      METRICS_ENABLED: 'yes',
      METRICS_PORT: 'abc',
      WFI_TIMEZONE: 'Mars/Olympus_Mons',
      WFI_HOLIDAYS: '2026-12-25,2026-02-30',
      WFI_LEAD_BUSINESS_DAYS: '61',
      WFI_REMINDER_HOUR: '24',
      WFI_INSTANCE_DOMAIN: 'localhost',
    };
    const BAD_VARIABLES = Object.keys(BAD).filter((name) => name !== 'SLACK_SIGNING_SECRET');

    it('given 24 bad variables, when loaded, then one ConfigError lists 24 problems, one naming each variable', () => {
      const error = configError(BAD);

      expect(error.name).toBe('ConfigError');
      expect(error.problems).toHaveLength(24);
      for (const variable of BAD_VARIABLES) {
        expect({ variable, problems: problemsNaming(error, variable).length }).toEqual({ variable, problems: 1 });
        expect(error.message).toContain(variable);
      }
      expect(error.message).toContain('24 problem(s)');
    });

    it('given wrong-prefixed tokens, when loaded, then no token or secret value appears in the error', () => {
      const error = configError(BAD);

      for (const value of ['swappedTokenValue', 'swappedBotTokenValue', 'signingSecretValue123']) {
        expect(error.message).not.toContain(value);
        expect(error.problems.join('\n')).not.toContain(value);
      }
    });

    it('given a bot token with the app-token prefix, when loaded, then the problem says which prefix it needs, what it got and where the right one is', () => {
      const error = configError({ ...HTTP_MODE, SLACK_BOT_TOKEN: 'xapp-1-A0-777-onlyThisIsWrong' });

      expect(error.problems).toEqual([
        "SLACK_BOT_TOKEN must be a bot token starting with xoxb- (it starts with xapp-: an app-level token, for SLACK_APP_TOKEN): the Bot User OAuth Token, under Install App in the app's settings",
      ]);
      expect(error.message).not.toContain('onlyThisIsWrong');
    });

    it.each([
      ['xoxp-123-userTokenValue', ' (it starts with xoxp-: a user token, which the bot does not use)'],
      ['xoxe.xoxb-1-rotatingValue', ' (it starts with xoxe: a token of token rotation, which the bot does not use)'],
      ['botTokenWithoutPrefix', ''],
    ])('given SLACK_BOT_TOKEN=%s, when loaded, then only its kind is said, never its value', (token, kind) => {
      const [problem] = configError({ ...HTTP_MODE, SLACK_BOT_TOKEN: token }).problems;

      expect(problem).toBe(`SLACK_BOT_TOKEN must be a bot token starting with xoxb-${kind}: the Bot User OAuth Token, under Install App in the app's settings`);
      expect(problem).not.toContain(token.slice(6));
    });

    it('given the placeholders of .env.example, when loaded, then each is named as one, with where the real value is', () => {
      const error = configError({ SLACK_BOT_TOKEN: 'xoxb-…', SLACK_APP_TOKEN: 'xapp-...', WFI_APPROVERS: 'U0APPROVE1' });

      expect(error.problems).toEqual([
        "SLACK_BOT_TOKEN is still a placeholder: paste the Bot User OAuth Token (xoxb-…), under Install App in the app's settings",
        'SLACK_APP_TOKEN is still a placeholder: paste the app-level token (xapp-…) from Basic Information → App-Level Tokens, or remove it for HTTP mode',
      ]);
      expect(configError({ ...HTTP_MODE, SLACK_BOT_TOKEN: 'xoxb-' }).problems[0]).toMatch(/^SLACK_BOT_TOKEN is still a placeholder/);
    });

    it('given values that are no secret, when refused, then each problem quotes the value it got (a URL without its password)', () => {
      const error = configError({
        ...HTTP_MODE,
        WFI_TIMEZONE: 'EST5',
        STORE_URL: 'mysql://wfi:hunter22@db/wfi',
        SLACK_API_URL: 'http://proxy:secretpw@slack.example.com/api/',
        WFI_REMINDER_CHANNEL: '#wfi-ops',
        WFI_ALLOW_SELF_APPROVAL: 'yes',
        LOG_LEVEL: 'trace',
        WFI_PORTAL_URL: 'http://support.example.com',
        WFI_INSTANCE_DOMAIN: 'localhost',
      });

      expect(error.problems).toEqual([
        'WFI_TIMEZONE must be an IANA time zone such as Europe/Paris, America/New_York or UTC (got "EST5")',
        'WFI_INSTANCE_DOMAIN must be a host name suffix such as wfi.pega.com (got "localhost")',
        'SLACK_API_URL must be an https:// URL such as https://slack.com/api/ (http:// only to 127.0.0.1, [::1] or localhost) (got "http://proxy:***@slack.example.com/api/")',
        'STORE_URL must be sqlite://PATH, redis://HOST:PORT, rediss://…, postgres://USER@HOST/DATABASE or postgresql://… (got "mysql://wfi:***@db/wfi")',
        'WFI_ALLOW_SELF_APPROVAL must be true or false (got "yes")',
        "WFI_REMINDER_CHANNEL must be a channel ID such as C0123ABCD, not a #name (got \"#wfi-ops\"): in Slack, the channel's details → About → Channel ID",
        'WFI_PORTAL_URL must be an https:// URL (got "http://support.example.com")',
        'LOG_LEVEL must be debug, info, warn or error (got "trace")',
      ]);
      for (const secret of ['hunter22', 'secretpw']) expect(error.message).not.toContain(secret);
    });

    it('given a SQLite path without its scheme, when loaded, then STORE_URL says what to write instead', () => {
      expect(configError({ ...HTTP_MODE, STORE_URL: 'data/wfi.sqlite' }).problems).toEqual([
        'STORE_URL must be sqlite://PATH, redis://HOST:PORT, rediss://…, postgres://USER@HOST/DATABASE or postgresql://… (got "data/wfi.sqlite"; for a SQLite file write sqlite://data/wfi.sqlite)',
      ]);
    });

    it('given nothing at all, when loaded, then the bot token, the approvers and the signing secret are each asked for', () => {
      const error = configError({});

      expect(error.problems).toHaveLength(3);
      expect(problemsNaming(error, 'SLACK_BOT_TOKEN')).toHaveLength(1);
      expect(problemsNaming(error, 'WFI_APPROVERS')).toHaveLength(1);
      expect(problemsNaming(error, 'SLACK_SIGNING_SECRET')).toHaveLength(1);
      expect(error.problems.join('\n')).toMatch(/SLACK_APP_TOKEN for Socket Mode/);
    });
  });

  describe('HTTP mode and Socket Mode', () => {
    it('given an app token and no signing secret (Socket Mode), when loaded, then it is valid and has no signing secret', () => {
      const config = loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-111-222-botTokenValue',
        SLACK_APP_TOKEN: 'xapp-1-A0-333-appTokenValue',
        WFI_APPROVERS: 'U0APPROVE1',
      });

      expect(config.slack).toStrictEqual({
        botToken: 'xoxb-111-222-botTokenValue',
        appToken: 'xapp-1-A0-333-appTokenValue',
        apiUrl: 'https://slack.com/api/',
      });
    });

    it('given a blank signing secret and no app token, when loaded, then the signing secret is asked for', () => {
      const error = configError({ ...HTTP_MODE, SLACK_SIGNING_SECRET: '   ' });

      expect(error.problems).toHaveLength(1);
      expect(problemsNaming(error, 'SLACK_SIGNING_SECRET')).toHaveLength(1);
    });

    it('given an app token with the bot-token prefix, when loaded, then SLACK_APP_TOKEN is refused', () => {
      const error = configError({ ...HTTP_MODE, SLACK_APP_TOKEN: 'xoxb-555-666-swappedBotTokenValue' });

      expect(error.problems).toEqual([
        'SLACK_APP_TOKEN must be an app-level token starting with xapp- (it starts with xoxb-: a bot token, for SLACK_BOT_TOKEN): Basic Information → App-Level Tokens, or unset it for HTTP mode',
      ]);
      expect(error.message).not.toContain('swappedBotTokenValue');
    });
  });

  describe('WFI_APPROVERS', () => {
    it('given users, Grid users and user groups, when loaded, then groups (S…) are split from users (U…, W…)', () => {
      expect(loadConfig({ ...HTTP_MODE, WFI_APPROVERS: 'S0GROUP01,U0AAAAAAA,W0BBBBBBB,S0GROUP02' }).approvers).toEqual({
        userIds: ['U0AAAAAAA', 'W0BBBBBBB'],
        groups: [{ id: 'S0GROUP01' }, { id: 'S0GROUP02' }],
      });
    });

    it('given groups named with their workspace (S…@T…), when loaded, then each group keeps its workspace', () => {
      expect(loadConfig({ ...HTTP_MODE, WFI_APPROVERS: 'S0ORGWIDE1@T0TEAM001, W0BBBBBBB, S0GROUP02, S0ORGWIDE1@T0TEAM002' }).approvers).toEqual({
        userIds: ['W0BBBBBBB'],
        groups: [{ id: 'S0ORGWIDE1', teamId: 'T0TEAM001' }, { id: 'S0GROUP02' }, { id: 'S0ORGWIDE1', teamId: 'T0TEAM002' }],
      });
    });

    it.each(['U0AAAAAAA@T0TEAM001', 'S0GROUP01@', 'S0GROUP01@E0ORG0001', 'S0GROUP01@T0TEAM001@T0TEAM002'])(
      'given %j (a workspace only a group may name, and only as T…), when loaded, then WFI_APPROVERS names it',
      (entry) => {
        const error = configError({ ...HTTP_MODE, WFI_APPROVERS: `U0AAAAAAA,${entry}` });

        expect(error.problems).toEqual([expect.stringContaining(`(bad: ${entry})`)]);
        expect(error.problems[0]).toContain('S…@T… for a group read in workspace T… of an Enterprise Grid org');
      },
    );

    it('given only a user group, when loaded, then there are no individual users', () => {
      expect(loadConfig({ ...HTTP_MODE, WFI_APPROVERS: 'S0GROUP01' }).approvers).toEqual({ userIds: [], groups: [{ id: 'S0GROUP01' }] });
    });

    it('given a name and a channel among the IDs, when loaded, then the problem names both', () => {
      const error = configError({ ...HTTP_MODE, WFI_APPROVERS: 'U0AAAAAAA,@alice,C0123ABCD' });

      expect(error.problems).toHaveLength(1);
      expect(error.problems).toEqual([
        "WFI_APPROVERS must list Slack user IDs (U…/W…) or user-group IDs (S…, or S…@T… for a group read in workspace T… of an Enterprise Grid org), comma-separated, not names (bad: @alice, C0123ABCD): a person's ID is under their profile → ⋯ → Copy member ID",
      ]);
    });

    it.each(['', ' , ,'])('given %j (no IDs), when loaded, then WFI_APPROVERS is refused', (value) => {
      const error = configError({ ...HTTP_MODE, WFI_APPROVERS: value });

      expect(error.problems).toHaveLength(1);
      expect(problemsNaming(error, 'WFI_APPROVERS')).toHaveLength(1);
    });
  });

  describe('WFI_HOLIDAYS', () => {
    it('given dates with spaces and a trailing comma, when loaded, then each date is a holiday', () => {
      const { holidays } = loadConfig({ ...HTTP_MODE, WFI_HOLIDAYS: ' 2026-12-25 , 2027-01-01,' }).calendar;

      expect([...holidays].sort()).toEqual(['2026-12-25', '2027-01-01']);
    });

    it('given an empty value, when loaded, then there are no holidays', () => {
      expect(loadConfig({ ...HTTP_MODE, WFI_HOLIDAYS: '' }).calendar.holidays.size).toBe(0);
    });

    it('given an impossible date and a day-first date, when loaded, then one problem names both', () => {
      const error = configError({ ...HTTP_MODE, WFI_HOLIDAYS: '2026-12-25,2026-02-30,25/12/2026' });

      expect(error.problems).toEqual(['WFI_HOLIDAYS must be comma-separated YYYY-MM-DD dates (bad: 2026-02-30, 25/12/2026)']);
    });
  });

  describe('WFI_DIGEST_DAY', () => {
    it.each([
      ['sunday', 0],
      ['Monday', 1],
      ['TUESDAY', 2],
      ['wednesday', 3],
      ['thursday', 4],
      ['friday', 5],
      ['saturday', 6],
    ])('given %s, when loaded, then the digest day is %i (Sunday = 0)', (value, day) => {
      expect(loadConfig({ ...HTTP_MODE, WFI_DIGEST_DAY: value }).digestDay).toBe(day);
    });

    it.each(['off', 'OFF'])('given %s, when loaded, then the digest is off', (value) => {
      expect(loadConfig({ ...HTTP_MODE, WFI_DIGEST_DAY: value }).digestDay).toBe('off');
    });

    it.each(['mon', 'funday', '1'])('given %j, when loaded, then WFI_DIGEST_DAY is refused', (value) => {
      const error = configError({ ...HTTP_MODE, WFI_DIGEST_DAY: value });

      expect(error.problems).toEqual([`WFI_DIGEST_DAY must be a weekday name (monday … sunday) or off (got "${value}")`]);
    });
  });

  describe('whole numbers and their ranges', () => {
    it.each([
      ['PORT', '0', 'port', 0],
      ['PORT', '65535', 'port', 65535],
      ['WFI_REMINDER_HOUR', '23', 'reminderHour', 23],
      ['WFI_LEAD_BUSINESS_DAYS', '1', 'leadBusinessDays', 1],
      ['WFI_LEAD_BUSINESS_DAYS', '60', 'leadBusinessDays', 60],
      ['WFI_SCHEDULER_INTERVAL_SECONDS', '3600', 'schedulerIntervalSeconds', 3600],
      ['WFI_ROTATION_INTERVAL_DAYS', '3650', 'rotationIntervalDays', 3650],
      ['WFI_RETENTION_DAYS', '7', 'retentionDays', 7],
      ['WFI_RETENTION_DAYS', '3650', 'retentionDays', 3650],
    ])('given %s=%s (at the edge of its range), when loaded, then it is accepted', (variable, value, key, expected) => {
      expect((loadConfig({ ...HTTP_MODE, [variable]: value }) as unknown as Record<string, unknown>)[key]).toBe(expected);
    });

    it.each([
      ['PORT', '65536'],
      ['PORT', '-1'],
      ['PORT', '3.5'],
      ['PORT', 'http'],
      ['WFI_REMINDER_HOUR', '24'],
      ['WFI_LEAD_BUSINESS_DAYS', '0'],
      ['WFI_LEAD_BUSINESS_DAYS', '61'],
      ['WFI_SCHEDULER_INTERVAL_SECONDS', '3601'],
      ['WFI_ROTATION_INTERVAL_DAYS', '3651'],
      ['WFI_RETENTION_DAYS', '6'],
      ['WFI_RETENTION_DAYS', '0'],
      ['WFI_RETENTION_DAYS', '3651'],
      ['WFI_RETENTION_DAYS', '90.5'],
    ])('given %s=%s, when loaded, then that variable is refused with the value it got', (variable, value) => {
      const error = configError({ ...HTTP_MODE, [variable]: value });

      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(new RegExp(`^${variable} must be a whole number from \\d+ to \\d+ \\(got "${value.replace('.', '\\.')}"\\)$`));
    });
  });

  describe('WFI_MEETING_HOSTS', () => {
    it('given host names with spaces, capitals, a leading dot and an empty entry, when loaded, then each is a lower-case suffix', () => {
      expect(loadConfig({ ...HTTP_MODE, WFI_MEETING_HOSTS: ' Meet.Acme.com ,,.jitsi.example.org, video-1.corp.example ' }).meetingHosts).toEqual([
        'meet.acme.com',
        'jitsi.example.org',
        'video-1.corp.example',
      ]);
    });

    it.each(['', '  ', ' , '])('given %j, when loaded, then there are no extra hosts', (value) => {
      expect(loadConfig({ ...HTTP_MODE, WFI_MEETING_HOSTS: value }).meetingHosts).toEqual([]);
    });

    it.each([
      ['a URL', 'https://meet.acme.com'],
      ['a top-level domain alone', 'com'],
      ['a wildcard', '*.acme.com'],
      ['a path', 'meet.acme.com/r'],
      ['a port', 'meet.acme.com:8443'],
      ['a label ending in a hyphen', 'meet-.acme.com'],
      ['an empty label', 'meet..acme.com'],
      ['a space inside', 'meet acme.com'],
    ])('given %s among good hosts, when loaded, then WFI_MEETING_HOSTS is refused naming it', (_what, bad) => {
      const error = configError({ ...HTTP_MODE, WFI_MEETING_HOSTS: `zoom.acme.com,${bad}` });

      expect(error.problems).toEqual([`WFI_MEETING_HOSTS must be comma-separated host names such as meet.acme.com (bad: ${bad})`]);
    });
  });

  describe('WFI_RATE_LIMITS', () => {
    const FORM =
      'WFI_RATE_LIMITS must be comma-separated KIND=COUNT/DURATION, KIND one of clicks, commands, requests (each at most once; those left out keep their default), ' +
      'COUNT a whole number from 1 to 1000000, DURATION a whole number of seconds, minutes or hours from 1s to 24h, e.g. clicks=30/60s,commands=20/60s,requests=10/10m';

    it('given one kind, when loaded, then it is replaced and the others keep their defaults', () => {
      expect(loadConfig({ ...HTTP_MODE, WFI_RATE_LIMITS: 'requests=2/10m' }).rateLimits).toEqual({
        clicks: { limit: 30, windowMs: 60_000 },
        commands: { limit: 20, windowMs: 60_000 },
        requests: { limit: 2, windowMs: 600_000 },
      });
    });

    it('given spaces, capitals, a trailing comma and each unit, when loaded, then every kind is read', () => {
      expect(loadConfig({ ...HTTP_MODE, WFI_RATE_LIMITS: ' Clicks = 100 / 90S ,commands=1/1h, requests=1000000/24h,' }).rateLimits).toEqual({
        clicks: { limit: 100, windowMs: 90_000 },
        commands: { limit: 1, windowMs: 3_600_000 },
        requests: { limit: 1_000_000, windowMs: 86_400_000 },
      });
    });

    it.each([
      ['no duration', 'clicks=30', '"clicks=30" is not KIND=COUNT/DURATION'],
      ['a duration without its unit', 'clicks=30/60', '"clicks=30/60" is not KIND=COUNT/DURATION'],
      ['milliseconds', 'clicks=30/500ms', '"clicks=30/500ms" is not KIND=COUNT/DURATION'],
      ['a fraction', 'clicks=2.5/60s', '"clicks=2.5/60s" is not KIND=COUNT/DURATION'],
      ['a negative count', 'clicks=-1/60s', '"clicks=-1/60s" is not KIND=COUNT/DURATION'],
      ['an unknown kind', 'exposureNotices=5/60s', '"exposureNotices" is not a kind of limit'],
      ['a kind twice', 'clicks=30/60s,clicks=10/60s', 'clicks is given twice'],
      ['a count of 0', 'commands=0/60s', 'the count of commands is out of range'],
      ['a count over a million', 'commands=1000001/60s', 'the count of commands is out of range'],
      ['a duration of 0', 'requests=10/0m', 'the duration of requests is out of range'],
      ['a duration over a day', 'requests=10/25h', 'the duration of requests is out of range'],
    ])('given %s, when loaded, then WFI_RATE_LIMITS is refused with its value, what is wrong and the expected form', (_what, value, why) => {
      expect(configError({ ...HTTP_MODE, WFI_RATE_LIMITS: value }).problems).toEqual([`${FORM} (got "${value}": ${why})`]);
    });
  });

  describe('other variables', () => {
    it.each(['memory://', 'sqlite:///var/lib/wfi.sqlite', 'rediss://cache:6380', 'postgresql://db/wfi'])(
      'given STORE_URL=%s, when loaded, then it is accepted',
      (value) => {
        expect(loadConfig({ ...HTTP_MODE, STORE_URL: value }).storeUrl).toBe(value);
      },
    );

    it.each(['sqlite://', 'mysql://db/wfi', 'data/wfi.sqlite'])('given STORE_URL=%s, when loaded, then it is refused', (value) => {
      const error = configError({ ...HTTP_MODE, STORE_URL: value });

      expect(problemsNaming(error, 'STORE_URL')).toHaveLength(1);
    });

    it.each(['https://slack.example.com/api/', 'http://127.0.0.1:9999/api/', 'http://localhost:3000/api/', 'http://[::1]:8080/api/'])(
      'given SLACK_API_URL=%s (https, or http to this machine), when loaded, then it is accepted',
      (value) => {
        expect(loadConfig({ ...HTTP_MODE, SLACK_API_URL: value }).slack.apiUrl).toBe(value);
      },
    );

    it.each([
      'http://slack.com/api/',
      'http://10.0.0.5:8080/api/',
      'http://localhost.attacker.example/api/',
      'http://127.0.0.1.nip.io/api/',
      'ws://127.0.0.1/api/',
      'slack.com/api/',
    ])('given SLACK_API_URL=%s (the token would travel in clear, or it is no URL), when loaded, then it is refused', (value) => {
      const error = configError({ ...HTTP_MODE, SLACK_API_URL: value });

      expect(error.problems).toEqual([
        `SLACK_API_URL must be an https:// URL such as https://slack.com/api/ (http:// only to 127.0.0.1, [::1] or localhost) (got "${value}")`,
      ]);
    });

    it('given an API URL with a trailing slash, when loaded, then it is kept as is', () => {
      expect(loadConfig({ ...HTTP_MODE, SLACK_API_URL: 'https://slack.example.com/api/' }).slack.apiUrl).toBe(
        'https://slack.example.com/api/',
      );
    });

    it.each(['false', ''])('given WFI_ALLOW_SELF_APPROVAL=%j, when loaded, then self-approval is off', (value) => {
      expect(loadConfig({ ...HTTP_MODE, WFI_ALLOW_SELF_APPROVAL: value }).allowSelfApproval).toBe(false);
    });

    it('given a private reminder channel (G…), when loaded, then it is accepted', () => {
      expect(loadConfig({ ...HTTP_MODE, WFI_REMINDER_CHANNEL: 'G0123ABCD' }).reminderChannelId).toBe('G0123ABCD');
    });
  });
});

describe('logs and metrics', () => {
  it.each([
    ['METRICS_PORT', 'abc', 'METRICS_PORT must be a whole number from 0 to 65535 (got "abc")'],
    ['METRICS_PORT', '65536', 'METRICS_PORT must be a whole number from 0 to 65535 (got "65536")'],
    ['METRICS_PORT', '-1', 'METRICS_PORT must be a whole number from 0 to 65535 (got "-1")'],
    ['METRICS_ENABLED', 'yes', 'METRICS_ENABLED must be true or false (got "yes")'],
    ['LOG_FORMAT', 'xml', 'LOG_FORMAT must be text or json (got "xml")'],
  ])('given %s=%j, when loaded, then the one problem names the variable, the value and what is allowed', (variable, value, problem) => {
    expect(configError({ ...HTTP_MODE, [variable]: value }).problems).toEqual([problem]);
  });

  it.each([
    ['neither variable', {}, undefined],
    ['METRICS_ENABLED=false', { METRICS_ENABLED: 'false' }, undefined],
    ['METRICS_ENABLED=true', { METRICS_ENABLED: 'TRUE' }, {}],
    ['METRICS_PORT alone', { METRICS_PORT: '9464' }, { port: 9464 }],
    ['METRICS_PORT with METRICS_ENABLED=true', { METRICS_ENABLED: 'true', METRICS_PORT: '9464' }, { port: 9464 }],
    ['METRICS_PORT=0 (any free port)', { METRICS_PORT: '0' }, { port: 0 }],
  ])('given %s (%j), when loaded, then the metrics setting is %j (unset: off; no port: on PORT)', (_what, env, metrics) => {
    expect(loadConfig({ ...HTTP_MODE, ...env }).metrics).toEqual(metrics);
  });

  it('given METRICS_PORT with METRICS_ENABLED=false, when loaded, then the contradiction is a problem naming both', () => {
    expect(configError({ ...HTTP_MODE, METRICS_ENABLED: 'false', METRICS_PORT: '9464' }).problems).toEqual([
      'METRICS_PORT is set (9464) but METRICS_ENABLED is false: unset METRICS_PORT, or set METRICS_ENABLED=true',
    ]);
  });

  it('given METRICS_PORT equal to PORT, when loaded, then it is refused (the two could not both be bound)', () => {
    expect(configError({ ...HTTP_MODE, PORT: '8080', METRICS_PORT: '8080' }).problems).toEqual([
      'METRICS_PORT must differ from PORT (both 8080): unset METRICS_PORT to serve /metrics on PORT',
    ]);
  });

  it('given METRICS_PORT and PORT both 0, when loaded, then each gets a free port of its own and it is valid', () => {
    expect(loadConfig({ ...HTTP_MODE, PORT: '0', METRICS_PORT: '0' }).metrics).toEqual({ port: 0 });
  });

  describe('loadLogConfig, for start-up before the whole configuration is read', () => {
    it('given LOG_FORMAT and LOG_LEVEL, when read, then both are taken, with nothing else needed', () => {
      expect(loadLogConfig({ LOG_FORMAT: 'json', LOG_LEVEL: 'warn' })).toEqual({ logFormat: 'json', logLevel: 'warn' });
    });

    it('given bad values, when read, then the defaults stand in (loadConfig reports the values)', () => {
      expect(loadLogConfig({ LOG_FORMAT: 'xml', LOG_LEVEL: 'trace' })).toEqual({ logFormat: 'text', logLevel: 'info' });
    });

    it('given bad LOG_LEVEL and a good LOG_FORMAT, when read, then the format is kept', () => {
      expect(loadLogConfig({ LOG_FORMAT: 'json', LOG_LEVEL: 'trace' })).toEqual({ logFormat: 'json', logLevel: 'info' });
    });
  });
});

describe('loadPolicyConfig', () => {
  it('given no variables at all, when loaded, then the policy has its defaults and no Slack variable is needed', () => {
    expect(loadPolicyConfig({})).toStrictEqual({
      calendar: { timeZone: 'UTC', holidays: new Set() },
      leadBusinessDays: 10,
      reminderHour: 9,
      instanceDomain: 'wfi.pega.com',
    });
  });

  it('given policy variables only, when loaded, then they are read', () => {
    expect(
      loadPolicyConfig({
        WFI_TIMEZONE: 'America/Los_Angeles',
        WFI_HOLIDAYS: '2026-07-03',
        WFI_LEAD_BUSINESS_DAYS: '5',
        WFI_REMINDER_HOUR: '8',
        WFI_INSTANCE_DOMAIN: 'wfi.example.org',
      }),
    ).toStrictEqual({
      calendar: { timeZone: 'America/Los_Angeles', holidays: new Set(['2026-07-03']) },
      leadBusinessDays: 5,
      reminderHour: 8,
      instanceDomain: 'wfi.example.org',
    });
  });

  it('given bad Slack variables, when the policy is loaded, then they are ignored', () => {
    expect(loadPolicyConfig({ SLACK_BOT_TOKEN: 'not-a-token', WFI_APPROVERS: '@alice' }).leadBusinessDays).toBe(10);
  });

  it('given two bad policy variables, when loaded, then one ConfigError names both and nothing about Slack', () => {
    const error = configError({ WFI_TIMEZONE: 'Mars/Olympus_Mons', WFI_REMINDER_HOUR: '25' }, loadPolicyConfig);

    expect(error.problems).toHaveLength(2);
    expect(problemsNaming(error, 'WFI_TIMEZONE')).toHaveLength(1);
    expect(problemsNaming(error, 'WFI_REMINDER_HOUR')).toHaveLength(1);
    expect(error.message).not.toMatch(/SLACK_/);
  });
});

describe('configWarnings', () => {
  it('given misspelt settings, when read, then each is named with the one it probably is', () => {
    expect(
      configWarnings({
        ...HTTP_MODE,
        WFI_TIME_ZONE: 'Europe/Paris',
        WFI_REMINDER_CHANEL: 'C0123ABCD',
        wfi_approvers: 'U0APPROVE1',
        SLACK_APP_TOKN: 'xapp-1',
      }),
    ).toEqual([
      'WFI_TIME_ZONE is not a setting of wfi-rotate and is ignored: did you mean WFI_TIMEZONE?',
      'WFI_REMINDER_CHANEL is not a setting of wfi-rotate and is ignored: did you mean WFI_REMINDER_CHANNEL?',
      'wfi_approvers is not a setting of wfi-rotate and is ignored: did you mean WFI_APPROVERS?',
      'SLACK_APP_TOKN is not a setting of wfi-rotate and is ignored: did you mean SLACK_APP_TOKEN?',
    ]);
  });

  it('given an unknown WFI_ name, when read, then it is named; other tools’ SLACK_ names and the rest pass in silence', () => {
    expect(configWarnings({ ...HTTP_MODE, WFI_COLOUR: 'blue', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/x', HOME: '/root', PATH: '/bin' })).toEqual([
      'WFI_COLOUR is not a setting of wfi-rotate and is ignored (see README.md, "Configuration")',
    ]);
    expect(configWarnings({ ...HTTP_MODE, WFI_TIMEZONE: 'UTC', STORE_URL: 'memory://' })).toEqual([]);
  });
});
