#!/usr/bin/env node
// Launcher: refuse an unsupported Node before loading anything that would fail obscurely.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`ERROR: commbase-admin needs Node.js 20.19 or newer; this is ${process.versions.node}.\n`);
  process.exit(2);
}
// React (under Ink) runs its production build: its development build checks every prop of every render, which
// made a Monitor frame with 1,000 rows five times slower (bench/monitor.ts). COMMBASE_ADMIN_DEBUG keeps dev checks.
if (!process.env.NODE_ENV && !process.env.COMMBASE_ADMIN_DEBUG) process.env.NODE_ENV = 'production';
// dist/bundle/ is tsc's output linked by esbuild (scripts/bundle.js), which starts faster than dist/cli/.
const { main } = await import('../dist/bundle/main.js');
await main(process.argv);
