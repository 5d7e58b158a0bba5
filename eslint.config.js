// The one-way import rule (docs/architecture.md) is enforced here, not just written down.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const uiModules = ['ink', 'react', '@inkjs/ui', 'ink-testing-library', 'blessed', 'blessed-contrib'];
const processModules = ['execa', 'node:child_process', 'child_process'];
const layerBelowUi = (extra = []) => ({
  'no-restricted-imports': ['error', {
    paths: [...uiModules, ...extra].map((name) => ({ name, message: 'services and domain code never import UI or process modules directly (docs/architecture.md)' })),
    patterns: [{ group: ['**/screens/*', '**/ui/*', '**/cli/*'], message: 'imports point downward only (docs/architecture.md)' }],
  }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/core/**', 'src/certs/**', 'src/firewall/**', 'src/relay/**', 'src/services/**', 'src/conffile/**', 'src/monitor/**', 'src/clientsetup/**'],
    rules: layerBelowUi(processModules),
  },
  {
    files: ['src/runners/**'],
    ignores: ['src/runners/local.ts'],
    rules: layerBelowUi(processModules),
  },
  {
    files: ['src/runners/local.ts'],
    rules: layerBelowUi(['node:child_process', 'child_process']),
  },
  {
    files: ['src/screens/**', 'src/ui/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...processModules, 'ssh2', 'node:fs', 'node:fs/promises', 'fs', 'node:net', 'socket.io'].map((name) => ({ name, message: 'screens call services; they never spawn, open sockets or touch files (docs/architecture.md)' })),
        patterns: [{ group: ['**/runners/*', '**/cli/*'], message: 'screens reach runners only through services' }],
      }],
    },
  },
  {
    files: ['bin/**', 'scripts/**/*.js', 'test/fixtures/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
