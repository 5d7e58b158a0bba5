// The Firewall and Hosts screens in tmux against a real sshd in a test namespace: pin the host key from the
// trust dialog, open a port (preview, confirm), see it listed, close it (type the port), see it gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { BIN, runCli } from '../helpers/cli.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { TmuxSession } from '../helpers/tmux.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['tmux', 'ip', 'sshd', 'iptables'] });

describe.skipIf(why)(titled('console under tmux: hosts and firewall over SSH', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let lab: TestHost;
  let session: TmuxSession | undefined;
  beforeAll(async () => { tmp = await withTempDir(); lab = await TestHost.create(); }, 30_000);
  afterAll(async () => { session?.kill(); await lab?.destroy(); await tmp?.cleanup(); });

  it('pins the key in Hosts, then opens and closes a port in Firewall', async () => {
    const env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
    const add = await runCli(['hosts', 'add', 'lab', '--address', lab.address, '--port', '2222', '--identity', lab.clientKey], { env });
    expect(add.code, add.stderr).toBe(0);
    session = TmuxSession.start('fw', [process.execPath, BIN], env);
    await session.waitFor('Certificates');
    await session.openFromHome('2', 'not pinned'); // Hosts
    await session.key('Down');
    await session.key('c');
    const trust = await session.waitFor('Trust it and pin it?');
    expect(trust).toContain(lab.fingerprint);
    await session.key('y');
    await session.waitFor('reached root@');
    await session.key('q');
    await session.openFromHome('3', 'commbase-admin · Firewall'); // Firewall
    await session.key('Tab');
    await session.waitFor('lab: iptables');
    await session.key('o');
    await session.waitFor('Port (1-65535)');
    await session.repeat('BSpace', 6);
    await session.type('70000');
    await session.waitFor('must be between 1 and 65535');
    await session.repeat('BSpace', 6);
    await session.type('5055');
    await session.key('Enter');
    await session.waitFor('Protocol');
    await session.key('Enter');
    await session.waitFor(/Only from|Source|From/);
    await session.type('10.20.0.0/16');
    await session.key('Enter');
    const preview = await session.waitFor('Open this port?');
    expect(preview).toMatch(/iptables -w 5 -I INPUT -p tcp -s 10\.20\.0\.0\/16 --dport 5055/);
    expect(lab.nsExec(['iptables', '-S', 'INPUT'])).not.toContain('5055');
    await session.key('y');
    await session.waitFor('5055/tcp from 10.20.0.0/16: opened');
    expect(lab.nsExec(['iptables', '-S', 'INPUT'])).toMatch(/-s 10\.20\.0\.0\/16 -p tcp -m tcp --dport 5055/);
    await session.key('x');
    await session.waitFor('Type 5055 and press Enter');
    await session.type('5055');
    await session.key('Enter');
    await session.waitFor(': closed');
    expect(lab.nsExec(['iptables', '-S', 'INPUT'])).not.toContain('5055');
  }, 120_000);

  it('enables ufw from the console when SSH is allowed only from the operator\'s address (SSH stays up), warns of raw iptables beside it, and disables it with the name typed', async () => {
    session?.kill();
    const ufwHost = await TestHost.create({ ufw: true });
    try {
      const env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config-ufw'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
      expect((await runCli(ufwHost.addArgs('wall', 'ufw'), { env })).code).toBe(0);
      // SSH allowed from this side of the veth alone (the operator's address), not from anywhere.
      const allow = await runCli(['fw', 'open', '--host', 'wall', '--port', String(ufwHost.sshPort), '--from', ufwHost.hostSide], { env });
      expect(allow.code, allow.stderr).toBe(0);
      ufwHost.nsExec(['iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '9999', '-j', 'ACCEPT']); // a rule made by hand, beside ufw
      session = TmuxSession.start('ufw', [process.execPath, BIN], env, { cols: 140, rows: 45 });
      await session.waitFor('Certificates');
      await session.openFromHome('3', 'commbase-admin · Firewall'); // Firewall
      await session.key('Tab');
      await session.waitFor(/wall: ufw/, 20_000);
      await session.waitFor(/raw iptables INPUT rule\(s\) .* sit beside ufw's/);
      await session.key('u');
      const enable = await session.waitFor(`Enable ufw on wall?`, 20_000);
      expect(enable).toMatch(/\$ ufw --force enable/);
      await session.key('y');
      await session.waitFor('wall: ufw enabled', 20_000);
      expect(ufwHost.nsExec(['ufw', 'status'])).toMatch(/Status: active/);
      // SSH is still up: a new connection works.
      const check = await runCli(['hosts', 'check', 'wall'], { env });
      expect(check.code, check.stderr).toBe(0);
      await session.key('u');
      await session.waitFor('Disable ufw on wall?', 20_000);
      await session.paste('wall');
      await session.key('Enter');
      await session.waitFor('wall: ufw disabled', 20_000);
      expect(ufwHost.nsExec(['ufw', 'status'])).toMatch(/Status: inactive/);
    } finally {
      session?.kill();
      await ufwHost.destroy();
    }
  }, 90_000);
});
