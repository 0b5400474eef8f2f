import { performance } from 'node:perf_hooks';
import { prepareEngine, type EngineName, type EngineUrls } from '../lib/engines';
import type { FakeSlack } from '../../testkit/fake-slack';
import { slashCommand } from '../../testkit/payloads';
import { closedLoop } from '../lib/load';
import { startBot } from '../lib/processes';
import { benchUser, marker, openHomes, SlackPoster, submissionBy } from '../lib/slack-http';
import { rounded, summarize, type Summary } from '../lib/stats';

/**
 * Section 5: rotations created per second, end to end, per store: the
 * command, the modal reaching Slack, the submission, and the rotation's
 * message posted (the bot posts only what it has stored). Virtual users
 * work in a closed loop on a fresh store each, so a store's cost shows as
 * fewer rotations a second rather than as an ever-growing queue.
 */

export interface ThroughputRow {
  engine: EngineName;
  rotations: number;
  concurrency: number;
  /** Rotations posted per second of wall time. */
  perSecond: number;
  /** The same, counting until the App Home work each one starts is done too: what the bot sustains. */
  perSecondSustained: number;
  /** One rotation, command sent → message posted, ms. */
  endToEnd: Summary;
  /** After the last message was posted, until every App Home refresh had gone out, ms. */
  drainMs: number;
  failures: number;
  /** The bot's CPU time per rotation (from /proc), including the App Home work after each post, ms. */
  cpuMsPerRotation: number;
  /** RSS of the bot when done, MB. */
  rssMb: number;
  error?: string;
}

let sequence = 0;

export async function throughputFor(
  engine: EngineName,
  slack: FakeSlack,
  options: { rotations: number; concurrency: number; warmup: number },
  urls: EngineUrls,
  log: (line: string) => void,
): Promise<ThroughputRow> {
  const target = await prepareEngine(engine, urls);
  try {
    const bot = await startBot({ apiUrl: slack.apiUrl, storeUrl: target.storeUrl });
    const poster = new SlackPoster(bot.port, options.concurrency);
    const deadline = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    const samples: number[] = [];
    let failures = 0;
    let lastPostedAt = 0;
    const oneRotation = async (record: boolean) => {
      const n = (sequence += 1);
      const userId = benchUser(n);
      const triggerId = marker('T', n);
      const host = marker('r', n);
      const started = performance.now();
      // Never rejected: a modal or message that does not arrive is a failure to count, not a crash.
      const opened = slack.arrival('views.open', triggerId, 30_000).catch(() => Number.NaN);
      const command = await poster.post(slashCommand({ trigger_id: triggerId, user_id: userId }));
      if (command.status !== 200 || !Number.isFinite(await opened)) {
        failures += 1;
        return;
      }
      const posted = slack.arrival('chat.postMessage', host, 30_000).catch(() => Number.NaN);
      const submitted = await poster.post(submissionBy(userId, { instanceUrl: `https://${host}.wfi.pega.com`, deadline }));
      const postedAt = await posted;
      if (submitted.status !== 200 || submitted.body !== '' || !Number.isFinite(postedAt)) {
        failures += 1;
        return;
      }
      lastPostedAt = Math.max(lastPostedAt, postedAt);
      if (record) samples.push(postedAt - started);
    };
    try {
      // Everyone the loops below will be has App Home open (each rotation takes the next person): each rotation
      // refreshes its requester's Home, the work "sustained" waits for. Opened now, outside every timing.
      await openHomes(poster, slack, Array.from({ length: options.warmup + options.rotations }, (_, i) => benchUser(sequence + 1 + i)));
      const homesOpened = slack.count('views.publish');
      await closedLoop(options.warmup, options.concurrency, () => oneRotation(false));
      // The warm-up's own Home refreshes come shortly after its last post: counted as the measured ones', they would end the drain early.
      await slack.untilCount('views.publish', homesOpened + options.warmup - failures, 30_000).catch(() => undefined);
      const homesBefore = slack.count('views.publish');
      const failedInWarmup = failures;
      const cpuBefore = bot.cpuMs();
      const wallMs = await closedLoop(options.rotations, options.concurrency, () => oneRotation(true));
      // Each rotation refreshes its requester's App Home shortly after it is posted: the background work still running.
      await slack.untilCount('views.publish', homesBefore + options.rotations - (failures - failedInWarmup), 300_000).catch(() => undefined);
      const drainMs = Math.max(0, performance.now() - lastPostedAt);
      const cpuMs = bot.cpuMs() - cpuBefore;
      const row: ThroughputRow = {
        engine,
        rotations: options.rotations,
        concurrency: options.concurrency,
        perSecond: Number(((samples.length / wallMs) * 1000).toFixed(1)),
        perSecondSustained: Number(((samples.length / (wallMs + drainMs)) * 1000).toFixed(1)),
        endToEnd: rounded(summarize(samples)),
        drainMs: Number(drainMs.toFixed(1)),
        failures,
        cpuMsPerRotation: Number((cpuMs / options.rotations).toFixed(2)),
        rssMb: Number(bot.rssMb().toFixed(1)),
      };
      log(
        `  throughput ${engine}: ${row.perSecond}/s (${row.perSecondSustained}/s sustained), end to end p50 ${row.endToEnd.p50} ms p99 ${row.endToEnd.p99} ms, ` +
          `bot CPU ${row.cpuMsPerRotation} ms a rotation, drained ${row.drainMs} ms later, failures ${failures}`,
      );
      return row;
    } finally {
      poster.close();
      await bot.stop();
    }
  } finally {
    await target.dispose();
  }
}
