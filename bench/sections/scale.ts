import { performance } from 'node:perf_hooks';
import { ACTIONS } from '../../src/slack/ids';
import type { FakeSlack } from '../../testkit/fake-slack';
import { appHomeOpened, buttonClick, slashCommand } from '../../testkit/payloads';
import { openBenchStore, prepareEngine, type BenchStore, type EngineName, type EngineTarget, type EngineUrls } from '../lib/engines';
import { pause } from '../lib/load';
import { rssHighWaterMbOf, sampleRss, SEEDED_BOT_ENTRY, startBot, type Child } from '../lib/processes';
import { historyMessage, historyRotation, openStatusAt, personAt, SCALE_APPROVERS, utcToday } from '../lib/seed-history';
import type { Seeded } from '../lib/seed-rotations';
import { marker, SlackPoster, submissionBy } from '../lib/slack-http';
import { ratio, rounded, summarize, type Summary } from '../lib/stats';

/**
 * Section 6: what people wait for against the number of rotations stored,
 * on the compiled bot and every engine. The store holds a team's years of
 * history (bench/lib/seed-history.ts: most rotations completed, the same few
 * hundred open at every size), so whatever grows from 1,000 to 100,000 is
 * the cost of history a request does not show. A few people and the
 * approvers have opened App Home, so a change has Homes to refresh. Each
 * measure is repeated and the requests are interleaved (a request, an
 * approval, two Homes opened, a `list`), so a noisy moment lands on all of
 * them; a change is followed until Slack has heard nothing for a while, and
 * the views.publish calls meanwhile are that change's Homes.
 */

export interface ScaleOptions {
  sizes: number[];
  /** Open or planned rotations among the stored ones, the same at every size. */
  open: number;
  /** Recorded samples of each measure per size, after `warmup` unrecorded rounds. */
  samples: number;
  warmup: number;
  /** A change is over once no views.publish came for this long, ms. */
  quietMs: number;
}

/** Medians and p95s are read from these; `count` is how many samples succeeded. */
export interface ScalePoint {
  /** Rotations stored when measured (seeded; the requests the bench made at earlier sizes add a few dozen). */
  size: number;
  open: number;
  /** Filling the store up to this size, ms (outside every measure; memory: NaN, its bot fills its own). */
  seedMs: number;
  /** Spawn → /healthz 200 on this store, ms (memory: the seeding in the bot's process included). */
  healthyMs: number;
  /** A valid request form submitted → its message posted (chat.postMessage at Slack), ms. */
  requestPosted: Summary;
  /** The same → the requester's App Home published (they opened it), ms. */
  requestHomeRefreshed: Summary;
  /** Approve clicked on a rotation's message → the message updated (chat.update at Slack), ms. */
  approveUpdated: Summary;
  /** app_home_opened → views.publish, for an approver (every open rotation and the latest completed) and for a person (their own), ms. */
  homeOpenedApprover: Summary;
  homeOpenedPerson: Summary;
  /** `/wfi-rotate list` by an approver (every open rotation) → the reply at its response_url, ms. */
  list: Summary;
  /** views.publish calls a change caused before Slack went quiet (median): one per Home refreshed. */
  publishesPerRequest: number;
  publishesPerApproval: number;
  /** People whose Home a change can refresh: the approvers and the people who opened it. */
  homeViewers: number;
  /** RSS one second after the start, before any request, MB. */
  rssIdleMb: number;
  /** Highest RSS sampled (every 25 ms) while serving everything above, MB. */
  rssPeakMb: number;
  /** The kernel's high-water mark when done (start-up and seeding included), MB. */
  rssHighWaterMb: number;
  /** Measures of a sample (warm-up included) that got no answer, or a wrong one, within a minute. */
  failures: number;
}

export interface ScaleEngineResult {
  engine: EngineName;
  points: ScalePoint[];
  /** Largest size over smallest, medians: ~1 when a request costs what it shows, not what is stored. */
  growth: { requestHomeRefreshed: number; homeOpenedApprover: number; homeOpenedPerson: number; approveUpdated: number; list: number };
  error?: string;
}

/** People who opened App Home besides the approvers: the new requests are theirs, so each one refreshes a Home. */
const HOME_PEOPLE = 10;
const SEED_BATCH = 5000;
const SETTLE_MS = 1000;
/** How long one sample may take before it counts as failed: a slow engine at 100,000 is measured, not cut short. */
const SAMPLE_TIMEOUT_MS = 60_000;

