// The exact commands the firewall and forward services run, through a fake Runner (the real ones run against
// iptables and ufw in namespaces in test/integration). A change of argv shows up here first, as a diff.
import { describe, expect, it } from 'vitest';
import { addForward } from '../../src/firewall/forward-service.js';
import { closePort, openPort } from '../../src/firewall/service.js';
import { FakeRunner } from '../helpers/fake-runner.js';

describe('firewall service argv', () => {
  it('iptables open: reads both families, checks, inserts the missing ones, reads back', async () => {
    let inserted = false;
    const fake = new FakeRunner((argv) => {
      const a = argv.join(' ');
      if (a.includes('-S INPUT')) return { stdout: `-P INPUT ACCEPT\n${inserted ? `-A INPUT -p tcp -m tcp --dport 5000 -m comment --comment commbase-admin:fw -j ACCEPT\n` : ''}` };
      if (a.includes(' -C ')) return { exitCode: 1 };
      if (a.includes(' -I ')) { inserted = true; return {}; }
      return {};
    });
    const r = await openPort({ port: 5000, backend: 'iptables' }, { connect: async () => fake });
    expect(r.outcome).toBe('opened');
    // Reads also ask whether ufw is active beside iptables, and whether the rules can be saved for reboots.
    expect(fake.commands()).toEqual([
      'iptables -w 5 -S INPUT', 'ip6tables -w 5 -S INPUT', 'sh -c command -v ufw >/dev/null && ufw status',
      'iptables -w 5 -C INPUT -p tcp --dport 5000 -m comment --comment commbase-admin:fw -j ACCEPT',
      'ip6tables -w 5 -C INPUT -p tcp --dport 5000 -m comment --comment commbase-admin:fw -j ACCEPT',
      'sh -c command -v netfilter-persistent',
      'iptables -w 5 -I INPUT -p tcp --dport 5000 -m comment --comment commbase-admin:fw -j ACCEPT',
      'ip6tables -w 5 -I INPUT -p tcp --dport 5000 -m comment --comment commbase-admin:fw -j ACCEPT',
      'iptables -w 5 -S INPUT', 'ip6tables -w 5 -S INPUT', 'sh -c command -v ufw >/dev/null && ufw status',
    ]);
    expect(r.warnings.join('\n')).toMatch(/an iptables rule is lost at reboot/);
    expect(fake.calls.filter((c) => !c.argv.join(' ').includes('command -v netfilter-persistent')).every((c) => c.privileged)).toBe(true);
  });

  it('ufw close: reads status and rules, deletes ours, reads back; a dry run only reads', async () => {
    let present = true;
    const fake = new FakeRunner((argv) => {
      const a = argv.join(' ');
      if (a === 'ufw status verbose') return { stdout: 'Status: inactive\n' };
      if (a === 'ufw show added') return { stdout: present ? "Added user rules (see 'ufw status' for running firewall):\nufw allow from 10.9.0.0/16 to any port 5000 proto tcp comment 'commbase-admin'\n" : '' };
      if (a.startsWith('ufw delete')) { present = false; return {}; }
      return {};
    });
    const dry = await closePort({ port: 5000, from: '10.9.0.0/16', backend: 'ufw', 'dry-run': true }, { connect: async () => fake });
    expect(dry.outcome).toBe('would close');
    // Each read of ufw also looks for raw iptables INPUT rules beside ufw's own.
    expect(fake.commands()).toEqual(['ufw status verbose', 'ufw show added', 'iptables -w 5 -S INPUT']);
    const r = await closePort({ port: 5000, from: '10.9.0.0/16', backend: 'ufw' }, { connect: async () => fake });
    expect(r.outcome).toBe('closed');
    expect(fake.commands().slice(3)).toEqual(['ufw status verbose', 'ufw show added', 'iptables -w 5 -S INPUT', 'ufw delete allow from 10.9.0.0/16 to any port 5000 proto tcp', 'ufw status verbose', 'ufw show added', 'iptables -w 5 -S INPUT']);
  });
});

describe('forward service argv', () => {
  it('add: one iptables-restore --noflush batch with both rules, then a -C read-back of each', async () => {
    const fake = new FakeRunner((argv) => (argv[0] === 'cat' ? { stdout: '1\n' } : argv[0] === 'ss' ? { stdout: '' } : {}));
    const now = new Date('2026-11-26T10:00:00Z');
    const r = await addForward({ from: '203.0.113.7', port: 8080, to: '192.168.1.50:80', ttl: '30m' }, { connect: async () => fake, now: () => now });
    expect(r.outcome).toBe('added');
    const restore = fake.calls.find((c) => c.argv[0] === 'iptables-restore')!;
    expect(restore.argv).toEqual(['iptables-restore', '-w', '5', '--noflush']);
    const id = r.id!;
    // The FORWARD accept goes in first, so the DNAT never sends traffic to a closed FORWARD chain.
    expect(restore.input).toBe([
      '*filter',
      `-I FORWARD 1 -s 203.0.113.7/32 -d 192.168.1.50/32 -p tcp -m tcp --dport 80 -m time --datestop 2026-11-26T10:30:00 -m comment --comment commbase-admin:fwd:${id}:1795689000 -j ACCEPT`,
      'COMMIT',
      '*nat',
      `-I PREROUTING 1 -s 203.0.113.7/32 -p tcp -m tcp --dport 8080 -m time --datestop 2026-11-26T10:30:00 -m comment --comment commbase-admin:fwd:${id}:1795689000 -j DNAT --to-destination 192.168.1.50:80`,
      'COMMIT',
      '',
    ].join('\n'));
    expect(fake.commands().filter((c) => c.includes(' -C '))).toEqual([
      `iptables -w 5 -t nat -C PREROUTING -s 203.0.113.7/32 -p tcp -m tcp --dport 8080 -m time --datestop 2026-11-26T10:30:00 -m comment --comment commbase-admin:fwd:${id}:1795689000 -j DNAT --to-destination 192.168.1.50:80`,
      `iptables -w 5 -C FORWARD -s 203.0.113.7/32 -d 192.168.1.50/32 -p tcp -m tcp --dport 80 -m time --datestop 2026-11-26T10:30:00 -m comment --comment commbase-admin:fwd:${id}:1795689000 -j ACCEPT`,
    ]);
  });
});
