// Our relay against the real anchor: Commbase's own, unmodified server (../shared/commbase, run by
// ../shared/tools/commbase_ref.py in Flask-SocketIO's threading mode), under the same load from
// ../shared/tools/relay_load.py (Debian's python3-socketio): K listeners, 100 documents stored first, then N
// uploads. Runs interleaved (Commbase, ours, Commbase, ours…) on loopback and prints both, the ratios and how
// many listeners had the last upload. A third load holds every listener to HTTP long-polling (bench/polling_load.py
// around relay_load.py) and counts the connections the listeners lost. And the uploader's own ceiling: with no
// listeners, bench/floor-server.mjs (append + fdatasync per upload, nothing else) against ours.
// `npx tsx bench/relay-vs-commbase.ts [rounds] [K=10|K=100|polling]`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, report } from './lib.js';
import { BIN, ROOT, SHARED, TOOLS, freePort, seed, startCommbase as startCommbaseIn, stop, waitPort } from './servers.js';

const startCommbase = () => startCommbaseIn(tmp, env);

const ROUNDS = Number(process.argv[2] ?? 2);
const ONLY = process.argv[3]; // e.g. K=100
const LOADS = [{ K: 10, N: 300, P: 2, polling: false }, { K: 100, N: 100, P: 1, polling: false }, { K: 10, N: 300, P: 2, polling: true }]
  .filter((l) => !ONLY || ONLY === (l.polling ? 'polling' : `K=${l.K}`));

if (!existsSync(path.join(SHARED, 'commbase', 'bundles'))) { console.log(`skipped: ${SHARED}/commbase is not there`); process.exit(0); }

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cba-bench-cb-'));
const env = { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_DATA_HOME: path.join(tmp, 'data') };

async function startOurs(): Promise<{ base: string; q: string; proc: ChildProcess }> {
  const dataDir = mkdtempSync(path.join(tmp, 'relay-'));
  const port = await freePort();
  const proc = spawn(process.execPath, [BIN, 'relay', 'start', '--port', String(port), '--data-dir', dataDir, '--rate', '100000', '--max-per-source', '100000'], { env, stdio: 'ignore' });
  await waitPort(port);
  for (let i = 0; i < 100 && !existsSync(path.join(dataDir, 'admin.json')); i++) await new Promise((r) => setTimeout(r, 50));
  const token = (JSON.parse(execFileSync(process.execPath, [BIN, 'clients', 'issue', '--name', 'load', '--scope', 'both', '--data-dir', dataDir, '--json'], { env, encoding: 'utf8' })) as { token: string }).token;
  const base = `http://127.0.0.1:${port}`;
  const q = `?token=${token}`;
  await seed(base, q);
  return { base, q, proc };
}

/** after: s from the first POST until every listener had the last upload; afterLast: the same from the last POST. */
/** The ceiling: the least a durable server does, under the same uploader with no listeners. */
async function startFloor(): Promise<{ base: string; q: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [path.join(ROOT, 'bench', 'floor-server.mjs'), String(port), path.join(mkdtempSync(path.join(tmp, 'floor-')), 'uploads.log')], { stdio: 'ignore' });
  await waitPort(port);
  return { base: `http://127.0.0.1:${port}`, q: '', proc };
}

interface Result { rate: number; after: number; afterLast: number; delivered: string; drops?: number }

function load(base: string, q: string, K: number, N: number, P: number, polling: boolean): Result {
  const loadArgs = [path.join(TOOLS, 'relay_load.py'), base, String(K), String(N), q, String(P)];
  const out = execFileSync('/usr/bin/python3', polling ? [path.join(ROOT, 'bench', 'polling_load.py'), ...loadArgs] : loadArgs, { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'ignore'] });
  const m = /uploads\/s=([\d.]+) all-delivered-after=([\d.a-z]+)s delivered=(\d+\/\d+)/.exec(out);
  if (!m) throw new Error(`relay_load said: ${out}`);
  const rate = Number(m[1]);
  const after = Number(m[2]);
  const drops = /drops=(\d+)/.exec(out);
  return { rate, after, afterLast: after - N / rate, delivered: m[3]!, ...(drops ? { drops: Number(drops[1]) } : {}) };
}

const results: Record<string, { commbase: Result[]; ours: Result[] }> = {};
const ceiling: { floor: Result[]; ours: Result[] } = { floor: [], ours: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    if (!ONLY) {
      for (const who of ['floor', 'ours'] as const) {
        const server = who === 'floor' ? await startFloor() : await startOurs();
        try {
          ceiling[who].push(load(server.base, server.q, 0, 300, 1, false));
        } finally {
          await stop(server.proc);
        }
      }
    }
    for (const { K, N, P, polling } of LOADS) {
      const key = `K=${K} N=${N}${polling ? ' polling' : ''}`;
      results[key] ??= { commbase: [], ours: [] };
      for (const who of ['commbase', 'ours'] as const) {
        const server = who === 'commbase' ? await startCommbase() : await startOurs();
        try {
          results[key]![who].push(load(server.base, server.q, K, N, P, polling));
        } finally {
          await stop(server.proc);
        }
      }
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const rows: Array<[string, string]> = [];
for (const [key, r] of Object.entries(results)) {
  const summary = (xs: Result[]) => ({ rate: median(xs.map((x) => x.rate)), after: median(xs.map((x) => x.after)), afterLast: median(xs.map((x) => x.afterLast)) });
  const cb = summary(r.commbase);
  const us = summary(r.ours);
  rows.push([`${key} uploads/s: Commbase / ours (ratio)`, `${cb.rate.toFixed(1)} / ${us.rate.toFixed(1)} (${(us.rate / cb.rate).toFixed(1)}x)`]);
  rows.push([`${key} every listener has the last upload, s from the first POST`, `${cb.after.toFixed(2)} s / ${us.after.toFixed(2)} s`]);
  rows.push([`${key} … s after the last POST (goal: ours ≤ 1 s)`, `${cb.afterLast.toFixed(2)} s / ${us.afterLast.toFixed(2)} s`]);
  rows.push([`${key} uploads/s (every run)`, `${r.commbase.map((x) => x.rate.toFixed(0)).join(' ')} / ${r.ours.map((x) => x.rate.toFixed(0)).join(' ')}`]);
  rows.push([`${key} delivered (every run)`, `${r.commbase.map((x) => x.delivered).join(' ')} / ${r.ours.map((x) => x.delivered).join(' ')}`]);
  if (r.ours[0]?.drops !== undefined) rows.push([`${key} listener connections dropped (every run)`, `${r.commbase.map((x) => x.drops).join(' ')} / ${r.ours.map((x) => x.drops).join(' ')}`]);
}
if (ceiling.floor.length) {
  const f = median(ceiling.floor.map((x) => x.rate));
  const o = median(ceiling.ours.map((x) => x.rate));
  rows.push([`no listeners, N=300 uploads/s: floor server (append + fdatasync only) / ours`, `${f.toFixed(1)} / ${o.toFixed(1)} (${((o / f) * 100).toFixed(0)}% of the floor)`]);
}
report(`relay vs Commbase's own server, relay_load.py, ${ROUNDS} interleaved round(s), medians; 100 documents stored first`, rows);

