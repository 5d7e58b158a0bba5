// Console start to first frame, in a pseudo-terminal (100×30): `commbase-admin` with no command until its home
// screen is on the screen, against `node` printing one word (Node's own start, the floor), run in turn 15 times.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, quantile, report } from './lib.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(dir, '..', 'bin', 'commbase-admin.js');
const home = mkdtempSync(path.join(os.tmpdir(), 'cba-bench-start-'));
try {
  const out = execFileSync('/usr/bin/python3', [path.join(dir, 'first_frame.py'), '15', 'Home',
    '--', process.execPath, '-e', "process.stdout.write('Home')",
    '--', process.execPath, BIN,
  ], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home } });
  const [floor, console_] = out.trim().split('\n').map((l) => (JSON.parse(l) as { ms: Array<number | null> }).ms.map((x) => x ?? Number.NaN));
  const fmt = (xs: number[]) => `${median(xs).toFixed(0)} / ${quantile(xs, 0.1).toFixed(0)}–${quantile(xs, 0.9).toFixed(0)}`;
  report('Console start to first frame (pty 100×30, 15 runs in turn; goal ≤ 250 ms)', [
    ['commbase-admin, home screen: median / p10–p90 ms', fmt(console_!)],
    ['node printing one word (baseline): median / p10–p90 ms', fmt(floor!)],
  ]);
} finally {
  rmSync(home, { recursive: true, force: true });
}
