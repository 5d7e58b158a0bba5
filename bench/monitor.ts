// The Monitor screen: (1) time to render one frame with 1,000 clients and 1,000 timers, against a frame of
// an empty snapshot, in the same process; (2) the console's CPU use while idle on the Monitor screen with 10 and 100
// Socket.IO clients connected to a relay, against the same console idle on its home screen, in the same run.
import './production-env.js';
import React from 'react';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { io as ioClient } from 'socket.io-client';
import { MonitorBody } from '../src/screens/Monitor/Monitor.js';
import { clientRows, timerRows } from '../src/present/monitor.js';
import type { Snapshot } from '../src/monitor/service.js';
import { Relay } from '../src/relay/server.js';
import { median, quantile, report } from './lib.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../bin/commbase-admin.js');

function snapshot(n: number): Snapshot {
  const now = Date.now();
  const iso = (ms: number) => new Date(now + ms).toISOString();
  return {
    at: iso(0), paused: false, hosts: [{ host: 'lab', state: 'ok' }], events: [], certs: [],
    relays: [{ host: 'local', dataDir: '/d', state: 'up', since: iso(0), status: {
      up: true, name: 'r', serverId: 's', publicUrl: 'https://relay:5000', bind: '0.0.0.0', port: 5000, tls: { enabled: true, daysLeft: 300 }, uptimeS: 3600, documents: 10,
      uploads: { total: 1, perSecond: 1, history: Array(60).fill(1) }, deliveries: { total: 1, perSecond: 1, history: Array(60).fill(1) }, errors: { total: 0, perSecond: 0, history: [] },
      connected: Array.from({ length: n }, (_, i) => ({ socketId: `s${i}`, clientId: `c${i}`, name: `client ${i}`, address: `10.0.${i >> 8}.${i & 255}`, connectedAt: iso(-60_000), lastActivity: iso(-1000), messages: i })),
      pending: Array.from({ length: Math.floor(n / 10) }, (_, i) => ({ id: `p${i}`, name: `ask ${i}`, scope: 'read' as const, status: 'pending' as const, requestedAt: iso(-5000) })), clients: [],
    } }],
    timers: Array.from({ length: n }, (_, i) => ({ host: 'lab', kind: 'forward' as const, id: i.toString(16).padStart(8, '0'), label: `203.0.113.${i & 255} → :${10000 + i}/tcp → 192.168.1.50:80`, deadline: iso(i * 1000), expired: false })),
  };
}

function frameTimes(s: Snapshot, frames = 30): number[] {
  const draw = (now: number) => React.createElement(MonitorBody, { snapshot: s, clients: clientRows(s, now), timers: timerRows(s.timers, now), pane: 'clients', clientCursor: 0, timerCursor: 0 });
  const ui = render(draw(Date.now()));
  const times: number[] = [];
  for (let i = 0; i < frames; i++) {
    const t = performance.now();
    ui.rerender(draw(Date.now() + i * 1000));
    times.push(performance.now() - t);
  }
  ui.unmount();
  return times;
}

const big = frameTimes(snapshot(1000));
const empty = frameTimes(snapshot(0));

// (2) CPU while idle, read from /proc for each process in its own tmux pane, all in the same window of time: the
// console on the Monitor, the console on its home screen, and a bare `node` with a one-second timer (the machine's
// floor). Each settles for a minute first (its own start-up, lazy loading and JIT are not idling; client ages move
// to minutes), then CPU is read over 30 s.
function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks of 1/100 s
}
const socket = `cba-bench-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' }).trim();
let started = false;
function launch(name: string, argv: string[], env: Record<string, string>): number {
  const session = ['new-session', '-d', '-s', name, '-x', '100', '-y', '30', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), ...argv];
  tmux(...(started ? session : ['-f', '/dev/null', ...session])); // the first one starts the server, without ~/.tmux.conf
  started = true;
  return Number(tmux('display-message', '-p', '-t', name, '#{pane_pid}'));
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function idlePercent(pids: number[], seconds = 30): Promise<number[]> {
  const before = pids.map(cpuTicks);
  await sleep(seconds * 1000);
  return pids.map((pid, i) => (cpuTicks(pid) - before[i]!) / seconds); // ticks/s = % of one core
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'cba-bench-mon-'));
const relay = await Relay.start({ port: 0, 'data-dir': path.join(dir, 'relay'), rate: 1e6, 'max-per-source': 100_000 });
const { token } = await relay.auth.issue('bench', 'read');
const connect = (n: number) => Promise.all(Array.from({ length: n }, () => new Promise<ReturnType<typeof ioClient>>((resolve, reject) => {
  const s = ioClient(`http://127.0.0.1:${relay.port}`, { auth: { token }, transports: ['websocket'], forceNew: true });
  s.once('connect', () => resolve(s));
  s.once('connect_error', reject);
})));
const env = { XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_DATA_HOME: dir, NO_COLOR: '1' };
let idle10: number[];
let idle100: number[];
const sockets = await connect(10);
try {
  const floor = launch('floor', [process.execPath, '-e', 'setInterval(() => {}, 1000)'], {});
  const monitor = launch('monitor', [process.execPath, BIN, 'monitor', '--data-dir', path.join(dir, 'relay')], env);
  const home = launch('home', [process.execPath, BIN], env);
  await sleep(65_000);
  idle10 = await idlePercent([monitor, home, floor]);
  sockets.push(...(await connect(90)));
  await sleep(65_000);
  idle100 = await idlePercent([monitor, home, floor]);
} finally {
  try { tmux('kill-server'); } catch { /* already gone */ }
  for (const s of sockets) s.close();
  await relay.close();
  rmSync(dir, { recursive: true, force: true });
}

report('Monitor screen', [
  ['one frame, 1,000 clients + 1,000 timers: median / p90 ms', `${median(big).toFixed(1)} / ${quantile(big, 0.9).toFixed(1)}`],
  ['one frame, empty snapshot: median ms (baseline)', median(empty).toFixed(1)],
  ['idle CPU %, 10 clients: Monitor / home / bare node (30 s, after a minute)', idle10.map((x) => x.toFixed(2)).join(' / ')],
  ['idle CPU %, 100 clients: Monitor / home / bare node', idle100.map((x) => x.toFixed(2)).join(' / ')],
]);
