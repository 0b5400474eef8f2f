import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, configWarnings, loadConfig } from '../../src/config';

/** What a new admin copies and runs first: the .env template, the script that reads it, and git keeping the filled-in file out. */
const ROOT = join(__dirname, '..', '..');
const template = parseEnv(readFileSync(join(ROOT, '.env.example'), 'utf8')) as Record<string, string>;

describe('.env', () => {
  it('is read by npm run start:env, with node’s own --env-file', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['start:env']).toBe('node --env-file=.env dist/src/index.js');
  });

  (existsSync(join(ROOT, '.git')) ? it : it.skip)('is ignored by git, and so is every .env.* but the template', () => {
    const ignored = (path: string) => spawnSync('git', ['-C', ROOT, 'check-ignore', '-q', path]).status === 0;
    expect([ignored('.env'), ignored('.env.production'), ignored('.env.example')]).toEqual([true, true, false]);
  });

  it('has a template that names only settings of the bot, and that refuses to start until each placeholder is filled in', () => {
    expect(configWarnings(template)).toEqual([]);
    let problems: string[] = [];
    try {
      loadConfig(template);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems.map((problem) => problem.split(' ')[0]).sort()).toEqual(
      ['SLACK_APP_TOKEN', 'SLACK_BOT_TOKEN', 'WFI_APPROVERS', 'WFI_REMINDER_CHANNEL', 'WFI_TIMEZONE'].sort(),
    );
  });

  it('has a template that starts once filled in: Socket Mode, the zone and the reminder channel set', () => {
    const filled = {
      ...template,
      SLACK_BOT_TOKEN: 'xoxb-1-2-filledIn',
      SLACK_APP_TOKEN: 'xapp-1-A0-filledIn',
      WFI_APPROVERS: 'U0APPROVE1',
      WFI_TIMEZONE: 'America/New_York',
      WFI_REMINDER_CHANNEL: 'C0123ABCD',
    };
    expect(loadConfig(filled)).toMatchObject({ calendar: { timeZone: 'America/New_York' }, reminderChannelId: 'C0123ABCD', slack: { appToken: 'xapp-1-A0-filledIn' } });
  });
});
