import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { main, renderPreview, USAGE, type PreviewInput } from '../../../src/cli/preview';
import { buildServiceRequest, PORTAL_NOTES, PORTAL_STEPS } from '../../../src/domain/service-request';
import { TEST_POLICY } from '../../../testkit/rotations';

const PORTAL_VALUES = [
  'Create tab · Service request: Other',
  'Create tab · Short description: Rotate the Workforce Intelligence client secret',
  'Create tab · Application: Workforce Intelligence',
  'Create tab · Deployment: Pega Cloud',
  'Create tab · Environment: Other',
  'Create tab · Other URL: https://acme.wfi.pega.com',
  'Create tab · Environment type: Production',
  'Details tab · Describe the issue: Please rotate the Workforce Intelligence client secret',
];

const input = (overrides: Partial<PreviewInput> = {}): PreviewInput => ({
  instanceUrl: 'https://acme.wfi.pega.com',
  environmentType: 'Production',
  deadline: '2026-03-20',
  today: '2026-02-20',
  policy: TEST_POLICY,
  ...overrides,
});

/** The reminder schedule: from its heading to the end of the output. */
function scheduleLines(output: string): string[] {
  const lines = output.trimEnd().split('\n');
  return lines.slice(lines.findIndex((l) => l.startsWith('Reminders if')));
}

const SCHEDULE_NOTES = [
  'The others are dropped once the rotation is past them: submit soon and submit today once the portal request ' +
    'is recorded, deadline near once the rotation is completed.',
  'Not listed, as they depend on dates not known yet: no meeting yet (after submission); meeting tomorrow, ' +
    'meeting in one hour and confirm receipt (once a meeting is set); next cycle due (once a rotation set to rotate again is completed).',
];

/** The value printed after "Label:" in the preview's table. */
function row(output: string, label: string): string | undefined {
  const line = output.split('\n').find((l) => l.startsWith(`${label}:`));
  return line?.slice(label.length + 1).trim();
}

const portalLines = (output: string) =>
  output
    .split('\n')
    .filter((l) => /^ {2}(Create|Details) tab · /.test(l))
    .map((l) => l.trim());

