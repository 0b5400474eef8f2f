import type { EngineName, EngineUrls } from './engines';

/**
 * Every setting of `npm run bench`, from the environment. The defaults are
 * the full run (sections 1 to 5 about five minutes on a 2-core machine;
 * section 6, which fills a store of 100,000 rotations on each engine, an
 * estimated 15 to 20 more with four engines); BENCH_QUICK=1 shrinks
 * everything for a check that the bench still works (about four minutes).
 */
export interface Knobs {
  sections: Set<Section>;
  /** Section 1: requests per concurrency per app, after `warmup`, in `rounds` alternating rounds. */
  requests: number;
  warmup: number;
  rounds: number;
  concurrencies: number[];
  /** Section 2: valid and invalid submissions, each. */
  submissions: number;
  /** Section 3. */
  sizes: number[];
  ticks: number;
  engines: EngineName[];
  urls: EngineUrls;
  /** Section 4. */
  starts: number;
  rssRotations: number;
  /** Section 5. */
  throughputRotations: number;
  throughputConcurrency: number;
  /** Section 6: stored rotations per step, the open ones among them, samples per measure after `scaleWarmup` rounds, and the quiet that ends a change (ms). */
  scaleSizes: number[];
  scaleOpen: number;
  scaleSamples: number;
  scaleWarmup: number;
  scaleQuietMs: number;
  /** Where results.json goes. */
  out: string;
}

export const SECTIONS = ['ack', 'submission', 'tick', 'startup', 'throughput', 'scale'] as const;
export type Section = (typeof SECTIONS)[number];

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (got "${raw}")`);
  return value;
}

function ints(env: Env, name: string, fallback: number[]): number[] {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const values = raw.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`${name} must be comma-separated whole numbers (got "${raw}")`);
  return values;
}

/** A Redis URL with a database number of the bench's own (12 unless the URL names one). */
function benchRedisUrl(env: Env): string | undefined {
  if (env.BENCH_REDIS_URL?.trim()) return env.BENCH_REDIS_URL.trim();
  const shared = env.TEST_REDIS_URL?.trim();
  if (!shared) return undefined;
  const url = new URL(shared);
  url.pathname = '/12';
  return url.toString();
}

export function readKnobs(env: Env, root: string): Knobs {
  const quick = env.BENCH_QUICK === '1';
  const urls: EngineUrls = {
    redis: benchRedisUrl(env),
    postgres: env.BENCH_POSTGRES_URL?.trim() || env.TEST_POSTGRES_URL?.trim() || undefined,
  };
  const defaultEngines: EngineName[] = ['memory', 'sqlite', ...(urls.redis ? (['redis'] as const) : []), ...(urls.postgres ? (['postgres'] as const) : [])];
  const engines = env.BENCH_ENGINES?.trim() ? (env.BENCH_ENGINES.split(',').map((e) => e.trim()) as EngineName[]) : defaultEngines;
  for (const engine of engines) {
    if (!['memory', 'sqlite', 'redis', 'postgres'].includes(engine)) throw new Error(`BENCH_ENGINES: unknown engine ${engine}`);
    if ((engine === 'redis' && !urls.redis) || (engine === 'postgres' && !urls.postgres)) {
      throw new Error(`BENCH_ENGINES names ${engine}, but no URL is set (BENCH_${engine.toUpperCase()}_URL or TEST_${engine.toUpperCase()}_URL)`);
    }
  }
  const sections = env.BENCH_SECTIONS?.trim()
    ? new Set(env.BENCH_SECTIONS.split(',').map((s) => s.trim()) as Section[])
    : new Set<Section>(SECTIONS);
  for (const section of sections) if (!SECTIONS.includes(section)) throw new Error(`BENCH_SECTIONS: unknown section ${section} (${SECTIONS.join(', ')})`);
  return {
    sections,
    requests: int(env, 'BENCH_REQUESTS', quick ? 200 : 2000),
    warmup: int(env, 'BENCH_WARMUP', quick ? 50 : 300),
    rounds: Math.max(1, int(env, 'BENCH_ROUNDS', 4)),
    concurrencies: ints(env, 'BENCH_CONCURRENCY', [1, 20]),
    submissions: int(env, 'BENCH_SUBMISSIONS', quick ? 30 : 300),
    sizes: ints(env, 'BENCH_SIZES', quick ? [1000, 5000] : [1000, 10_000, 100_000]),
    ticks: Math.max(1, int(env, 'BENCH_TICKS', quick ? 3 : 7)),
    engines,
    urls,
    starts: Math.max(1, int(env, 'BENCH_STARTS', quick ? 2 : 5)),
    rssRotations: int(env, 'BENCH_RSS_ROTATIONS', quick ? 1000 : 10_000),
    throughputRotations: Math.max(1, int(env, 'BENCH_THROUGHPUT', quick ? 40 : 300)),
    throughputConcurrency: Math.max(1, int(env, 'BENCH_THROUGHPUT_CONCURRENCY', 10)),
    scaleSizes: ints(env, 'BENCH_SCALE_SIZES', quick ? [1000, 5000] : [1000, 10_000, 100_000]),
    // A realistic few hundred: about one per instance and step, and the planned next cycles.
    scaleOpen: int(env, 'BENCH_SCALE_OPEN', 300),
    scaleSamples: Math.max(1, int(env, 'BENCH_SCALE_SAMPLES', quick ? 5 : 20)),
    scaleWarmup: int(env, 'BENCH_SCALE_WARMUP', quick ? 1 : 3),
    // Longer than App Home's wait for more changes before it publishes, and than a slow engine's publishing.
    scaleQuietMs: Math.max(100, int(env, 'BENCH_SCALE_QUIET_MS', 750)),
    out: env.BENCH_OUT?.trim() || `${root}/bench/results.json`,
  };
}
