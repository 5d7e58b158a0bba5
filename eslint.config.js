// The one-way import rule (docs/architecture.md, "Layers") is enforced here, not just written down.
// LAYERS says, for each folder of src/, which other folders it may import; everything else is an error.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const capabilities = ['certs', 'firewall', 'conffile', 'relay', 'proxy'];
/** folder → the folders it may import (besides itself). Mirrored in docs/architecture.md. */
export const LAYERS = {
  core: [],
  runners: ['core'],
  services: ['runners', 'core'],
  certs: ['services', 'runners', 'core'],
  firewall: ['services', 'runners', 'core'],
  conffile: ['services', 'runners', 'core'],
  relay: ['services', 'runners', 'core'],
  proxy: ['services', 'runners', 'core'],
  clientsetup: ['conffile', 'services', 'runners', 'core'],
  monitor: [...capabilities, 'services', 'runners', 'core'],
  present: [...capabilities, 'monitor', 'core'],
  ui: ['present', 'core'],
  screens: ['ui', 'present', 'monitor', 'clientsetup', ...capabilities, 'services', 'core'],
  dashboard: ['present', 'monitor', 'services', 'core'],
  cli: ['screens', 'dashboard', 'present', 'monitor', 'clientsetup', ...capabilities, 'services', 'core'],
};

const uiModules = ['ink', 'react', '@inkjs/ui', 'ink-testing-library', 'blessed', 'blessed-contrib'];
const processModules = ['execa', 'node:child_process', 'child_process'];
const fsNetModules = ['ssh2', 'node:fs', 'node:fs/promises', 'fs', 'node:net', 'socket.io'];
/** External modules a folder may not import, on top of the layer rule. */
const EXTERNAL = {
  ui: [...processModules, ...fsNetModules],
  screens: [...processModules, ...fsNetModules],
  dashboard: processModules,
  cli: [...processModules, 'ssh2', 'socket.io'],
  present: [...uiModules, ...processModules, ...fsNetModules],
};
const belowUi = ['core', 'runners', 'services', ...capabilities, 'clientsetup', 'monitor'];

function rule(folder) {
  const allowed = new Set([folder, ...LAYERS[folder]]);
  const forbidden = Object.keys(LAYERS).filter((f) => !allowed.has(f));
  const external = [...(EXTERNAL[folder] ?? []), ...(belowUi.includes(folder) ? [...uiModules, ...processModules] : [])];
  return {
    'no-restricted-imports': ['error', {
      paths: external.map((name) => ({ name, message: `${folder}/ may not import ${name} (docs/architecture.md: only runners/local.ts runs processes; UI modules stay in ui, screens, dashboard)` })),
      patterns: forbidden.map((f) => ({ group: [`**/${f}/*`, `../${f}/*`, `../../${f}/*`], message: `${folder}/ may not import ${f}/: imports point one way (docs/architecture.md, LAYERS in eslint.config.js)` })),
    }],
  };
}

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
    // Hooks: called unconditionally, and every value an effect or callback reads is in its dependency list (or the
    // line says why not).
    files: ['src/screens/**', 'src/ui/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  ...Object.keys(LAYERS).map((folder) => ({ files: [`src/${folder}/**`], ignores: folder === 'runners' ? ['src/runners/local.ts'] : [], rules: rule(folder) })),
  {
    // The one place that runs processes.
    files: ['src/runners/local.ts'],
    rules: (() => { const r = rule('runners'); r['no-restricted-imports'][1].paths = r['no-restricted-imports'][1].paths.filter((p) => p.name !== 'execa' && p.name !== 'node:child_process'); return r; })(),
  },
  {
    files: ['bin/**', 'scripts/**/*.js', 'test/fixtures/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