describe('renderPreview', () => {
  const output = renderPreview(input());

  it('prints the normalised URL, the environment type and the dates with weekday names', () => {
    expect(output.split('\n').slice(0, 9)).toEqual([
      'WFI client secret rotation: preview',
      '',
      'Instance URL:     https://acme.wfi.pega.com',
      'Environment type: Production',
      'Policy deadline:  Fri 20 Mar 2026',
      'Submit by:        Fri 6 Mar 2026 (10 business days before the deadline)',
      'Today:            Fri 20 Feb 2026',
      'Time left:        10 business days left until submit-by',
      '(Business days: Monday to Friday in UTC.)',
    ]);
  });

  it('prints every service request field in the portal’s order, one per line', () => {
    expect(portalLines(output)).toEqual(PORTAL_VALUES);
    expect(portalLines(output)).toEqual(buildServiceRequest(input()).map((f) => `${f.tab} tab · ${f.label}: ${f.value}`));
  });

  it('prints the portal steps as a numbered checklist, then the notes', () => {
    const lines = output.split('\n');
    const start = lines.indexOf('Steps in the portal:');
    expect(lines.slice(start + 1, start + 1 + PORTAL_STEPS.length)).toEqual(PORTAL_STEPS.map((step, i) => `  ${i + 1}. ${step}`));
    expect(output.indexOf(PORTAL_NOTES)).toBeGreaterThan(start);
    expect(output.endsWith('\n')).toBe(true);
  });

  it('ends with the reminder schedule of a requested rotation, a repeating reminder once, at the default hour when none is given', () => {
    expect(scheduleLines(output)).toEqual([
      'Reminders if the request is made today and nobody acts (day-based ones at 09:00 UTC, on business days):',
      '  Approval pending    every business day from Mon 23 Feb 2026 09:00 until approved; mentions approvers',
      '  Submit soon         Tue 3 Mar 2026 09:00; mentions requester, attendees',
      '  Submit today        Fri 6 Mar 2026 09:00; mentions requester, attendees',
      '  Submission overdue  every business day from Mon 9 Mar 2026 09:00 until the portal request is recorded; mentions requester, attendees, approvers',
      '  Deadline near       Wed 18 Mar 2026 09:00 and Fri 20 Mar 2026 09:00; mentions approvers',
      ...SCHEDULE_NOTES,
    ]);
    // After the service request and the portal steps.
    expect(output.indexOf('Reminders if')).toBeGreaterThan(output.indexOf(PORTAL_NOTES));
  });

  it('fits a six-week deadline on a screen: one line per kind of reminder, not one per day', () => {
    const sixWeeks = renderPreview(input({ today: '2027-01-04', deadline: '2027-02-15' }));
    expect(sixWeeks.trimEnd().split('\n').length).toBeLessThanOrEqual(40);
    expect(scheduleLines(sixWeeks).slice(1, 3)).toEqual([
      '  Approval pending    every business day from Tue 5 Jan 2027 09:00 until approved; mentions approvers',
      '  Submit soon         Wed 27 Jan 2027 09:00; mentions requester, attendees',
    ]);
  });

  it('lists only the reminders of a requested rotation: later kinds wait for dates not known yet', () => {
    const rows = scheduleLines(renderPreview(input({ reminderHour: 7 }))).slice(1, -2);
    expect(rows.every((r) => r.includes(' 07:00'))).toBe(true);
    const labels = rows.map((r) => /^ {2}(.+?) {2,}/.exec(r)?.[1]);
    expect(labels.sort()).toEqual(['Approval pending', 'Deadline near', 'Submission overdue', 'Submit soon', 'Submit today']);
  });

  it('leaves out the reminders that fell before today for a late request', () => {
    const rows = scheduleLines(renderPreview(input({ today: '2026-03-10' }))).slice(1, -2);
    expect(rows.slice(0, 2)).toEqual([
      '  Submission overdue  every business day from Tue 10 Mar 2026 09:00 until the portal request is recorded; mentions requester, attendees, approvers',
      '  Approval pending    every business day from Wed 11 Mar 2026 09:00 until approved; mentions approvers',
    ]);
    expect(rows.some((r) => r.includes('Submit soon') || r.includes('Submit today'))).toBe(false);
  });

  it('carries the environment type into the portal field', () => {
    expect(portalLines(renderPreview(input({ environmentType: 'Staging' })))).toContain('Create tab · Environment type: Staging');
  });

  it('says when the request is due today, with the singular on the day before', () => {
    expect(row(renderPreview(input({ today: '2026-03-06' })), 'Time left')).toBe('due today: open the portal request today');
    expect(row(renderPreview(input({ today: '2026-03-05' })), 'Time left')).toBe('1 business day left until submit-by');
  });

  it('says LATE, by how many business days, with the same advice as the Slack message', () => {
    const late = renderPreview(input({ today: '2026-03-10' }));
    expect(row(late, 'Time left')).toBe(
      'LATE by 2 business days: a request made today is after its submit-by date (Fri 6 Mar 2026), ' +
        "2 business days short of the vendor's 10-business-day lead time. " +
        'Open the portal request today and mention the policy deadline to the vendor.',
    );
    // The weekend after submit-by counts from the Monday, when the vendor would first see it.
    expect(row(renderPreview(input({ today: '2026-03-07' })), 'Time left')).toMatch(/^LATE by 1 business day:/);
  });

  it('explains a deadline on a non-business day, counted from the business day before', () => {
    const weekend = renderPreview(input({ deadline: '2026-03-21' }));
    expect(row(weekend, 'Policy deadline')).toBe('Sat 21 Mar 2026 (not a business day: counted from Fri 20 Mar 2026)');
    expect(row(weekend, 'Submit by')).toMatch(/^Fri 6 Mar 2026 /);
  });

  it('counts holidays and the configured lead time', () => {
    const policy = { calendar: { timeZone: 'Europe/Paris', holidays: new Set(['2026-03-16']) }, leadBusinessDays: 10 };
    const withHoliday = renderPreview(input({ policy }));
    expect(row(withHoliday, 'Submit by')).toBe('Thu 5 Mar 2026 (10 business days before the deadline)');
    expect(withHoliday).toContain('(Business days: Monday to Friday in Europe/Paris, minus 1 holiday from WFI_HOLIDAYS.)');
    const shortLead = renderPreview(input({ policy: { ...TEST_POLICY, leadBusinessDays: 1 } }));
    expect(row(shortLead, 'Submit by')).toBe('Thu 19 Mar 2026 (1 business day before the deadline)');
  });
});

