// `npm run bench`: every benchmark in turn (each prints its own baseline). One can be run alone with node bench/NAME.js.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
for (const f of readdirSync(dir).filter((f) => f.endsWith('.js') && !['run.js', 'lib.js'].includes(f)).sort()) {
  if (only && !f.includes(only)) continue;
  execFileSync(process.execPath, [path.join(dir, f)], { stdio: 'inherit' });
}
