// Latest wins per socket: a websocket client that stops reading, while 1,000 uploads go by, costs the relay
// bounded memory, stays connected, and gets the latest array once it reads again; a polling client under the
// same load ends with the final state. Measured, not timed: these assert outcomes, not speeds.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runJson } from '../helpers/cli.js';
import { missing, titled } from '../helpers/needs.js';
import { freePort } from '../helpers/port.js';
import { PyClient, RelayProcess } from '../helpers/relay.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ python: ['socketio', 'requests'] });
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

describe.skipIf(why)(titled('relay fan-out under load', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let relay: RelayProcess;
  let env: Record<string, string>;
  let base: string;
  let token: string;
  const pys: PyClient[] = [];
  beforeAll(async () => {
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
    const dataDir = path.join(tmp.dir, 'relay');
    relay = await RelayProcess.start(['--port', String(await freePort()), '--rate', '100000'], env, dataDir);
    base = `http://127.0.0.1:${relay.port}`;
    token = (await runJson<{ token: string }>(['clients', 'issue', '--name', 'load', '--scope', 'both', '--data-dir', dataDir], { env })).json.token;
  });
  afterAll(async () => { for (const p of pys) p.kill(); await relay?.stop(); await tmp?.cleanup(); });

  it('a stalled websocket client costs bounded memory, stays connected, and then gets the latest array', async () => {
    const events: number[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${relay.port}/socket.io/?EIO=4&transport=websocket&token=${token}`);
    let connected = false;
    let closed = false;
    ws.on('message', (data) => {
      const m = data.toString();
      if (m.startsWith('0{')) ws.send('40');
      else if (m.startsWith('40')) connected = true;
      else if (m === '2') ws.send('3'); // ping → pong, as a live client does
      else if (m.startsWith('42')) events.push((JSON.parse(m.slice(2)) as [string, unknown[]])[1].length);
    });
    ws.on('close', () => { closed = true; });
    for (let i = 0; i < 100 && !connected; i++) await new Promise((r) => setTimeout(r, 50));
    expect(connected).toBe(true);
    // A polling-only Python client (Debian's python3-socketio) under the same load.
    const poller = PyClient.start(['listen', `${base}/api/get_saved_data?token=${token}`, `${base}?token=${token}`, '120'], { COMMBASE_TRANSPORTS: 'polling' });
    pys.push(poller);
    await poller.waitFor((e) => e.event === 'connected');

    // Stop reading: the kernel buffers fill, then the relay sees the socket busy.
    (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const before = rssKb(relay.child.pid!);
    const doc = JSON.stringify({ pad: 'x'.repeat(2000) });
    // In 100 bursts of 10 with a pause after each, so the relay sends 100 snapshots (it sends one per burst,
    // relay/pacing.ts): far more than the kernel's buffers hold for a client that does not read.
    for (let i = 0; i < 1000; i++) {
      const r = await fetch(`${base}/t/${token}/api/save_json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: doc.replace('{', `{"n":${i},`) });
      expect(r.status).toBe(200);
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 60));
    }
    const after = rssKb(relay.child.pid!);
    // 1,000 snapshots averaging 1 MB would be ~1 GB queued for this one socket; bounded means tens of MB at most.
    expect(after - before, `RSS grew from ${before} to ${after} kB`).toBeLessThan(150_000);
    const seenBefore = events.length;
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    for (let i = 0; i < 200 && events[events.length - 1] !== 1000; i++) await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    expect(events[events.length - 1]).toBe(1000);
    // What arrives after the stall: whatever the kernel buffers held, then the latest; never the backlog.
    const afterResume = events.length - seenBefore;
    process.stdout.write(`stalled websocket: RSS +${after - before} kB over 1000 uploads; ${afterResume} event(s) after resuming (kernel buffers included), the last with all 1000 documents\n`);
    // Of 100 sent, what the socket and kernel buffers had taken before the relay saw the client busy arrives (the
    // early snapshots are small: 24 to 53 of them in full runs here), then only the latest; never the backlog of 100.
    expect(afterResume).toBeLessThan(80);
    // The operator sees it too: relay status counts the snapshots a busy client got a newer one instead of.
    const status = await runJson<{ superseded: { total: number } }>(['relay', 'status', '--data-dir', path.join(tmp.dir, 'relay')], { env });
    process.stdout.write(`snapshots superseded for busy clients: ${status.json.superseded.total}\n`);
    expect(status.json.superseded.total).toBeGreaterThan(0);
    const last = await poller.waitFor((e) => e.event === 'update_saved_data' && e.count === 1000, 30_000);
    expect(last.count).toBe(1000);
    // The polling client was never dropped: python-engineio refuses a poll answer of more than 16 packets
    // (Payload.max_decode_packets) and hangs up, which the relay saw as "poll connection closed prematurely"
    // when every snapshot was queued. One waiting snapshot per socket keeps every answer small.
    expect(poller.events.filter((e) => e.event === 'disconnect')).toEqual([]);
    expect(poller.stderr.text).not.toMatch(/Unexpected packet|aborting/);
    const final = await runJson<{ dropped: { total: number; reasons: Record<string, number> } }>(['relay', 'status', '--data-dir', path.join(tmp.dir, 'relay')], { env });
    expect(final.json.dropped).toEqual({ total: 0, reasons: {} });
    ws.close();
  }, 180_000);

  it('counts a long poll cut off mid-wait as a dropped connection, with its reason, and goes on serving', async () => {
    const eio = `http://127.0.0.1:${relay.port}/socket.io/?EIO=4&transport=polling&token=${token}`;
    const open = await (await fetch(eio)).text();
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    expect((await fetch(`${eio}&sid=${sid}`, { method: 'POST', body: '40' })).status).toBe(200);
    expect(await (await fetch(`${eio}&sid=${sid}`)).text()).toMatch(/^40/);
    // The next poll waits for data; the client hangs up while it waits.
    const cut = new AbortController();
    const held = fetch(`${eio}&sid=${sid}`, { signal: cut.signal }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    cut.abort();
    await held;
    type Status = { dropped: { total: number; reasons: Record<string, number> } };
    let status: Status | undefined;
    for (let i = 0; i < 40 && !status?.dropped.total; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await runJson<Status>(['relay', 'status', '--data-dir', path.join(tmp.dir, 'relay')], { env })).json;
    }
    expect(status!.dropped).toEqual({ total: 1, reasons: { 'transport error: poll connection closed prematurely': 1 } });
    const text = await runCli(['relay', 'status', '--data-dir', path.join(tmp.dir, 'relay')], { env });
    expect(text.stdout).toContain('connections dropped 1 (transport error: poll connection closed prematurely ×1)');
    expect((await fetch(`${base}/t/${token}/api/get_saved_data`)).status).toBe(200);
  }, 60_000);

  // Last: it stops the relay.
  it('exits within 2 s of SIGTERM while a stalled websocket and a waiting long poll are connected', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${relay.port}/socket.io/?EIO=4&transport=websocket&token=${token}`);
    await new Promise<void>((resolve) => ws.on('message', (d) => { if (d.toString().startsWith('0{')) { ws.send('40'); resolve(); } }));
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const eio = `http://127.0.0.1:${relay.port}/socket.io/?EIO=4&transport=polling&token=${token}`;
    const sid = (JSON.parse((await (await fetch(eio)).text()).slice(1)) as { sid: string }).sid;
    await fetch(`${eio}&sid=${sid}`, { method: 'POST', body: '40' });
    await (await fetch(`${eio}&sid=${sid}`)).text();
    const held = fetch(`${eio}&sid=${sid}`).then((r) => r.text()).catch(() => undefined);
    for (let i = 0; i < 20; i++) await fetch(`${base}/t/${token}/api/save_json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ last: i, pad: 'y'.repeat(5000) }) });
    const started = Date.now();
    await relay.stop('SIGTERM');
    const took = Date.now() - started;
    process.stdout.write(`SIGTERM to exit: ${took} ms\n`);
    // Under 1 s: close() itself finished (the CLI's fallback exits 1.5 s after SIGTERM whatever happens).
    expect(took).toBeLessThan(1000);
    expect(relay.child.exitCode ?? relay.child.signalCode).toBe(0);
    await held;
    ws.terminate();
  }, 30_000);
});
