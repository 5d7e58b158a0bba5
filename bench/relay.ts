// Uploads per second and delivery latency (p50/p99) with 1, 10 and 100 connected clients: our relay (HTTP +
// Socket.IO, tokens, durable fsync-ed log) against a plain `ws` broadcast server doing the same work (POST a
// document, push the whole array to every client) measured in the same run. Both keep the last 20 documents.
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket, { WebSocketServer } from 'ws';
import { Relay } from '../src/relay/server.js';
import { quantile, report } from './lib.js';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 300);
const KEEP = 20;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => { res.resume(); res.on('end', () => resolve()); });
    req.on('error', reject);
    req.end(data);
  });
}

interface Run { perSecond: number; p50: number; p99: number }

/** Upload UPLOADS documents one after another; every client records how long each took to reach it. */
async function drive(url: string, clients: number, subscribe: (onArray: (docs: Array<{ t: number }>) => void) => Promise<() => void>): Promise<Run> {
  const latencies: number[] = [];
  let expected = 0;
  let received = 0;
  const closers: Array<() => void> = [];
  for (let i = 0; i < clients; i++) {
    closers.push(await subscribe((docs) => {
      const last = docs[docs.length - 1];
      if (last && last.t > 0) { latencies.push(performance.now() - last.t); received += 1; }
    }));
  }
  const t0 = performance.now();
  for (let i = 0; i < UPLOADS; i++) {
    await post(url, { t: performance.now(), seq: i, messages: [{ current_request: 'rec' }, { current_response: 'x'.repeat(64) }] });
    expected += clients;
  }
  const elapsed = (performance.now() - t0) / 1000;
  const deadline = Date.now() + 10_000;
  while (received < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const c of closers) c();
  return { perSecond: UPLOADS / elapsed, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

async function ours(clients: number): Promise<Run> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cba-bench-relay-'));
  let relay: Relay | undefined;
  try {
    relay = await Relay.start({ bind: '127.0.0.1', port: 0, 'data-dir': dir, keep: KEEP, rate: 1_000_000, 'max-per-source': 100_000 });
    const r = relay;
    const { token } = await r.auth.issue('bench', 'both');
    const base = `http://127.0.0.1:${r.port}`;
    return await drive(`${base}/api/save_json?token=${token}`, clients, async (onArray) => {
      const s: Socket = ioClient(base, { auth: { token }, transports: ['websocket'], forceNew: true });
      await new Promise<void>((resolve, reject) => { s.once('connect', () => resolve()); s.once('connect_error', reject); });
      s.on('update_saved_data', onArray);
      return () => s.close();
    });
  } finally {
    await relay?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function baseline(clients: number): Promise<Run> {
  const docs: unknown[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      docs.push(JSON.parse(body));
      if (docs.length > KEEP) docs.shift();
      res.end('{"message":"JSON data saved successfully"}');
      const msg = JSON.stringify(docs);
      for (const c of wss.clients) c.send(msg);
    });
  });
  const wss = new WebSocketServer({ server });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  try {
    return await drive(`http://127.0.0.1:${port}/`, clients, async (onArray) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
      ws.on('message', (m) => onArray(JSON.parse(String(m)) as Array<{ t: number }>));
      return () => ws.close();
    });
  } finally {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const rows: Array<[string, string]> = [];
for (const n of [1, 10, 100]) {
  const a = await ours(n);
  const b = await baseline(n);
  rows.push([`${n} client(s): relay uploads/s | p50 | p99 ms`, `${a.perSecond.toFixed(0)} | ${a.p50.toFixed(2)} | ${a.p99.toFixed(2)}`]);
  rows.push([`${n} client(s): plain ws uploads/s | p50 | p99 ms`, `${b.perSecond.toFixed(0)} | ${b.p50.toFixed(2)} | ${b.p99.toFixed(2)}`]);
  rows.push([`${n} client(s): ratio uploads/s (relay / ws)`, (a.perSecond / b.perSecond).toFixed(2)]);
}
agent.destroy();
report(`relay vs plain ws broadcast, ${UPLOADS} sequential uploads, last ${KEEP} documents pushed to every client`, rows);
