import type { AckResult } from '../sections/ack';
import type { StartupResult } from '../sections/startup';
import type { SubmissionResult } from '../sections/submission';
import type { ThroughputRow } from '../sections/throughput';
import type { TickEngineResult } from '../sections/tick';
import { formatMs, formatRatio } from './stats';

/** What one run measured, as written to bench/results.json. */
export interface Results {
  meta: { date: string; node: string; cpus: number; cpuModel: string; memoryGb: number; commit: string; durationS?: number };
  knobs: Record<string, unknown>;
  ack?: AckResult;
  submission?: SubmissionResult;
  tick?: TickEngineResult[];
  startup?: StartupResult;
  throughput?: ThroughputRow[];
  targets: Target[];
}

export interface Target {
  name: string;
  /** The target, in words. */
  wanted: string;
  /** What was measured, in words. */
  measured: string;
  met: boolean;
}

/** The issue's targets, judged on this run's figures; a target whose section did not run is left out. */
export function judge(results: Omit<Results, 'targets'>): Target[] {
  const targets: Target[] = [];
  const level20 = results.ack?.levels.find((l) => l.concurrency === 20);
  if (level20) {
    const r = level20.ratios.http.p99;
    targets.push({
      name: 'Ack p99 vs bare Bolt, concurrency 20',
      wanted: '≤ 1.10×',
      measured: `${formatRatio(r)} (${formatMs(level20.bot.http.p99)} vs ${formatMs(level20.bare.http.p99)} ms)`,
      met: r <= 1.1,
    });
  }
  if (results.ack) {
    const worst = Math.max(...results.ack.levels.flatMap((l) => [l.bot.http.max, l.bot.viewsOpen.max]));
    const over = results.ack.levels.reduce((n, l) => n + l.bot.overOneSecond + l.bot.failures, 0);
    targets.push({
      name: 'No /wfi-rotate request over 1 s (ack or modal)',
      wanted: '0 over 1 s',
      measured: `${over} over 1 s or failed; slowest ${formatMs(worst)} ms`,
      met: over === 0 && worst <= 1000,
    });
  }
  for (const engine of results.tick ?? []) {
    const first = engine.points[0];
    const last = engine.points[engine.points.length - 1];
    if (!first || !last || first === last) continue;
    targets.push({
      name: `Tick at ${last.size.toLocaleString('en-US')} vs ${first.size.toLocaleString('en-US')} rotations, ${engine.engine}`,
      wanted: '≤ 1.5×',
      measured: `${formatRatio(engine.growth)} (${formatMs(last.tickMs)} vs ${formatMs(first.tickMs)} ms)`,
      met: engine.growth <= 1.5,
    });
  }
  if (results.startup) {
    const s = results.startup;
    targets.push({
      name: 'Start-up to healthy, SQLite',
      wanted: '< 1.5 s',
      measured: `median ${formatMs(s.healthyMs.median)} ms, slowest ${formatMs(s.healthyMs.max)} ms`,
      met: s.healthyMs.median < 1500,
    });
    targets.push({
      name: `RSS with ${s.rotations.toLocaleString('en-US')} rotations`,
      wanted: '< 150 MB',
      measured: `peak ${s.rssPeakWithRotationsMb.toFixed(1)} MB while serving (idle ${s.rssIdleWithRotationsMb.toFixed(1)} MB)`,
      met: s.rssPeakWithRotationsMb < 150,
    });
  }
  return targets;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const count = (n: number) => n.toLocaleString('en-US');

/** The printed report: Markdown tables, so the README's Performance section can take them as they are. */
export function render(results: Results): string {
  const out: string[] = [];
  const m = results.meta;
  out.push(`wfi-rotate benchmark, ${m.date} · Node ${m.node} · ${m.cpus} × ${m.cpuModel} · ${m.memoryGb} GB · ${m.commit}`);

  if (results.ack) {
    const a = results.ack;
    out.push(
      '',
      `**1. /wfi-rotate: ack and modal (ms)**, bot vs a bare Bolt app, ${count(a.levels[0]?.requests ?? 0)} requests each after ${count(a.warmup)} warm-up, ${a.rounds} alternating rounds, modal ${count(a.viewBytes)} bytes`,
      '',
      table(
        ['concurrency', 'measured until', 'bot p50', 'bot p95', 'bot p99', 'bare p50', 'bare p95', 'bare p99', 'p50 ratio', 'p99 ratio'],
        a.levels.flatMap((l) =>
          (['http', 'viewsOpen'] as const).map((key) => [
            String(l.concurrency),
            key === 'http' ? 'HTTP answer (ack)' : 'views.open at Slack',
            formatMs(l.bot[key].p50),
            formatMs(l.bot[key].p95),
            formatMs(l.bot[key].p99),
            formatMs(l.bare[key].p50),
            formatMs(l.bare[key].p95),
            formatMs(l.bare[key].p99),
            formatRatio(l.ratios[key].p50),
            formatRatio(l.ratios[key].p99),
          ]),
        ),
      ),
    );
    const cpu = a.levels.filter((l) => Number.isFinite(l.bot.cpuMsPerRequest));
    if (cpu.length > 0) {
      out.push('', `CPU per command (ms, from /proc): ${cpu.map((l) => `c=${l.concurrency} bot ${formatMs(l.bot.cpuMsPerRequest)} vs bare ${formatMs(l.bare.cpuMsPerRequest)} (${formatRatio(l.bot.cpuMsPerRequest / l.bare.cpuMsPerRequest)})`).join('; ')}`);
    }
  }

  if (results.submission) {
    const s = results.submission;
    out.push(
      '',
      `**2. Request form submitted (ms)**, SQLite, one at a time, ${count(s.valid.count)} valid and ${count(s.invalid.count)} invalid${s.failures ? `, ${s.failures} failed` : ''}`,
      '',
      table(
        ['submission', 'HTTP answer p50', 'p99', 'message posted p50', 'p99', 'App Home refreshed p50', 'p99'],
        [
          ['valid', formatMs(s.valid.http.p50), formatMs(s.valid.http.p99), formatMs(s.valid.posted.p50), formatMs(s.valid.posted.p99), formatMs(s.valid.homeRefreshed.p50), formatMs(s.valid.homeRefreshed.p99)],
          ['invalid (field errors)', formatMs(s.invalid.http.p50), formatMs(s.invalid.http.p99), '–', '–', '–', '–'],
        ],
      ),
    );
  }

  if (results.tick && results.tick.length > 0) {
    const sizes = [...new Set(results.tick.flatMap((e) => e.points.map((p) => p.size)))].sort((x, y) => x - y);
    const first = sizes[0] ?? 0;
    const last = sizes[sizes.length - 1] ?? 0;
    out.push(
      '',
      `**3. Scheduler tick (ms, median of ${results.tick[0]?.points[0]?.ticks ?? '?'})** with 10 rotations due among the stored ones; rows = records the tick's store calls returned`,
      '',
      table(
        ['store', ...sizes.map((s) => `${count(s)} stored`), `rows read per tick`, `store calls per tick`, `${count(last)} / ${count(first)}`],
        results.tick.map((e) => [
          e.engine,
          ...sizes.map((size) => {
            const point = e.points.find((p) => p.size === size);
            return point ? formatMs(point.tickMs) : '–';
          }),
          e.points.map((p) => String(p.rowsRead)).join(' / '),
          e.points.map((p) => String(p.calls)).join(' / '),
          e.error ? `failed: ${e.error}` : formatRatio(e.growth),
        ]),
      ),
    );
  }

  if (results.startup) {
    const s = results.startup;
    out.push(
      '',
      `**4. Start-up and memory**, \`node dist/src/index.js\` on SQLite`,
      '',
      table(
        ['measure', 'value'],
        [
          [`spawn → /healthz 200, empty store (median of ${s.starts}, slowest)`, `${formatMs(s.healthyMs.median)} ms, ${formatMs(s.healthyMs.max)} ms`],
          ['RSS after start, empty store', `${s.rssAfterStartMb.toFixed(1)} MB`],
          [`spawn → /healthz 200 with ${count(s.rotations)} rotations`, `${formatMs(s.healthyWithRotationsMs)} ms`],
          [`RSS with ${count(s.rotations)} rotations: idle / peak serving / after`, `${s.rssIdleWithRotationsMb.toFixed(1)} / ${s.rssPeakWithRotationsMb.toFixed(1)} / ${s.rssAfterWithRotationsMb.toFixed(1)} MB`],
          [`App Home opened → published, ${count(s.rotations)} rotations`, `${formatMs(s.appHomeMs)} ms`],
          [`\`/wfi-rotate list\` → reply, ${count(s.rotations)} rotations`, `${formatMs(s.listMs)} ms`],
          [`new request → message posted / App Home refreshed, ${count(s.rotations)} rotations`, `${formatMs(s.submissionPostedMs)} / ${formatMs(s.submissionHomeMs)} ms`],
        ],
      ),
    );
  }

  if (results.throughput && results.throughput.length > 0) {
    const t = results.throughput;
    out.push(
      '',
      `**5. Throughput**: rotations created end to end (command → modal → submission → message posted), ${count(t[0]?.rotations ?? 0)} per store, ${t[0]?.concurrency ?? '?'} people at once, fresh store each; sustained counts until each one's App Home refresh is done too`,
      '',
      table(
        ['store', 'posted / s', 'sustained / s', 'end to end p50 (ms)', 'p99 (ms)', 'bot CPU per rotation (ms)', 'App Home work after the last post (ms)', 'RSS after (MB)', 'failures'],
        t.map((r) =>
          r.error
            ? [r.engine, `failed: ${r.error}`, '', '', '', '', '', '', '']
            : [
                r.engine,
                r.perSecond.toFixed(1),
                r.perSecondSustained.toFixed(1),
                formatMs(r.endToEnd.p50),
                formatMs(r.endToEnd.p99),
                formatMs(r.cpuMsPerRotation),
                formatMs(r.drainMs),
                r.rssMb.toFixed(1),
                String(r.failures),
              ],
        ),
      ),
    );
  }

  out.push('', '**Targets**', '', table(['target', 'wanted', 'measured', 'met'], results.targets.map((t) => [t.name, t.wanted, t.measured, t.met ? 'yes' : '**no**'])));
  return out.join('\n');
}