let sequence = 0;
/** Requests made so far: each goes to the next person in turn, so no one reaches the bot's limit of 10 rotations in 10 minutes. */
let requests = 0;

/** Resolves once `method` had no new call for `quietMs` (polled: what it waits for is untimed). */
async function quiet(slack: FakeSlack, method: string, quietMs: number): Promise<void> {
  let seen = slack.count(method);
  let since = performance.now();
  const deadline = since + SAMPLE_TIMEOUT_MS;
  while (performance.now() - since < quietMs && performance.now() < deadline) {
    await pause(25);
    const now = slack.count(method);
    if (now !== seen) {
      seen = now;
      since = performance.now();
    }
  }
}

/** A marker's arrival, or NaN: a call that never comes is a failed sample, not a crashed run. */
function arrival(slack: FakeSlack, method: string, mark: string): Promise<number> {
  return slack.arrival(method, mark, SAMPLE_TIMEOUT_MS).catch(() => Number.NaN);
}

/** The views.publish of one person's Home: the form field, which no view's JSON holds unescaped. */
const homeOf = (userId: string) => `user_id=${userId}`;

/** The seeded rotations waiting for approval, oldest index first: each approval sample takes the next. */
function* approvable(open: number, today: number): Generator<{ id: string; version: number; ts: string; channelId: string }> {
  for (let index = 0; index < open; index += 1) {
    if (openStatusAt(index) !== 'requested') continue;
    const { rotation } = historyRotation(index, open, today);
    yield { id: rotation.id, version: rotation.version, ...historyMessage(index) };
  }
}

interface Samples {
  requestPosted: number[];
  requestHome: number[];
  requestPublishes: number[];
  approveUpdated: number[];
  approvePublishes: number[];
  homeApprover: number[];
  homePerson: number[];
  list: number[];
  failures: number;
}

