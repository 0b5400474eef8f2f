/**
 * `npm run bench`: the bot's cost next to the framework's floor, and how it
 * grows. Runs the compiled bot (build first: `npm run build`) and prints a
 * Markdown report; writes every figure to bench/results.json (BENCH_OUT).
 * Settings: bench/lib/knobs.ts; what each section measures: bench/sections/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runAck } from './sections/ack';
import { runStartup } from './sections/startup';
import { scaleEngine, type ScaleEngineResult } from './sections/scale';
import { runSubmissions } from './sections/submission';
import { throughputFor, type ThroughputRow } from './sections/throughput';
import { tickEngine, type TickEngineResult } from './sections/tick';
import { FakeSlack } from '../testkit/fake-slack';
import { readKnobs } from './lib/knobs';
import { BOT_ENTRY, BARE_ENTRY, ROOT, SEEDED_BOT_ENTRY } from './lib/processes';
import { judge, render, type Results } from './lib/report';

const log = (line: string) => console.error(line);

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} + uncommitted src changes` : sha;
  } catch {
    return 'unknown commit';
  }
}

/** Runs one part; a failure is recorded and the rest still runs (a Redis outage should not cost the SQLite figures). */
async function attempt<T>(what: string, work: () => Promise<T>, onError: (message: string) => T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? String(error);
    log(`  ${what} failed: ${message}`);
    return onError(message);
  }
}

async function main(): Promise<void> {
  for (const entry of [BOT_ENTRY, BARE_ENTRY, SEEDED_BOT_ENTRY]) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  }
  const knobs = readKnobs(process.env, ROOT);
  const started = performance.now();
  const cpu = cpus();
  const results: Omit<Results, 'targets'> = {
    meta: {
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      node: process.version,
      cpus: cpu.length,
      cpuModel: (cpu[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim(),
      memoryGb: Math.round(totalmem() / 2 ** 30),
      commit: commit(),
    },
    knobs: { ...knobs, sections: [...knobs.sections], urls: { redis: knobs.urls.redis ? 'set' : 'unset', postgres: knobs.urls.postgres ? 'set' : 'unset' } },
  };
  // Not recording: the bench counts calls and times markers, and keeps no call log to parse and collect.
  const slack = await new FakeSlack({ record: false }).start();
  try {
    if (knobs.sections.has('ack')) {
      log('1. ack latency, bot vs bare Bolt');
      results.ack = await runAck(slack, { requests: knobs.requests, warmup: knobs.warmup, rounds: knobs.rounds, concurrencies: knobs.concurrencies }, log);
    }
    if (knobs.sections.has('submission')) {
      log('2. submissions');
      results.submission = await runSubmissions(slack, { count: knobs.submissions, warmup: Math.min(20, knobs.submissions) }, log);
    }
    if (knobs.sections.has('tick')) {
      log(`3. scheduler tick at ${knobs.sizes.join(', ')} rotations`);
      const ticks: TickEngineResult[] = [];
      for (const engine of knobs.engines) {
        ticks.push(
          await attempt(`tick on ${engine}`, () => tickEngine(engine, knobs.sizes, knobs.ticks, knobs.urls, log), (error) => ({ engine, points: [], growth: Number.NaN, error })),
        );
      }
      results.tick = ticks;
    }
    if (knobs.sections.has('startup')) {
      log('4. start-up and memory');
      results.startup = await runStartup(slack, { starts: knobs.starts, rotations: knobs.rssRotations }, log);
    }
    if (knobs.sections.has('throughput')) {
      log('5. throughput');
      const rows: ThroughputRow[] = [];
      for (const engine of knobs.engines) {
        const options = { rotations: knobs.throughputRotations, concurrency: knobs.throughputConcurrency, warmup: Math.min(20, knobs.throughputRotations) };
        rows.push(
          await attempt(`throughput on ${engine}`, () => throughputFor(engine, slack, options, knobs.urls, log), (error) => ({
            engine,
            rotations: options.rotations,
            concurrency: options.concurrency,
            perSecond: Number.NaN,
            perSecondSustained: Number.NaN,
            endToEnd: { count: 0, min: Number.NaN, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN },
            drainMs: Number.NaN,
            failures: options.rotations,
            cpuMsPerRotation: Number.NaN,
            rssMb: Number.NaN,
            error,
          })),
        );
      }
      results.throughput = rows;
    }
    if (knobs.sections.has('scale')) {
      log(`6. at scale: ${knobs.scaleSizes.join(', ')} rotations stored, ${knobs.scaleOpen} open`);
      const scale: ScaleEngineResult[] = [];
      const options = { sizes: knobs.scaleSizes, open: knobs.scaleOpen, samples: knobs.scaleSamples, warmup: knobs.scaleWarmup, quietMs: knobs.scaleQuietMs };
      for (const engine of knobs.engines) {
        scale.push(
          await attempt(`scale on ${engine}`, () => scaleEngine(engine, slack, options, knobs.urls, log), (error) => ({
            engine,
            points: [],
            growth: { requestHomeRefreshed: Number.NaN, homeOpenedApprover: Number.NaN, homeOpenedPerson: Number.NaN, approveUpdated: Number.NaN, list: Number.NaN },
            error,
          })),
        );
      }
      results.scale = scale;
    }
  } finally {
    await slack.stop();
  }
  results.meta.durationS = Math.round((performance.now() - started) / 1000);
  const final: Results = { ...results, targets: judge(results) };
  mkdirSync(dirname(knobs.out), { recursive: true });
  writeFileSync(knobs.out, `${JSON.stringify(final, null, 2)}\n`);
  console.log(render(final));
  log(`\nWrote ${knobs.out} in ${results.meta.durationS} s.`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
