import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRequestModal } from '../../src/slack/views/request-modal';
import { CHANNEL, REQUESTER, slashCommand } from '../../testkit/payloads';
import { prepareEngine } from '../lib/engines';
import type { FakeSlack } from '../../testkit/fake-slack';
import { closedLoop } from '../lib/load';
import { startBare, startBot, type Child } from '../lib/processes';
import { benchUser, marker, SlackPoster } from '../lib/slack-http';
import { ratio, rounded, summarize, type Summary } from '../lib/stats';

/**
 * Section 1: how long `/wfi-rotate` waits for its ack, and for the modal to
 * reach Slack, on the compiled bot next to a bare Bolt app doing the least
 * the same job takes. Both run as their own processes against the same fake
 * Slack and are driven by the same client in alternating rounds, so a noisy
 * neighbour on the machine lands on both sides of the ratio.
 */

export interface AckSide {
  /** Time from sending the command to the whole HTTP answer, ms. */
  http: Summary;
  /** Time from sending the command to views.open arriving at the fake Slack, ms. */
  viewsOpen: Summary;
  /** Requests not answered 200 with an empty ack, or whose modal never arrived. */
  failures: number;
  /** Requests whose answer or modal took over 1 s. */
  overOneSecond: number;
  /**
   * The app process's CPU time per command (user + system, from /proc), ms:
   * at concurrency 20 the app is saturated, so latency follows this.
   */
  cpuMsPerRequest: number;
}

export interface AckLevel {
  concurrency: number;
  requests: number;
  bot: AckSide;
  bare: AckSide;
  /** bot / bare for each percentile. */
  ratios: { http: { p50: number; p95: number; p99: number }; viewsOpen: { p50: number; p95: number; p99: number } };
}

export interface AckResult {
  warmup: number;
  rounds: number;
  /** Bytes of the views.open `view` argument both apps send. */
  viewBytes: number;
  levels: AckLevel[];
}

let sequence = 0;

interface Sample {
  http: number;
  viewsOpen: number;
  ok: boolean;
}

async function ackOnce(poster: SlackPoster, slack: FakeSlack): Promise<Sample> {
  const n = (sequence += 1);
  const triggerId = marker('t', n);
  // Registered before sending: the modal may reach the fake before the ack reaches us.
  const opened = slack.arrival('views.open', triggerId, 10_000).catch(() => Number.NaN);
  const answer = await poster.post(slashCommand({ trigger_id: triggerId, user_id: benchUser(n) }));
  const openedAt = await opened;
  // An empty 200 is a plain ack(); anything else (a refusal, a rate-limit notice) is not what is measured.
  const ok = answer.status === 200 && answer.body === '' && Number.isFinite(openedAt);
  return { http: answer.answeredAt - answer.sentAt, viewsOpen: openedAt - answer.sentAt, ok };
}

/** Drives `count` commands; resolves with the CPU time the app used meanwhile, ms. */
async function drive(child: Child, slack: FakeSlack, count: number, concurrency: number, into?: Sample[]): Promise<number> {
  const poster = new SlackPoster(child.port, concurrency);
  const cpuBefore = child.cpuMs();
  try {
    await closedLoop(count, concurrency, async () => {
      const sample = await ackOnce(poster, slack);
      into?.push(sample);
    });
    return child.cpuMs() - cpuBefore;
  } finally {
    poster.close();
  }
}

function side(samples: Sample[], cpuMs: number): AckSide {
  const ok = samples.filter((s) => s.ok);
  return {
    cpuMsPerRequest: Number((cpuMs / samples.length).toFixed(3)),
    http: rounded(summarize(ok.map((s) => s.http))),
    viewsOpen: rounded(summarize(ok.map((s) => s.viewsOpen))),
    failures: samples.length - ok.length,
    overOneSecond: samples.filter((s) => s.http > 1000 || !(s.viewsOpen <= 1000)).length,
  };
}

export async function runAck(
  slack: FakeSlack,
  options: { requests: number; warmup: number; rounds: number; concurrencies: number[] },
  log: (line: string) => void,
): Promise<AckResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wfi-rotate-bench-view-'));
  // The modal the bot opens for a command typed in a channel, frozen: the baseline sends the same bytes.
  const view = JSON.stringify(buildRequestModal({ requesterId: REQUESTER, channelId: CHANNEL, instanceDomain: 'wfi.pega.com' }));
  const viewFile = join(dir, 'view.json');
  writeFileSync(viewFile, view);
  const target = await prepareEngine('sqlite', {});
  const bot = await startBot({ apiUrl: slack.apiUrl, storeUrl: target.storeUrl });
  const bare = await startBare({ apiUrl: slack.apiUrl, viewFile });
  const levels: AckLevel[] = [];
  try {
    for (const concurrency of options.concurrencies) {
      await drive(bot, slack, options.warmup, concurrency);
      await drive(bare, slack, options.warmup, concurrency);
      const samples = { bot: [] as Sample[], bare: [] as Sample[] };
      const cpu = { bot: 0, bare: 0 };
      const perRound = Math.ceil(options.requests / options.rounds);
      for (let round = 0; round < options.rounds; round += 1) {
        const count = Math.min(perRound, options.requests - round * perRound);
        // Alternate who goes first, so neither always runs on the warmer (or noisier) half.
        const order = round % 2 === 0 ? (['bot', 'bare'] as const) : (['bare', 'bot'] as const);
        for (const name of order) cpu[name] += await drive(name === 'bot' ? bot : bare, slack, count, concurrency, samples[name]);
      }
      const botSide = side(samples.bot, cpu.bot);
      const bareSide = side(samples.bare, cpu.bare);
      const ratios = (key: 'http' | 'viewsOpen') => ({
        p50: ratio(botSide[key].p50, bareSide[key].p50),
        p95: ratio(botSide[key].p95, bareSide[key].p95),
        p99: ratio(botSide[key].p99, bareSide[key].p99),
      });
      const level = { concurrency, requests: options.requests, bot: botSide, bare: bareSide, ratios: { http: ratios('http'), viewsOpen: ratios('viewsOpen') } };
      levels.push(level);
      log(
        `  ack c=${concurrency}: bot p99 ${botSide.http.p99} ms, bare p99 ${bareSide.http.p99} ms (×${level.ratios.http.p99.toFixed(2)}); ` +
          `views.open p99 ${botSide.viewsOpen.p99} vs ${bareSide.viewsOpen.p99} ms; failures ${botSide.failures}/${bareSide.failures}`,
      );
    }
  } finally {
    await bot.stop();
    await bare.stop();
    await target.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  return { warmup: options.warmup, rounds: options.rounds, viewBytes: Buffer.byteLength(view), levels };
}
