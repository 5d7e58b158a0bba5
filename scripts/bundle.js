// Links what tsc wrote to dist/ into dist/bundle/ with esbuild, for start-up speed: one file per entry and a
// chunk per lazily imported part (the console, ssh, the relay…), instead of hundreds of small ESM modules that
// Node resolves one by one (zod alone is ~100 of them). The code is tsc's output unchanged; nothing is minified.
// Packages with native parts or files read at run time stay outside and load from node_modules.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';

// zod re-exports all its ~40 message locales (a third of its size); only English is used (zod's default).
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/') ? { path: 'zod-locales', namespace: 'zod-locales', pluginData: args.resolveDir } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) =>
      ({ contents: "export { default as en } from '../locales/en.js';", resolveDir: args.pluginData, loader: 'js' }));
  },
};

const out = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(out, { recursive: true, force: true });
const result = await build({
  entryPoints: [new URL('../dist/cli/main.js', import.meta.url).pathname],
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  metafile: true,
  logLevel: 'warning',
  // ssh2: optional native crypto; blessed: terminfo files and widgets loaded by name; the rest are optional peers.
  external: ['ssh2', 'cpu-features', 'blessed', 'blessed-contrib', 'react-devtools-core', 'bufferutil', 'utf-8-validate'],
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
  plugins: [zodEnglishOnly],
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
});
// Which sources each output holds: the start-up test reads it to check what a command loads.
writeFileSync(`${out}meta.json`, JSON.stringify(result.metafile));
