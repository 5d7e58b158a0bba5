// The Monitor under tmux, end to end: a TLS relay (CA made by this project) with Python Socket.IO clients from
// Debian's packages, one asking for approval; the operator approves it with a key and the client receives its
// token; a short timed forward on a test-namespace host counts down to expiry; an unreachable host is shown
// as such. Then the wall dashboard draws its widgets and leaves the terminal usable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { BIN, runCli, runJson } from '../helpers/cli.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { PyClient, RelayProcess } from '../helpers/relay.js';
import { TmuxSession } from '../helpers/tmux.js';
import { freePort } from '../helpers/port.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['tmux', 'ip', 'sshd', 'iptables-restore', 'openssl'], python: ['socketio', 'requests'] });

describe.skipIf(why)(titled('console under tmux: live monitor and wall dashboard', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let lab: TestHost;
  let relay: RelayProcess | undefined;
  const sessions: TmuxSession[] = [];
  const pys: PyClient[] = [];
  let env: Record<string, string>;
  let dataDir: string;
  beforeAll(async () => {
    tmp = await withTempDir();
    lab = await TestHost.create();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
    dataDir = path.join(tmp.dir, 'relay');
    expect((await runCli(lab.addArgs('lab', 'iptables'), { env })).code).toBe(0);
    expect((await runCli(['hosts', 'add', 'gone', '--address', lab.address, '--port', '2299', '--identity', lab.clientKey, '--trust-fingerprint', lab.fingerprint], { env })).code).toBe(0);
  }, 30_000);
  afterAll(async () => {
    for (const s of sessions) s.kill();
    for (const p of pys) p.kill();
    await relay?.stop();
    await lab?.destroy();
    await tmp?.cleanup();
  });

  it('shows clients and a pending request, approves it with a key, and counts a forward down to expiry', async () => {
    const pki = path.join(tmp.dir, 'pki');
    await runCli(['cert', 'ca', '--dir', path.join(pki, 'ca'), '--cn', 'CA', '--key-size', '2048'], { env });
    await runCli(['cert', 'issue', '--ca-dir', path.join(pki, 'ca'), '--out-dir', path.join(pki, 'srv'), '--cn', 'localhost', '--san', 'IP:127.0.0.1'], { env });
    const port = await freePort();
    relay = await RelayProcess.start(['--port', String(port), '--tls-cert', path.join(pki, 'srv', 'cert.pem'), '--tls-key', path.join(pki, 'srv', 'key.pem')], env, dataDir);
    const ca = path.join(pki, 'srv', 'ca.pem');
    const trust = { REQUESTS_CA_BUNDLE: ca, SSL_CERT_FILE: ca };
    const rd = (await runJson<{ token: string; urls: Record<string, string> }>(['clients', 'issue', '--name', 'wallboard', '--scope', 'read', '--data-dir', dataDir], { env })).json;
    const listener = PyClient.start(['listen', rd.urls.get_url!, rd.urls.socketio_url!, '90'], trust);
    pys.push(listener);
    await listener.waitFor((e) => e.event === 'connected', 25_000);
    const asker = PyClient.start(['authorise', `https://127.0.0.1:${port}`, 'kiosk-3', 'Kiosk'], trust);
    pys.push(asker);
    await asker.waitFor((e) => e.event === 'authorise' && e.state === 'pending');

    const s = TmuxSession.start('mon', [process.execPath, BIN, 'monitor', '--data-dir', dataDir, '--host', 'lab', '--host', 'gone'], env, { cols: 100, rows: 30 });
    sessions.push(s);
    const screen = await s.waitFor(/CLIENTS \(1 connected, 1 PENDING\)/, 20_000);
    expect(screen).toMatch(/PENDING Kiosk\s+kiosk-3/);
    expect(screen).toMatch(/online\s+wallboard/);
    expect(screen).toMatch(/RELAY local: UP .* TLS \d+d/);
    await s.waitFor(/gone: UNREACHABLE/, 20_000);
    await s.key('a');
    await s.waitFor('approved kiosk-3');
    const token = await asker.waitFor((e) => e.event === 'authorise' && e.state === 'approved');
    expect(token.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const fwd = await runJson<{ id: string }>(['forward', 'add', '--host', 'lab', '--from', '203.0.113.5', '--port', '8443', '--to', '192.168.50.2:443', '--ttl', '20s'], { env });
    expect(fwd.code, fwd.stdout + fwd.stderr).toBe(0);
    // The TTL leaves room for the 5 s timer poll and a slow SSH round trip on a loaded CI machine: the row
    // must be seen counting (two different values of LEFT) before it is seen expired.
    const left = (screen: string): number => Number(new RegExp(`lab\\s+fwd ${fwd.json.id}.*\\s(\\d+)s\\s`).exec(screen)?.[1]);
    const first = left(await s.waitFor(new RegExp(`lab\\s+fwd ${fwd.json.id}.*\\s\\d+s\\s`), 15_000));
    await s.waitFor((screen) => left(screen) < first, 10_000);
    await s.waitFor(new RegExp(`fwd ${fwd.json.id}.*EXPIRED`), 30_000);
    await s.key('q');
    await s.waitFor('commbase-admin · Home');
  }, 150_000);

  it('with no --host the Monitor watches every inventory host: a forward on one shows, an unreachable one says so', async () => {
    const fwd = await runJson<{ id: string }>(['forward', 'add', '--host', 'lab', '--from', '203.0.113.9', '--port', '8444', '--to', '192.168.50.2:443', '--ttl', '2m'], { env });
    expect(fwd.code, JSON.stringify(fwd.json)).toBe(0);
    const s = TmuxSession.start('mon-all', [process.execPath, BIN, 'monitor', '--data-dir', dataDir], env, { cols: 120, rows: 34 });
    sessions.push(s);
    try {
      await s.key('Tab'); // the timers pane
      const screen = await s.waitFor(new RegExp(`fwd ${fwd.json.id}`), 20_000);
      expect(screen).toMatch(/lab\s+fwd/);
      await s.waitFor(/gone: UNREACHABLE/, 20_000);
    } finally {
      s.kill(); // its SSH connection to lab must be gone before the next test counts them
      await runJson(['forward', 'revoke', '--host', 'lab', fwd.json.id], { env });
    }
  }, 60_000);

  it('dashboard --host exits within seconds of q and leaves no SSH connection open', async () => {
    const s = TmuxSession.start('dash-host', ['sh', '-c', `${process.execPath} ${BIN} dashboard --data-dir ${dataDir} --host lab; echo DASHBOARD-EXITED $?; sleep 30`], { ...env, NCURSES_NO_UTF8_ACS: '1' }, { cols: 120, rows: 36 }, { counted: false });
    sessions.push(s);
    await s.waitFor(/HOST\s+RULE\s+LEFT/, 20_000);
    // lab shares this machine's files in the test (the local relay's admin file is there too), so it may show as DOWN.
    await s.waitFor(/RELAY( lab|: none runs on .*lab)/, 15_000);
    const sshTo = () => lab.nsExec(['ss', '-Htn', 'state', 'established', `( sport = :${lab.sshPort} )`]).trim().split('\n').filter(Boolean).length;
    for (let i = 0; i < 40 && sshTo() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sshTo()).toBeGreaterThan(0);
    const pressed = Date.now();
    await s.key('q');
    await s.waitFor('DASHBOARD-EXITED 0', 10_000);
    expect(Date.now() - pressed).toBeLessThan(5000);
    for (let i = 0; i < 40 && sshTo() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sshTo()).toBe(0);
  }, 60_000);

  it('the dashboard draws its widgets and q leaves the terminal usable', async () => {
    const s = TmuxSession.start('dash', ['sh', '-c', `${process.execPath} ${BIN} dashboard --data-dir ${dataDir}; echo DASHBOARD-EXITED $?; sleep 30`], { ...env, NCURSES_NO_UTF8_ACS: '1' }, { cols: 120, rows: 36 }, { counted: false });
    sessions.push(s);
    const screen = await s.waitFor(/STATE\s+NAME\s+ID\s+FROM/, 20_000);
    expect(screen).toMatch(/throughput \(per second\)/);
    expect(screen).toMatch(/HOST\s+RULE\s+LEFT/);
    // Every column whole: the 15-character id and the address apart (they ran together at a fixed width of 14).
    await s.waitFor(/online\s+wallboard\s+issued-[0-9a-f]{8}\s+127\.0\.0\.1/, 10_000);
    await s.key('q');
    const after = await s.waitFor('DASHBOARD-EXITED 0');
    expect(after).not.toMatch(/throughput/); // the alternate screen is gone
  }, 60_000);
});
