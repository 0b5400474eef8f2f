import { performance } from 'node:perf_hooks';
import { openBenchStore, prepareEngine } from '../lib/engines';
import type { FakeSlack } from '../../testkit/fake-slack';
import { appHomeOpened, slashCommand } from '../../testkit/payloads';
import { pause } from '../lib/load';
import { sampleRss, startBot } from '../lib/processes';
import { seededRotation, type Seeded } from '../lib/seed-rotations';
import { benchUser, marker, SlackPoster, submissionBy } from '../lib/slack-http';
import { median } from '../lib/stats';

/**
 * Section 4: start-up and memory of the compiled bot on SQLite, started as
 * production starts it (`node dist/src/index.js`, HTTP mode, the store file
 * in a temp dir). Start-up is timed from spawn to the first 200 from
 * /healthz, several times on an empty store. Memory is the process's RSS
 * after start, then with 10,000 rotations stored (all open: seed-rotations.ts),
 * while it serves App Home, `list` and a new request of a person in none of
 * them. Section 6 measures those for approvers and people in the rotations,
 * against years of stored history.
 */

export interface StartupResult {
  store: 'sqlite';
  starts: number;
  /** Spawn → healthy on an empty store, ms: median and slowest of `starts`. */
  healthyMs: { median: number; max: number; all: number[] };
  /** RSS one second after a start on an empty store (median), MB. */
  rssAfterStartMb: number;
  rotations: number;
  /** Spawn → healthy with `rotations` stored (includes the catch-up tick's start), ms. */
  healthyWithRotationsMs: number;
  /** RSS one second after start with `rotations` stored, MB. */
  rssIdleWithRotationsMb: number;
  /** Highest RSS while serving the requests below, MB. */
  rssPeakWithRotationsMb: number;
  /** RSS once they are done (one second later), MB. */
  rssAfterWithRotationsMb: number;
  /** app_home_opened → views.publish, with every rotation on the dashboard, ms. */
  appHomeMs: number;
  /** `/wfi-rotate list` → its reply at the response_url, ms. */
  listMs: number;
  /** A valid submission → its message posted, and → the App Home refreshed, ms. */
  submissionPostedMs: number;
  submissionHomeMs: number;
}

const SETTLE_MS = 1000;
const SEED_BATCH = 5000;

async function seedSqlite(storeUrl: string, rotations: number): Promise<void> {
  const store = await openBenchStore({ name: 'sqlite', storeUrl, dispose: async () => undefined });
  try {
    for (let done = 0; done < rotations; done += SEED_BATCH) {
      const batch: Seeded[] = [];
      for (let i = done; i < Math.min(done + SEED_BATCH, rotations); i += 1) batch.push(seededRotation(i, false));
      await store.seed(batch);
    }
  } finally {
    await store.close();
  }
}

/** Waits for a Promise, or NaN after `ms`: a request that never finishes is reported, not waited on forever. */
async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  try {
    await work();
    return performance.now() - started;
  } catch {
    return Number.NaN;
  }
}

export async function runStartup(slack: FakeSlack, options: { starts: number; rotations: number }, log: (line: string) => void): Promise<StartupResult> {
  const healthy: number[] = [];
  const rssAfterStart: number[] = [];
  for (let i = 0; i < options.starts; i += 1) {
    const target = await prepareEngine('sqlite', {});
    try {
      const bot = await startBot({ apiUrl: slack.apiUrl, storeUrl: target.storeUrl });
      healthy.push(bot.healthyAfterMs);
      await pause(SETTLE_MS);
      rssAfterStart.push(bot.rssMb());
      await bot.stop();
    } finally {
      await target.dispose();
    }
  }
  log(`  start-up: healthy after ${healthy.map((ms) => ms.toFixed(0)).join(', ')} ms; RSS ${median(rssAfterStart).toFixed(1)} MB`);

  const target = await prepareEngine('sqlite', {});
  try {
    await seedSqlite(target.storeUrl, options.rotations);
    const bot = await startBot({ apiUrl: slack.apiUrl, storeUrl: target.storeUrl, timeoutMs: 120_000 });
    const poster = new SlackPoster(bot.port, 1);
    try {
      await pause(SETTLE_MS);
      const rssIdle = bot.rssMb();
      const sampler = sampleRss(bot);
      const homes = () => slack.count('views.publish');

      const beforeHome = homes();
      const appHomeMs = await timed(async () => {
        await poster.post(appHomeOpened(benchUser(0)), 'application/json');
        await slack.untilCount('views.publish', beforeHome + 1, 120_000);
      });

      const listId = marker('l', 1);
      const listReply = slack.arrival('response_url', listId, 120_000);
      listReply.catch(() => undefined); // awaited below; a failure there is reported as NaN, never left unhandled
      const listMs = await timed(async () => {
        await poster.post(slashCommand({ trigger_id: marker('t', 9_000_000), user_id: benchUser(1), text: 'list', response_url: slack.responseUrl(listId) }));
        await listReply;
      });

      const host = marker('s', 1);
      const posted = slack.arrival('chat.postMessage', host, 120_000);
      posted.catch(() => undefined);
      const beforeSubmission = homes();
      const deadline = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
      const submitted = performance.now();
      // By the person who opened App Home above: only a Home someone opened is refreshed.
      await poster.post(submissionBy(benchUser(0), { instanceUrl: `https://${host}.wfi.pega.com`, deadline }));
      const submissionPostedMs = await posted.then((at) => at - submitted, () => Number.NaN);
      const submissionHomeMs = await slack.untilCount('views.publish', beforeSubmission + 1, 120_000).then(
        () => performance.now() - submitted,
        () => Number.NaN,
      );

      const rssPeak = sampler.stop();
      await pause(SETTLE_MS);
      const result: StartupResult = {
        store: 'sqlite',
        starts: options.starts,
        healthyMs: { median: median(healthy), max: Math.max(...healthy), all: healthy.map((ms) => Number(ms.toFixed(1))) },
        rssAfterStartMb: median(rssAfterStart),
        rotations: options.rotations,
        healthyWithRotationsMs: bot.healthyAfterMs,
        rssIdleWithRotationsMb: rssIdle,
        rssPeakWithRotationsMb: rssPeak,
        rssAfterWithRotationsMb: bot.rssMb(),
        appHomeMs,
        listMs,
        submissionPostedMs,
        submissionHomeMs,
      };
      log(
        `  with ${options.rotations} rotations: healthy after ${bot.healthyAfterMs.toFixed(0)} ms, RSS idle ${rssIdle.toFixed(1)} MB, ` +
          `peak ${rssPeak.toFixed(1)} MB; App Home ${appHomeMs.toFixed(0)} ms, list ${listMs.toFixed(0)} ms, ` +
          `submission posted ${submissionPostedMs.toFixed(0)} ms / home ${submissionHomeMs.toFixed(0)} ms`,
      );
      return result;
    } finally {
      poster.close();
      await bot.stop();
    }
  } finally {
    await target.dispose();
  }
}
