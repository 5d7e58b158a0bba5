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
const bare = process.argv.slice(2).every((a) => a === '--read-only');
const { main } = await import(bare ? '../dist/bundle/console-entry.js' : '../dist/bundle/main.js');
await main(process.argv);
