import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const STORE_IMPORTS = { group: ['**/store/*'], message: 'Listeners reach storage through the ports in domain/ports.ts.' };

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'bench/results/', 'reports/', '.stryker-tmp*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Only src/config.ts reads process.env.' },
      ],
    },
  },
  {
    files: ['src/config.ts', 'test/**', 'bench/**', 'soak/**', 'jest.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['src/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*', '@slack/*', 'keyv', '@keyv/*', 'node:*'], message: 'domain/ is pure: it imports only domain/, date-fns and @date-fns/tz.' }] },
      ],
    },
  },
  {
    // The benchmark runs testkit/ under plain node: jest is not there, and test/ is not compiled.
    files: ['testkit/**', 'bench/**', 'soak/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['jest', '@jest/*', '**/test/*'], message: 'testkit/, bench/ and soak/ run without jest: jest helpers stay in test/support.' }] },
      ],
    },
  },
  {
    files: ['src/slack/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [STORE_IMPORTS] }],
    },
  },
  // A later block replaces the rule for its files, so each repeats the store restriction.
  {
    files: ['src/slack/parse/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [STORE_IMPORTS, { group: ['**/views/*'], message: 'parse/ reads payloads; what they carry is defined in parse/, not in views/.' }] },
      ],
    },
  },
  {
    files: ['src/slack/views/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [STORE_IMPORTS, { group: ['**/listeners/*'], message: 'views/ are pure builders: listeners call them, never the other way round.' }] },
      ],
    },
  },
  {
    files: ['src/slack/listeners/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            STORE_IMPORTS,
            {
              group: ['**/services/*'],
              allowTypeImports: true,
              message: 'Listeners call the use cases they are given (ListenerDeps.useCases), not the services directly.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/services/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [STORE_IMPORTS, { group: ['**/slack/*', '@slack/*'], message: 'Use cases reach Slack through the Notifier port, never directly.' }] },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
