// Commbase's own, unmodified scripts (../shared/commbase, run from there or from an app directory laid out as
// Commbase's is) against the relay: beside it with --open-from and no edit at all; with the literals
// `client setup` writes; and over TLS on a client host in a network namespace, set up over SSH with a private
// trust store, then probed, and probed again once the CA is gone from the store.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, runJson } from '../helpers/cli.js';
import { BUNDLE, commbaseMissing, commbaseScript, finished, makeAppDir } from '../helpers/commbase.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { freePort } from '../helpers/port.js';
import { RelayProcess } from '../helpers/relay.js';
import { withTempDir } from '../helpers/tmp.js';

const why = commbaseMissing() ?? missing({ root: true, commands: ['ip', 'sshd', 'ssh-keygen', 'openssl', 'update-ca-certificates', 'unshare', 'nsenter'], python: ['socketio', 'requests'] });

let tmp: { dir: string; cleanup: () => Promise<void> };
let env: Record<string, string>;
const relays: RelayProcess[] = [];
const procs: ChildProcess[] = [];
const namespaces: string[] = [];
beforeAll(async () => {
  tmp = await withTempDir();
  env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
});
afterAll(async () => {
  for (const p of procs) p.kill('SIGKILL');
  for (const r of relays) await r.stop();
  for (const ns of namespaces) { try { execFileSync('ip', ['netns', 'del', ns]); } catch { /* gone */ } }
  await tmp?.cleanup();
});

const script = (file: string, app: string, prefix: string[] = []) => commbaseScript(file, app, procs, prefix);

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const setRequest = (app: string, value: string) => {
  const file = path.join(app, 'data', '.messages.json');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/"current_request":"[^"]*"/, `"current_request":"${value}"`));
};

