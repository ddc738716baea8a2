// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';

/** Packages the core (src/) must never import: it knows nothing of Teams, HTTP servers or React (DESIGN §4). */
const coreForbiddenPackages = [
  'botbuilder',
  'botbuilder-*',
  'botframework-*',
  '@microsoft/teams-ai',
  '@microsoft/teams-js',
  'restify',
  'restify-*',
  'react',
  'react-dom',
  '@fluentui/*',
];

/** Imports the core (src/) must never make (DESIGN §4). */
const corePatterns = [
  {
    group: coreForbiddenPackages,
    message: 'The core (src/) must not depend on Teams, restify or React (DESIGN §4).',
  },
  {
    regex: '^(\\.\\./)+(bot|tab|sim|server)(/|$)',
    message:
      'The core (src/) must not import bot/, tab/, sim/ or server/; define a port in the core instead.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-bench/',
      'data/',
      'coverage/',
      'tab/web/dist/',
      'appPackage/build/',
      'devTools/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    settings: {
      // The import rules read TypeScript sources (by default they would skip every .ts file as "not a module").
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      // Imports name the compiled `.js`; the import rules must find the `.ts`/`.tsx` source to see where it lives.
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
        }),
      ],
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The layers, kept by the imports (DESIGN §4). One list, because a later config object would replace it.
    files: ['**/*.{ts,tsx}'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // The core (src/) calls no edge: bot/ and tab/ call it, never the other way round.
            {
              target: './src',
              from: './bot',
              message: 'The core (src/) must not import the bot; use a port.',
            },
            {
              target: './src',
              from: './tab',
              message: 'The core (src/) must not import the tab; use a port.',
            },
            { target: './src', from: './sim', message: 'The core (src/) must not import the simulator.' },
            // The domain is the innermost layer: pure rules and the vocabulary, nothing of storage, Graph or services.
            {
              target: './src/domain',
              from: './src',
              except: ['./domain', './shared'],
              message:
                'The domain (src/domain) may import only src/domain and src/shared; the store imports it.',
            },
            // The contracts are the views every side reads: types in the domain's words, nothing else.
            {
              target: './src/contracts',
              from: './src',
              except: ['./contracts', './domain/vocabulary.ts'],
              message:
                'The contracts (src/contracts) may import only src/contracts and src/domain/vocabulary.ts.',
            },
            // The edges call the core's services (use cases) and read its contracts: never its store, sync engines or
            // Graph client. (The entry points — server/, src/cli/main.ts — assemble the core and may.)
            {
              target: [
                './bot',
                './tab/api',
                './src/cli/commands',
                './src/cli/cli-context.ts',
                './src/cli/program.ts',
              ],
              from: ['./src/store', './src/sync', './src/graph'],
              message: 'The bot, the tab API and the CLI commands call services: add a use case instead.',
            },
            // The tab's browser build reads the core's views and nothing else of the server.
            {
              target: './tab/web',
              from: './src',
              except: ['./contracts'],
              message: 'The tab web app may import only src/contracts from the core (with `import type`).',
            },
            {
              target: './tab/web',
              from: ['./tab/api', './bot', './server', './sim'],
              message:
                'The tab web app runs in the browser: it may not import the server, the bot or the simulator.',
            },
          ],
        },
      ],
    },
  },
  {
    // No import cycles in the core (type-only imports do not count: they are erased).
    files: ['src/**/*.ts'],
    rules: { 'import-x/no-cycle': 'error' },
  },
  {
    // The dependency rule: src/ is the core; bot/ and tab/ call it, never the other way round.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: corePatterns }],
    },
  },
  {
    // The services reach the data through the Store (src/store/store.ts): repositories and records, no SQL builder.
    // The same rule as the core's above (a later object replaces its options), plus kysely, without exceptions.
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kysely',
              message:
                'Services do not build SQL: use the Store (store.read / store.transaction) and put the query in a src/store repository.',
            },
          ],
          patterns: corePatterns,
        },
      ],
    },
  },
  {
    // The composition root and CLI entry points may write to the terminal.
    files: ['src/cli/**/*.ts', 'sim/main.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // mocha's describe/it return values are not promises to await
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [] }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['tab/web/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: './tab/web/tsconfig.json',
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // values.ts holds the few constants both sides share (input patterns, a day), expiry-words.ts the words
              // for rule 8's outcome, sync-words.ts those for what started a sync, permission-words.ts the line
              // that sums up a connection's permissions, offboarding.ts the steps of offboarding and their titles:
              // plain values and pure functions, no server code.
              group: [
                '**/src/contracts/*',
                '!**/src/contracts/values.js',
                '!**/src/contracts/expiry-words.js',
                '!**/src/contracts/sync-words.js',
                '!**/src/contracts/permission-words.js',
                '!**/src/contracts/offboarding.js',
              ],
              allowTypeImports: true,
              message:
                'Import the contracts with `import type`: the browser bundle must carry no server code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
