// The lockout guard reasons about the session itself: its family, source, destination and port, in chain
// order, counting only rules it can prove match.
import { describe, expect, it } from 'vitest';
import { parseInputChain } from '../../src/firewall/iptables.js';
import { iptablesMatch, iptablesVerdict, ufwVerdict } from '../../src/firewall/lockout.js';
import { parseShowAdded } from '../../src/firewall/ufw.js';

const v4 = { family: 4 as const, source: '10.213.5.1', server: '10.213.5.2', port: 2222 };
const v6 = { family: 6 as const, source: 'fd00::1', server: 'fd00::2', port: 2222 };
const chain = (text: string, family: 4 | 6 = 4) => parseInputChain(text, family);

describe('iptables', () => {
  it('an IPv6-only accept does not keep an IPv4 session alive under a DROP policy', () => {
    const c4 = chain('-P INPUT DROP\n');
    const c6 = chain('-P INPUT DROP\n-A INPUT -p tcp -m tcp --dport 2222 -j ACCEPT\n', 6);
    expect(iptablesVerdict([...c4.rules, ...c6.rules], c4.policy, v4)).toMatchObject({ allowed: false, why: expect.stringMatching(/IPv4 INPUT policy is DROP/) });
    expect(iptablesVerdict([...c4.rules, ...c6.rules], c6.policy, v6).allowed).toBe(true);
  });

  it('counts an accept only when every match is understood and holds for the session', () => {
    const cases: Array<[string, boolean]> = [
      ['-A INPUT -p tcp -m tcp --dport 2222 -j ACCEPT', true],
      ['-A INPUT -s 10.213.5.1/32 -p tcp -m tcp --dport 2222 -j ACCEPT', true],
      ['-A INPUT -s 10.213.5.0/24 -p tcp -m tcp --dport 2000:3000 -j ACCEPT', true],
      ['-A INPUT -p tcp -m multiport --dports 22,2222 -j ACCEPT', true],
      ['-A INPUT -j ACCEPT', true],
      ['-A INPUT -s 192.0.2.0/24 -p tcp -m tcp --dport 2222 -j ACCEPT', false],
      ['-A INPUT -p udp -m udp --dport 2222 -j ACCEPT', false],
      ['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', false],
      ['-A INPUT -i eth1 -p tcp -m tcp --dport 2222 -j ACCEPT', false],
      ['-A INPUT -p tcp -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', false],
      ['-A INPUT ! -s 192.0.2.1/32 -p tcp --dport 2222 -j ACCEPT', false],
      ['-A INPUT -d 10.213.9.9/32 -p tcp --dport 2222 -j ACCEPT', false],
      ['-A INPUT -p tcp -m tcp --dport 2222 -m limit --limit 3/min -j ACCEPT', false],
    ];
    for (const [rule, allowed] of cases) {
      const c = chain(`-P INPUT DROP\n${rule}\n`);
      expect(iptablesVerdict(c.rules, c.policy, v4).allowed, rule).toBe(allowed);
    }
  });

  it('stops at a drop that might match, and at a jump it does not follow', () => {
    for (const first of ['-A INPUT -i eth0 -j DROP', '-A INPUT -s 10.0.0.0/8 -j REJECT --reject-with icmp-port-unreachable', '-A INPUT -j ufw-before-input', '-A INPUT ! -s 192.0.2.1/32 -j DROP']) {
      const c = chain(`-P INPUT ACCEPT\n${first}\n-A INPUT -p tcp --dport 2222 -j ACCEPT\n`);
      expect(iptablesVerdict(c.rules, c.policy, v4).allowed, first).toBe(false);
    }
    const c = chain('-P INPUT DROP\n-A INPUT -s 192.0.2.0/24 -j DROP\n-A INPUT -p tcp --dport 2222 -j ACCEPT\n');
    expect(iptablesVerdict(c.rules, c.policy, v4).allowed).toBe(true);
    expect(iptablesMatch('-A INPUT -p tcp -m comment --comment "a b" --dport 2222 -j LOG', v4)).toEqual({ match: 'yes', target: 'LOG' });
  });

  it('reads `! -i lo` (the restrict DROP): it matches a session from another address, never a loopback one', () => {
    const drop = '-A INPUT ! -i lo -p tcp -m tcp --dport 2222 -m comment --comment "commbase-admin:fw-drop" -j DROP';
    expect(iptablesMatch(drop, v4)).toEqual({ match: 'yes', target: 'DROP' });
    expect(iptablesMatch(drop, { ...v4, source: '127.0.0.1', server: '127.0.0.1' }).match).toBe('no');
    expect(iptablesMatch(drop, { ...v6, source: '::1', server: '::1' }).match).toBe('no');
    expect(iptablesMatch('-A INPUT -i lo -j ACCEPT', v4).match).toBe('no');
    expect(iptablesMatch('-A INPUT -i lo -j ACCEPT', { ...v4, source: '127.0.0.1' }).match).toBe('yes');
    expect(iptablesMatch('-A INPUT ! -i eth0 -j DROP', v4).match).toBe('maybe');
    const c = chain(`-P INPUT ACCEPT\n-A INPUT -s 10.213.5.0/24 -p tcp --dport 2222 -j ACCEPT\n${drop}\n`);
    expect(iptablesVerdict(c.rules, c.policy, v4).allowed).toBe(true);
    expect(iptablesVerdict(c.rules, c.policy, { ...v4, source: '198.51.100.7' })).toMatchObject({ allowed: false, why: expect.stringMatching(/^dropped by/) });
  });
});

describe('ufw', () => {
  const rules = (text: string) => parseShowAdded(text);
  it('allows by a rule from the operator\'s own address, refuses by one from elsewhere, and follows the default', () => {
    expect(ufwVerdict(rules('ufw allow from 10.213.5.1 to any port 2222 proto tcp'), true, 'deny', v4).allowed).toBe(true);
    expect(ufwVerdict(rules('ufw allow from 192.0.2.0/24 to any port 2222 proto tcp'), true, 'deny', v4).allowed).toBe(false);
    expect(ufwVerdict(rules('ufw allow 2222/tcp'), true, 'deny', v4).allowed).toBe(true);
    expect(ufwVerdict(rules('ufw allow 2222/udp'), true, 'deny', v4).allowed).toBe(false);
    expect(ufwVerdict(rules('ufw allow from fd00::/64 to any port 2222'), true, 'deny', v4).allowed).toBe(false);
    expect(ufwVerdict(rules('ufw allow in on eth1 to any port 2222'), true, 'deny', v4).allowed).toBe(false);
    expect(ufwVerdict(rules('ufw allow OpenSSH'), true, 'deny', v4).allowed).toBe(false);
    expect(ufwVerdict(rules('ufw limit 2222/tcp'), true, 'deny', v4).allowed).toBe(true);
    expect(ufwVerdict(rules('ufw deny from 10.213.5.1\nufw allow 2222/tcp'), true, 'deny', v4).allowed).toBe(false);
    expect(ufwVerdict([], true, 'allow', v4).allowed).toBe(true);
    expect(ufwVerdict([], false, 'deny', v4).allowed).toBe(true);
  });
});
