#!/usr/bin/env node
// Launcher: refuse an unsupported Node before loading anything that would fail obscurely.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`ERROR: commbase-admin needs Node.js 20.19 or newer; this is ${process.versions.node}.\n`);
  process.exit(2);
}
// dist/bundle/ is tsc's output linked by esbuild (scripts/bundle.js), which starts faster than dist/cli/.
const { main } = await import('../dist/bundle/main.js');
await main(process.argv);
