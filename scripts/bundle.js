// Links what tsc wrote to dist/ into dist/bundle/ with esbuild, for start-up speed: one file per entry and a
// chunk per lazily imported part (the console, ssh, the relay…), instead of hundreds of small ESM modules that
// Node resolves one by one (zod alone is ~100 of them). The code is tsc's output unchanged; nothing is minified.
// Packages with native parts or files read at run time stay outside and load from node_modules.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { inkStringWidth, lazyEmojiRegex } from './string-width-lazy.js';

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

// yoga-layout (Ink's layout engine) ships its WebAssembly as a base64 data: URL and loads it with fetch() where
// fetch exists, which in Node loads undici (~35 ms) to decode it. Handing it the bytes (decoded by Buffer) skips
// both; the base64 text is moved out of the loader so it is in the bundle once.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout\/dist\/binaries\/yoga-wasm-base64-esm\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const m = /"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/.exec(text);
      if (!m) throw new Error('yoga-layout: its wasm data URL was not found; update scripts/bundle.js');
      return { contents: `${text.replace(m[0], '"data:application/octet-stream;base64,"')}\nexport const wasmBase64 = ${JSON.stringify(m[1])};\n`, loader: 'js' };
    });
    b.onLoad({ filter: /yoga-layout\/dist\/src\/index\.js$/ }, (args) => ({
      resolveDir: dirname(args.path),
      loader: 'js',
      contents: [
        "import loadYoga, { wasmBase64 } from '../binaries/yoga-wasm-base64-esm.js';",
        "import wrapAssembly from './wrapAssembly.js';",
        "const Yoga = wrapAssembly(await loadYoga({ wasmBinary: Buffer.from(wasmBase64, 'base64') }));",
        'export default Yoga;',
        "export * from './generated/YGEnums.js';",
      ].join('\n'),
    }));
  },
};

// string-width's emoji regex, built when it is first needed rather than when the console starts (see the file).
const stringWidthLazyEmoji = {
  name: 'string-width-lazy-emoji',
  setup(b) {
    // The copy Ink itself resolves (several are installed; the one under wrap-ansi has no such regex and is left as it
    // is): resolved from Ink's own entry, as Node would.
    const inks = inkStringWidth();
    b.onLoad({ filter: /\/string-width\/index\.js$/ }, (args) => {
      if (args.path !== inks) return undefined;
      const patched = lazyEmojiRegex(readFileSync(args.path, 'utf8'));
      if (!patched) throw new Error(`${args.path}: not the string-width scripts/string-width-lazy.js knows; update it`);
      return { contents: patched, loader: 'js' };
    });
  },
};

// commander requires node:child_process when it loads, for running a command as a separate executable (which
// commbase-admin never does): with net, dgram and their streams, ~5 ms of every command's start. Required on first use.
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const commanderLazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /\/commander\/lib\/command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(COMMANDER_CHILD_PROCESS)) throw new Error(`${args.path}: not the commander scripts/bundle.js knows; update commanderLazyChildProcess`);
      return { contents: text.replace(COMMANDER_CHILD_PROCESS, "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"), loader: 'js' };
    });
  },
};

/** What both builds share: one ES module file set for Node 20+, minified in whitespace and syntax only (names kept,
 * so a stack trace still reads; less for Node to parse at each start), React's production build (its development
 * build checks every prop of every render, and doubles what Node compiles at start-up), and a require() for the
 * CommonJS packages inside that still call it for Node's built-ins. */
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  metafile: true,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
};

const out = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(out, { recursive: true, force: true });
const result = await build({
  ...common,
  entryPoints: [new URL('../dist/cli/main.js', import.meta.url).pathname, new URL('../dist/cli/console-entry.js', import.meta.url).pathname],
  outdir: out,
  splitting: true,
  // ssh2: optional native crypto; blessed: terminfo files and widgets loaded by name; the rest are optional peers.
  external: ['ssh2', 'cpu-features', 'blessed', 'blessed-contrib', 'react-devtools-core', 'bufferutil', 'utf-8-validate'],
  plugins: [zodEnglishOnly, yogaWithoutFetch, stringWidthLazyEmoji, commanderLazyChildProcess],
  // …and the version, so --version reads no package.json (src/cli/main.ts).
  define: { ...common.define, COMMBASE_ADMIN_VERSION: JSON.stringify(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version) },
});
// Which sources each output holds: the start-up test reads it to check what a command loads.
writeFileSync(`${out}meta.json`, JSON.stringify(result.metafile));
// The one command tree as data, beside the chunk that reads it (src/cli/command-tree.ts): a Tab's completion
// loads neither commander nor any noun.
const { wholeTree, TREE_FILE } = await import(new URL('../dist/cli/command-tree.js', import.meta.url).href);
writeFileSync(`${out}${TREE_FILE}`, JSON.stringify(await wholeTree()));

// The relay as a system service (`relay deploy`): one self-contained file a host runs with its own Node, no
// node_modules beside it. socket.io's optional native helpers are left out (ws works without them).
const service = await build({
  ...common,
  entryPoints: [new URL('../dist/relay/service-main.js', import.meta.url).pathname],
  outfile: new URL('../dist/relay/commbase-relay.mjs', import.meta.url).pathname,
  external: ['bufferutil', 'utf-8-validate'],
  plugins: [zodEnglishOnly],
});
const inputs = Object.keys(service.metafile.inputs);
const stray = inputs.filter((i) => /node_modules\/(ssh2|ink|react|blessed|node-forge|acme-client)\//.test(i));
if (stray.length) throw new Error(`the relay service bundle pulls in what it must not: ${stray.slice(0, 5).join(', ')}`);
