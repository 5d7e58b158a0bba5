// docs/commbase.md, run as written. Every ```sh block is executed in order on two test hosts (network namespaces): the
// relay host R, where the operator types (a private /opt, /etc/hosts, trust store and firewall), and desk (C,
// reached over SSH, its own private /opt and /etc/hosts). The doc's example values are replaced by the test's own:
// 192.0.2.10 → R's address, 192.0.2.20 → desk's, 192.0.2.0/24 → desk's network, /etc/commbase-admin → a temporary
// directory, the example fingerprint → desk's real one; relay.lan resolves to R through /etc/hosts, and /opt/commbase
// is a stock copy of Commbase on each host. A block that starts with `# on desk` runs on desk; `relay start` runs in
// the background (the doc says: in a terminal of its own). After each block, what the text says happens is checked.
//
// How it keeps the doc true: each block's text is pinned here by its hash (a doc changed without this test fails,
// naming the block), and each command is the program's own (a flag renamed under the doc fails the block: the last
// test shows it, running block 4 with --trust-system renamed).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { BUNDLE, commbaseMissing, makeAppDir } from '../helpers/commbase.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { shResult } from '../helpers/proc.js';
import { withTempDir } from '../helpers/tmp.js';
import { blockCommands, pins, shellBlocks } from '../helpers/docs.js';

const why = commbaseMissing() ?? missing({ root: true, commands: ['ip', 'sshd', 'iptables', 'nsenter', 'curl', 'update-ca-certificates'], python: ['socketio', 'requests', 'websocket'] });
const DOC = path.join(ROOT, 'docs', 'commbase.md');
const EXAMPLE_FINGERPRINT = 'SHA256:sIppQd2UPGyS80rkQVJxa+6SqN/26++8bFVeDIjo2sQ';

/** Each block's hash, in order: change a block and its check below together, then the hash here. */
const PINNED = ['bcefa55e0033', 'a6b6e6e26ae5', '67ad8f72baa5', '52ae6309a050', '1b7fc040ce32', '4336697fa94c', 'b33d9fd6516c', 'a670174346ba', '64ade8114846', 'ea68caf90d6f'];

