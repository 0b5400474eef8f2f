import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, passed, type SoakResult } from './check';
import { simulate, type Engine, type Plant, type SoakOptions } from './simulation';

/**
 * `npm run soak`: the simulated year on every engine there is (SQLite always,
 * one replica; Redis and PostgreSQL with three when TEST_REDIS_URL /
 * TEST_POSTGRES_URL are set), in a zone with daylight saving and one far from
 * UTC. SOAK_SEED replays a run exactly; SOAK_DAYS, SOAK_ROTATIONS,
 * SOAK_RUNS (sqlite,redis,postgres,auckland) and SOAK_PLANT
 * (claim-read-then-write, sent-before-post) change what is run.
 * Writes soak/results.json and exits non-zero when any run lost, doubled or
 * late-sent a reminder.
 */

const COLUMNS: Array<[keyof SoakResult, string]> = [
  ['engine', 'engine'],
  ['timeZone', 'zone'],
  ['replicas', 'replicas'],
  ['rotations', 'rotations'],
  ['simulatedDays', 'days'],
  ['kills', 'kills'],
  ['storeOutages', 'outages'],
  ['slackFaults', 'Slack faults'],
  ['expected', 'expected'],
  ['delivered', 'delivered'],
  ['failed', 'failed'],
  ['coalesced', 'coalesced'],
  ['movedOn', 'moved on'],
  ['lost', 'lost'],
  ['doubled', 'doubled'],
  ['stale', 'stale'],
  ['late', 'late'],
  ['worstLatenessMinutes', 'worst lateness (min)'],
  ['transitions', 'transitions'],
  ['wallSeconds', 'wall (s)'],
];

export function table(results: SoakResult[]): string {
  const head = `| ${COLUMNS.map(([, label]) => label).join(' | ')} |`;
  const rule = `| ${COLUMNS.map(() => '---').join(' | ')} |`;
  const rows = results.map((r) => `| ${COLUMNS.map(([key]) => String(r[key])).join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}

export function soakRuns(env: NodeJS.ProcessEnv, sqliteUrl: string): SoakOptions[] {
  const seed = env.SOAK_SEED ? Number(env.SOAK_SEED) : Math.floor(Math.random() * 2 ** 31);
  const days = Number(env.SOAK_DAYS ?? 365);
  const rotations = Number(env.SOAK_ROTATIONS ?? 500);
  const plant = env.SOAK_PLANT as Plant | undefined;
  const base = { seed, days, rotations, instances: 40, start: '2027-01-04', intervalMinutes: 10, ...(plant ? { plant } : {}) };
  const engines: Array<[Engine, string | undefined, number]> = [
    ['sqlite', sqliteUrl, 1],
    ['redis', env.TEST_REDIS_URL, 3],
    ['postgres', env.TEST_POSTGRES_URL, 3],
  ];
  const runs: SoakOptions[] = [];
  for (const [engine, storeUrl, replicas] of engines) {
    if (!storeUrl) continue;
    runs.push({ ...base, engine, storeUrl, replicas, timeZone: 'America/New_York' });
  }
  // A zone far from UTC, on the embedded engine.
  runs.push({ ...base, engine: 'sqlite', storeUrl: sqliteUrl.replace('store.sqlite', 'auckland.sqlite'), replicas: 1, timeZone: 'Pacific/Auckland' });
  // SOAK_RUNS=sqlite,redis,postgres,auckland picks some (two processes can share a machine's cores).
  const only = env.SOAK_RUNS?.split(',').map((name) => name.trim());
  return only ? runs.filter((run) => only.includes(run.timeZone === 'Pacific/Auckland' ? 'auckland' : run.engine)) : runs;
}

/**
 * SQLite files in memory-backed /dev/shm where there is one: a simulated year
 * writes tens of thousands of times, and what is under test is the bot's
 * logic across processes, not the disk's fsync.
 */
export function soakDir(): string {
  return mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'wfi-soak-'));
}

async function main(): Promise<void> {
  const dir = soakDir();
  const runs = soakRuns(process.env, `sqlite://${join(dir, 'store.sqlite')}`);
  console.log(`SOAK_SEED=${runs[0]?.seed} (replay: SOAK_SEED=${runs[0]?.seed} npm run soak)`);
  const results: SoakResult[] = [];
  try {
    for (const run of runs) {
      const result = check(await simulate({ ...run, log: (line) => console.log(line) }));
      results.push(result);
      console.log(`${passed(result) ? 'PASS' : 'FAIL'} ${run.engine} ${run.timeZone}: ${result.expected} owed, ${result.lost} lost, ${result.doubled} doubled, ${result.late} late`);
      for (const line of result.problems.slice(0, 15)) console.log(`  ${line}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${table(results)}`);
  const out = process.env.SOAK_OUT ?? join(__dirname, '..', '..', 'soak', 'results.json');
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
  if (!results.every(passed)) process.exitCode = 1;
}

if (require.main === module) {
  main()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => {
      // The results are written: whatever a run left open (a killed replica's connection, a timer)
      // must not keep the process alive. Said, so that it can be found and closed.
      setTimeout(() => {
        console.error(`Still open after the runs ended, closed by exiting: ${process.getActiveResourcesInfo().join(', ')}`);
        process.exit();
      }, 10_000).unref();
    });
}