describe.skipIf(why)(titled('Commbase\'s own scripts against the relay', why), () => {
  it('unmodified, beside a relay started with --open-from 127.0.0.1/32 on port 5000: uploader, listener and updater work', async () => {
    // A namespace of our own gives a private 127.0.0.1:5000, the address the scripts hard-code.
    const ns = `cba-cb-${process.pid}`;
    execFileSync('ip', ['netns', 'add', ns]);
    namespaces.push(ns);
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    const inNs = ['ip', 'netns', 'exec', ns];
    const app = makeAppDir(path.join(tmp.dir, 'app-open'));
    const dataDir = path.join(tmp.dir, 'relay-open');

    // Without --open-from, an unmodified script is refused (401), and says so.
    let relay = await RelayProcess.start(['--port', '5000'], env, dataDir, inNs);
    relays.push(relay);
    const refused = script(path.join(BUNDLE, 'server', 'uploader_http_websocket.py'), app, inNs);
    await finished(refused.proc);
    expect(refused.out.text).toMatch(/Error: 401/);
    await relay.stop();

    relay = await RelayProcess.start(['--port', '5000', '--open-from', '127.0.0.1/32'], env, dataDir, inNs);
    relays.push(relay);
    setRequest(app, 'first');
    const uploader = script(path.join(BUNDLE, 'server', 'uploader_http_websocket.py'), app, inNs);
    await finished(uploader.proc);
    expect(uploader.out.text).toMatch(/JSON data saved successfully/);
    const listener = script(path.join(BUNDLE, 'client', 'client_http_websocket.py'), app, inNs);
    await until('the listener\'s first data', () => /Initial Saved JSON data:\n.*'current_request': 'first'/.test(listener.out.text));
    setRequest(app, 'changed-by-updater');
    const updater = script(path.join(BUNDLE, 'client', 'updater_http_websocket.py'), app, inNs);
    await finished(updater.proc);
    await until('the listener to see the updater\'s change', () => /Updated Saved JSON data:\n.*'current_request': 'changed-by-updater'/.test(listener.out.text));
    // They show as anonymous clients with their address; the audit log has the relay opened to them.
    const list = await runJson<{ clients: Array<{ id: string; name: string }>; connected: Array<{ clientId: string; address: string }> }>(['clients', 'list', '--data-dir', dataDir], { env, prefix: inNs });
    expect(list.json.clients).toContainEqual(expect.objectContaining({ id: 'open:127.0.0.1', name: 'anonymous 127.0.0.1' }));
    expect(list.json.connected).toContainEqual(expect.objectContaining({ clientId: 'open:127.0.0.1' }));
    const audit = await runJson<{ records: Array<{ action: string; outcome: string }> }>(['audit'], { env });
    expect(audit.json.records).toContainEqual(expect.objectContaining({ action: 'relay.open-from', outcome: expect.stringContaining('127.0.0.1/32') }));
  }, 90_000);

  it('with the literals clients issue prints and client setup writes: the updater\'s /1 lands in the path token', async () => {
    const dataDir = path.join(tmp.dir, 'relay-literals');
    const port = await freePort();
    relays.push(await RelayProcess.start(['--port', String(port)], env, dataDir));
    // clients issue names each literal as the script it belongs to names it.
    const issued = await runJson<{ token: string; commbase: { listener: { api_url: string; socketio_url: string }; uploader: { api_url: string }; updater: { api_url: string } } }>(['clients', 'issue', '--name', 'paste', '--scope', 'both', '--data-dir', dataDir], { env });
    expect(issued.json.commbase).toEqual({
      listener: { api_url: `http://127.0.0.1:${port}/t/${issued.json.token}/api/get_saved_data`, socketio_url: `http://127.0.0.1:${port}?token=${issued.json.token}` },
      uploader: { api_url: `http://127.0.0.1:${port}/t/${issued.json.token}/api/save_json` },
      updater: { api_url: `http://127.0.0.1:${port}/t/${issued.json.token}/api/update_json` },
    });
    const text = await runCli(['clients', 'issue', '--name', 'paste2', '--scope', 'both', '--data-dir', dataDir], { env });
    expect(text.stdout).toMatch(/updater \(updater_\*\.py\): +api_url = 'http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]{43}\/api\/update_json'/);

    // An app directory as Commbase installs it (its bundle included), set up by client setup.
    const app = makeAppDir(path.join(tmp.dir, 'app-literals'));
    cpSync(BUNDLE, path.join(app, 'bundles', 'commbase-data-exchange'), { recursive: true });
    const setup = await runJson<{ steps: string[]; backups: string[] }>(['client', 'setup', '--app-dir', app, '--relay-url', `http://127.0.0.1:${port}`, '--name', 'desk', '--data-dir', dataDir], { env });
    expect(setup.code, JSON.stringify(setup.json)).toBe(0);
    expect(setup.json.backups.map((b) => path.basename(b))).toEqual(['client_http_websocket.py.bak', 'updater_http_websocket.py.bak', 'uploader_http_websocket.py.bak', 'commbase.conf.bak']);
    const client = path.join(app, 'bundles', 'commbase-data-exchange', 'client');
    // Only the literals changed: every other line is Commbase's, byte for byte.
    const diffLines = (a: string, b: string) => { const x = readFileSync(a, 'utf8').split('\n'); const y = readFileSync(b, 'utf8').split('\n'); return x.filter((l, i) => l !== y[i]); };
    expect(diffLines(path.join(client, 'updater_http_websocket.py'), path.join(BUNDLE, 'client', 'updater_http_websocket.py'))).toEqual([expect.stringMatching(/^ {4}api_url = 'http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]{43}\/api\/update_json'$/)]);
    expect(diffLines(path.join(client, 'client_http_websocket.py'), path.join(BUNDLE, 'client', 'client_http_websocket.py'))).toHaveLength(2);

    const uploadUrl = readFileSync(path.join(client, 'updater_http_websocket.py'), 'utf8').match(/'(http:[^']+)\/update_json'/)![1]!;
    expect((await fetch(`${uploadUrl}/save_json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: readFileSync(path.join(app, 'data', '.messages.json')) })).status).toBe(200);
    const listener = script(path.join(client, 'client_http_websocket.py'), app);
    await until('the listener\'s first data', () => /Initial Saved JSON data:/.test(listener.out.text));
    setRequest(app, 'via-path-token');
    const updater = script(path.join(client, 'updater_http_websocket.py'), app);
    await finished(updater.proc);
    await until('the listener to see the updater\'s change', () => /'current_request': 'via-path-token'/.test(listener.out.text));
    const probe = await runJson<{ ok: boolean; steps: Array<{ step: string; ok: boolean }> }>(['client', 'probe', '--app-dir', app], { env });
    expect(probe.code, JSON.stringify(probe.json)).toBe(0);
    expect(probe.json.steps.every((s) => s.ok)).toBe(true);
  }, 90_000);

  describe('over TLS, a client host in a namespace set up over SSH', () => {
    let lab: TestHost;
    beforeAll(async () => {
      lab = await TestHost.create({ trustStore: true });
      expect((await runCli(lab.addArgs('desk-host', 'iptables'), { env })).code).toBe(0);
    }, 60_000);
    afterAll(async () => { await lab?.destroy(); });

    it('client setup installs the CA where commbase.conf says and in the host\'s store; probe passes, the https listener sees the updater; without the CA in the store probe fails', async () => {
      const pki = path.join(tmp.dir, 'pki');
      const made = await runJson(['cert', 'setup', '--dir', pki, '--cn', lab.hostSide, '--san', `IP:${lab.hostSide}`], { env });
      expect(made.code, JSON.stringify(made.json)).toBe(0);
      const dataDir = path.join(tmp.dir, 'relay-tls');
      const port = await freePort();
      relays.push(await RelayProcess.start(['--bind', lab.hostSide, '--port', String(port), '--tls-cert', path.join(pki, 'server', 'cert.pem'), '--tls-key', path.join(pki, 'server', 'key.pem')], env, dataDir));
      const hostStore = readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8');

      const app = makeAppDir(path.join(tmp.dir, 'app-tls'));
      cpSync(BUNDLE, path.join(app, 'bundles', 'commbase-data-exchange'), { recursive: true });
      const args = ['client', 'setup', '--host', 'desk-host', '--app-dir', app, '--relay-url', `https://${lab.hostSide}:${port}`, '--ca', path.join(pki, 'ca', 'ca.pem'), '--name', 'desk', '--data-dir', dataDir, '--trust-system'];
      // A leaf instead of the CA, or a file that also holds a key: refused before anything is issued or written.
      const leaf = await runJson<{ error: { field: string; message: string } }>(args.map((a) => (a.endsWith(path.join('ca', 'ca.pem')) ? path.join(pki, 'server', 'cert.pem') : a)), { env });
      expect(leaf.json.error).toMatchObject({ field: 'ca', message: expect.stringMatching(/is not a CA certificate/) });
      const withKey = path.join(tmp.dir, 'ca-and-key.pem');
      writeFileSync(withKey, readFileSync(path.join(pki, 'ca', 'ca.pem'), 'utf8') + readFileSync(path.join(pki, 'server', 'key.pem'), 'utf8'));
      const keyed = await runJson<{ error: { message: string } }>(args.map((a) => (a.endsWith(path.join('ca', 'ca.pem')) ? withKey : a)), { env });
      expect(keyed.json.error.message).toMatch(/also holds a private key/);
      expect((await runJson<{ clients: unknown[] }>(['clients', 'list', '--data-dir', dataDir], { env })).json.clients).toEqual([]);
      const dry = await runJson<{ steps: string[]; diffs: string[][] }>([...args, '--dry-run'], { env });
      expect(dry.code, JSON.stringify(dry.json)).toBe(0);
      expect(dry.json.steps.join('\n')).toMatch(/write .*client_https_localhost_local_ca_websocket\.py[\s\S]*add the CA to desk-host's trust store: \/usr\/local\/share\/ca-certificates\/commbase-admin-[0-9a-f]{12}\.crt, then update-ca-certificates/);
      expect(existsSync(path.join(app, 'certificates', 'ca.pem'))).toBe(false);
      const setup = await runJson<{ client: { id: string } }>(args, { env });
      expect(setup.code, JSON.stringify(setup.json)).toBe(0);
      expect(readFileSync(path.join(app, 'certificates', 'ca.pem'), 'utf8')).toBe(readFileSync(path.join(pki, 'ca', 'ca.pem'), 'utf8'));
      const conf = readFileSync(path.join(app, 'config', 'commbase.conf'), 'utf8');
      expect(conf).toContain('CERTS_AND_KEYS_CA_PEM_FILE="/certificates/ca.pem"');
      expect(conf).toContain('COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH="$COMMBASE_APP_DIR/bundles/commbase-data-exchange/client/client_https_localhost_local_ca_websocket.py"');
      expect(conf).toContain(`COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="${lab.hostSide}"`);
      expect(conf).toContain(`COMMBASE_DATA_EXCHANGE_SERVER_PORT="${port}"`);
      // This machine's own trust store was never touched; the host's private one holds the CA.
      expect(readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8')).toBe(hostStore);
      expect(lab.nsExec(['ls', '/usr/local/share/ca-certificates'])).toMatch(/commbase-admin-[0-9a-f]{12}\.crt/);

      const probe = await runJson<{ ok: boolean; steps: Array<{ step: string; ok: boolean; fix: string; skipped: boolean }> }>(['client', 'probe', '--host', 'desk-host', '--app-dir', app], { env });
      expect(probe.code, JSON.stringify(probe.json, null, 1)).toBe(0);
      expect(probe.json.steps.filter((s) => !s.ok && !s.skipped)).toEqual([]);
      // Nothing is stored yet: the updater's PUT was not checked, and says so instead of passing.
      expect(probe.json.steps.find((s) => /updater's PUT/.test(s.step))).toMatchObject({ ok: false, skipped: true });

      // Commbase's https listener (from its template) and its updater, run on the client host as Commbase would.
      // Every script that holds the token is the owner's alone.
      const bundle = path.join(app, 'bundles', 'commbase-data-exchange');
      for (const f of ['client/client_https_localhost_local_ca_websocket.py', 'client/updater_http_websocket.py', 'server/uploader_https_localhost_local_ca_websocket.py']) {
        expect(statSync(path.join(bundle, f)).mode & 0o077, f).toBe(0);
      }
      expect(conf).toContain('COMMBASE_DATA_EXCHANGE_SERVER_UPLOADER_FILE_PATH="$COMMBASE_APP_DIR/bundles/commbase-data-exchange/server/uploader_https_localhost_local_ca_websocket.py"');
      const inHost = ['nsenter', '-t', String(lab.sshdPid()), '-n', '-m'];
      // Commbase's own https uploader (its template, set up above) stores the first document, with the conf's CA.
      const uploader = script(path.join(bundle, 'server', 'uploader_https_localhost_local_ca_websocket.py'), app, inHost);
      await finished(uploader.proc);
      expect(uploader.out.text).toMatch(/JSON data saved successfully/);
      const client = path.join(app, 'bundles', 'commbase-data-exchange', 'client');
      const listener = script(path.join(client, 'client_https_localhost_local_ca_websocket.py'), app, inHost);
      await until('the https listener\'s first data', () => /Initial Saved JSON data:/.test(listener.out.text), 20_000);
      setRequest(app, 'over-tls');
      const updater = script(path.join(client, 'updater_http_websocket.py'), app, inHost);
      await finished(updater.proc);
      await until('the https listener to see the updater\'s change', () => /'current_request': 'over-tls'/.test(listener.out.text), 20_000);
      listener.proc.kill();

      // Take the CA out of the host's store: Commbase's Socket.IO clients can no longer verify the relay.
      lab.nsExec(['sh', '-c', 'rm -f /usr/local/share/ca-certificates/commbase-admin-*.crt && update-ca-certificates --fresh >/dev/null 2>&1']);
      const broken = await runJson<{ ok: boolean; steps: Array<{ step: string; ok: boolean; fix: string }> }>(['client', 'probe', '--host', 'desk-host', '--app-dir', app], { env });
      expect(broken.code).toBe(4);
      const failed = broken.json.steps.filter((s) => !s.ok);
      expect(failed.map((s) => s.step).join('\n')).toMatch(/Socket\.IO over polling/);
      expect(failed.find((s) => /Socket\.IO/.test(s.step))!.fix).toMatch(/client setup --trust-system/);
      // The GET with commbase.conf's own CA still works: the conf's CA is right, only the store lacks it.
      expect(broken.json.steps.find((s) => /commbase\.conf's CA/.test(s.step))!.ok).toBe(true);
      expect(readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8')).toBe(hostStore);
    }, 120_000);
  });
});

// Keep the fixture where it is: the project never holds a copy of Commbase's code.
it('the project holds no copy of Commbase\'s scripts', () => {
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
  expect(tracked.filter((f) => /(client|updater|uploader|server)_https?_.*\.py$/.test(f) || f.includes('commbase-data-exchange'))).toEqual([]);
});
