#!/usr/bin/env node
// Launcher: refuse an unsupported Node before loading anything that would fail obscurely.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`ERROR: commbase-admin needs Node.js 20.19 or newer; this is ${process.versions.node}.\n`);
  process.exit(2);
}
// React (under Ink) runs its production build (the bundle is built with NODE_ENV=production): its development
// build checks every prop of every render, which made a Monitor frame with 1,000 rows five times slower.
// dist/bundle/ is tsc's output linked by esbuild (scripts/bundle.js), which starts faster than dist/cli/.
// With no command (the console), the command-line parser is not loaded at all (src/cli/console-entry.ts).
// Node 22 and newer keep V8's compiled code between runs, so a command starts faster the second time; the cache is
// the user's own (0700 under $XDG_CACHE_HOME), never a directory others can write. Node 20 has no such cache.
const { default: nodeModule } = await import('node:module');
if (typeof nodeModule.enableCompileCache === 'function' && !process.env.NODE_COMPILE_CACHE) {
  const { homedir } = await import('node:os');
  const { mkdirSync } = await import('node:fs');
  const base = process.env.XDG_CACHE_HOME?.startsWith('/') ? process.env.XDG_CACHE_HOME : `${homedir()}/.cache`;
  const dir = `${base}/commbase-admin/v8`;
  try { mkdirSync(dir, { recursive: true, mode: 0o700 }); nodeModule.enableCompileCache(dir); } catch { /* no cache: only slower */ }
}
const bare = process.argv.slice(2).every((a) => a === '--read-only');
const { main } = await import(bare ? '../dist/bundle/console-entry.js' : '../dist/bundle/main.js');
await main(process.argv);
