// Timed forwards on a "router" namespace over SSH, with an "internet" client namespace and a "LAN" device
// namespace: add/list/extend/revoke/reap asserted on iptables-save; traffic really forwarded before the
// deadline and not after, with no commbase-admin process alive; a killed `forward add` leaves both or neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, runCli, runJson } from '../helpers/cli.js';
import { TestHost, type Peer } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { shResult } from '../helpers/proc.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['ip', 'sshd', 'iptables', 'iptables-restore', 'curl', 'crontab'], python: ['http.server'] });

describe.skipIf(why)(titled('timed forwards in test namespaces', why), () => {
  let router: TestHost;
  let wan: Peer;
  let lan: Peer;
  let web: ChildProcess;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  const save = (t: 'nat' | 'filter') => router.nsExec(['iptables-save', '-t', t]).split('\n').filter((l) => l.includes('commbase-admin:fwd:')).join('\n');
  const cli = <T = Record<string, unknown>>(args: string[]) => runJson<T>([...args, '--host', 'router'], { env });
  const fetchViaRouter = () => shResult('ip', ['netns', 'exec', wan.ns, 'curl', '-s', '--max-time', '2', `http://${wan.hostAddress}:8080/`]);

  beforeAll(async () => {
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
    router = await TestHost.create();
    wan = router.addPeer('wan', '203.0.113.1', '203.0.113.7');
    lan = router.addPeer('lan', '192.168.77.1', '192.168.77.2');
    router.nsExec(['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    router.nsExec(['iptables', '-P', 'FORWARD', 'DROP']);
    router.nsExec(['iptables', '-A', 'FORWARD', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']);
    web = spawn('ip', ['netns', 'exec', lan.ns, '/usr/bin/python3', '-m', 'http.server', '80', '--bind', lan.address, '--directory', tmp.dir], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      if ((await shResult('ip', ['netns', 'exec', lan.ns, 'curl', '-s', '-o', '/dev/null', `http://${lan.address}/`])).code === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await runCli(router.addArgs('router', 'iptables'), { env })).code).toBe(0);
  }, 60_000);
  afterAll(async () => { web?.kill(); await router?.destroy(); await tmp?.cleanup(); });

  it('add, list, extend, revoke, reap: asserted on iptables-save in the namespace', async () => {
    const add = await cli<{ id: string; deadline: string; outcome: string }>(['forward', 'add', '--from', '203.0.113.7', '--port', '8080', '--to', '192.168.77.2:80', '--ttl', '30m']);
    expect(add.code, JSON.stringify(add.json)).toBe(0);
    const { id, deadline } = add.json;
    expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(Math.abs(new Date(deadline).getTime() - Date.now() - 30 * 60_000)).toBeLessThan(10_000);
    const epoch = Math.floor(new Date(deadline).getTime() / 1000);
    const stop = deadline.slice(0, 19);
    expect(save('nat')).toBe(`-A PREROUTING -s 203.0.113.7/32 -p tcp -m tcp --dport 8080 -m time --datestop ${stop} -m comment --comment "commbase-admin:fwd:${id}:${epoch}" -j DNAT --to-destination 192.168.77.2:80`);
    expect(save('filter')).toBe(`-A FORWARD -s 203.0.113.7/32 -d 192.168.77.2/32 -p tcp -m tcp --dport 80 -m time --datestop ${stop} -m comment --comment "commbase-admin:fwd:${id}:${epoch}" -j ACCEPT`);

    const list = await cli<{ forwards: Array<{ id: string; from: string; port: number; to: string; complete: boolean; expired: boolean; secondsLeft: number }> }>(['forward', 'list']);
    expect(list.json.forwards).toHaveLength(1);
    expect(list.json.forwards[0]).toMatchObject({ id, from: '203.0.113.7/32', port: 8080, to: '192.168.77.2:80', complete: true, expired: false });
    expect(list.json.forwards[0]!.secondsLeft).toBeGreaterThan(1700);

    const ext = await cli<{ deadline: string }>(['forward', 'extend', id, '--ttl', '2h']);
    expect(ext.code).toBe(0);
    const stop2 = ext.json.deadline.slice(0, 19);
    expect(save('nat')).toContain(`--datestop ${stop2}`);
    expect(save('nat').split('\n')).toHaveLength(1);
    expect(save('filter').split('\n')).toHaveLength(1);

    const revoke = await cli(['forward', 'revoke', id]);
    expect(revoke.json).toMatchObject({ outcome: 'revoked' });
    expect(save('nat')).toBe('');
    expect(save('filter')).toBe('');

    const missingId = await cli<{ error: { field: string } }>(['forward', 'revoke', 'deadbeef']);
    expect(missingId.code).toBe(2);
    const badId = await cli<{ error: { field: string } }>(['forward', 'revoke', '../../x']);
    expect(badId.json.error.field).toBe('id');
  }, 60_000);

  it('refuses what would be dangerous, with the reason, and changes nothing', async () => {
    const cases: Array<[string[], string, RegExp]> = [
      [['--from', '0.0.0.0/0', '--port', '8080', '--to', '192.168.77.2:80', '--ttl', '1m'], 'from', /whole internet/],
      [['--from', '203.0.113.7', '--port', '8080', '--to', '8.8.8.8:80', '--ttl', '1m'], 'to', /not a private \(LAN\) address/],
      [['--from', '203.0.113.7', '--port', '8080', '--to', '192.168.77.2:80', '--ttl', '30d'], 'ttl', /between 5s and 7d/],
      [['--from', '203.0.113.7', '--port', '8080', '--to', '192.168.77.2:80', '--ttl', 'forever'], 'ttl', /90s, 30m, 2h or 1d/],
      [['--from', '203.0.113.7;id', '--port', '8080', '--to', '192.168.77.2:80', '--ttl', '1m'], 'from', /IPv4\/IPv6 address or CIDR/],
      [['--from', '0.0.0.0/1', '--port', '8080', '--to', '192.168.77.2:80', '--ttl', '1m'], 'from', /wider than a \/8 \(0\.0\.0\.0\/1\)/],
      [['--from', '203.0.113.7', '--port', '0x1F90', '--to', '192.168.77.2:80', '--ttl', '1m'], 'port', /whole number/],
      [['--from', '203.0.113.7', '--port', '8080.0', '--to', '192.168.77.2:80', '--ttl', '1m'], 'port', /whole number/],
      [['--from', '203.0.113.7', '--port', ' 8080 ', '--to', '192.168.77.2:80', '--ttl', '1m'], 'port', /whole number/],
      [['--from', '203.0.113.7', '--port', '8080', '--to', '192.168.77.2:80', '--ttl', '1e3s'], 'ttl', /90s, 30m, 2h or 1d/],
      // The port of the SSH session itself (the router's sshd listens on 2222): refused, dry run or not.
      [['--from', '203.0.113.7', '--port', '2222', '--to', '192.168.77.2:22', '--ttl', '1m'], 'port', /REFUSED: a forward of 2222\/tcp on router would take the port of the SSH session/],
      [['--from', '203.0.113.7', '--port', '2222', '--to', '192.168.77.2:22', '--ttl', '1m', '--dry-run'], 'port', /REFUSED/],
    ];
    for (const [args, field, message] of cases) {
      const r = await cli<{ error: { field: string; message: string } }>(['forward', 'add', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.json.error.field).toBe(field);
      expect(r.json.error.message).toMatch(message);
    }
    expect(save('nat')).toBe('');
  }, 60_000);

  it('warns when the router itself listens on the forwarded port', async () => {
    const listener = spawn('ip', ['netns', 'exec', router.ns, '/usr/bin/python3', '-c', 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 8089)); s.listen(); time.sleep(60)'], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !router.nsExec(['ss', '-ltnH']).includes(':8089'); i++) await new Promise((r) => setTimeout(r, 100));
      const r = await cli<{ warnings: string[]; outcome: string }>(['forward', 'add', '--from', '203.0.113.7', '--port', '8089', '--to', '192.168.77.2:80', '--ttl', '1m', '--dry-run']);
      expect(r.json.outcome).toBe('would add');
      expect(r.json.warnings.join('\n')).toMatch(/router itself listens on 8089\/tcp: until the deadline, connections from 203\.0\.113\.7 to that port reach the forward's destination instead/);
      const quiet = await cli<{ warnings: string[] }>(['forward', 'add', '--from', '203.0.113.7', '--port', '8090', '--to', '192.168.77.2:80', '--ttl', '1m', '--dry-run']);
      expect(quiet.json.warnings.join('\n')).not.toMatch(/listens on/);
      // A destination that is the router's own SSH (its LAN address, the session's port) is said out loud.
      const ownSsh = await cli<{ warnings: string[] }>(['forward', 'add', '--from', '203.0.113.7', '--port', '8091', '--to', `192.168.77.1:${router.sshPort}`, '--ttl', '1m', '--dry-run']);
      expect(ownSsh.json.warnings.join('\n')).toMatch(/is router's own SSH/);
      // A reaper script path with . or .. segments is refused before anything is read or written.
      for (const bad of ['/usr/local/sbin/../../tmp/x', '/usr/local/./sbin/x', '/usr/local/sbin/']) {
        const r = await cli<{ error: { field: string } }>(['forward', 'reap', '--install-cron', '--script-path', bad]);
        expect(r.code, bad).toBe(2);
        expect(r.json.error.field).toBe('script-path');
      }
    } finally {
      listener.kill('SIGKILL');
    }
  }, 60_000);

  it('expiry needs no process: traffic is forwarded before the deadline and not after, with nothing running', async () => {
    const add = await cli<{ id: string; deadline: string }>(['forward', 'add', '--from', '203.0.113.7', '--port', '8080', '--to', '192.168.77.2:80', '--ttl', '10s']);
    expect(add.code).toBe(0);
    expect(save('nat')).toMatch(/-m time --datestop \S+ /);
    const before = await fetchViaRouter();
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toMatch(/Directory listing/);
    // No commbase-admin process of this test is left: the CLI exited, and nothing else was started.
    expect(ourProcesses(env.XDG_CONFIG_HOME!)).toEqual([]);
    const wait = new Date(add.json.deadline).getTime() - Date.now() + 1500;
    await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    const after = await fetchViaRouter();
    expect(after.code).not.toBe(0);
    // The rules are still there (nobody reaped them), yet the kernel no longer matches them.
    expect(save('nat')).toContain(add.json.id);
    const list = await cli<{ forwards: Array<{ id: string; expired: boolean }> }>(['forward', 'list']);
    expect(list.json.forwards.find((f) => f.id === add.json.id)?.expired).toBe(true);

    // The cron reaper, run by the host itself, removes it (sh + iptables only).
    const script = path.join(router.dir, 'reap.sh');
    const inst = await cli<{ outcome: string; crontabLine: string }>(['forward', 'reap', '--install-cron', '--script-path', script]);
    expect(inst.json.outcome).toBe('installed');
    expect(router.nsExec(['crontab', '-l'])).toContain(`* * * * * ${script} # commbase-admin-reap`);
    const again = await cli<{ outcome: string }>(['forward', 'reap', '--install-cron', '--script-path', script]);
    expect(again.json.outcome).toBe('already installed');
    expect(router.nsExec(['crontab', '-l']).match(/commbase-admin-reap/g)).toHaveLength(1);
    router.nsExec([script]);
    expect(save('nat')).toBe('');
    expect(save('filter')).toBe('');
  }, 60_000);

  it('a permanent forward (router 80 → web host) has no deadline, carries traffic from anywhere with --public, outlives reaping, and is revoked the same way', async () => {
    const refused = await cli<{ error: { message: string } }>(['forward', 'add', '--from', '0.0.0.0/0', '--port', '8080', '--to', '192.168.77.2:80', '--permanent']);
    expect(refused.code).toBe(2);
    expect(refused.json.error.message).toMatch(/from.*whole internet.*--public/s);
    const both = await cli<{ error: { message: string } }>(['forward', 'add', '--from', '203.0.113.7', '--port', '8080', '--to', '192.168.77.2:80', '--permanent', '--ttl', '1h']);
    expect(both.json.error.message).toMatch(/--ttl or --permanent, not both/);
    const neither = await cli<{ error: { message: string } }>(['forward', 'add', '--from', '203.0.113.7', '--port', '8080', '--to', '192.168.77.2:80']);
    expect(neither.json.error.message).toMatch(/ttl.*--permanent/s);
    expect(save('nat')).toBe('');

    const add = await cli<{ id: string; deadline: string; permanent: boolean; warnings: string[] }>(['forward', 'add', '--from', '0.0.0.0/0', '--port', '8080', '--to', '192.168.77.2:80', '--permanent', '--public']);
    expect(add.code, JSON.stringify(add.json)).toBe(0);
    expect(add.json).toMatchObject({ deadline: '', permanent: true });
    expect(add.json.warnings.join('\n')).toMatch(/lost at reboot/);
    const { id } = add.json;
    expect(save('nat')).toBe(`-A PREROUTING -p tcp -m tcp --dport 8080 -m comment --comment "commbase-admin:fwd:${id}:permanent" -j DNAT --to-destination 192.168.77.2:80`);
    expect(save('filter')).not.toMatch(/--datestop/);
    const via = await fetchViaRouter();
    expect(via.code, via.stderr).toBe(0);
    expect(via.stdout).toMatch(/Directory listing/);
    const list = await runCli(['forward', 'list', '--host', 'router'], { env });
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+any\\s+8080/tcp\\s+192\\.168\\.77\\.2:80\\s+\\s*permanent`));
    // Neither reap nor the cron reaper removes it; extend has nothing to extend.
    expect((await cli<{ outcome: string }>(['forward', 'reap'])).json.outcome).toBe('nothing to reap');
    const script = path.join(router.dir, 'reap-permanent.sh');
    await cli(['forward', 'reap', '--install-cron', '--script-path', script]);
    router.nsExec([script]);
    expect(save('nat')).toContain(id);
    const extend = await cli<{ error: { message: string } }>(['forward', 'extend', id, '--ttl', '1h']);
    expect(extend.json.error.message).toMatch(/permanent: it has no deadline/);
    // Persisting needs netfilter-persistent on the host; without it, what to install.
    const persist = await cli<{ error: { message: string; nextSteps: string[] } }>(['forward', 'persist']);
    if (persist.code !== 0) expect(JSON.stringify(persist.json.error)).toMatch(/iptables-persistent/);
    expect((await cli(['forward', 'revoke', id])).code).toBe(0);
    expect(save('nat')).toBe('');
    expect(save('filter')).toBe('');
  }, 60_000);

  it('reap removes only expired forwards', async () => {
    const short = await cli<{ id: string; deadline: string }>(['forward', 'add', '--from', '203.0.113.7', '--port', '8081', '--to', '192.168.77.2:80', '--ttl', '5s']);
    const long = await cli<{ id: string }>(['forward', 'add', '--from', '203.0.113.7', '--port', '8082', '--to', '192.168.77.2:80', '--ttl', '1h']);
    await new Promise((r) => setTimeout(r, Math.max(0, new Date(short.json.deadline).getTime() - Date.now() + 1200)));
    const reap = await cli<{ removed: string[]; outcome: string }>(['forward', 'reap']);
    expect(reap.json.outcome).toBe('reaped');
    expect(reap.json.removed).toContain(short.json.id);
    expect(reap.json.removed).not.toContain(long.json.id);
    expect(save('nat')).toContain(long.json.id);
    expect(save('nat')).not.toContain(short.json.id);
    await cli(['forward', 'revoke', long.json.id]);
  }, 60_000);

  it('forged tags: a tagged INPUT rule that is the router\'s only SSH allow, and a tagged rule of another shape, are never listed, reaped (CLI or cron script) or revoked', async () => {
    const forgedInput = ['INPUT', '-p', 'tcp', '-m', 'tcp', '--dport', String(router.sshPort), '-m', 'comment', '--comment', 'commbase-admin:fwd:deadbeef:1000', '-j', 'ACCEPT'];
    const forgedNat = ['PREROUTING', '-p', 'tcp', '-m', 'tcp', '--dport', '9999', '-m', 'comment', '--comment', 'commbase-admin:fwd:cafebabe:1000', '-j', 'DNAT', '--to-destination', '192.168.77.2:80'];
    router.nsExec(['iptables', '-A', ...forgedInput]);
    router.nsExec(['iptables', '-t', 'nat', '-A', ...forgedNat]);
    router.nsExec(['iptables', '-P', 'INPUT', 'DROP']);
    try {
      const list = await cli<{ forwards: Array<{ id: string }>; warnings: string[] }>(['forward', 'list']);
      expect(list.code, JSON.stringify(list.json)).toBe(0);
      expect(list.json.forwards.map((f) => f.id)).not.toContain('deadbeef');
      expect(list.json.forwards.map((f) => f.id)).not.toContain('cafebabe');
      expect(list.json.warnings.join('\n')).toMatch(/2 rule\(s\) carry commbase-admin's forward tag but are not forwards it made/);
      const started = Date.now();
      const reap = await cli<{ outcome: string; removed: string[] }>(['forward', 'reap']);
      expect(reap.code, JSON.stringify(reap.json)).toBe(0);
      expect(reap.json.removed).not.toContain('deadbeef');
      expect(Date.now() - started).toBeLessThan(20_000);
      expect((await cli(['forward', 'revoke', 'deadbeef'])).code).toBe(2);
      // The host's own reaper script (sh + iptables only) leaves them too.
      const script = path.join(tmp.dir, 'reaper-forged.sh');
      const { reaperScript } = await import('../../src/firewall/reaper.js');
      (await import('node:fs')).writeFileSync(script, reaperScript(), { mode: 0o755 });
      router.nsExec(['sh', script]);
      expect(router.nsExec(['iptables', '-S', 'INPUT'])).toMatch(/commbase-admin:fwd:deadbeef:1000/);
      expect(router.nsExec(['iptables', '-t', 'nat', '-S', 'PREROUTING'])).toMatch(/commbase-admin:fwd:cafebabe:1000/);
      // And SSH still works (the only allow is still there).
      expect((await cli(['forward', 'list'])).code).toBe(0);
    } finally {
      router.nsExec(['iptables', '-P', 'INPUT', 'ACCEPT']);
      router.nsExec(['iptables', '-D', ...forgedInput]);
      router.nsExec(['iptables', '-t', 'nat', '-D', ...forgedNat]);
    }
  }, 60_000);

  it('killing the CLI in the middle of forward add leaves both rules or neither', async () => {
    const delays = [150, 250, 300, 350, 400, 450, 500, 600, 800, 1200];
    for (const delay of delays) {
      const child = spawn(process.execPath, [BIN, 'forward', 'add', '--host', 'router', '--from', '203.0.113.7', '--port', '9000', '--to', '192.168.77.2:80', '--ttl', '10m'], { env: { ...process.env, ...env }, stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
    }
    await new Promise((r) => setTimeout(r, 1000)); // a remote iptables-restore may still be finishing
    const list = await cli<{ forwards: Array<{ id: string; complete: boolean; port: number }> }>(['forward', 'list']);
    const ids = new Set([...save('nat').matchAll(/fwd:([0-9a-f]{8})/g), ...save('filter').matchAll(/fwd:([0-9a-f]{8})/g)].map((m) => m[1]!));
    for (const id of ids) {
      const halves = [save('nat').includes(id), save('filter').includes(id)];
      expect(halves, `forward ${id}`).toEqual([true, true]);
    }
    expect(list.json.forwards.every((f) => f.complete)).toBe(true);
    for (const f of list.json.forwards) await cli(['forward', 'revoke', f.id]);
  }, 90_000);
});

/** commbase-admin processes started with this XDG_CONFIG_HOME (other test files run their own at the same time). */
function ourProcesses(xdg: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes(BIN)) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`XDG_CONFIG_HOME=${xdg}`)) pids.push(Number(pid));
    } catch { /* gone */ }
  }
  return pids;
}
