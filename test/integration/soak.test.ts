import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { check, passed } from '../../soak/check';
import { soakDir } from '../../soak/run';
import { simulate, type Engine } from '../../soak/simulation';

/**
 * The short form of `npm run soak`: a simulated quarter, 100 rotations, two
 * replicas on every engine there is, with kills, outages and Slack faults,
 * judged by the independent oracle in soak/oracle.ts. A fixed seed, so a red
 * run replays exactly (SOAK_SEED overrides it); the full year runs with fresh
 * seeds in `npm run soak`.
 */
const SEED = Number(process.env.SOAK_SEED ?? 20270104);
const dir = soakDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const engines = [
  ['sqlite', `sqlite://${join(dir, 'store.sqlite')}`],
  ['redis', process.env.TEST_REDIS_URL],
  ['postgres', process.env.TEST_POSTGRES_URL],
].filter(([, url]) => url !== undefined) as Array<[Engine, string]>;

describe.each(engines)('a simulated quarter on %s with two replicas', (engine, storeUrl) => {
  it(`sends every reminder owed once and in time, and applies every step once (seed ${SEED})`, async () => {
    const result = check(
      await simulate({ seed: SEED, engine, storeUrl, replicas: 2, days: 91, rotations: 100, instances: 40, timeZone: 'America/New_York', start: '2027-01-04', intervalMinutes: 10 }),
    );
    // The run did what it is for: faults happened and reminders were owed through them.
    expect(result.kills).toBeGreaterThanOrEqual(12);
    expect(result.storeOutages).toBeGreaterThanOrEqual(3);
    expect(result.slackFaults).toBeGreaterThan(0);
    expect(result.expected).toBeGreaterThan(500);
    expect(result.problems).toEqual([]);
    expect(passed(result)).toBe(true);
  }, 180_000);
});
