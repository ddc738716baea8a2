// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
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

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
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
    // The dependency rule: src/ is the core; bot/ and tab/ call it, never the other way round.
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
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
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: coreForbiddenPackages,
              message: 'The core (src/) must not depend on Teams, restify or React (DESIGN §4).',
            },
            {
              regex: '^(\\.\\./)+(bot|tab|sim|server)(/|$)',
              message:
                'The core (src/) must not import bot/, tab/, sim/ or server/; define a port in the core instead.',
            },
          ],
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
