// The relay against Commbase's own client stack (Debian's python3-requests and python3-socketio run with
// /usr/bin/python3) and curl, over HTTP on loopback and over HTTPS with a CA made by this project; the
// authorisation flow end to end; restart durability; bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { runCli, runJson } from '../helpers/cli.js';
import { missing, titled } from '../helpers/needs.js';
import { shResult } from '../helpers/proc.js';
import { PyClient, RelayProcess } from '../helpers/relay.js';
import { withTempDir } from '../helpers/tmp.js';
import { freePort, until } from '../helpers/port.js';

const why = missing({ commands: ['curl', 'openssl'], python: ['socketio', 'requests'] });

describe.skipIf(why)(titled('relay with Commbase\'s Python clients and curl', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  const relays: RelayProcess[] = [];
  const pys: PyClient[] = [];
  beforeAll(async () => {
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
  });
  afterAll(async () => {
    for (const p of pys) p.kill();
    for (const r of relays) await r.stop();
    await tmp?.cleanup();
  });
  const start = async (args: string[], dataDir: string) => { const r = await RelayProcess.start(args, env, dataDir); relays.push(r); return r; };
  const py = (args: string[], extraEnv: Record<string, string> = {}) => { const p = PyClient.start(args, extraEnv); pys.push(p); return p; };
  const issue = async (dataDir: string, scope: string, name = scope) =>
    (await runJson<{ id: string; token: string; urls: Record<string, string> }>(['clients', 'issue', '--name', name, '--scope', scope, '--data-dir', dataDir], { env })).json;

  it('over HTTP on loopback: the uploader posts, curl posts, the client gets the list and update_saved_data', async () => {
    const dataDir = path.join(tmp.dir, 'relay-http');
    const port = await freePort();
    await start(['--port', String(port)], dataDir);
    const up = await issue(dataDir, 'upload');
    const rd = await issue(dataDir, 'read');
    const listener = py(['listen', rd.urls.get_url!, rd.urls.socketio_url!, '20']);
    await listener.waitFor((e) => e.event === 'connected');
    await listener.waitFor((e) => e.event === 'update_saved_data' && e.count === 0);
    const uploader = py(['upload', up.urls.api_url!]);
    const result = await uploader.waitFor((e) => e.event === 'uploaded');
    expect(result).toMatchObject({ status: 200, body: { message: 'JSON data saved successfully', filename: 'json_1.json' } });
    const got = await listener.waitFor((e) => e.event === 'update_saved_data' && e.count === 1);
    expect(got.last).toMatchObject({ messages: expect.arrayContaining([{ current_request: 'rec' }]) });
    const curl = await shResult('curl', ['-s', '-X', 'POST', '-H', 'Content-Type: application/json', '-d', '{"from":"curl"}', `http://127.0.0.1:${port}/api/save_json?token=${up.token}`]);
    expect(JSON.parse(curl.stdout)).toEqual({ message: 'JSON data saved successfully', filename: 'json_2.json' });
    await listener.waitFor((e) => e.event === 'update_saved_data' && e.count === 2);
    const put = await shResult('curl', ['-s', '-X', 'PUT', '-H', `Authorization: Bearer ${up.token}`, '-d', '{"updated":true}', `http://127.0.0.1:${port}/api/update_json/1`]);
    expect(JSON.parse(put.stdout)).toEqual({ message: 'JSON data updated successfully for ID 1', filename: 'json_1.json' });
    const list = await shResult('curl', ['-s', `http://127.0.0.1:${port}/api/get_saved_data?token=${rd.token}`]);
    expect(JSON.parse(list.stdout)).toEqual([{ updated: true }, { from: 'curl' }]);
    // An upload token cannot read, a read token cannot upload.
    expect((await shResult('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/api/get_saved_data?token=${up.token}`])).stdout).toBe('403');
    expect((await shResult('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', '-d', '{"a":1}', `http://127.0.0.1:${port}/api/save_json?token=${rd.token}`])).stdout).toBe('403');
  }, 60_000);

  it('over HTTPS with a CA made by this project: verify=ca.pem for the uploader, the trust store for the client', async () => {
    const pki = path.join(tmp.dir, 'pki');
    expect((await runCli(['cert', 'ca', '--dir', path.join(pki, 'ca'), '--cn', 'Relay CA', '--key-size', '2048'], { env })).code).toBe(0);
    expect((await runCli(['cert', 'issue', '--ca-dir', path.join(pki, 'ca'), '--out-dir', path.join(pki, 'srv'), '--cn', 'localhost', '--san', 'IP:127.0.0.1'], { env })).code).toBe(0);
    const dataDir = path.join(tmp.dir, 'relay-tls');
    const port = await freePort();
    const relay = await start(['--port', String(port), '--tls-cert', path.join(pki, 'srv', 'cert.pem'), '--tls-key', path.join(pki, 'srv', 'key.pem')], dataDir);
    expect(relay.output.text).toMatch(/https:\/\/127\.0\.0\.1:\d+ \(TLS, certificate SHA256 /);
    const up = await issue(dataDir, 'upload');
    const rd = await issue(dataDir, 'read');
    const ca = path.join(pki, 'srv', 'ca.pem');
    const trust = { REQUESTS_CA_BUNDLE: ca, SSL_CERT_FILE: ca };
    const listener = py(['listen', rd.urls.get_url!, rd.urls.socketio_url!, '20'], trust);
    await listener.waitFor((e) => e.event === 'connected', 25_000);
    const uploader = py(['upload', up.urls.api_url!, ca]);
    expect(await uploader.waitFor((e) => e.event === 'uploaded')).toMatchObject({ status: 200 });
    await listener.waitFor((e) => e.event === 'update_saved_data' && e.count === 1);
    // Without the CA, TLS verification fails: the certificate is really checked.
    const untrusted = await shResult('curl', ['-s', `https://127.0.0.1:${port}/info`]);
    expect(untrusted.code).toBe(60);
    const info = await shResult('curl', ['-s', '--cacert', ca, `https://127.0.0.1:${port}/info`]);
    expect(JSON.parse(info.stdout)).toMatchObject({ server_id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'commbase relay', tls_fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) });
  }, 60_000);

  it('authorisation: pending → approved → token works → rotated → revoked → socket dropped and 401; restart keeps it all', async () => {
    const dataDir = path.join(tmp.dir, 'relay-auth');
    const port = await freePort();
    let relay = await start(['--port', String(port)], dataDir);
    const base = `http://127.0.0.1:${port}`;
    const asker = py(['authorise', base, 'desk-7', 'Desk client']);
    await asker.waitFor((e) => e.event === 'authorise' && e.state === 'pending');
    const list = await runJson<{ clients: Array<{ id: string; status: string }> }>(['clients', 'list', '--data-dir', dataDir], { env });
    expect(list.json.clients).toContainEqual(expect.objectContaining({ id: 'desk-7', status: 'pending' }));
    // Repeating a pending client's id from elsewhere gets neither its secret nor, later, its token.
    const thief = py(['authorise', base, 'desk-7', 'Desk client']);
    expect(await thief.waitFor((e) => e.event === 'authorise')).toMatchObject({ status: 403, state: 'pending', token: null, has_secret: false });
    const approve = await runJson(['clients', 'approve', 'desk-7', '--data-dir', dataDir], { env });
    expect(approve.code, approve.stdout).toBe(0);
    const thief2 = py(['authorise', base, 'desk-7', 'Desk client', 'not-the-secret']);
    expect(await thief2.waitFor((e) => e.event === 'authorise')).toMatchObject({ status: 403, token: null });
    const approved = await asker.waitFor((e) => e.event === 'authorise' && e.state === 'approved');
    const token = approved.token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Stored only as a hash:
    expect(await readFile(path.join(dataDir, 'auth.json'), 'utf8')).not.toContain(token);

    const listener = py(['listen', `${base}/api/get_saved_data?token=${token}`, `${base}?token=${token}`, '30']);
    await listener.waitFor((e) => e.event === 'connected');
    const rotate = await runJson<{ token: string; notified: number }>(['clients', 'rotate', 'desk-7', '--data-dir', dataDir], { env });
    expect(rotate.json.notified).toBe(1);
    const rotated = await listener.waitFor((e) => e.event === 'token_rotated');
    expect(rotated.token).toBe(rotate.json.token);
    const old = await shResult('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${base}/api/get_saved_data?token=${token}`]);
    expect(old.stdout).toBe('401');
    const fresh = await shResult('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${base}/api/get_saved_data?token=${rotate.json.token}`]);
    expect(fresh.stdout).toBe('200');

    const revoke = await runJson<{ dropped: number }>(['clients', 'revoke', 'desk-7', '--data-dir', dataDir], { env });
    expect(revoke.json.dropped).toBe(1);
    await listener.waitFor((e) => e.event === 'disconnect');
    const after = await shResult('curl', ['-s', '-w', ' %{http_code}', `${base}/api/get_saved_data?token=${rotate.json.token}`]);
    expect(after.stdout).toMatch(/"error":"unauthorised.* 401$/);

    // Data, approvals and revocations survive a restart.
    const up = await issue(dataDir, 'upload', 'keeper');
    await shResult('curl', ['-s', '-X', 'POST', '-d', '{"kept":1}', `${base}/api/save_json?token=${up.token}`]);
    await relay.stop();
    relay = await start(['--port', String(port)], dataDir);
    const rd = await issue(dataDir, 'read', 'after-restart');
    expect(JSON.parse((await shResult('curl', ['-s', `${base}/api/get_saved_data?token=${rd.token}`])).stdout)).toEqual([{ kept: 1 }]);
    expect((await shResult('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', '-d', '{"a":1}', `${base}/api/save_json?token=${up.token}`])).stdout).toBe('200');
    expect((await shResult('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${base}/api/get_saved_data?token=${rotate.json.token}`])).stdout).toBe('401');
    const again = py(['authorise', base, 'desk-7', 'Desk client']);
    expect(await again.waitFor((e) => e.event === 'authorise')).toMatchObject({ status: 403, state: 'revoked' });
    // The operator's audit log has each decision, and never a token.
    const audit = await runJson<{ file: string; records: Array<{ action: string; target: string }> }>(['audit', '--limit', '1000'], { env });
    expect(audit.json.records.filter((r) => r.target === 'desk-7').map((r) => r.action)).toEqual(['clients.approve', 'clients.rotate', 'clients.revoke']);
    const log = await readFile(audit.json.file, 'utf8');
    for (const t of [token, rotate.json.token, up.token, rd.token]) expect(log).not.toContain(t);
    // Sockets without a token are refused at the handshake.
    const anon = py(['listen', `${base}/api/get_saved_data`, base, '2']);
    expect(await anon.waitFor((e) => e.event === 'refused')).toMatchObject({ event: 'refused' });
  }, 90_000);

  it('bad input gets the right status, the relay stays up, nothing saved is lost', async () => {
    const dataDir = path.join(tmp.dir, 'relay-bad');
    const port = await freePort();
    await start(['--port', String(port), '--max-body', '1024', '--rate', '5'], dataDir);
    const up = await issue(dataDir, 'both');
    const base = `http://127.0.0.1:${port}`;
    const code = async (args: string[]) => (await shResult('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...args])).stdout;
    const body = async (args: string[]) => JSON.parse((await shResult('curl', ['-s', ...args])).stdout) as Record<string, unknown>;
    expect(await body(['-X', 'POST', '-d', '{"keep":"me"}', `${base}/api/save_json?token=${up.token}`])).toMatchObject({ filename: 'json_1.json' });
    expect(await body(['-X', 'POST', '-d', 'x'.repeat(2000), `${base}/api/save_json?token=${up.token}`])).toEqual({ error: 'payload too large (limit 1024 bytes)' });
    expect(await body(['-X', 'POST', '-d', '{"broken":', `${base}/api/save_json?token=${up.token}`])).toEqual({ error: 'Malformed JSON' });
    expect(await body(['-X', 'POST', '-d', '{}', `${base}/api/save_json?token=${up.token}`])).toEqual({ error: 'Empty JSON payload' });
    expect(await code(['-X', 'POST', `${base}/api/save_json?token=${up.token}`])).toBe('400');
    expect(await code(['-X', 'POST', '-d', '{"a":1}', `${base}/api/save_json?token=forged`])).toBe('401');
    expect(await code(['-X', 'POST', '-d', '{"a":1}', `${base}/api/save_json`])).toBe('401');
    expect(await body(['-X', 'PUT', '-d', '{"a":1}', `${base}/api/update_json/..%2F..%2Fauth.json?token=${up.token}`])).toEqual({ error: 'JSON file with ID ../../auth.json not found' });
    expect(await code(['-X', 'PUT', '-d', '{"a":1}', `${base}/api/update_json/99?token=${up.token}`])).toBe('404');
    expect(await code(['--path-as-is', `${base}/../../etc/passwd`])).toBe('404');
    // A flood from one client: 429 after the burst, and the relay still answers the others.
    const codes = await Promise.all(Array.from({ length: 40 }, () => code([`${base}/api/get_saved_data?token=${up.token}`])));
    expect(codes.filter((c) => c === '429').length).toBeGreaterThan(0);
    // The bucket refills: the same client is answered again (polled, not a fixed wait).
    let after: unknown;
    await until(async () => { after = await body([`${base}/api/get_saved_data?token=${up.token}`]); return Array.isArray(after); }, 'the rate limiter to let the client in again');
    expect(after).toEqual([{ keep: 'me' }]);
    expect((await readdir(dataDir)).sort()).toEqual(['admin.json', 'auth.json', 'documents.log']);
  }, 60_000);

  it('runs the on-save hook as argv, answers CORS only for listed origins, and refuses sources outside --allow-from', async () => {
    const dataDir = path.join(tmp.dir, 'relay-hooks');
    const port = await freePort();
    const marker = path.join(tmp.dir, 'saved.txt');
    await start(['--port', String(port), '--cors-origin', 'https://console.example.org', '--on-save', '/bin/sh', '-c', 'echo "saved $0" >> "$1"', 'hook; $(id)', marker], dataDir);
    const up = await issue(dataDir, 'both');
    const base = `http://127.0.0.1:${port}`;
    await shResult('curl', ['-s', '-X', 'POST', '-d', '{"a":1}', `${base}/api/save_json?token=${up.token}`]);
    for (let i = 0; i < 50 && !(await readFile(marker, 'utf8').catch(() => '')); i++) await new Promise((r) => setTimeout(r, 100));
    // The argument with ; and $( ) arrived as one literal argument: no shell ever parsed it.
    expect(await readFile(marker, 'utf8')).toBe('saved hook; $(id)\n');
    const allowed = await shResult('curl', ['-s', '-i', '-X', 'OPTIONS', '-H', 'Origin: https://console.example.org', `${base}/api/save_json`]);
    expect(allowed.stdout).toMatch(/access-control-allow-origin: https:\/\/console\.example\.org/i);
    const other = await shResult('curl', ['-s', '-i', '-X', 'OPTIONS', '-H', 'Origin: https://evil.example', `${base}/api/save_json`]);
    expect(other.stdout).not.toMatch(/access-control-allow-origin/i);
    const refusedStar = await runJson<{ error: { field: string } }>(['relay', 'start', '--cors-origin', '*', '--port', String(await freePort()), '--data-dir', path.join(tmp.dir, 'x')], { env });
    expect(refusedStar.json.error.field).toBe('cors-origin.0');

    const fenced = path.join(tmp.dir, 'relay-fenced');
    const port2 = await freePort();
    await start(['--port', String(port2), '--allow-from', '10.0.0.0/8'], fenced);
    const r = await shResult('curl', ['-s', '-w', ' %{http_code}', `http://127.0.0.1:${port2}/info`]);
    expect(r.stdout).toBe('{"error":"source address not allowed"} 403');
  }, 60_000);

  it('runs the on-save hook once at a time: a burst of uploads folds into one more run, not a process each', async () => {
    const dataDir = path.join(tmp.dir, 'relay-burst');
    const port = await freePort();
    const marker = path.join(tmp.dir, 'burst.txt');
    await start(['--port', String(port), '--on-save', '/bin/sh', '-c', 'sleep 0.5; echo run >> "$0"', marker], dataDir);
    const up = await issue(dataDir, 'both');
    const base = `http://127.0.0.1:${port}`;
    await Promise.all(Array.from({ length: 30 }, (_, i) => shResult('curl', ['-s', '-X', 'POST', '-d', `{"n":${i}}`, `${base}/api/save_json?token=${up.token}`])));
    const runs = async () => (await readFile(marker, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
    for (let i = 0; i < 60 && (await runs()) < 2; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500)); // any run still to come has had time to start and end
    const n = await runs();
    expect(n).toBeGreaterThanOrEqual(2); // the burst after the first run started is seen by one more
    expect(n).toBeLessThanOrEqual(4); // …never 30
    const saved = JSON.parse((await shResult('curl', ['-s', `${base}/api/get_saved_data?token=${up.token}`])).stdout) as unknown[];
    expect(saved).toHaveLength(30);
  }, 60_000);

  it('refuses to listen beyond loopback without TLS, saying why', async () => {
    const r = await runJson<{ error: { field: string; message: string } }>(['relay', 'start', '--bind', '0.0.0.0', '--port', String(await freePort()), '--data-dir', path.join(tmp.dir, 'nope')], { env });
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe('bind');
    expect(r.json.error.message).toMatch(/without TLS: tokens and data would cross the network in clear text/);
  });
});
