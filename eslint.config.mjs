// ESLint flat config: typescript-eslint with type information, plus the project's layer boundaries.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

/** Node built-in module names, bare and with the `node:` prefix. */
const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

const noVscode = { name: 'vscode', message: 'Only src/extension may import vscode; keep this layer headless.' };

/** The engine process's internals: only the engine imports them (the host side uses src/engineClient). */
const noEngineInternals = {
  regex: '^(\\.\\./)+engine(/|$)',
  message: 'src/engine is the engine process: talk to it through src/engineClient and the types in src/protocol.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'test/e2e/host/**',
      'test-results/**',
      'test/fixtures/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-namespace': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Only src/extension may talk to VS Code; everything else must run headless (CLI, engine child, CI). Outside
    // the engine process, nothing imports its internals: the host side goes through src/engineClient and the
    // protocol.
    files: ['src/**/*.ts'],
    ignores: ['src/extension/**', 'src/engine/**', 'src/protocol/**', 'src/common/**', '**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noEngineInternals] }] },
  },
  {
    files: ['src/extension/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noEngineInternals] }] },
  },
  {
    files: ['src/engine/**/*.ts', 'src/**/*.test.ts'],
    ignores: ['src/protocol/**', 'src/common/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    // Shared helpers (formats, statistics) run in every layer, the webviews included: no imports at all.
    files: ['src/common/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode, ...nodeBuiltins.map((name) => ({ name, message: 'src/common runs in webviews too.' }))],
          patterns: [
            { group: ['../*', '@*', '[a-z]*'], message: 'src/common imports nothing: it is shared by every layer.' },
          ],
        },
      ],
    },
  },
  {
    // Engine code: stdout belongs to the protocol, diagnostics go through engine/log notifications.
    files: ['src/engine/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Protocol: types and message descriptors only, shared with browser code.
    files: ['src/protocol/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'The protocol is shared with the engine and webviews: no vscode.' },
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'The protocol is shared with webviews: no Node built-ins.',
            })),
          ],
        },
      ],
    },
  },
  {
    // Webviews are browser code: no Node built-ins, no vscode.
    files: ['webview/**/*.ts'],
    ignores: ['webview/**/*.test.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'Webviews talk to the host with messages (src/protocol/webview.ts).' },
            ...nodeBuiltins.map((name) => ({ name, message: 'Webview code runs in a browser: no Node built-ins.' })),
          ],
        },
      ],
    },
  },
);
