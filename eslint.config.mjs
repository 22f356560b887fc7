// Flat config for the whole workspace. Layering is enforced twice: Nx tags decide which project may import
// which, and the protocol package additionally bans anything that does I/O, reads a clock or draws randomness.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/coverage/**', '**/tmp/**'],
  },
  ...nx.configs['flat/base'],
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['packages/*/vitest.config.ts', 'tools/*/vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: [] },
            // The clock and the scheduler: timers, but nothing of ours below them.
            { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:transport', onlyDependOnLibsWithTags: ['type:protocol', 'type:runtime'] },
            {
              sourceTag: 'type:engine',
              onlyDependOnLibsWithTags: ['type:protocol', 'type:runtime', 'type:transport'],
            },
            // Add-ons attach to an engine from outside (the web view, the MQTT bridge).
            {
              sourceTag: 'type:addon',
              onlyDependOnLibsWithTags: ['type:protocol', 'type:runtime', 'type:transport', 'type:engine'],
            },
            // What both command lines share (process harness, UsageError, argument helpers).
            { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:protocol', 'type:runtime', 'type:transport'] },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:protocol',
                'type:runtime',
                'type:transport',
                'type:engine',
                'type:addon',
                'type:cli',
              ],
            },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: [
                'type:protocol',
                'type:runtime',
                'type:transport',
                'type:engine',
                'type:addon',
                'type:cli',
                'type:app',
                'type:tool',
              ],
            },
          ],
        },
      ],
    },
  },
  {
    // protocol is pure: no Node built-ins, no I/O, no timers, no clock, no ambient randomness.
    files: ['packages/protocol/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'protocol is pure: no Node built-ins.' })),
          patterns: [{ group: ['node:*'], message: 'protocol is pure: no Node built-ins.' }],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'Buffer',
          'process',
          'setTimeout',
          'setInterval',
          'setImmediate',
          'clearTimeout',
          'clearInterval',
          'clearImmediate',
          'queueMicrotask',
          'require',
          'global',
          'fetch',
          'performance',
          '__dirname',
          '__filename',
        ].map((name) => ({ name, message: `protocol is pure: ${name} is I/O, a timer or a Node global.` })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'protocol is pure: the caller supplies the time.' },
        { object: 'Math', property: 'random', message: 'protocol is pure: the caller supplies randomness.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'protocol is pure: the caller supplies the time.',
        },
      ],
    },
  },
  {
    // Small files with one job, and factories that wire named parts instead of being the module.
    files: ['packages/*/src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
