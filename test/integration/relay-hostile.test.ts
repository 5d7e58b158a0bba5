// The relay as an attacker and an unlucky operator meet it: hostile handshakes and requests over real sockets
// (the process must never exit on a client's input), and kill -9 while large uploads are being acknowledged
// (every acknowledged upload is there after the restart, none twice).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJson } from '../helpers/cli.js';
import { freePort } from '../helpers/port.js';
import { RelayProcess } from '../helpers/relay.js';
import { withTempDir } from '../helpers/tmp.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let env: Record<string, string>;
const relays: RelayProcess[] = [];
beforeAll(async () => {
  tmp = await withTempDir();
  env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
});
afterAll(async () => {
  for (const r of relays) await r.stop('SIGKILL');
  await tmp?.cleanup();
});
const start = async (args: string[], dataDir: string) => { const r = await RelayProcess.start(args, env, dataDir); relays.push(r); return r; };
const issue = async (dataDir: string, scope: string) =>
  (await runJson<{ token: string }>(['clients', 'issue', '--name', scope, '--scope', scope, '--data-dir', dataDir], { env })).json.token;

describe('hostile input over real sockets', () => {
  let relay: RelayProcess;
  let base: string;
  let token: string;
  beforeAll(async () => {
    const dataDir = path.join(tmp.dir, 'hostile');
    relay = await start(['--port', String(await freePort()), '--rate', '100000'], dataDir);
    base = `http://127.0.0.1:${relay.port}`;
    token = await issue(dataDir, 'both');
    expect((await fetch(`${base}/api/save_json?token=${token}`, { method: 'POST', body: '{"keep":"me"}' })).status).toBe(200);
  });

  const alive = async () => {
    expect(relay.child.exitCode, relay.output.text).toBeNull();
    expect((await fetch(`${base}/info`)).status).toBe(200);
  };

  it('refuses a polling handshake whose auth.token is not a string, and stays up', async () => {
    for (const auth of ['{"token":1}', '{"token":{}}', '{"token":["a"]}', '{"token":null}', '{"token":true}', `{"token":"${'x'.repeat(300)}"}`, '[1]', '"x"', '1', '{"token":', '\u0000']) {
      const open = await (await fetch(`${base}/socket.io/?EIO=4&transport=polling`)).text();
      const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
      await fetch(`${base}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: `40${auth}` });
      const answer = await (await fetch(`${base}/socket.io/?EIO=4&transport=polling&sid=${sid}`)).text().catch(() => '');
      expect(answer, auth).not.toMatch(/^40\{"sid"/); // never connected
      await alive();
    }
    expect(relay.output.text).not.toMatch(/TypeError|at .*\.js:\d+/);
  });

  it('refuses a websocket handshake with a token of the wrong type, with a message naming auth.token', async () => {
    for (const bad of [1, { a: 1 }, ['t'], null]) {
      const sock = ioClient(base, { auth: { token: bad } as unknown as Record<string, string>, transports: ['websocket'], reconnection: false });
      const err = await new Promise<Error>((resolve) => sock.once('connect_error', resolve));
      sock.close();
      expect(err.message).toMatch(bad === null ? /invalid auth\.token: must be a string/ : /invalid auth\.token/);
    }
    await alive();
  });

  it('answers malformed escapes, deep JSON and random targets with a 4xx JSON error, never a 500', async () => {
    const cases: Array<[string, RequestInit, number, RegExp]> = [
      [`/api/update_json/%ZZ?token=${token}`, { method: 'PUT', body: '{"a":1}' }, 400, /malformed %-escape in the document id/],
      [`/t/%E0%A4%A/api/get_saved_data`, {}, 400, /malformed %-escape in the token/],
      [`/api/save_json?token=${token}`, { method: 'POST', body: '['.repeat(5000) + ']'.repeat(5000) }, 400, /nested deeper than 64 levels/],
      [`/api/save_json?token=${token}`, { method: 'POST', body: '{"a":' + '['.repeat(200_000) }, 400, /nested deeper/],
      [`/t/${'a'.repeat(300)}/api/get_saved_data`, {}, 401, /too long/],
      [`/api/authorise`, { method: 'POST', body: '{"client_id":["x"],"name":1}' }, 400, /client_id/],
      [`/api/authorise`, { method: 'POST', body: '{"client_id":"ok","name":"n","client_secret":7}' }, 400, /client_secret/],
    ];
    for (const [target, init, status, message] of cases) {
      const r = await fetch(base + target, init);
      expect(r.status, target.slice(0, 60)).toBe(status);
      expect(((await r.json()) as { error: string }).error).toMatch(message);
    }
    await fc.assert(fc.asyncProperty(fc.webPath(), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), fc.string({ maxLength: 50 }), async (p, method, body) => {
      const r = await fetch(`${base}${p.startsWith('/') ? p : `/${p}`}`, { method, ...(method === 'GET' || method === 'DELETE' ? {} : { body }) });
      expect(r.status).toBeLessThan(500);
    }), { numRuns: 150 });
    await alive();
    expect(relay.output.text).not.toMatch(/unexpected error|at .*\.js:\d+/);
    expect(await (await fetch(`${base}/api/get_saved_data?token=${token}`)).json()).toEqual([{ keep: 'me' }]);
  });
});

describe('unauthenticated handshakes', () => {
  it('bounds the Engine.IO sessions one source may open before it shows a token, with a 403 that says why, and stays up', async () => {
    const dataDir = path.join(tmp.dir, 'handshakes');
    const relay = await start(['--port', String(await freePort()), '--max-per-source', '40'], dataDir);
    const base = `http://127.0.0.1:${relay.port}`;
    const statuses = new Map<number, number>();
    let refusal = '';
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all(Array.from({ length: 50 }, async () => {
        const r = await fetch(`${base}/socket.io/?EIO=4&transport=polling`);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const body = await r.text();
        if (r.status === 403) refusal = body;
      }));
    }
    expect(statuses.get(200)).toBe(40);
    expect(statuses.get(403)).toBe(260);
    expect(JSON.parse(refusal).message).toMatch(/too many (connection attempts|open connections) from your address/);
    expect((await fetch(`${base}/info`)).status).toBe(200);
    expect(relay.child.exitCode).toBeNull();
  }, 30_000);
});

describe('behind a trusted proxy on loopback with --open-from 127.0.0.1/32 (the documented nginx layout)', () => {
  let base: string;
  let relay: RelayProcess;
  beforeAll(async () => {
    const dataDir = path.join(tmp.dir, 'proxied');
    relay = await start(['--port', String(await freePort()), '--trusted-proxy', '127.0.0.1', '--open-from', '127.0.0.1/32'], dataDir);
    base = `http://127.0.0.1:${relay.port}`;
  });

  it('serves nothing without a token when the forwarded client address cannot be established', async () => {
    // A loopback client through nginx (one hop, loopback) is inside --open-from: the layout works.
    expect((await fetch(`${base}/api/get_saved_data`, { headers: { 'x-forwarded-for': '127.0.0.1' } })).status).toBe(200);
    const hostile = ['unknown', '_obfuscated', 'relay.lan', '127.0.0.1 x', '', `${'10.0.0.1,'.repeat(300)}10.0.0.1`, '1.2.3.4, unknown', 'unknown, 127.0.0.1'];
    for (const h of hostile) {
      const read = await fetch(`${base}/api/get_saved_data`, { headers: { 'x-forwarded-for': h } });
      expect(read.status, `GET with X-Forwarded-For ${h.slice(0, 40)}`).toBe(401);
      const up = await fetch(`${base}/api/save_json`, { method: 'POST', headers: { 'x-forwarded-for': h }, body: '{"a":1}' });
      expect(up.status, `POST with X-Forwarded-For ${h.slice(0, 40)}`).toBe(401);
      const sock = ioClient(base, { extraHeaders: { 'x-forwarded-for': h }, transports: ['polling'], reconnection: false });
      const err = await new Promise<Error>((resolve) => sock.once('connect_error', resolve));
      sock.close();
      expect(err.message).toMatch(/unauthorised/);
    }
    // Nothing was stored by any of them.
    expect(await (await fetch(`${base}/api/get_saved_data`)).json()).toEqual([]);
    expect(relay.child.exitCode).toBeNull();
  });
});

describe('kill -9 while large uploads are acknowledged', () => {
  it('keeps every acknowledged upload, once, across repeated kills', async () => {
    const dataDir = path.join(tmp.dir, 'killed');
    const port = await freePort();
    let relay = await start(['--port', String(port), '--rate', '100000', '--max-body', String(4 * 1024 * 1024)], dataDir);
    const token = await issue(dataDir, 'both');
    const url = `http://127.0.0.1:${port}/t/${token}/api`;
    const acked = new Set<number>();
    const pad = 'x'.repeat(256 * 1024);
    let seq = 0;
    let kills = 0;
    for (let run = 0; run < 8; run++) {
      let stop = false;
      const uploader = async () => {
        while (!stop) {
          const n = seq++;
          const ok = await fetch(`${url}/save_json`, { method: 'POST', body: JSON.stringify({ n, pad }) }).then((r) => r.status === 200, () => false);
          if (ok) acked.add(n);
        }
      };
      const workers = [uploader(), uploader(), uploader()];
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 350)));
      await relay.stop('SIGKILL');
      kills += 1;
      stop = true;
      await Promise.all(workers);
      relay = await start(['--port', String(port), '--rate', '100000', '--max-body', String(4 * 1024 * 1024)], dataDir);
      const docs = (await (await fetch(`${url}/get_saved_data`)).json()) as Array<{ n: number }>;
      const ns = docs.map((d) => d.n);
      expect(new Set(ns).size, `run ${run}: duplicates`).toBe(ns.length);
      const present = new Set(ns);
      const lost = [...acked].filter((n) => !present.has(n));
      expect(lost, `run ${run}: acknowledged but missing`).toEqual([]);
    }
    const log = await readFile(path.join(dataDir, 'documents.log'));
    expect(log.length).toBeGreaterThan(0);
    process.stdout.write(`kill -9 loop: ${kills} kills, ${acked.size} uploads acknowledged, ${acked.size} found after restarts, 0 duplicates\n`);
  }, 120_000);
});