/** Measures one running bot: every sample of every measure, interleaved. */
async function measure(
  bot: Child,
  slack: FakeSlack,
  options: ScaleOptions,
  toApprove: Generator<{ id: string; version: number; ts: string; channelId: string }>,
): Promise<{ samples: Samples; rssIdleMb: number; rssPeakMb: number }> {
  const poster = new SlackPoster(bot.port, 1);
  const people = Array.from({ length: HOME_PEOPLE }, (_, n) => personAt(n));
  const deadline = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  const s: Samples = { requestPosted: [], requestHome: [], requestPublishes: [], approveUpdated: [], approvePublishes: [], homeApprover: [], homePerson: [], list: [], failures: 0 };
  const failed = (value: number) => {
    if (!Number.isFinite(value)) s.failures += 1;
    return value;
  };
  const keep = (list: number[], value: number, record: boolean) => {
    if (record && Number.isFinite(value)) list.push(value);
  };

  const homeOpened = async (viewerId: string): Promise<number> => {
    const n = (sequence += 1);
    const published = arrival(slack, 'views.publish', homeOf(viewerId));
    const answer = await poster.post(appHomeOpened(viewerId, `Ev${marker('h', n)}`), 'application/json');
    const at = await published;
    return failed(answer.status === 200 ? at - answer.sentAt : Number.NaN);
  };

  const request = async (record: boolean) => {
    const n = (sequence += 1);
    // Not by `n`: every measure takes a number from `sequence`, so n % 10 would give requests to two people only.
    const requester = people[(requests += 1) % people.length] as string;
    const host = marker('q', n);
    const before = slack.count('views.publish');
    const posted = arrival(slack, 'chat.postMessage', host);
    const refreshed = arrival(slack, 'views.publish', homeOf(requester));
    const answer = await poster.post(submissionBy(requester, { instanceUrl: `https://${host}.wfi.pega.com`, deadline }));
    const [postedAt, refreshedAt] = await Promise.all([posted, refreshed]);
    await quiet(slack, 'views.publish', options.quietMs);
    // A plain ack (empty body) means the rotation was made; field errors or a refusal, that it was not.
    const ok = answer.status === 200 && answer.body === '';
    keep(s.requestPosted, failed(ok ? postedAt - answer.sentAt : Number.NaN), record);
    keep(s.requestHome, failed(ok ? refreshedAt - answer.sentAt : Number.NaN), record);
    if (record && ok) s.requestPublishes.push(slack.count('views.publish') - before);
  };

  const approve = async (record: boolean) => {
    const n = (sequence += 1);
    const next = toApprove.next();
    if (next.done) throw new Error('no seeded rotation is left to approve: raise BENCH_SCALE_OPEN or lower BENCH_SCALE_SAMPLES');
    const target = next.value;
    const before = slack.count('views.publish');
    // The form field: a thread reply's `thread_ts=` is another method's.
    const updated = arrival(slack, 'chat.update', `ts=${target.ts}`);
    const answer = await poster.post(
      buttonClick(ACTIONS.approve, `${target.id}:${target.version}`, {
        user: SCALE_APPROVERS[n % SCALE_APPROVERS.length],
        responseUrl: slack.responseUrl(marker('a', n)),
        channelId: target.channelId,
        messageTs: target.ts,
      }),
    );
    const updatedAt = await updated;
    await quiet(slack, 'views.publish', options.quietMs);
    const ok = answer.status === 200;
    keep(s.approveUpdated, failed(ok ? updatedAt - answer.sentAt : Number.NaN), record);
    if (record && ok && Number.isFinite(updatedAt)) s.approvePublishes.push(slack.count('views.publish') - before);
  };

  const list = async (record: boolean) => {
    const n = (sequence += 1);
    const id = marker('l', n);
    const replied = arrival(slack, 'response_url', id);
    const answer = await poster.post(
      // Each approver in turn: the bot allows a person 20 commands a minute.
      slashCommand({ trigger_id: marker('t', n), user_id: SCALE_APPROVERS[n % SCALE_APPROVERS.length] as string, text: 'list', response_url: slack.responseUrl(id) }),
    );
    const at = await replied;
    keep(s.list, failed(answer.status === 200 ? at - answer.sentAt : Number.NaN), record);
  };

  try {
    await pause(SETTLE_MS);
    const rssIdleMb = bot.rssMb();
    const sampler = sampleRss(bot);
    // The Homes a change refreshes: only those who opened it are published to. Recorded in the store, so
    // a persistent store keeps them from the size before; opening again is harmless and shows the same.
    for (const viewer of [...SCALE_APPROVERS, ...people]) await homeOpened(viewer);
    for (let round = 0; round < options.warmup + options.samples; round += 1) {
      const record = round >= options.warmup;
      await request(record);
      await approve(record);
      keep(s.homeApprover, await homeOpened(SCALE_APPROVERS[round % SCALE_APPROVERS.length] as string), record);
      keep(s.homePerson, await homeOpened(people[round % people.length] as string), record);
      await list(record);
    }
    return { samples: s, rssIdleMb, rssPeakMb: sampler.stop() };
  } finally {
    poster.close();
  }
}

const medianOf = (values: number[]) => summarize(values).p50;

function pointOf(size: number, options: ScaleOptions, run: Awaited<ReturnType<typeof measure>>, bot: Child & { healthyAfterMs: number }, seedMs: number): ScalePoint {
  const s = run.samples;
  return {
    size,
    open: options.open,
    seedMs: Math.round(seedMs),
    healthyMs: Math.round(bot.healthyAfterMs),
    requestPosted: rounded(summarize(s.requestPosted)),
    requestHomeRefreshed: rounded(summarize(s.requestHome)),
    approveUpdated: rounded(summarize(s.approveUpdated)),
    homeOpenedApprover: rounded(summarize(s.homeApprover)),
    homeOpenedPerson: rounded(summarize(s.homePerson)),
    list: rounded(summarize(s.list)),
    publishesPerRequest: medianOf(s.requestPublishes),
    publishesPerApproval: medianOf(s.approvePublishes),
    homeViewers: SCALE_APPROVERS.length + HOME_PEOPLE,
    rssIdleMb: Number(run.rssIdleMb.toFixed(1)),
    rssPeakMb: Number(run.rssPeakMb.toFixed(1)),
    rssHighWaterMb: Number(rssHighWaterMbOf(bot.process.pid).toFixed(1)),
    failures: s.failures,
  };
}

/** The bot's environment for this section: the approvers above, and nothing else changed from production's defaults. */
const BOT_EXTRA = { WFI_APPROVERS: SCALE_APPROVERS.join(',') };

