// Command start, against Node's own (`node -e 0`) in the same run: each command and the baseline run in turn,
// 15 times, medians compared. Goals (#26): --version ≤ 1.3×, a light command (config get) ≤ 1.5×.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, report } from './lib.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(dir, '..', 'bin', 'commbase-admin.js');
const CONF = path.join(dir, '..', '..', 'shared', 'commbase', 'config', 'commbase.conf');
const home = mkdtempSync(path.join(os.tmpdir(), 'cba-bench-cli-'));
const env = { ...process.env, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home };
const cases: Array<[string, string[]]> = [
  ['node -e 0 (baseline)', ['-e', '0']],
  ['--version', [BIN, '--version']],
  ['config get KEY --file F', [BIN, 'config', 'get', 'COMMBASE_DATA_EXCHANGE_SERVER_PORT', '--file', CONF]],
  ['fw open --help', [BIN, 'fw', 'open', '--help']],
  ['__complete fw open --host (a Tab)', [BIN, '__complete', 'fw', 'open', '--host', '']],
];
const times = cases.map(() => [] as number[]);
try {
  for (let run = 0; run < 15; run++) {
    cases.forEach(([, args], i) => {
      const t = process.hrtime.bigint();
      try { execFileSync(process.execPath, args, { stdio: 'ignore', env }); } catch { /* timed all the same */ }
      times[i]!.push(Number(process.hrtime.bigint() - t) / 1e6);
    });
  }
  const floor = median(times[0]!);
  report('Command start (15 runs in turn, medians; goals: --version ≤ 1.3×, config get ≤ 1.5× node -e 0)', cases.map(([name], i) => [
    name, i === 0 ? `${floor.toFixed(0)} ms` : `${median(times[i]!).toFixed(0)} ms = ${(median(times[i]!) / floor).toFixed(2)}×`,
  ]));
} finally {
  rmSync(home, { recursive: true, force: true });
}
