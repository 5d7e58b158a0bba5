// fw open/list/close and hosts over real OpenSSH into network namespaces this test creates, with iptables
// and with ufw (private /etc/ufw copies), and the same with the local runner inside the namespace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { runCli, runJson } from '../helpers/cli.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['ip', 'sshd', 'ssh-keygen', 'iptables', 'ufw', 'unshare', 'nsenter'] });

type Mode = 'ssh' | 'local';
const backends = ['iptables', 'ufw'] as const;

describe.skipIf(why)(titled('firewall over SSH and locally, inside test namespaces', why), () => {
  const hosts: Record<string, TestHost> = {};
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;

  beforeAll(async () => {
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
    hosts.iptables = await TestHost.create();
    hosts.ufw = await TestHost.create({ ufw: true });
    hosts.ufwOwn = await TestHost.create({ ufw: true });
    expect((await runCli(hosts.ufwOwn.addArgs('lab-ufw-own', 'ufw'), { env })).code).toBe(0);
    for (const b of backends) {
      const r = await runCli(hosts[b]!.addArgs(`lab-${b}`, b), { env });
      expect(r.code, r.stderr).toBe(0);
    }
  }, 60_000);
  afterAll(async () => {
    for (const h of Object.values(hosts)) await h.destroy();
    await tmp?.cleanup();
  });

  const rulesText = (b: (typeof backends)[number]) => b === 'ufw' ? hosts.ufw!.nsExec(['ufw', 'show', 'added']) : hosts.iptables!.nsExec(['iptables', '-S', 'INPUT']);

  for (const mode of ['ssh', 'local'] as Mode[]) {
    for (const backend of backends) {
      it(`${mode} / ${backend}: open (dry run first), already open, list, close, already closed`, async () => {
        const h = hosts[backend]!;
        const target = mode === 'ssh' ? ['--host', `lab-${backend}`] : ['--host', 'local', '--backend', backend];
        const prefix = mode === 'local' ? ['nsenter', '-t', String(h.sshdPid()), '-n', '-m'] : undefined;
        const cli = (args: string[]) => runJson<Record<string, unknown>>([...args, ...target], { env, ...(prefix ? { prefix } : {}) });
        const port = mode === 'ssh' ? '5000' : '5100';
        const before = rulesText(backend);

        const dry = await cli(['fw', 'open', '--port', port, '--from', '10.9.0.0/16', '--dry-run']);
        expect(dry.code, JSON.stringify(dry.json)).toBe(0);
        expect(dry.json).toMatchObject({ outcome: 'would open', dryRun: true });
        expect((dry.json.commands as string[][])[0]).toContain(port);
        expect(rulesText(backend)).toBe(before);

        const open = await cli(['fw', 'open', '--port', port, '--from', '10.9.0.0/16']);
        expect(open.json).toMatchObject({ outcome: 'opened' });
        const after = rulesText(backend);
        if (backend === 'iptables') expect(after).toMatch(new RegExp(`-A INPUT -s 10\\.9\\.0\\.0/16 -p tcp -m tcp --dport ${port} -m comment --comment "?commbase-admin:fw"? -j ACCEPT`));
        else expect(after).toMatch(new RegExp(`ufw allow from 10\\.9\\.0\\.0/16 to any port ${port} proto tcp comment 'commbase-admin'`));

        const again = await cli(['fw', 'open', '--port', port, '--from', '10.9.0.0/16']);
        expect(again.json).toMatchObject({ outcome: 'already open', commands: [] });
        expect(rulesText(backend)).toBe(after);

        const udp = await cli(['fw', 'open', '--port', port, '--proto', 'udp']);
        expect(udp.json).toMatchObject({ outcome: 'opened' });

        const list = await runJson<{ rules: Array<{ port: number; ours: boolean; proto: string; from: string }> }>(['fw', 'list', ...target], { env, ...(prefix ? { prefix } : {}) });
        const ours = list.json.rules.filter((r) => r.ours && r.port === Number(port));
        expect(ours.map((r) => `${r.proto} ${r.from}`)).toEqual(expect.arrayContaining(['tcp 10.9.0.0/16', 'udp any']));

        for (const extra of [['--from', '10.9.0.0/16'], ['--proto', 'udp']]) {
          const close = await cli(['fw', 'close', '--port', port, ...extra]);
          expect(close.json, JSON.stringify(close.json)).toMatchObject({ outcome: 'closed' });
        }
        expect(rulesText(backend)).toBe(before);
        const closedAgain = await cli(['fw', 'close', '--port', port, '--from', '10.9.0.0/16']);
        expect(closedAgain.json).toMatchObject({ outcome: 'already closed' });

        // The audit log has the two opens and two closes (not the dry run, nor the no-ops), with their commands.
        if (mode === 'ssh') {
          const audit = await runJson<{ records: Array<{ action: string; host: string; target: string; outcome: string; commands?: string[][] }> }>(['audit', '--limit', '1000'], { env });
          const mine = audit.json.records.filter((r) => r.host === `lab-${backend}` && r.target.includes(port));
          expect(mine.map((r) => `${r.action} ${r.outcome}`)).toEqual(['fw.open opened', 'fw.open opened', 'fw.close closed', 'fw.close closed']);
          expect(mine[0]!.commands!.flat()).toContain(port);
        }
      }, 60_000);
    }
  }

  it('iptables: refuses to close the SSH port when nothing else allows it', async () => {
    const h = hosts.iptables!;
    const open = await runJson(['fw', 'open', '--host', 'lab-iptables', '--port', '2222'], { env });
    expect(open.json).toMatchObject({ outcome: 'opened' });
    h.nsExec(['iptables', '-P', 'INPUT', 'DROP']);
    try {
      const close = await runJson<{ error: { message: string } }>(['fw', 'close', '--host', 'lab-iptables', '--port', '2222'], { env });
      expect(close.code).toBe(2);
      expect(close.json.error.message).toMatch(/REFUSED: closing 2222\/tcp .* would cut off the SSH session/);
      expect(h.nsExec(['iptables', '-S', 'INPUT'])).toMatch(/--dport 2222 .*commbase-admin:fw/);
    } finally {
      h.nsExec(['iptables', '-P', 'INPUT', 'ACCEPT']);
    }
    const close = await runJson(['fw', 'close', '--host', 'lab-iptables', '--port', '2222'], { env });
    expect(close.json).toMatchObject({ outcome: 'closed' });
  }, 60_000);

  it('iptables: an IPv6 accept does not keep an IPv4 session alive; a rule from the operator\'s own address does', async () => {
    const h = hosts.iptables!;
    expect((await runJson(['fw', 'open', '--host', 'lab-iptables', '--port', '2222'], { env })).json).toMatchObject({ outcome: 'opened' });
    const own = ['INPUT', '-s', `${h.hostSide}/32`, '-p', 'tcp', '-m', 'tcp', '--dport', '2222', '-j', 'ACCEPT'];
    h.nsExec(['ip6tables', '-A', 'INPUT', '-p', 'tcp', '-m', 'tcp', '--dport', '2222', '-j', 'ACCEPT']);
    h.nsExec(['iptables', '-P', 'INPUT', 'DROP']);
    try {
      const close = await runJson<{ error: { message: string } }>(['fw', 'close', '--host', 'lab-iptables', '--port', '2222'], { env });
      expect(close.code, JSON.stringify(close.json)).toBe(2);
      expect(close.json.error.message).toMatch(/REFUSED: closing 2222\/tcp from anywhere on lab-iptables would cut off the SSH session .*\(10\.213\.\d+\.1 → 10\.213\.\d+\.2:2222\/tcp \(IPv4\)\): afterwards no rule allows it and the IPv4 INPUT policy is DROP/);
      expect(h.nsExec(['iptables', '-S', 'INPUT'])).toMatch(/--dport 2222 .*commbase-admin:fw/);
      // With SSH allowed from the operator's own address, the rule from anywhere may go, and SSH stays up.
      h.nsExec(['iptables', '-A', ...own]);
      const ok = await runJson(['fw', 'close', '--host', 'lab-iptables', '--port', '2222'], { env });
      expect(ok.json, JSON.stringify(ok.json)).toMatchObject({ outcome: 'closed' });
      expect((await runJson(['fw', 'list', '--host', 'lab-iptables'], { env })).code).toBe(0);
    } finally {
      h.nsExec(['iptables', '-P', 'INPUT', 'ACCEPT']);
      try { h.nsExec(['iptables', '-D', ...own]); } catch { /* not added */ }
      h.nsExec(['ip6tables', '-D', 'INPUT', '-p', 'tcp', '-m', 'tcp', '--dport', '2222', '-j', 'ACCEPT']);
    }
  }, 60_000);

  it('ufw: enables with SSH allowed only from the operator\'s address, stays reachable, and will not drop that rule for an IPv6 one', async () => {
    const h = hosts.ufwOwn!;
    const opened = await runJson(['fw', 'open', '--host', 'lab-ufw-own', '--port', '2222', '--from', h.hostSide], { env });
    expect(opened.json).toMatchObject({ outcome: 'opened' });
    const enabled = await runJson(['fw', 'enable', '--host', 'lab-ufw-own'], { env });
    expect(enabled.json, JSON.stringify(enabled.json)).toMatchObject({ outcome: 'enabled' });
    expect(h.nsExec(['ufw', 'status'])).toMatch(/Status: active/);
    expect((await runJson<{ active: boolean }>(['fw', 'list', '--host', 'lab-ufw-own'], { env })).json.active).toBe(true);
    h.nsExec(['ufw', 'allow', 'from', 'fd00::/64', 'to', 'any', 'port', '2222', 'proto', 'tcp']);
    const close = await runJson<{ error: { message: string } }>(['fw', 'close', '--host', 'lab-ufw-own', '--port', '2222', '--from', h.hostSide], { env });
    expect(close.code, JSON.stringify(close.json)).toBe(2);
    expect(close.json.error.message).toMatch(/would cut off the SSH session .*\(IPv4\)\): afterwards no ufw rule allows it and the default incoming policy is deny/);
    expect(h.nsExec(['ufw', 'show', 'added'])).toMatch(new RegExp(`from ${h.hostSide.replace(/\./g, '\\.')} to any port 2222`));
  }, 60_000);

  it('ufw: refuses to enable without an SSH allow rule; enables with one; then refuses to close it', async () => {
    const h = hosts.ufw!;
    const refused = await runJson<{ error: { message: string } }>(['fw', 'enable', '--host', 'lab-ufw'], { env });
    expect(refused.code).toBe(2);
    expect(refused.json.error.message).toMatch(/REFUSED: enabling ufw .* no rule allows port 2222\/tcp/);
    expect(h.nsExec(['ufw', 'status'])).toMatch(/Status: inactive/);
    expect((await runJson(['fw', 'open', '--host', 'lab-ufw', '--port', '2222'], { env })).json).toMatchObject({ outcome: 'opened' });
    expect((await runJson(['fw', 'enable', '--host', 'lab-ufw'], { env })).json).toMatchObject({ outcome: 'enabled' });
    expect(h.nsExec(['ufw', 'status'])).toMatch(/Status: active/);
    // Still reachable through the firewall it just enabled:
    const list = await runJson<{ active: boolean }>(['fw', 'list', '--host', 'lab-ufw'], { env });
    expect(list.json.active).toBe(true);
    const close = await runJson<{ error: { message: string } }>(['fw', 'close', '--host', 'lab-ufw', '--port', '2222'], { env });
    expect(close.code).toBe(2);
    expect(close.json.error.message).toMatch(/would cut off the SSH session/);
    // The host's own ufw is untouched.
    expect(await runCli(['fw', 'list', '--backend', 'ufw'], { env }).then((r) => r.stdout)).toMatch(/INACTIVE/);
  }, 60_000);

  it('rejects a hostile value in every field before anything runs on the host', async () => {
    const h = hosts.iptables!;
    const logins = h.logins();
    const save = () => h.nsExec(['iptables-save']).split('\n').filter((l) => !l.startsWith('#')).join('\n');
    const before = save();
    const cases: Array<[string[], string]> = [
      [['--port', '5000;reboot'], 'port'],
      [['--port', '70000'], 'port'],
      [['--port', '5000', '--from', '$(reboot)'], 'from'],
      [['--port', '5000', '--from', '10.0.0.0/8`id`'], 'from'],
      [['--port', '5000', '--from', '10.0.0.5/8'], 'from'],
    ];
    for (const [args, field] of cases) {
      const r = await runJson<{ error: { field: string; message: string } }>(['fw', 'open', '--host', 'lab-iptables', ...args], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.json.error.field).toBe(field);
    }
    const badHost = await runJson<{ error: { field: string } }>(['fw', 'open', '--host', 'lab;id', '--port', '5000'], { env });
    expect(badHost.json.error.field).toBe('host');
    const badProto = await runCli(['fw', 'open', '--host', 'lab-iptables', '--port', '5000', '--proto', 'tcp`id`'], { env });
    expect(badProto.code).toBe(2);
    expect(badProto.stderr).toMatch(/Allowed choices are tcp, udp/);
    const unknownHost = await runJson<{ error: { message: string } }>(['fw', 'open', '--host', 'nosuch', '--port', '5000'], { env });
    expect(unknownHost.json.error.message).toMatch(/no such host in the inventory/);
    expect(h.logins()).toBe(logins);
    expect(save()).toBe(before);
  }, 60_000);

  it('hosts: check pins nothing new, a changed key is refused, an unknown key without a terminal is refused', async () => {
    const ok = await runJson<{ uid: number; iptables: boolean }>(['hosts', 'check', 'lab-iptables'], { env });
    expect(ok.json).toMatchObject({ uid: 0, iptables: true });

    const other = (await runJson<{ pinned: string }>(['hosts', 'trust', 'lab-iptables', '--fingerprint', `SHA256:${'A'.repeat(43)}`], { env })).json;
    expect(other.pinned).toMatch(/^SHA256:A+$/);
    const changed = await runJson<{ error: { message: string } }>(['hosts', 'check', 'lab-iptables'], { env });
    expect(changed.code).toBe(2);
    expect(changed.json.error.message).toMatch(/REFUSED: the host key of lab-iptables has changed/);
    expect(changed.json.error.message).toContain(hosts.iptables!.fingerprint);
    await runCli(['hosts', 'trust', 'lab-iptables', '--fingerprint', hosts.iptables!.fingerprint], { env });

    const h = hosts.iptables!;
    await runCli(['hosts', 'add', 'lab-new', '--address', h.address, '--port', '2222', '--identity', h.clientKey], { env });
    const unknown = await runJson<{ error: { message: string } }>(['hosts', 'check', 'lab-new'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.json.error.message).toMatch(/REFUSED: lab-new offered the unknown host key SHA256:/);
    const wrong = await runJson<{ error: { message: string } }>(['hosts', 'check', 'lab-new', '--trust-fingerprint', `SHA256:${'B'.repeat(43)}`], { env });
    expect(wrong.json.error.message).toMatch(/not the SHA256:B+ you said to trust/);
    const trusted = await runJson<{ pinned: string }>(['hosts', 'check', 'lab-new', '--trust-fingerprint', h.fingerprint], { env });
    expect(trusted.json.pinned).toBe(h.fingerprint);
    const list = await runJson<Array<{ name: string; pinned?: string }>>(['hosts', 'list'], { env });
    expect(list.json.find((x) => x.name === 'lab-new')?.pinned).toBe(h.fingerprint);
    expect((await runJson(['hosts', 'remove', 'lab-new'], { env })).code).toBe(0);
  }, 60_000);
});
