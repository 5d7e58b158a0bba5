import { describe, expect, it } from 'vitest';
import { checkArgv, insertArgv, parseInputChain, splitRuleLine } from '../../src/firewall/iptables.js';
import { allowArgv, parseShowAdded } from '../../src/firewall/ufw.js';
import { sameRule, toPortRule } from '../../src/firewall/model.js';
import { hostBitsSet, sameNetwork } from '../../src/core/net.js';

describe('iptables argv and parsing', () => {
  it('builds the tagged INPUT rule', () => {
    const rule = toPortRule({ port: 5000, proto: 'tcp', from: '10.0.0.0/8' });
    expect(insertArgv(rule, 4)).toEqual(['iptables', '-w', '5', '-I', 'INPUT', '-p', 'tcp', '-s', '10.0.0.0/8', '--dport', '5000', '-m', 'comment', '--comment', 'commbase-admin:fw', '-j', 'ACCEPT']);
    expect(checkArgv(toPortRule({ port: 53, proto: 'udp', from: '2001:db8::/32' }), 6)[0]).toBe('ip6tables');
  });

  it('parses iptables -S with policy, ours and foreign rules', () => {
    const out = [
      '-P INPUT DROP',
      '-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 5000 -m comment --comment commbase-admin:fw -j ACCEPT',
      '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
      '-A INPUT -i lo -j ACCEPT',
      '-A INPUT -p udp -m udp --dport 53 -m comment --comment "some \\"quoted\\" note" -j ACCEPT',
    ].join('\n');
    const { policy, rules } = parseInputChain(out, 4);
    expect(policy).toBe('DROP');
    expect(rules.map((r) => [r.ours, r.port, r.proto, r.from, r.action])).toEqual([
      [true, 5000, 'tcp', '10.0.0.0/8', 'ACCEPT'], [false, 22, 'tcp', 'any', 'ACCEPT'], [false, undefined, 'any', 'any', 'ACCEPT'], [false, 53, 'udp', 'any', 'ACCEPT'],
    ]);
    expect(rules[3]!.comment).toBe('some "quoted" note');
    expect(splitRuleLine('-A X --comment "a b"')).toEqual(['-A', 'X', '--comment', 'a b']);
  });
});

describe('ufw argv and parsing', () => {
  it('builds allow with the tag', () => {
    expect(allowArgv(toPortRule({ port: 5000, proto: 'tcp' }))).toEqual(['ufw', 'allow', 'to', 'any', 'port', '5000', 'proto', 'tcp', 'comment', 'commbase-admin']);
  });

  it('parses every form ufw show added prints', () => {
    const rules = parseShowAdded([
      'Added user rules (see \'ufw status\' for running firewall):',
      'ufw allow 2222/tcp',
      "ufw allow from 10.0.0.0/8 to any port 5000 proto tcp comment 'commbase-admin'",
      "ufw allow 5001/udp comment 'commbase-admin'",
      'ufw allow OpenSSH',
      'ufw deny 23',
    ].join('\n'));
    expect(rules.map((r) => [r.action, r.port, r.proto, r.from, r.ours])).toEqual([
      ['allow', 2222, 'tcp', 'any', false], ['allow', 5000, 'tcp', '10.0.0.0/8', true], ['allow', 5001, 'udp', 'any', true], ['allow', undefined, 'any', 'any', false], ['deny', 23, 'any', 'any', false],
    ]);
  });
});

describe('networks', () => {
  it('compares however written, and flags host bits', () => {
    expect(sameNetwork('2001:db8:0:0::/64', '2001:db8::/64')).toBe(true);
    expect(sameNetwork('10.0.0.7', '10.0.0.7/32')).toBe(true);
    expect(sameNetwork('10.0.0.0/8', '10.0.0.0/16')).toBe(false);
    expect(hostBitsSet('10.0.0.5/8')).toBe(true);
    expect(hostBitsSet('10.0.0.0/8')).toBe(false);
    expect(sameRule({ backend: 'ufw', action: 'allow', port: 1, proto: 'tcp', from: '10.0.0.7', ours: true, raw: '' }, toPortRule({ port: 1, proto: 'tcp', from: '10.0.0.7' }))).toBe(true);
  });
});
