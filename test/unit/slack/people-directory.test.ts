import type { webApi } from '@slack/bolt';
import { NAME_TTL_MS, SlackPeopleDirectory } from '../../../src/slack/people-directory';

type Answer = Record<string, unknown> | Error;

function directoryWith(users: Record<string, Answer>, now: { t: number }) {
  const calls: string[] = [];
  let inFlight = 0;
  let mostAtOnce = 0;
  const client = {
    users: {
      info: async ({ user }: { user: string }) => {
        calls.push(user);
        inFlight += 1;
        mostAtOnce = Math.max(mostAtOnce, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
        const answer = users[user];
        if (answer instanceof Error) throw answer;
        return { ok: true, user: answer ?? {} };
      },
    },
  } as unknown as webApi.WebClient;
  const warnings: string[] = [];
  const directory = new SlackPeopleDirectory(client, { now: () => new Date(now.t) }, { warn: (msg: unknown) => void warnings.push(String(msg)) });
  return { directory, calls, warnings, mostAtOnce: () => mostAtOnce };
}

const rateLimited = () => Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error' });

describe('SlackPeopleDirectory', () => {
  it('names each person by their full name, else display name, else handle, and leaves out what is not a user id', async () => {
    const { directory, calls } = directoryWith(
      {
        U0FULLNAME: { name: 'ada', real_name: 'Ada L', profile: { real_name: 'Ada Lovelace', display_name: 'ada' } },
        U0DISPLAY1: { name: 'grace', profile: { real_name: ' ', display_name: 'Grace' } },
        U0HANDLE01: { name: 'alan' },
        U0NONAME01: {},
      },
      { t: 0 },
    );

    const names = await directory.namesOf(['U0FULLNAME', 'U0DISPLAY1', 'U0HANDLE01', 'U0NONAME01', 'U0FULLNAME', 'not-a-user', 'S0GROUP001']);

    expect(Object.fromEntries(names)).toEqual({ U0FULLNAME: 'Ada Lovelace', U0DISPLAY1: 'Grace', U0HANDLE01: 'alan' });
    expect(calls.sort()).toEqual(['U0DISPLAY1', 'U0FULLNAME', 'U0HANDLE01', 'U0NONAME01']);
  });

  it('keeps a name for an hour, then reads it again', async () => {
    const now = { t: 0 };
    const { directory, calls } = directoryWith({ U0FULLNAME: { name: 'ada' } }, now);

    await directory.namesOf(['U0FULLNAME']);
    now.t += NAME_TTL_MS - 1;
    expect((await directory.namesOf(['U0FULLNAME'])).get('U0FULLNAME')).toBe('ada');
    expect(calls).toHaveLength(1);
    now.t += 1;
    await directory.namesOf(['U0FULLNAME']);
    expect(calls).toHaveLength(2);
  });

  it('leaves a person Slack fails on unnamed, warns once, and asks again next time', async () => {
    const { directory, calls, warnings } = directoryWith({ U0FULLNAME: { name: 'ada' }, U0FAILING1: new Error('user_not_found') }, { t: 0 });

    expect(Object.fromEntries(await directory.namesOf(['U0FULLNAME', 'U0FAILING1']))).toEqual({ U0FULLNAME: 'ada' });
    expect(warnings).toEqual(['1 name(s) could not be read from Slack; they are given as ids only']);
    await directory.namesOf(['U0FAILING1']);
    expect(calls.filter((id) => id === 'U0FAILING1')).toHaveLength(2);
  });

  it('gives up the rest of the look-ups once Slack rate-limits, rather than waiting', async () => {
    const people = Array.from({ length: 40 }, (_, i) => `U0PERSON${String(i).padStart(2, '0')}`);
    const users: Record<string, Answer> = Object.fromEntries(people.map((id) => [id, { name: id.toLowerCase() }]));
    users.U0PERSON00 = rateLimited();
    const { directory, calls, warnings } = directoryWith(users, { t: 0 });

    const names = await directory.namesOf(people);

    expect(calls.length).toBeLessThan(10);
    expect(names.size).toBe(calls.length - 1);
    expect(warnings).toEqual([`${40 - names.size} name(s) could not be read from Slack (rate limited); they are given as ids only`]);
  });

  it('asks a few at a time, not everyone at once', async () => {
    const people = Array.from({ length: 20 }, (_, i) => `U0PERSON${String(i).padStart(2, '0')}`);
    const { directory, mostAtOnce } = directoryWith({}, { t: 0 });

    await directory.namesOf(people);

    expect(mostAtOnce()).toBe(4);
  });
});
