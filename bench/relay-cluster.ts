// Many listeners (#24): K websocket listeners (../shared/tools/relay_swarm.py, asyncio, Debian's python3-socketio and
// python3-aiohttp) and N uploads, in one run: our relay alone on its own log; three of our relays on one Redis
// (redis-server, fsync every write) with the listeners spread over the three and the uploader on the first; and
// Commbase's own server (../shared/tools/commbase_ref.py) as the baseline. Each starts fresh with 100 documents.
// Prints uploads/s, when every listener had the last upload (from the last POST), how many stayed connected, the
// relays' memory per listener, and the ratios to Commbase. Then one push alone: 400 documents stored, one upload,
// until every listener has it, from our relay and from Socket.IO's own io.emit (bench/fanout-floor.mjs: nothing
// but the broadcast), the floor for these listeners on this machine.
// `npx tsx bench/relay-cluster.ts [K=3000] [N=300] [one|redis|commbase|push]`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { report } from './lib.js';
import { BIN, ROOT, SHARED, TOOLS, freePort, seed, startCommbase, stop, waitPort } from './servers.js';

const K = Number(process.argv[2] ?? 3000);
const N = Number(process.argv[3] ?? 300);
/** One of: one, redis, commbase (default: all three). */
const ONLY = process.argv[4];
if (!existsSync(path.join(SHARED, 'commbase', 'bundles'))) { console.log(`skipped: ${SHARED}/commbase is not there`); process.exit(0); }

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cba-bench-cluster-'));
const env = { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_DATA_HOME: path.join(tmp, 'data') };
const procs: ChildProcess[] = [];

/** One of our relays: no token needed from loopback (the load tool sends none), limits lifted for one machine's load. */
async function relay(extra: string[]): Promise<{ base: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [BIN, 'relay', 'start', '--port', String(port), '--data-dir', mkdtempSync(path.join(tmp, 'relay-')), '--open-from', '127.0.0.1/32', '--rate', '100000', '--max-per-source', '100000', ...extra], { env, stdio: 'ignore' });
  procs.push(proc);
  await waitPort(port);
  return { base: `http://127.0.0.1:${port}`, proc };
}

async function redis(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const dir = path.join(tmp, 'redis');
  mkdirSync(dir);
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
  procs.push(proc);
  await waitPort(port);
  return { url: `redis://127.0.0.1:${port}/0`, proc };
}

const rssMb = (pid: number | undefined) => { try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024; } catch { return NaN; } };

interface Result { rate: number; afterLast: number; delivered: string; still: string; mbPerK?: number }

/** relay_swarm.py against base (listeners spread over base and more); the relays' peak memory over their idle one. */
async function swarm(base: string, more: string[], watch: ChildProcess[], uploads = N): Promise<Result> {
  const before = watch.reduce((a, p) => a + rssMb(p.pid), 0);
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, watch.reduce((a, p) => a + rssMb(p.pid), 0)); }, 200);
  try {
    const child = spawn('/usr/bin/python3', [path.join(TOOLS, 'relay_swarm.py'), base, String(K), String(uploads), '', '4', ...(more.length ? [more.join(',')] : [])], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    await new Promise((r) => child.once('exit', r));
    clearTimeout(timer);
    const m = /uploads\/s=([\d.]+) all-delivered-after=([\d.a-z]+)s after-last-post=([\d.a-z]+)s delivered=(\d+\/\d+) connected=\d+\/\d+ still-connected=(\d+\/\d+)/.exec(out);
    if (!m) throw new Error(`relay_swarm said: ${out}`);
    return { rate: Number(m[1]), afterLast: Number(m[3]), delivered: m[4]!, still: m[5]!, mbPerK: ((peak - before) / K) * 1000 };
  } finally {
    clearInterval(sampler);
  }
}

const results: Record<string, Result> = {};
const pushes: Record<string, Result> = {};
try {
  if (!ONLY || ONLY === 'one') {
    const one = await relay([]);
    await seed(one.base, '');
    results['ours, 1 relay (own log)'] = await swarm(one.base, [], [one.proc]);
    await stop(one.proc);
  }
  if (!ONLY || ONLY === 'redis') {
    const r = await redis();
    const three = [await relay(['--store', r.url]), await relay(['--store', r.url]), await relay(['--store', r.url])];
    await seed(three[0]!.base, '');
    results['ours, 3 relays on Redis'] = await swarm(three[0]!.base, three.slice(1).map((x) => x.base), three.map((x) => x.proc));
    for (const x of three) await stop(x.proc);
    await stop(r.proc);
  }
  if (!ONLY || ONLY === 'commbase') {
    const cb = await startCommbase(tmp, env);
    procs.push(cb.proc);
    try { results['Commbase\'s server'] = await swarm(cb.base, [], [cb.proc]); } catch (err) { console.log(`Commbase's server under ${K} listeners: ${(err as Error).message.slice(0, 200)}`); }
    await stop(cb.proc);
  }
  if (!ONLY || ONLY === 'push') {
    const one = await relay([]);
    await seed(one.base, '', 400);
    pushes['ours, 1 relay'] = await swarm(one.base, [], [one.proc], 1);
    await stop(one.proc);
    const port = await freePort();
    const floor = spawn(process.execPath, [path.join(ROOT, 'bench', 'fanout-floor.mjs'), String(port)], { stdio: 'ignore' });
    procs.push(floor);
    await waitPort(port);
    await seed(`http://127.0.0.1:${port}`, '', 400);
    pushes['Socket.IO\'s own io.emit (the floor)'] = await swarm(`http://127.0.0.1:${port}`, [], [floor], 1);
    await stop(floor);
  }
} finally {
  for (const p of procs) p.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}

const base = results['Commbase\'s server'];
report(`${K} websocket listeners, ${N} uploads (relay_swarm.py, 4 listener processes, ${os.cpus().length} CPUs)`, Object.entries(results).map(([who, r]) => [who,
  `${r.rate.toFixed(1)} uploads/s${base ? ` (${(r.rate / base.rate).toFixed(2)}× Commbase)` : ''}; every listener ${r.afterLast.toFixed(2)} s after the last POST; delivered ${r.delivered}; still connected ${r.still}; ${r.mbPerK?.toFixed(0)} MB per 1,000 listeners`]));
const floor = pushes['Socket.IO\'s own io.emit (the floor)'];
if (Object.keys(pushes).length) {
  report(`One push: 400 documents stored, one upload, ${K} websocket listeners (relay_swarm.py, 4 listener processes)`, Object.entries(pushes).map(([who, r]) => [who,
    `every listener ${r.afterLast.toFixed(2)} s after the POST${floor && r !== floor ? ` (${(r.afterLast / floor.afterLast).toFixed(2)}× the floor)` : ''}; delivered ${r.delivered}`]));
}