describe.skipIf(why)(titled('docs/commbase.md, run as written on two test hosts', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let r: TestHost;
  let desk: TestHost;
  const procs: ChildProcess[] = [];
  let env: Record<string, string> = {};
  let optR = '';
  let optDesk = '';
  let etc = '';
  const blocks = shellBlocks(readFileSync(DOC, 'utf8'));

  beforeAll(async () => {
    tmp = await withTempDir();
    r = await TestHost.create({ trustStore: true });
    desk = await TestHost.create({ trustStore: true, port22: true });
    r.link(desk);
    // A stock Commbase in /opt/commbase on each host, and relay.lan naming R on both.
    for (const [h, dir] of [[r, 'opt-r'], [desk, 'opt-desk']] as const) {
      const opt = path.join(tmp.dir, dir);
      const app = makeAppDir(path.join(opt, 'commbase'));
      cpSync(BUNDLE, path.join(app, 'bundles', 'commbase-data-exchange'), { recursive: true });
      h.bind(opt, '/opt');
      const hosts = path.join(tmp.dir, `${dir}-hosts`);
      writeFileSync(hosts, `127.0.0.1 localhost\n${r.address} relay.lan\n`);
      h.bind(hosts, '/etc/hosts');
    }
    optR = path.join(tmp.dir, 'opt-r', 'commbase');
    optDesk = path.join(tmp.dir, 'opt-desk', 'commbase');
    etc = path.join(tmp.dir, 'etc-commbase-admin');
    mkdirSync(etc);
    const home = path.join(tmp.dir, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(desk.clientKey, path.join(home, '.ssh', 'id_ed25519'));
    chmodSync(path.join(home, '.ssh', 'id_ed25519'), 0o600);
    // `commbase-admin` on PATH is this checkout's; python3 is Debian's (the one that sees python3-socketio).
    const bin = path.join(tmp.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'commbase-admin'), `#!/bin/sh\nexec ${process.execPath} ${BIN} "$@"\n`, { mode: 0o755 });
    env = { HOME: home, XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, NO_COLOR: '1', LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1' }; // unbuffered: as on the operator's terminal
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await r?.destroy();
    await desk?.destroy();
    await tmp?.cleanup();
  });

  /** The block with the test's values in place of the doc's examples. */
  const localise = (text: string) => text
    .replaceAll('192.0.2.0/24', `${desk.address.replace(/\.\d+$/, '.0')}/24`)
    .replaceAll('192.0.2.10', r.address).replaceAll('192.0.2.20', desk.address)
    .replaceAll('/etc/commbase-admin', etc).replaceAll(EXAMPLE_FINGERPRINT, desk.fingerprint);

  /** Its commands, one per line once continuations are joined (comments are the shell's). */
  const commands = (text: string) => blockCommands(localise(text));

  const inHost = (h: TestHost) => ['nsenter', '-t', String(h.sshdPid()), '-n', '-m', '--', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
  const run = async (h: TestHost, cmd: string) => {
    const argv = [...inHost(h), 'bash', '-c', cmd];
    return shResult(argv[0]!, argv.slice(1));
  };
  const background = (h: TestHost, cmd: string) => {
    const argv = [...inHost(h), 'bash', '-c', cmd];
    const out = { text: '' };
    const p = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout!.on('data', (d: Buffer) => (out.text += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (out.text += d.toString()));
    procs.push(p);
    return out;
  };
  const until = async (what: string | (() => string), ok: () => boolean | Promise<boolean>, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  };
  const relayUp = async () => (await run(r, 'commbase-admin relay status')).code === 0;

  /** Run block i as the operator would; every command must succeed. */
  const runBlock = async (i: number) => {
    const b = blocks[i]!;
    const results: Array<{ cmd: string; code: number; stdout: string; stderr: string }> = [];
    for (const cmd of commands(b.text)) {
      if (/^commbase-admin relay start\b/.test(cmd)) {
        const out = background(r, cmd);
        await until(`the relay started by: ${cmd}\n${out.text}`, relayUp);
        continue;
      }
      const res = await run(b.on === 'desk' ? desk : r, cmd);
      expect(res.code, `${b.heading}: ${cmd}\n${res.stdout}\n${res.stderr}`).toBe(0);
      results.push({ cmd, ...res });
    }
    return results;
  };

  it('pins every block of the doc (a block changed without its check here fails)', () => {
    const { hashes, shown } = pins(blocks);
    expect(hashes, shown).toEqual(PINNED);
  });

  it('runs every block in order, and what the doc says after each is what happens', async () => {
    // 0. The relay beside Commbase, open to loopback: Commbase's own uploader works unmodified.
    await runBlock(0);
    const [upload, list] = await runBlock(1);
    expect(upload!.stdout).toMatch(/JSON data saved successfully/);
    expect(list!.stdout).toMatch(/anonymous[\s\S]*127\.0\.0\.1/);
    const audit = await run(r, 'commbase-admin audit --json');
    expect(audit.stdout).toMatch(/"action": ?"relay\.start"/);

    // 1. Certificates: the key is 0600.
    await runBlock(2);
    expect(statSync(path.join(etc, 'pki', 'server', 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(etc, 'pki', 'ca', 'ca.pem')).isFile()).toBe(true);

    // 2. The TLS relay, the port open to desk's network only; no token, 401; step 0's unedited uploader stops.
    const [, fw] = await runBlock(3);
    expect(fw!.stdout).toMatch(/reachable from [\d.]+\.0\/24 only/);
    const noToken = await run(r, `curl -s -o /dev/null -w '%{http_code}' --cacert ${etc}/pki/ca/ca.pem https://relay.lan:5000/api/get_saved_data`);
    expect(noToken.stdout).toBe('401');
    const old = await run(r, `COMMBASE_APP_DIR=/opt/commbase python3 /opt/commbase/bundles/commbase-data-exchange/server/uploader_http_websocket.py`);
    expect(old.stdout).not.toMatch(/saved successfully/);

    // 3. desk: pinned from the first contact, previewed, set up; every script that holds the token is owner-only.
    const [, dry] = await runBlock(4);
    expect(dry!.stdout).toMatch(/\(dry run: no token issued, nothing written\)/);
    const bundle = path.join(optDesk, 'bundles', 'commbase-data-exchange');
    for (const f of ['client/client_https_localhost_local_ca_websocket.py', 'client/updater_http_websocket.py', 'server/uploader_https_localhost_local_ca_websocket.py']) {
      expect(statSync(path.join(bundle, f)).mode & 0o077, f).toBe(0);
    }
    expect(readFileSync(path.join(optDesk, 'config', 'commbase.conf'), 'utf8')).toContain('COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="relay.lan"');
    // The relay host's own Commbase, the same way.
    await runBlock(5);
    expect(readFileSync(path.join(optR, 'config', 'commbase.conf'), 'utf8')).toContain('uploader_https_localhost_local_ca_websocket.py');

    // 4. The probe passes on desk; then desk's listener receives what the relay host's uploader sends.
    await runBlock(6);
    const listener = background(desk, commands(blocks[7]!.text)[0]!);
    await until(() => `desk's listener to connect:\n${listener.text}`, () => /Initial Saved JSON data/.test(listener.text));
    setRequest(optR, 'from-the-doc');
    const [up] = await runBlock(8);
    expect(up!.stdout).toMatch(/JSON data saved successfully/);
    await until(() => `desk's listener to print the upload:\n${listener.text}`, () => /'current_request': 'from-the-doc'/.test(listener.text));

    // 5. desk's paths check out; the server's own certificate is not expected on a client host.
    const [validate] = await runBlock(9);
    expect(validate!.stdout).toMatch(/not needed: this host is a client of the server at relay\.lan/);
  }, 240_000);

  it('fails a block whose flag the program no longer has (what keeps the doc and the flags together)', async () => {
    const renamed = commands(blocks[4]!.text)[1]!.replace('--trust-system', '--trust-systems');
    const res = await run(r, renamed);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown option '--trust-systems'/);
  });
});

/** Commbase's messages file with this current_request, so an upload can be told apart. */
function setRequest(app: string, request: string): void {
  const f = path.join(app, 'data', '.messages.json');
  const doc = JSON.parse(readFileSync(f, 'utf8')) as { messages: Array<Record<string, string>> };
  for (const m of doc.messages) if ('current_request' in m) m.current_request = request;
  writeFileSync(f, JSON.stringify(doc));
}
