/**
 * The jest configuration `npm run mutate` (Stryker, stryker.config.mjs) runs the tests with.
 *
 * Stryker mutates src/domain, src/services and src/store, and for every mutant runs every test that covered
 * its code in the initial run: all of them, killed or not (Stryker cannot make jest stop at the first failure).
 * A mutant of the domain is covered by nearly every test that starts a bot, so with those suites in, a run
 * took hours on two cores. So this runs:
 * - every unit test;
 * - the store contract suites: SQLite always, Redis and PostgreSQL when TEST_REDIS_URL and TEST_POSTGRES_URL
 *   are set (set them, or the Redis and PostgreSQL stores count as uncovered);
 * - the service-level simulations on a virtual clock (reminders-simulation, replicas), which drive the use
 *   cases and the reminder runner against real stores without Slack.
 * Left out: the suites that start a bot in process or spawn one (authorisation-matrix, who-sees-what,
 * lifecycle, follow-up, reminder-delivery, request-path, rate-limits, leak-guard, slow-clients, slow-slack,
 * store-engines, replica-processes, restart-later, production-install, startup, socket-mode), the fuzzer, and
 * migrate-store (it tests src/cli). A mutant only they would kill shows here as a survivor: the score is that
 * of the unit and store/service suites, a lower bound for `npm test`'s.
 * No global setup/teardown: the log scan is `npm test`'s job.
 *
 * `npm run mutate:domain` sets MUTATE_SUITES=unit: the pure domain is measured by the unit tests alone (its
 * mutants are covered by the store/scheduler simulations too, which would make each one cost seconds).
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  preset: base.preset,
  testEnvironment: base.testEnvironment,
  roots: base.roots,
  testTimeout: base.testTimeout,
  testMatch: [
    '<rootDir>/test/unit/**/*.test.ts',
    // eslint-disable-next-line no-restricted-syntax -- the test tooling's own switch, not the bot's configuration
    ...(process.env.MUTATE_SUITES === 'unit' ? [] : [
      'rotation-store',
      'rotation-index',
      'reminder-schedule',
      'redis-reminder-schedule',
      'postgres-reminder-schedule',
      'sql-reminder-schedule',
      'reminders-simulation',
      'replicas',
    ].map((name) => `<rootDir>/test/integration/${name}.test.ts`)),
  ],
};
