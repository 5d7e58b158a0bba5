// "Only from X" on a host whose INPUT policy accepts everyone restricts nothing: said as such (preview and
// result), proved with traffic from another address of the test network; --restrict then keeps everyone else out
// (traffic from X works, from another address does not), and closing removes the DROP with the rule.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, runJson } from '../helpers/cli.js';
import { TmuxSession } from '../helpers/tmux.js';
import { TestHost, type Peer } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { shResult } from '../helpers/proc.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['ip', 'sshd', 'iptables', 'curl', 'tmux'], python: ['http.server'] });

describe.skipIf(why)(titled('who can reach a port, on an ACCEPT-policy host', why), () => {
  let h: TestHost;
  let a: Peer;
  let b: Peer;
  let web: ChildProcess;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  beforeAll(async () => {
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
    h = await TestHost.create();
    a = h.addPeer('a', '192.168.91.1', '192.168.91.2');
    b = h.addPeer('b', '192.168.92.1', '192.168.92.2');
    web = spawn('nsenter', ['-t', String(h.sshdPid()), '-n', '/usr/bin/python3', '-m', 'http.server', '5000', '--bind', '0.0.0.0', '--directory', tmp.dir], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !h.nsExec(['ss', '-ltnH']).includes(':5000'); i++) await new Promise((r) => setTimeout(r, 100));
    expect((await runCli(h.addArgs('relayhost', 'iptables'), { env })).code).toBe(0);
  }, 60_000);
  afterAll(async () => { web?.kill(); await h?.destroy(); await tmp?.cleanup(); });

  const reachFrom = async (p: Peer) => (await shResult('ip', ['netns', 'exec', p.ns, 'curl', '-s', '-o', '/dev/null', '--max-time', '2', `http://${p.hostAddress}:5000/`])).code === 0;
  const fw = <T = { reach: string; warnings: string[]; outcome: string; restrictsNothing: boolean; commands: string[][] }>(args: string[]) => runJson<T>(['fw', ...args, '--host', 'relayhost'], { env });

  it('reports "from X" as open to everyone while the policy accepts, then --restrict makes it true, and close takes both away', async () => {
    const from = `${a.address}/32`;
    const preview = await fw(['open', '--port', '5000', '--from', from, '--dry-run']);
    expect(preview.code, JSON.stringify(preview.json)).toBe(0);
    expect(preview.json.restrictsNothing).toBe(true);
    expect(preview.json.reach).toMatch(/open to EVERYONE \(IPv4, IPv6\), not only 192\.168\.91\.2\/32: the rule restricts nothing .*INPUT policy \(IPv4\) is ACCEPT/);
    expect(preview.json.warnings.join('\n')).toMatch(/restricts nothing on relayhost; to make it true, add a DROP .*--restrict/);

    const opened = await fw(['open', '--port', '5000', '--from', from]);
    expect(opened.json.outcome).toBe('opened');
    expect(opened.json.reach).toMatch(/open to EVERYONE/);
    // True on the wire: the other network gets in.
    expect(await reachFrom(a)).toBe(true);
    expect(await reachFrom(b)).toBe(true);

    const restricted = await fw(['open', '--port', '5000', '--from', from, '--restrict']);
    expect(restricted.code, JSON.stringify(restricted.json)).toBe(0);
    expect(restricted.json.commands.map((c) => c.join(' '))).toEqual([
      'iptables -w 5 -A INPUT ! -i lo -p tcp --dport 5000 -m comment --comment commbase-admin:fw-drop -j DROP',
      'ip6tables -w 5 -A INPUT ! -i lo -p tcp --dport 5000 -m comment --comment commbase-admin:fw-drop -j DROP',
    ]);
    expect(restricted.json.reach).toBe('5000/tcp: reachable from 192.168.91.2/32 only');
    expect(restricted.json.restrictsNothing).toBe(false);
    expect(await reachFrom(a)).toBe(true);
    expect(await reachFrom(b)).toBe(false);
    // The host's own scripts still reach it over loopback (as with ufw's default deny).
    expect(h.nsExec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', 'http://127.0.0.1:5000/'])).toBe('200');

    const closed = await fw(['close', '--port', '5000', '--from', from]);
    expect(closed.json.outcome).toBe('closed');
    expect(closed.json.commands.map((c) => c.join(' ')).join('\n')).toMatch(/-D INPUT .*commbase-admin:fw-drop -j DROP/);
    expect(h.nsExec(['iptables', '-S', 'INPUT'])).not.toMatch(/commbase-admin/);
    expect(h.nsExec(['ip6tables', '-S', 'INPUT'])).not.toMatch(/commbase-admin/);
    expect(closed.json.reach).toMatch(/still open to everyone/);
    // Restricting the SSH port to an address the session does not come from is refused (the lockout guard).
    const locked = await runJson<{ error: { message: string } }>(['fw', 'open', '--host', 'relayhost', '--port', String(h.sshPort), '--from', from, '--restrict'], { env });
    expect(locked.code).toBe(2);
    expect(locked.json.error.message).toMatch(/REFUSED: dropping 2222\/tcp for everyone but 192\.168\.91\.2\/32 .* would cut off the SSH session/);
  }, 60_000);

  it('the Firewall screen says it too, offers d to keep everyone else out, and then shows who can reach the port', async () => {
    const from = `${a.address}/32`;
    const session = TmuxSession.start('reach', [process.execPath, BIN], { ...env, NO_COLOR: '1' }, { cols: 140, rows: 40 });
    try {
      await session.waitFor('Certificates');
      await session.openFromHome('3', 'commbase-admin · Firewall'); // Firewall
      await session.key('Tab');
      await session.waitFor('relayhost: iptables');
      await session.key('o');
      await session.waitFor('Port (1-65535)');
      await session.key('Enter'); // 5000, the relay's port
      await session.key('Enter'); // tcp
      await session.paste(from);
      await session.key('Enter');
      const preview = await session.waitFor('Open this port?', 20_000);
      expect(preview).toMatch(/open to EVERYONE/);
      expect(preview).toMatch(/d: keep everyone else out too/);
      await session.key('d');
      const restricted = await session.waitFor(/afterwards: 5000\/tcp: reachable from 192\.168\.91\.2\/32 only/, 20_000);
      expect(restricted).toMatch(/-A INPUT '!' -i lo -p tcp --dport 5000 -m comment --comment commbase-admin:fw-drop -j DROP/);
      await session.key('y');
      await session.waitFor(/now: 5000\/tcp: reachable from 192\.168\.91\.2\/32 only/, 20_000);
    } finally {
      session.kill();
    }
    expect(await reachFrom(a)).toBe(true);
    expect(await reachFrom(b)).toBe(false);
  }, 90_000);
});
