// The relay as a systemd service (#22), against a real systemd: a Debian 13 host booted by systemd-nspawn in a
// network namespace this test creates (helpers/nspawn.ts), reached over its own sshd as an inventory host.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, runJson } from '../helpers/cli.js';
import { BUNDLE, commbaseMissing, commbaseScript, finished, makeAppDir } from '../helpers/commbase.js';
import { TmuxSession } from '../helpers/tmux.js';
import { missing, titled } from '../helpers/needs.js';
import { SystemdHost } from '../helpers/nspawn.js';
import { TestHost } from '../helpers/lab.js';
import { until } from '../helpers/port.js';
import { withTempDir } from '../helpers/tmp.js';

const why = commbaseMissing() ?? missing({ root: true, commands: ['systemd-nspawn', 'debootstrap', 'curl', 'ssh', 'tmux', 'unshare'], python: ['socketio', 'requests'] });

describe.skipIf(why)(titled('relay deploy on a host with systemd (systemd-nspawn)', why), () => {
  let host: SystemdHost;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  let pki: string;
  const curl = (args: string[]) => execFileSync('curl', ['-sS', '--max-time', '10', ...args], { encoding: 'utf8' });

  beforeAll(async () => {
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
    host = await SystemdHost.boot();
    const add = await runCli(host.addArgs('sd'), { env });
    expect(add.code, add.stderr).toBe(0);
    // Where the console looks for what it made: its deploy form offers this certificate and key.
    pki = path.join(env.XDG_DATA_HOME!, 'commbase-admin', 'certificates');
    const cert = await runCli(['cert', 'setup', '--dir', pki, '--cn', 'relayhost', '--san', `IP:${host.address}`], { env });
    expect(cert.code, cert.stderr).toBe(0);
  }, 600_000);
  const procs: ChildProcess[] = [];
  let session: TmuxSession | undefined;
  afterAll(async () => {
    session?.kill();
    for (const p of procs) p.kill('SIGKILL');
    await host?.destroy();
    await tmp?.cleanup();
  });

  it('previews every file and command with --dry-run and changes nothing', async () => {
    const r = await runJson<{ steps: string[]; unit: string; node: string }>(['relay', 'deploy', '--host', 'sd', '--tls-cert', path.join(pki, 'server/cert.pem'), '--tls-key', path.join(pki, 'server/key.pem'), '--dry-run', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.node).toMatch(/^\/usr\/bin\/node v2\d\./);
    expect(r.json.unit).toMatch(/NoNewPrivileges=yes/);
    expect(r.json.steps.join('\n')).toMatch(/key\.pem \(0600/);
    expect(host.exec('test -e /etc/systemd/system/commbase-relay.service && echo yes || echo no').trim()).toBe('no');
    // With a shared Redis: its URL in the settings, its password copied 0600 for the service only, never in argv.
    const pw = path.join(tmp.dir, 'redis.pw');
    writeFileSync(path.join(tmp.dir, 'redis.pw'), 'pw-not-in-argv\n', { mode: 0o600 });
    const shared = await runJson<{ steps: string[]; settings: Record<string, unknown> }>(['relay', 'deploy', '--host', 'sd', '--tls-cert', path.join(pki, 'server/cert.pem'), '--tls-key', path.join(pki, 'server/key.pem'), '--store', 'redis://10.0.0.9:6379/0', '--store-password-file', pw, '--dry-run', '--json'], { env });
    expect(shared.code, shared.stderr).toBe(0);
    expect(shared.json.settings).toMatchObject({ store: 'redis://10.0.0.9:6379/0', 'store-password-file': '/etc/commbase-admin/redis.pw', 'store-unsafe': false });
    expect(shared.json.steps.join('\n')).toMatch(/write \/etc\/commbase-admin\/redis\.pw \(Redis's password; 0600/);
    expect(JSON.stringify(shared.json)).not.toContain('pw-not-in-argv');
  });

  it('deploys: a hardened service, enabled at boot, serving TLS; kill -9 restarts it with every document kept; a broken upgrade rolls back, a good one switches; a reboot brings it back; uninstall leaves no unit, user or binary, and keeps the data', async () => {
    const d = await runJson<{ active: string; version: string }>(['relay', 'deploy', '--host', 'sd', '--tls-cert', path.join(pki, 'server/cert.pem'), '--tls-key', path.join(pki, 'server/key.pem'), '--json'], { env, timeoutMs: 120_000 });
    expect(d.code, d.stderr + JSON.stringify(d.json)).toBe(0);
    expect(d.json.active).toMatch(/active \(running\)/);
    const info = JSON.parse(curl(['--cacert', path.join(pki, 'server/ca.pem'), `https://${host.address}:5000/info`])) as { name: string };
    expect(info.name).toBeTruthy();
    expect(host.exec('stat -c "%a %U" /etc/commbase-admin/tls/key.pem /var/lib/commbase-relay').trim().split('\n')).toEqual(['600 commbase-relay', '700 commbase-relay']);
    expect(host.exec('systemctl is-enabled commbase-relay').trim()).toBe('enabled');
    const exposure = host.exec('systemd-analyze security commbase-relay --no-pager 2>&1 | tail -1').trim();
    process.stdout.write(`systemd-analyze security: ${exposure}\n`);
    expect(exposure).toMatch(/Overall exposure level for commbase-relay\.service: \d+\.\d (OK|SAFE)/);

    // An upload acknowledged before the relay is killed is there after systemd restarts it.
    const issued = await runJson<{ token: string }>(['clients', 'issue', '--host', 'sd', '--data-dir', '/var/lib/commbase-relay', '--name', 'uploader', '--scope', 'both', '--json'], { env });
    expect(issued.code, issued.stderr).toBe(0);
    const base = `https://${host.address}:5000`;
    const ca = ['--cacert', path.join(pki, 'server/ca.pem')];
    expect(curl([...ca, '-X', 'POST', '-H', 'Content-Type: application/json', '-d', '{"n":1}', `${base}/api/save_json?token=${issued.json.token}`])).toMatch(/1/);
    const pid = host.exec('systemctl show commbase-relay -p MainPID --value').trim();
    host.exec(`kill -9 ${pid}`);
    await until(() => { const now = host.exec('systemctl show commbase-relay -p MainPID --value').trim(); return now !== pid && now !== '0'; }, 'systemd to restart the relay', 30_000);
    await until(() => { try { curl([...ca, `${base}/info`]); return true; } catch { return false; } }, 'the restarted relay to answer', 30_000);
    expect(JSON.parse(curl([...ca, `${base}/api/get_saved_data?token=${issued.json.token}`]))).toEqual([{ n: 1 }]);
    const st = await runJson<{ restarts: number; active: string }>(['relay', 'service', 'status', '--host', 'sd', '--json'], { env });
    expect(st.json).toMatchObject({ active: 'active', restarts: 1 });
    const logs = await runCli(['relay', 'logs', '--host', 'sd', '--lines', '50'], { env });
    expect(logs.stdout).toMatch(/listening on https:\/\//);

    // An upgrade to a build that does not start: rolled back at once, the old one serving, nothing lost.
    const broken = path.join(tmp.dir, 'broken-relay.mjs');
    writeFileSync(broken, 'throw new Error("this build is broken");\n');
    const before = host.exec('readlink /opt/commbase-admin/current').trim();
    const bad = await runJson<{ error: { message: string } }>(['relay', 'upgrade', '--host', 'sd', '--bundle', broken, '--json'], { env, timeoutMs: 120_000 });
    expect(bad.code, JSON.stringify(bad.json)).toBe(3);
    expect(bad.json.error.message).toMatch(new RegExp(`did not come up .*rolled back to ${before}, active \\(running\\)`));
    expect(host.exec('readlink /opt/commbase-admin/current').trim()).toBe(before);
    expect(JSON.parse(curl([...ca, `${base}/api/get_saved_data?token=${issued.json.token}`]))).toEqual([{ n: 1 }]);
    // …and to one that does: switched, serving, the same data.
    const next = path.join(tmp.dir, 'next-relay.mjs');
    writeFileSync(next, `${readFileSync(path.join(ROOT, 'dist/relay/commbase-relay.mjs'), 'utf8')}\n// the next build\n`);
    const good = await runJson<{ from: string; to: string; outcome: string }>(['relay', 'upgrade', '--host', 'sd', '--bundle', next, '--json'], { env, timeoutMs: 120_000 });
    expect(good.code, JSON.stringify(good.json)).toBe(0);
    expect(good.json).toMatchObject({ from: before, outcome: expect.stringMatching(/^upgraded: active \(running\)/) });
    expect(host.exec('readlink /opt/commbase-admin/current').trim()).toBe(good.json.to);
    expect(JSON.parse(curl([...ca, `${base}/api/get_saved_data?token=${issued.json.token}`]))).toEqual([{ n: 1 }]);

    // A reboot of the host: the relay is back without the console (enabled at boot), the document still there.
    try { host.exec('systemctl reboot'); } catch { /* the connection ends with the host */ }
    await host.exited();
    await host.start();
    await until(() => { try { curl([...ca, `${base}/info`]); return true; } catch { return false; } }, 'the relay to answer after the reboot', 60_000);
    expect(JSON.parse(curl([...ca, `${base}/api/get_saved_data?token=${issued.json.token}`]))).toEqual([{ n: 1 }]);

    const u = await runCli(['relay', 'uninstall', '--host', 'sd'], { env, timeoutMs: 60_000 });
    expect(u.code, u.stderr).toBe(0);
    expect(host.exec('ls /etc/systemd/system/commbase-relay.service /opt/commbase-admin 2>&1; getent passwd commbase-relay || echo no-user').trim()).toMatch(/No such file[\s\S]*No such file[\s\S]*no-user/);
    expect(host.exec('ls /var/lib/commbase-relay').trim()).toMatch(/documents\.log/);
  }, 240_000);

  it('from the console: Tab to the host, D deploys with the console\'s certificate offered, the journal follows, t stops and s starts the service, u says it is current', async () => {
    session = TmuxSession.start('deploy', [process.execPath, BIN], { ...env, NO_COLOR: '1' }, { cols: 140, rows: 50 });
    await session.waitFor('Relay & clients');
    await session.openFromHome('7', /No relay runs with/);
    await session.key('Tab');
    // Uninstalled above with its data kept: no service there, so not a relay that is down.
    await session.waitFor(/host sd \(2\/2[\s\S]*No relay runs on sd\. Press D to deploy one as a service/);
    await session.key('s');
    await session.waitFor(/s: no relay is deployed on sd/);
    await session.key('D');
    await session.waitFor('Address to listen on, on that host');
    // Every answer offered: 0.0.0.0, 5000, the certificate and key the console made, the host's address, no open sources, no proxy.
    for (const next of ['Port', 'TLS certificate, on this machine', 'Its key, on this machine', 'The name or address clients use', 'Sources that need no token', 'A reverse proxy to trust']) {
      await session.key('Enter');
      const screen = await session.waitFor(next);
      if (next.startsWith('TLS')) expect(screen).toContain(path.join(pki, 'server', 'cert.pem'));
      if (next.startsWith('The name')) expect(screen).toContain(`› ${host.address}`);
    }
    await session.key('Enter');
    const preview = await session.waitFor('Deploy the relay on sd?', 30_000);
    expect(preview).toMatch(/write \/etc\/commbase-admin\/tls\/key\.pem \(0600/);
    expect(host.exec('test -e /etc/systemd/system/commbase-relay.service && echo yes || echo no').trim()).toBe('no');
    await session.key('y');
    await session.waitFor(/deployed on sd: active \(running\)/, 90_000);
    await session.waitFor(new RegExp(`RELAY sd \\(service\\): UP .*https://${host.address.replace(/\./g, '\\.')}:5000`));
    await session.waitFor(/service on sd: active \(running\), enabled at boot/);
    await session.key('l');
    await session.waitFor(/journal of commbase-relay on sd[\s\S]*listening on https:\/\/0\.0\.0\.0:5000/);
    await session.key('l');
    await session.key('t');
    await session.waitFor('Stop the relay service on sd?');
    await session.type('sd');
    await session.key('Enter');
    await session.waitFor(/service on sd: inactive \(dead\)[\s\S]*The relay deployed on sd is inactive: s starts it/, 30_000);
    await session.key('s');
    await session.waitFor('Start the relay service on sd?');
    await session.key('y');
    await session.waitFor(/RELAY sd \(service\): UP/, 30_000);
    await session.key('u');
    await session.waitFor(/sd already runs .*nothing to upgrade/, 30_000);
    // The Monitor watches every inventory host: the deployed relay is listed, marked as the service; this machine,
    // which runs none, is not listed as a relay that is down.
    await session.key('q');
    await session.waitFor('Set up a relay');
    const monitor = await session.openFromHome('9', /RELAY sd \(service\): UP/, 30_000);
    expect(monitor).not.toMatch(/RELAY local/);
    session.kill();
    session = undefined;
  }, 240_000);

  it('is found without --data-dir; relay stop|start|restart|status|logs --follow --host act on it; Commbase\'s own uploader and listener work against it over TLS', async () => {
    const st = await runJson<{ service: { active: string }; publicUrl: string }>(['relay', 'status', '--host', 'sd', '--json'], { env });
    expect(st.code, st.stderr).toBe(0);
    expect(st.json).toMatchObject({ service: { active: 'active' }, publicUrl: `https://${host.address}:5000` });

    // The journal followed: what the relay writes after the command started is printed, and Ctrl-C ends it cleanly.
    const follow = spawn(process.execPath, [BIN, 'relay', 'logs', '--host', 'sd', '--follow', '--lines', '1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(follow);
    let followed = '';
    follow.stdout!.on('data', (d: Buffer) => (followed += d.toString()));
    await until(() => followed.split('\n').filter(Boolean).length >= 1, 'the last journal line', 20_000);
    const restart = await runJson<{ active: string; pid: number }>(['relay', 'restart', '--host', 'sd', '--json'], { env, timeoutMs: 60_000 });
    expect(restart.code, restart.stderr).toBe(0);
    await until(() => new RegExp(`node\\[${restart.json.pid}\\]: relay .* listening on https`).test(followed), 'the restarted relay\'s first line in the followed journal', 30_000);
    follow.kill('SIGINT');
    expect(await new Promise((r) => follow.once('exit', r))).toBe(0);

    const stop = await runJson<{ active: string }>(['relay', 'stop', '--host', 'sd', '--json'], { env, timeoutMs: 60_000 });
    expect(stop.json).toMatchObject({ active: 'inactive' });
    const down = await runJson<{ error: { message: string; nextSteps: string[] } }>(['relay', 'status', '--host', 'sd', '--json'], { env });
    expect(down.code).toBe(2);
    expect(down.json.error.message).toMatch(/the commbase-relay service is inactive/);
    expect(down.json.error.nextSteps.join(' ')).toMatch(/relay start --host sd/);
    const refused = await runCli(['relay', 'start', '--host', 'sd', '--port', '6000'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/invalid port "6000": with --host, relay start starts the deployed service as it was deployed/);
    const start = await runJson<{ active: string }>(['relay', 'start', '--host', 'sd', '--json'], { env, timeoutMs: 60_000 });
    expect(start.json).toMatchObject({ active: 'active' });
    await until(() => { try { curl(['--cacert', path.join(pki, 'ca', 'ca.pem'), `https://${host.address}:5000/info`]); return true; } catch { return false; } }, 'the relay to answer', 30_000);

    // A Commbase client set up against it from this machine (its token issued over SSH by the deployed relay), and
    // Commbase's own https uploader and listener run as they are, trusting the CA through a private bind mount.
    const app = makeAppDir(path.join(tmp.dir, 'app'));
    cpSync(BUNDLE, path.join(app, 'bundles', 'commbase-data-exchange'), { recursive: true });
    const setup = await runJson(['client', 'setup', '--host', 'local', '--app-dir', app, '--relay-url', `https://${host.address}:5000`, '--ca', path.join(pki, 'ca', 'ca.pem'), '--name', 'desk', '--relay-host', 'sd', '--json'], { env, timeoutMs: 60_000 });
    expect(setup.code, JSON.stringify(setup.json)).toBe(0);
    const store = path.join(tmp.dir, 'trust.crt');
    writeFileSync(store, readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8') + readFileSync(path.join(pki, 'ca', 'ca.pem'), 'utf8'));
    const trusting = ['unshare', '-m', 'sh', '-c', `mount --bind "$0" /etc/ssl/certs/ca-certificates.crt && exec "$@"`, store];
    const bundle = path.join(app, 'bundles', 'commbase-data-exchange');
    const uploader = commbaseScript(path.join(bundle, 'server', 'uploader_https_localhost_local_ca_websocket.py'), app, procs, trusting);
    await finished(uploader.proc);
    expect(uploader.out.text).toMatch(/JSON data saved successfully/);
    const listener = commbaseScript(path.join(bundle, 'client', 'client_https_localhost_local_ca_websocket.py'), app, procs, trusting);
    await until(() => /Initial Saved JSON data:[\s\S]*current_request/.test(listener.out.text), 'the listener\'s first data', 30_000);
    // An upload while it listens reaches it through the deployed relay.
    const again = commbaseScript(path.join(bundle, 'server', 'uploader_https_localhost_local_ca_websocket.py'), app, procs, trusting);
    await finished(again.proc);
    await until(() => (listener.out.text.match(/Updated Saved JSON data:/g) ?? []).length >= 1, 'the listener to see the second upload', 30_000);
    listener.proc.kill();
    const clients = await runJson<{ clients: Array<{ name: string }> }>(['clients', 'list', '--host', 'sd', '--json'], { env });
    expect(clients.json.clients.map((c) => c.name)).toContain('desk');

    const purge = await runCli(['relay', 'uninstall', '--host', 'sd', '--purge'], { env, timeoutMs: 60_000 });
    expect(purge.code, purge.stderr).toBe(0);
    expect(host.exec('ls /var/lib/commbase-relay 2>&1 || true')).toMatch(/No such file/);
  }, 240_000);

  it('as a login that is not root (sudo with a NOPASSWD rule, as most servers are run): deploy, status, clients, logs, uninstall; nothing staged is left in its home', async () => {
    host.addSudoUser('ops');
    const add = await runCli(host.addArgs('sd-ops', 'ops'), { env });
    expect(add.code, add.stderr).toBe(0);
    const d = await runJson<{ active: string }>(['relay', 'deploy', '--host', 'sd-ops', '--tls-cert', path.join(pki, 'server/cert.pem'), '--tls-key', path.join(pki, 'server/key.pem'), '--json'], { env, timeoutMs: 120_000 });
    expect(d.code, JSON.stringify(d.json)).toBe(0);
    expect(d.json.active).toMatch(/active \(running\)/);
    expect(host.exec('stat -c "%a %U:%G" /etc/commbase-admin/tls/key.pem /etc/commbase-admin/relay.json /etc/systemd/system/commbase-relay.service').trim().split('\n')).toEqual(['600 commbase-relay:commbase-relay', '640 root:commbase-relay', '644 root:root']);
    // Its admin file is the service user's alone: read through sudo, then the feed through the SSH tunnel.
    const st = await runJson<{ service: { active: string } }>(['relay', 'status', '--host', 'sd-ops', '--json'], { env });
    expect(st.code, st.stderr).toBe(0);
    expect(st.json.service.active).toBe('active');
    const issued = await runJson<{ token: string }>(['clients', 'issue', '--host', 'sd-ops', '--name', 'via-sudo', '--scope', 'read', '--json'], { env });
    expect(issued.code, issued.stderr).toBe(0);
    expect((await runCli(['relay', 'logs', '--host', 'sd-ops', '--lines', '20'], { env })).stdout).toMatch(/listening on https/);
    expect(host.exec('ls -A /home/ops').trim().split('\n').filter((f) => f.startsWith('.commbase-admin-stage'))).toEqual([]);
    const u = await runCli(['relay', 'uninstall', '--host', 'sd-ops', '--purge'], { env, timeoutMs: 60_000 });
    expect(u.code, u.stderr).toBe(0);
    expect(host.exec('ls /etc/systemd/system/commbase-relay.service /var/lib/commbase-relay 2>&1 || true')).toMatch(/No such file[\s\S]*No such file/);
  }, 180_000);

  it('refuses a host without systemd (a container, a plain namespace) before changing anything, and says what to do', async () => {
    const plain = await TestHost.create();
    try {
      expect((await runCli(plain.addArgs('plain', 'iptables'), { env })).code).toBe(0);
      const r = await runJson<{ error: { message: string; nextSteps: string[] } }>(['relay', 'deploy', '--host', 'plain', '--tls-cert', path.join(pki, 'server/cert.pem'), '--tls-key', path.join(pki, 'server/key.pem'), '--json'], { env });
      expect(r.code).toBe(2);
      expect(r.json.error.message).toMatch(/systemd is not running there/);
      expect(r.json.error.nextSteps.join(' ')).toMatch(/relay start/);
      // The namespace host shares this machine's files: nothing was written here either.
      expect(existsSync('/opt/commbase-admin') || existsSync('/etc/systemd/system/commbase-relay.service')).toBe(false);
    } finally {
      await plain.destroy();
    }
  });
});

describe('relay deploy, service, logs and uninstall refuse bad input before connecting to anything', () => {
  it('names the field and the value, exit 2, nothing contacted', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['relay', 'deploy', '--host', 'x;reboot'], /invalid host/],
      [['relay', 'deploy', '--host', 'nowhere', '--port', '99999'], /invalid port/],
      [['relay', 'deploy', '--host', 'nowhere', '--bind', '0.0.0.0'], /without TLS/],
      [['relay', 'deploy', '--host', 'nowhere', '--tls-cert', '/etc/hostname'], /tls-key/],
      [['relay', 'deploy', '--host', 'nowhere', '--open-from', 'everyone'], /invalid open-from/],
      [['relay', 'logs', '--host', 'nowhere', '--since', '$(reboot)'], /invalid since/],
      [['relay', 'logs', '--host', 'nowhere', '--lines', '-5'], /invalid lines/],
      [['relay', 'service', 'explode', '--host', 'nowhere'], /'explode' is invalid/],
      [['relay', 'uninstall', '--host', '../etc'], /invalid host/],
      [['relay', 'start', '--host', 'x;reboot'], /invalid host/],
      [['relay', 'start', '--host', 'nowhere', '--tls-cert', '/etc/hostname'], /invalid tls-cert "\/etc\/hostname": with --host/],
      [['relay', 'start', '--host', 'nowhere', '--store', 'redis://u:hunter2@10.0.0.9/0'], /invalid store "redis:\/\/u:\*\*\*@10\.0\.0\.9\/0": with --host/],
      [['relay', 'stop', '--host', '$(reboot)'], /invalid host/],
      [['relay', 'restart', '--host', 'a b'], /invalid host/],
      [['relay', 'logs', '--host', 'nowhere', '--follow', '--since', '`reboot`'], /invalid since/],
      [['relay', 'deploy', '--host', 'nowhere', '--bind', '127.0.0.1', '--public-host', 'x'.repeat(300)], /invalid public-host/],
      [['relay', 'deploy', '--host', 'nowhere', '--bind', '127.0.0.1', '--store', 'redis://:hunter2@10.0.0.9/0'], /invalid store "redis:\/\/:\*\*\*@10\.0\.0\.9\/0": holds a password/],
      [['relay', 'deploy', '--host', 'nowhere', '--bind', '127.0.0.1', '--store-password-file', '/etc/hostname'], /invalid store-password-file: it is for --store/],
      [['relay', 'upgrade', '--host', 'nowhere', '--bundle', '/nonexistent/relay.mjs'], /failed to read the bundle/],
      [['relay', 'upgrade', '--host', 'nowhere', '--bundle', '/dev/zero'], /invalid bundle "\/dev\/zero": not a regular file/],
      [['relay', 'deploy', '--host', 'nowhere', '--tls-cert', '/dev/zero', '--tls-key', '/dev/zero'], /invalid tls-cert "\/dev\/zero": not a regular file/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toContain('hunter2');
    }
  });
});
