// The whole journey as a new operator walks it, on two hosts: the console on the relay host R (a network namespace
// with private /etc/ufw, trust store and cron spool), a stock copy of Commbase on R and on a client host C (reached
// over SSH; its login environment sets COMMBASE_APP_DIR, as Commbase's install does). From Home, "Set up a relay":
// a certificate, C in the inventory with its key pinned, the relay's port open to C only, the relay started with
// TLS, C and R's own Commbase set up as clients, then the Monitor. Every key is logged (a typed character counts
// one) and the count printed as `journey keys: N`. The end state is checked with Commbase's real scripts: the
// listener on C receives what the uploader on R sends, and the Monitor shows C online; another address of the test
// network cannot reach the relay's port.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { BUNDLE, commbaseMissing, makeAppDir } from '../helpers/commbase.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { shResult } from '../helpers/proc.js';
import { TmuxSession } from '../helpers/tmux.js';
import { withTempDir } from '../helpers/tmp.js';

const why = commbaseMissing() ?? missing({ root: true, commands: ['ip', 'sshd', 'iptables', 'tmux', 'nsenter', 'curl', 'update-ca-certificates'], python: ['socketio', 'requests', 'websocket'] });
const KEY_BUDGET = 80;

describe.skipIf(why)(titled('the journey: two bare hosts to a live client, from the console', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let r: TestHost;
  let c: TestHost;
  let session: TmuxSession | undefined;
  const procs: ChildProcess[] = [];
  let appR = '';
  let appC = '';
  let home = '';

  beforeAll(async () => {
    tmp = await withTempDir();
    appR = makeAppDir(path.join(tmp.dir, 'r-commbase'));
    cpSync(BUNDLE, path.join(appR, 'bundles', 'commbase-data-exchange'), { recursive: true });
    appC = makeAppDir(path.join(tmp.dir, 'c-commbase'));
    cpSync(BUNDLE, path.join(appC, 'bundles', 'commbase-data-exchange'), { recursive: true });
    r = await TestHost.create({ trustStore: true });
    c = await TestHost.create({ trustStore: true, env: { COMMBASE_APP_DIR: appC } });
    r.link(c);
    // The operator's own key, where ssh would look for it: the console offers it.
    home = path.join(tmp.dir, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(c.clientKey, path.join(home, '.ssh', 'id_ed25519'));
    chmodSync(path.join(home, '.ssh', 'id_ed25519'), 0o600);
    copyFileSync(`${c.clientKey}.pub`, path.join(home, '.ssh', 'id_ed25519.pub'));
  }, 60_000);

  afterAll(async () => {
    session?.kill();
    for (const p of procs) p.kill('SIGKILL');
    await r?.destroy(); // the relay the console started runs in R's namespace: it goes with it
    await c?.destroy();
    await tmp?.cleanup();
  });

  it(`takes at most ${KEY_BUDGET} keys, and Commbase's own scripts then exchange data through the relay`, async () => {
    const env = { HOME: home, XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), COMMBASE_APP_DIR: appR, NO_COLOR: '1' };
    session = TmuxSession.start('journey', ['nsenter', '-t', String(r.sshdPid()), '-n', '-m', '--', process.execPath, BIN], env, { cols: 110, rows: 45 });
    const s = session;
    const keys: string[] = [];
    const press = async (k: string) => { keys.push(k); await s.key(k); };
    const type = async (text: string) => { keys.push(...text); await s.type(text); };
    const checklist = (line: RegExp) => s.waitFor((screen) => screen.includes('commbase-admin · Set up a relay') && line.test(screen), 20_000);

    await s.waitFor('Set up a relay');
    keys.push('s');
    await s.openFromHome('s', 'Enter does the selected one');
    await checklist(/› ○ 1\. Server certificate/);

    // 1. The certificate: the defaults name this machine and its addresses.
    await press('Enter');
    await s.waitFor('A local CA and a server certificate');
    await press('Enter');
    await s.waitFor('Server name (common name)');
    await press('Enter'); // CN
    await s.waitFor(`IP:${r.address}`);
    await press('Enter'); // SANs
    await press('Enter'); // directory
    await press('Enter'); // CA days
    await s.waitFor('A passphrase for the CA key');
    await press('Enter'); // none
    await s.waitFor('Write these files?');
    await press('y');
    await s.waitFor('Press c to point');
    await press('q');

    // 2. C in the inventory: the add form opens at once; the identity is offered; then its key is pinned.
    await checklist(/› ○ 2\. Client hosts/);
    await press('Enter');
    await s.waitFor('Add a host (1/6)');
    await type('c');
    await press('Enter');
    await type(c.address);
    await press('Enter');
    await s.waitFor('SSH port');
    await type(String(c.sshPort));
    await press('Enter');
    await press('Enter'); // root
    await s.waitFor(path.join(home, '.ssh', 'id_ed25519'));
    await press('Enter'); // the identity offered
    await press('Enter'); // iptables
    await s.waitFor('Add c to the inventory?'); // previewed, then y adds it and connects to pin its key
    await press('y');
    await s.waitFor(c.fingerprint);
    await press('y');
    await s.waitFor(/reached root@/);
    await press('q');

    // 3. The relay's port, from C only: the preview says the rule alone restricts nothing here; d adds the DROP.
    await checklist(/› ! 3\. Port 5000\/tcp/);
    await press('Enter');
    await s.waitFor('Open a port on local (1/3)');
    await press('Enter'); // 5000
    await press('Enter'); // tcp
    await s.waitFor(`${c.address}/32`);
    await press('Enter'); // from C
    const preview = await s.waitFor('Open this port?', 20_000);
    expect(preview).toMatch(/open to EVERYONE/);
    await press('d');
    await s.waitFor(/afterwards: 5000\/tcp: reachable from [\d.]+\/32 only/, 20_000);
    await press('y');
    await s.waitFor(/now: 5000\/tcp: reachable from [\d.]+\/32 only/, 20_000);
    await press('q');

    // 4. The relay: the start form opens at once with the certificate, its key and its address filled in.
    await checklist(/› ○ 4\. The relay/);
    await press('Enter');
    await s.waitFor('Start the relay on this machine (1/7)');
    await s.waitFor(`› ${r.address}`);
    for (let i = 0; i < 7; i++) await press('Enter');
    await s.waitFor('Start the relay on this machine?');
    await press('y');
    await s.waitFor(/RELAY local: UP/, 20_000);
    await press('q');

    // 5. C, then R's own Commbase: host, app directory, relay URL, name and CA are all offered.
    for (const [host, app] of [['c', appC], ['local', appR]] as const) {
      await checklist(/› [○!] 5\. Commbase client hosts/);
      await press('Enter');
      await s.waitFor(new RegExp(`› .*\\[${host}\\]`)); // the host offered: the next one not set up
      await press('Enter');
      await s.waitFor(`› ${app}`, 20_000);
      for (let i = 0; i < 7; i++) await press('Enter');
      await s.waitFor(`Set up ${host} as a client of`, 30_000);
      await press('y');
      await s.waitFor(`✓ ${host} is set up as client`, 30_000);
      await press('q');
    }

    // C's listener (the one commbase.conf now names), run there as the result screen says.
    const inC = ['nsenter', '-t', String(c.sshdPid()), '-n', '-m'];
    const inR = ['nsenter', '-t', String(r.sshdPid()), '-n', '-m'];
    const listener = { text: '' };
    const lp = spawn(inC[0]!, [...inC.slice(1), 'env', `COMMBASE_APP_DIR=${appC}`, '/usr/bin/python3', '-u', path.join(appC, 'bundles', 'commbase-data-exchange', 'client', 'client_https_localhost_local_ca_websocket.py')], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(lp);
    lp.stdout!.on('data', (d: Buffer) => (listener.text += d.toString()));
    lp.stderr!.on('data', (d: Buffer) => (listener.text += d.toString()));

    // 6. The checklist sees C's listener by itself (it reads again every few seconds); then the Monitor.
    await checklist(/✓ 5\. Commbase client hosts\s+c: online from/);
    await press('j');
    await checklist(/› ✓ 6\. Watch it live/);
    await press('Enter');
    await s.waitFor(new RegExp(`online +c +issued-[0-9a-f]{8} +${c.address.replace(/\./g, '\\.')}`), 30_000);
    const monitor = await s.waitFor('HOSTS c: ok', 30_000);
    expect(monitor).not.toMatch(/RELAY c/); // C runs no relay: it is not shown as one
    expect(monitor).toMatch(/drop 5000\/tcp for everyone else/);

    const count = keys.length;
    process.stdout.write(`journey keys: ${count}\n`);
    expect(count).toBeLessThanOrEqual(KEY_BUDGET);

    // What R's own uploader (Commbase's, set up by the console) sends, C's listener receives.
    const uploader = await shResult(inR[0]!, [...inR.slice(1), 'env', `COMMBASE_APP_DIR=${appR}`, '/usr/bin/python3', path.join(appR, 'bundles', 'commbase-data-exchange', 'server', 'uploader_https_localhost_local_ca_websocket.py')]);
    expect(uploader.stdout).toMatch(/JSON data saved successfully/);
    const deadline = Date.now() + 20_000;
    while (!/'current_request': 'rec'/.test(listener.text) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
    expect(listener.text).toMatch(/Updated Saved JSON data:[\s\S]*'current_request': 'rec'/);
    // Another address of the test network (this machine's end of R's link) cannot reach the relay's port.
    const outsider = await shResult('curl', ['-sk', '-o', '/dev/null', '--max-time', '3', `https://${r.address}:5000/`]);
    expect(outsider.code).toBe(28); // timed out: dropped
  }, 240_000);
});
