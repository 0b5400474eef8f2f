/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Integration suites start servers; a stuck one should fail, not hang CI.
  testTimeout: 30000,
  // The log scan: every bot's log output is captured during the run and checked for secrets at the end.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // On two cores jest runs every suite in this one process (in band), one after the other; a timer or socket a suite
  // leaves behind now and then (seen once in CI: the run passed, then the process stayed up until CI's
  // 90-minute limit) must not turn a green run into a hang. The teardown names what was still open, so a
  // leak is reported rather than hidden.
  forceExit: true,
};
