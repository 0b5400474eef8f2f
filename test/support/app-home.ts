import type { FakeSlack, RecordedCall } from '../../testkit/fake-slack';
import { appHomeOpened } from '../../testkit/payloads';
import { postToBot } from '../../testkit/slack-request';

/*
 * App Home as the bot publishes it: only to people who opened the Home tab,
 * a moment after a change (changes are coalesced), so a test waits for the
 * Home it expects, by person and content, never for a quiet moment.
 */

let opened = 0;

/**
 * Waits for the first Home Slack took for `user` among the calls recorded
 * from index `from` on, showing `showing` when given.
 */
export async function homePublished(
  fake: FakeSlack,
  user: string,
  from: number,
  options: { showing?: string; timeoutMs?: number } = {},
): Promise<RecordedCall> {
  const find = () =>
    fake.calls
      .slice(from)
      .find(
        (c) =>
          c.method === 'views.publish' &&
          c.args.user_id === user &&
          c.answer?.ok === true &&
          (options.showing === undefined || JSON.stringify(c.args.view).includes(options.showing)),
      );
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${user}'s App Home${options.showing ? ` showing ${options.showing}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * `user` opens the bot's Home tab (an `app_home_opened` event, over HTTP):
 * resolves with the Home published in answer. From then on a change to a
 * rotation they may see refreshes their Home.
 */
export async function openHome(fake: FakeSlack, port: number, user: string): Promise<RecordedCall> {
  const from = fake.calls.length;
  opened += 1;
  const answer = await postToBot(port, appHomeOpened(user, `EvHOME${String(opened).padStart(5, '0')}`), { contentType: 'application/json' });
  if (answer.status !== 200) throw new Error(`app_home_opened for ${user} answered ${answer.status}`);
  return homePublished(fake, user, from);
}

/** The Homes Slack took for each person among the calls from index `from` on. */
export function homesSince(fake: FakeSlack, from: number): RecordedCall[] {
  return fake.calls.slice(from).filter((c) => c.method === 'views.publish' && c.answer?.ok === true);
}