/** Every size on one engine, smallest first; each measured point is handed to `report` as soon as it is done. */
async function measureSizes(
  engine: EngineName,
  slack: FakeSlack,
  options: ScaleOptions & { today: number },
  urls: EngineUrls,
  report: (point: ScalePoint) => void,
): Promise<void> {
  const sizes = [...options.sizes].sort((a, b) => a - b);
  if (engine === 'memory') {
    // A memory store is the bot process's own: each size is a bot that fills its store before it starts.
    for (const size of sizes) {
      const bot = await startBot({
        apiUrl: slack.apiUrl,
        storeUrl: 'memory://',
        entry: SEEDED_BOT_ENTRY,
        extra: { ...BOT_EXTRA, BENCH_SEED_SIZE: String(size), BENCH_SEED_OPEN: String(options.open), BENCH_SEED_TODAY: String(options.today) },
        timeoutMs: 900_000,
      });
      try {
        report(pointOf(size, options, await measure(bot, slack, options, approvable(options.open, options.today)), bot, Number.NaN));
      } finally {
        await bot.stop();
      }
    }
    return;
  }
  // One store per engine, grown from size to size (only history is added); the bot is started anew on it for each.
  const target: EngineTarget = await prepareEngine(engine, urls);
  let store: BenchStore | undefined;
  try {
    store = await openBenchStore(target);
    const toApprove = approvable(options.open, options.today);
    let stored = 0;
    for (const size of sizes) {
      const seedStarted = performance.now();
      for (let batchStart = stored; batchStart < size; batchStart += SEED_BATCH) {
        const batch: Seeded[] = [];
        for (let index = batchStart; index < Math.min(batchStart + SEED_BATCH, size); index += 1) batch.push(historyRotation(index, options.open, options.today));
        await store.seed(batch);
      }
      stored = Math.max(stored, size);
      await store.settle();
      const seedMs = performance.now() - seedStarted;
      const bot = await startBot({ apiUrl: slack.apiUrl, storeUrl: target.storeUrl, extra: BOT_EXTRA, timeoutMs: 300_000 });
      try {
        report(pointOf(size, options, await measure(bot, slack, options, toApprove), bot, seedMs));
      } finally {
        await bot.stop();
      }
    }
  } finally {
    await store?.close().catch(() => undefined);
    await target.dispose().catch(() => undefined);
  }
}

export async function scaleEngine(engine: EngineName, slack: FakeSlack, options: ScaleOptions, urls: EngineUrls, log: (line: string) => void): Promise<ScaleEngineResult> {
  if (options.sizes.some((size) => size < options.open)) {
    throw new Error(`BENCH_SCALE_SIZES: every size must hold the ${options.open} open rotations (BENCH_SCALE_OPEN)`);
  }
  const points: ScalePoint[] = [];
  const report = (point: ScalePoint) => {
    points.push(point);
    log(
      `  scale ${engine} ${point.size}: request posted ${point.requestPosted.p50} / Home ${point.requestHomeRefreshed.p50} ms, ` +
        `approve ${point.approveUpdated.p50} ms, Home opened ${point.homeOpenedApprover.p50} / ${point.homeOpenedPerson.p50} ms, list ${point.list.p50} ms, ` +
        `${point.publishesPerRequest} / ${point.publishesPerApproval} publishes, RSS ${point.rssIdleMb} / ${point.rssPeakMb} MB, ` +
        `failures ${point.failures} (${Number.isFinite(point.seedMs) ? `seeded in ${(point.seedMs / 1000).toFixed(1)} s, ` : ''}healthy after ${point.healthyMs} ms)`,
    );
  };
  let error: string | undefined;
  try {
    await measureSizes(engine, slack, { ...options, today: utcToday() }, urls, report);
  } catch (failure) {
    // The sizes measured so far stay in the report: a failure at 100,000 should not cost the 1,000 and 10,000.
    error = (failure as Error).message.split('\n')[0] ?? String(failure);
    log(`  scale ${engine} failed after ${points.length} size(s): ${error}`);
  }
  const first = points[0];
  const last = points[points.length - 1];
  const grew = (pick: (p: ScalePoint) => Summary) => (first && last && first !== last ? ratio(pick(last).p50, pick(first).p50) : Number.NaN);
  return {
    engine,
    points,
    growth: {
      requestHomeRefreshed: grew((p) => p.requestHomeRefreshed),
      homeOpenedApprover: grew((p) => p.homeOpenedApprover),
      homeOpenedPerson: grew((p) => p.homeOpenedPerson),
      approveUpdated: grew((p) => p.approveUpdated),
      list: grew((p) => p.list),
    },
    ...(error ? { error } : {}),
  };
}
