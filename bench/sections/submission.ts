import { prepareEngine } from '../lib/engines';
import type { FakeSlack } from '../../testkit/fake-slack';
import { startBot } from '../lib/processes';
import { benchUser, marker, openHomes, SlackPoster, submissionBy } from '../lib/slack-http';
import { rounded, summarize, type Summary } from '../lib/stats';
import { performance } from 'node:perf_hooks';

/**
 * Section 2: the request form's submission, on the compiled bot with its
 * production store (SQLite). A valid one is validated, stored with its
 * reminder plan and acknowledged (the modal closes), then posted to the
 * channel and shown on the requester's App Home (they have it open; a lone
 * change is published at once); an invalid one is
 * answered with field errors. One at a time, each after the previous one's work is done, as
 * people submit forms: this is latency, not load (section 5 is load).
 */

export interface SubmissionResult {
  /** Store the bot ran on. */
  store: 'sqlite';
  valid: {
    count: number;
    /** Submit → HTTP answer (the modal closes), ms. */
    http: Summary;
    /** Submit → the rotation's chat.postMessage at the fake Slack, ms. */
    posted: Summary;
    /** Submit → the requester's App Home republished (the listener's last step), ms. */
    homeRefreshed: Summary;
  };
  invalid: { count: number; http: Summary };
  failures: number;
}

let sequence = 0;

function deadlineIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export async function runSubmissions(slack: FakeSlack, options: { count: number; warmup: number }, log: (line: string) => void): Promise<SubmissionResult> {
  const target = await prepareEngine('sqlite', {});
  const bot = await startBot({ apiUrl: slack.apiUrl, storeUrl: target.storeUrl });
  const poster = new SlackPoster(bot.port, 1);
  const deadline = deadlineIn(90);
  const valid = { http: [] as number[], posted: [] as number[], home: [] as number[] };
  const invalid: number[] = [];
  let failures = 0;

  const submitValid = async (record: boolean) => {
    const n = (sequence += 1);
    // Untimed: the requester has App Home open, so the submission has a Home to refresh.
    await openHomes(poster, slack, [benchUser(n)]);
    const host = marker('b', n);
    const posted = slack.arrival('chat.postMessage', host, 10_000).catch(() => Number.NaN);
    const homes = slack.count('views.publish') + 1;
    const answer = await poster.post(submissionBy(benchUser(n), { instanceUrl: `https://${host}.wfi.pega.com`, deadline }));
    const postedAt = await posted;
    // The listener's last step; waiting for it keeps the next submission off a still-busy bot.
    await slack.untilCount('views.publish', homes, 10_000).catch(() => undefined);
    const homeAt = performance.now();
    // A plain ack (empty body) closes the modal; errors or a refusal mean the rotation was not made.
    if (answer.status !== 200 || answer.body !== '' || !Number.isFinite(postedAt)) {
      failures += 1;
      return;
    }
    if (!record) return;
    valid.http.push(answer.answeredAt - answer.sentAt);
    valid.posted.push(postedAt - answer.sentAt);
    valid.home.push(homeAt - answer.sentAt);
  };
  const submitInvalid = async (record: boolean) => {
    const n = (sequence += 1);
    // http:// is refused on the field, not silently upgraded: an errors answer, nothing stored.
    const answer = await poster.post(submissionBy(benchUser(n), { instanceUrl: `http://${marker('x', n)}.wfi.pega.com`, deadline }));
    if (answer.status !== 200 || !answer.body.includes('"response_action":"errors"')) {
      failures += 1;
      return;
    }
    if (record) invalid.push(answer.answeredAt - answer.sentAt);
  };

  try {
    for (let i = 0; i < options.warmup; i += 1) {
      await submitValid(false);
      await submitInvalid(false);
    }
    for (let i = 0; i < options.count; i += 1) {
      await submitValid(true);
      await submitInvalid(true);
    }
  } finally {
    poster.close();
    await bot.stop();
    await target.dispose();
  }
  const result: SubmissionResult = {
    store: 'sqlite',
    valid: {
      count: valid.http.length,
      http: rounded(summarize(valid.http)),
      posted: rounded(summarize(valid.posted)),
      homeRefreshed: rounded(summarize(valid.home)),
    },
    invalid: { count: invalid.length, http: rounded(summarize(invalid)) },
    failures,
  };
  log(
    `  submissions: valid p50/p99 ${result.valid.http.p50}/${result.valid.http.p99} ms, posted ${result.valid.posted.p50}/${result.valid.posted.p99} ms; ` +
      `invalid ${result.invalid.http.p50}/${result.invalid.http.p99} ms; failures ${failures}`,
  );
  return result;
}