function run(argv: string[], env: Record<string, string | undefined> = {}, now = new Date('2026-02-20T10:00:00Z')) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, env, now, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('main', () => {
  const valid = ['--url', 'https://acme.wfi.pega.com', '--deadline', '2026-03-20', '--today', '2026-02-20'];

  it('prints the preview and exits 0 for a valid request', () => {
    const { code, stdout, stderr } = run(valid);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(row(stdout, 'Submit by')).toBe('Fri 6 Mar 2026 (10 business days before the deadline)');
    expect(row(stdout, 'Time left')).toBe('10 business days left until submit-by');
    expect(portalLines(stdout)).toEqual(PORTAL_VALUES);
  });

  it('normalises the URL and accepts the environment type in any case', () => {
    const { code, stdout } = run(['--url', 'ACME.wfi.pega.com/', '--deadline', '2026-03-20', '--environment', 'staging', '--today', '2026-02-20']);
    expect(code).toBe(0);
    expect(row(stdout, 'Instance URL')).toBe('https://acme.wfi.pega.com');
    expect(row(stdout, 'Environment type')).toBe('Staging');
    expect(portalLines(stdout)).toContain('Create tab · Environment type: Staging');
  });

  it('takes today from the clock in WFI_TIMEZONE when --today is not given', () => {
    const now = new Date('2026-02-20T12:00:00Z');
    expect(row(run(valid.slice(0, 4), {}, now).stdout, 'Today')).toBe('Fri 20 Feb 2026');
    // Already Saturday in Auckland (UTC+13).
    expect(row(run(valid.slice(0, 4), { WFI_TIMEZONE: 'Pacific/Auckland' }, now).stdout, 'Today')).toBe('Sat 21 Feb 2026');
  });

  it('reads the policy from the environment it is given', () => {
    const env = { WFI_HOLIDAYS: '2026-03-16', WFI_LEAD_BUSINESS_DAYS: '10', WFI_INSTANCE_DOMAIN: 'wfi.example.net' };
    const { code, stdout } = run(['--url', 'https://acme.wfi.example.net', '--deadline', '2026-03-20', '--today', '2026-02-20'], env);
    expect(code).toBe(0);
    expect(row(stdout, 'Submit by')).toMatch(/^Thu 5 Mar 2026 /);
    const wrongDomain = run(valid, env);
    expect(wrongDomain.code).toBe(2);
    expect(wrongDomain.stderr).toContain('--url https://acme.wfi.pega.com: the instance URL must be https://<name>.wfi.example.net');
  });

  it('prints the reminder schedule for a fixed --today, in WFI_TIMEZONE at --reminder-hour, skipping WFI_HOLIDAYS', () => {
    // Lead time 3: submit-by is Tue 17 Mar 2026; Mon 16 Mar 2026 is a holiday; Paris moves to summer time
    // on 2026-03-29, and the reminders stay at 08:00 local time.
    const env = { WFI_TIMEZONE: 'Europe/Paris', WFI_HOLIDAYS: '2026-03-16', WFI_LEAD_BUSINESS_DAYS: '3', WFI_REMINDER_HOUR: '10' };
    const { code, stdout, stderr } = run(
      ['--url', 'https://acme.wfi.pega.com', '--deadline', '2026-03-20', '--today', '2026-03-11', '--reminder-hour', '8'],
      env,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(scheduleLines(stdout)).toEqual([
      'Reminders if the request is made today and nobody acts (day-based ones at 08:00 Europe/Paris, on business days):',
      '  Submit soon         Wed 11 Mar 2026 08:00; mentions requester, attendees',
      '  Approval pending    every business day from Thu 12 Mar 2026 08:00 until approved; mentions approvers',
      '  Submit today        Tue 17 Mar 2026 08:00; mentions requester, attendees',
      '  Submission overdue  every business day from Wed 18 Mar 2026 08:00 until the portal request is recorded; mentions requester, attendees, approvers',
      '  Deadline near       Wed 18 Mar 2026 08:00 and Fri 20 Mar 2026 08:00; mentions approvers',
      ...SCHEDULE_NOTES,
    ]);
  });

  it('takes the reminder hour from WFI_REMINDER_HOUR when --reminder-hour is not given', () => {
    const schedule = scheduleLines(run(valid, { WFI_REMINDER_HOUR: '7' }).stdout);
    expect(schedule[0]).toContain('day-based ones at 07:00 UTC');
    expect(schedule[1]).toBe('  Approval pending    every business day from Mon 23 Feb 2026 07:00 until approved; mentions approvers');
    expect(scheduleLines(run(valid).stdout)[1]).toBe('  Approval pending    every business day from Mon 23 Feb 2026 09:00 until approved; mentions approvers');
  });

  it('refuses a --reminder-hour outside 0-23 and a bad WFI_REMINDER_HOUR', () => {
    for (const hour of ['24', '-1', '9am', '']) {
      const { code, stdout, stderr } = run([...valid, `--reminder-hour=${hour}`]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.split('\n')[0]).toBe(`--reminder-hour must be a whole hour from 0 to 23 (got "${hour}")`);
    }
    expect(run([...valid, '--reminder-hour', '0']).stdout).toContain('every business day from Mon 23 Feb 2026 00:00');
    const badEnv = run(valid, { WFI_REMINDER_HOUR: '25' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('WFI_REMINDER_HOUR');
  });

  it('prints a late request with exit 0: it is still worth submitting', () => {
    const { code, stdout } = run(['--url', 'https://acme.wfi.pega.com', '--deadline', '2026-03-20', '--today', '2026-03-10']);
    expect(code).toBe(0);
    expect(row(stdout, 'Time left')).toMatch(/^LATE by 2 business days: /);
    expect(portalLines(stdout)).toEqual(PORTAL_VALUES);
  });

  it('refuses an invalid URL with exit 2 and the message on stderr', () => {
    const { code, stdout, stderr } = run(['--url', 'http://acme.wfi.pega.com', '--deadline', '2026-03-20', '--today', '2026-02-20']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe('--url http://acme.wfi.pega.com: the URL must start with https://, e.g. https://acme.wfi.pega.com');
    expect(stderr).toContain('--help');
  });

  it('refuses a past deadline with exit 2 and the message on stderr', () => {
    const { code, stdout, stderr } = run(['--url', 'https://acme.wfi.pega.com', '--deadline', '2026-02-19', '--today', '2026-02-20']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe('--deadline 2026-02-19: the deadline must be a future date (today is Fri 20 Feb 2026)');
  });

  it('names every bad option at once, in the order of the usage, each with the value it got', () => {
    const { code, stderr } = run(['--url', 'acme.example.com', '--deadline', '2026-02-30', '--environment', 'Prod', '--today', '2026-02-20']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      [
        '--url acme.example.com: the instance URL must be https://<name>.wfi.pega.com, e.g. https://acme.wfi.pega.com',
        '--deadline must be a date as YYYY-MM-DD (got "2026-02-30")',
        '--environment must be one of Production, Staging, Test, Development (got "Prod")',
        'Run wfi-rotate-preview --help for usage.',
        '',
      ].join('\n'),
    );
  });

  it('says that --url and --deadline are required, in a command line’s words (not the form’s “Pick the deadline”)', () => {
    const { code, stderr } = run([], { WFI_INSTANCE_DOMAIN: 'wfi.example.net' });
    expect(code).toBe(2);
    expect(stderr.split('\n').slice(0, 2)).toEqual([
      '--url is required: the instance URL, e.g. https://acme.wfi.example.net',
      '--deadline is required: the deadline from your security policy, as YYYY-MM-DD',
    ]);
    expect(stderr).not.toMatch(/\b(Pick|Choose|Enter)\b/);
  });

  it('refuses a malformed --today, and still checks the rest against the real today', () => {
    const { code, stderr } = run(['--url', 'https://acme.wfi.pega.com', '--deadline', '2026-02-19', '--today', '20/02/2026']);
    expect(code).toBe(2);
    expect(stderr.split('\n').slice(0, 2)).toEqual([
      '--deadline 2026-02-19: the deadline must be a future date (today is Fri 20 Feb 2026)',
      '--today must be a date as YYYY-MM-DD (got "20/02/2026")',
    ]);
  });

  it('does not print back a value that looks like a secret', () => {
    const secret = 'client_secret=Zx81Qw93Lm27Pv45Rt60Yb';
    const { code, stderr } = run(['--url', secret, '--deadline', '2026-03-20', '--today', '2026-02-20']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^--url: this looks like a secret\./);
    expect(stderr).not.toContain('Zx81Qw93');
  });

  it('refuses unknown options and positional arguments with the usage', () => {
    for (const argv of [['--bogus'], ['--url'], ['extra'], [...valid, 'extra']]) {
      const { code, stdout, stderr } = run(argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(USAGE);
    }
  });

  it('prints the usage for --help and -h, even with a bad configuration', () => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = run([flag], { WFI_TIMEZONE: 'Nowhere/Atlantis' });
      expect(code).toBe(0);
      expect(stdout).toBe(USAGE);
      expect(stderr).toBe('');
    }
    expect(USAGE).toContain('--url URL');
    expect(USAGE).toContain('--deadline YYYY-MM-DD');
  });

  it('exits 2 with the configuration message when WFI_TIMEZONE is bad', () => {
    const { code, stdout, stderr } = run(valid, { WFI_TIMEZONE: 'Nowhere/Atlantis' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('WFI_TIMEZONE must be an IANA time zone such as Europe/Paris, America/New_York or UTC (got "Nowhere/Atlantis")');
  });

  it('needs no Slack token: SLACK_* variables play no part', () => {
    expect(run(valid, { SLACK_BOT_TOKEN: undefined, WFI_APPROVERS: undefined }).code).toBe(0);
  });
});

describe('the compiled command', () => {
  const root = join(__dirname, '..', '..', '..');
  const cli = join(root, 'dist', 'src', 'cli', 'preview.js');

  function newestSource(dir: string): number {
    return Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return newestSource(path);
        return entry.name.endsWith('.ts') ? statSync(path).mtimeMs : 0;
      }),
    );
  }

  beforeAll(() => {
    // `npm test` builds before jest; this keeps a direct `npx jest` run from testing a stale build.
    let built = 0;
    try {
      built = statSync(cli).mtimeMs;
    } catch {
      built = 0;
    }
    if (built < newestSource(join(root, 'src'))) {
      spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
        cwd: root,
        stdio: 'ignore',
      });
    }
  }, 120_000);

  const runCli = (args: string[]) =>
    // A bare environment: the defaults of WFI_* apply whatever the developer's shell has set.
    spawnSync(process.execPath, [cli, ...args], { cwd: root, env: { PATH: process.env.PATH }, encoding: 'utf8' });

  it('starts with a node shebang, for the bin entry', () => {
    expect(readFileSync(cli, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('prints the preview for a real run', () => {
    const result = runCli(['--url', 'https://acme.wfi.pega.com', '--deadline', '2030-03-15', '--today', '2030-02-01']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(row(result.stdout, 'Policy deadline')).toBe('Fri 15 Mar 2030');
    expect(row(result.stdout, 'Submit by')).toBe('Fri 1 Mar 2030 (10 business days before the deadline)');
    expect(row(result.stdout, 'Time left')).toBe('20 business days left until submit-by');
    expect(portalLines(result.stdout)).toEqual(PORTAL_VALUES);
    expect(result.stdout).toContain('  1. Open My Support Portal → New request → For something I need.');
  });

  it('exits 2 with the message on stderr for a bad URL', () => {
    const result = runCli(['--url', 'https://acme.example.com', '--deadline', '2030-03-15', '--today', '2030-02-01']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^--url https:\/\/acme\.example\.com: the instance URL must be https:\/\/<name>\.wfi\.pega\.com/);
  });
});
