// Mutation testing (issue 13): `npm run mutate`. Not part of `npm test`; a full run takes long.
// Option names: https://stryker-mutator.io/docs/stryker-js/configuration/
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // The pure rules, the use cases and the stores. src/slack is measured by its own tests, not here.
  mutate: ['src/domain/**/*.ts', 'src/services/**/*.ts', 'src/store/**/*.ts'],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    // Only the suites that exercise these three folders, without the slow process-spawning ones: see the file.
    configFile: 'jest.stryker.config.js',
    // Per mutant, only the test files that import the mutated file (directly or not) are loaded.
    enableFindRelatedTests: true,
  },
  // Each mutant runs only the tests that executed its code in the initial run.
  coverageAnalysis: 'perTest',
  // Static mutants (module-level code: constants, tables, regexes built at import) are covered by no test in
  // particular, so each would need a fresh full test run: 1339 of 2906 mutants, 92% of the run's time
  // (days on two cores). They are reported as Ignored and left out of the score; `--ignoreStatic false` runs them.
  ignoreStatic: true,
  // A mutant that does not type-check is not run (and is reported as a compile error, not a survivor).
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  // Incremental: a rerun retests only mutants whose code or covering tests changed. The incremental file is
  // kept in the repository (not in the ignored reports/) so that a rerun on a fresh clone, or on another
  // branch, starts from the last recorded result instead of the full two-core run.
  incremental: true,
  incrementalFile: 'reliability/stryker-incremental.json',
  // The machine has 2 cores and other work runs tests too; pass `--concurrency 2` on a quiet machine.
  concurrency: 1,
  // The store suites talk to Redis and PostgreSQL: allow for a busy machine (the default is 5000).
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { logTests: false, allowColor: false },
  // Stryker's sandbox (ignored by git and eslint); files not needed by the tests are not copied into it.
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'coverage', 'reports', 'bench/results', 'data', '*.sqlite'],
  thresholds: { high: 85, low: 75, break: null },
};
