// `npm run bench`: every benchmark in turn (each prints its own baseline). One alone: npx tsx bench/NAME.ts
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const tsx = path.join(dir, '..', 'node_modules', '.bin', 'tsx');
for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts') && !['run.ts', 'lib.ts', 'servers.ts', 'production-env.ts'].includes(f)).sort()) {
  if (only && !f.includes(only)) continue;
  execFileSync(tsx, [path.join(dir, f)], { stdio: 'inherit' });
}
