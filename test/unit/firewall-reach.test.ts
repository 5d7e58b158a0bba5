// Who can reach a port, from the rules alone: pure cases the namespace test does not reach.
import { describe, expect, it } from 'vitest';
import type { ListedRule } from '../../src/firewall/model.js';
import { reachAfterClose, reachOf } from '../../src/firewall/reach.js';

const ipt = (raw: string, family: 4 | 6 = 4): ListedRule => ({ backend: 'iptables', action: '', proto: 'tcp', from: 'any', family, ours: false, raw });
const accept = ipt('-A INPUT -s 10.0.0.2/32 -p tcp -m tcp --dport 5000 -j ACCEPT');
const rule = { port: 5000, proto: 'tcp' as const, from: '10.0.0.2/32' };

describe('reachOf', () => {
  it('an ACCEPT policy makes "from X" restrict nothing; a DROP policy makes it true', () => {
    expect(reachOf({ backend: 'iptables', active: true, policy: { 4: 'ACCEPT' }, rules: [accept] }, rule)).toMatchObject({ restrictsNothing: true, fromSource: 'yes', fromOthers: { 4: 'yes' } });
    expect(reachOf({ backend: 'iptables', active: true, policy: { 4: 'DROP' }, rules: [accept] }, rule).line).toBe('5000/tcp: reachable from 10.0.0.2/32 only');
    // IPv6 left open by an IPv4-only rule is said too.
    expect(reachOf({ backend: 'iptables', active: true, policy: { 4: 'DROP', 6: 'ACCEPT' }, rules: [accept] }, rule).line).toMatch(/open to EVERYONE \(IPv6\)/);
  });

  it('a rule it cannot read for certain leaves the answer open, and the source itself may be kept out', () => {
    const stateful = ipt('-A INPUT -m conntrack --ctstate NEW -p tcp --dport 5000 -j DROP');
    expect(reachOf({ backend: 'iptables', active: true, policy: { 4: 'ACCEPT' }, rules: [stateful, accept] }, rule).line).toMatch(/depends on rules commbase-admin cannot read/);
    const dropAll = ipt('-A INPUT -p tcp -m tcp --dport 5000 -j DROP');
    expect(reachOf({ backend: 'iptables', active: true, policy: { 4: 'ACCEPT' }, rules: [dropAll, accept] }, rule).line).toMatch(/not even 10\.0\.0\.2\/32 can reach it/);
  });

  it('ufw: inactive or allowing by default restricts nothing; active with default deny does', () => {
    const allow: ListedRule = { backend: 'ufw', action: 'allow', port: 5000, proto: 'tcp', from: '10.0.0.2/32', ours: true, raw: 'ufw allow from 10.0.0.2/32 to any port 5000 proto tcp' };
    expect(reachOf({ backend: 'ufw', active: false, rules: [allow] }, rule).restrictsNothing).toBe(true);
    expect(reachOf({ backend: 'ufw', active: true, defaultIncoming: 'allow', rules: [allow] }, rule).restrictsNothing).toBe(true);
    expect(reachOf({ backend: 'ufw', active: true, defaultIncoming: 'deny', rules: [allow] }, rule).line).toBe('5000/tcp: reachable from 10.0.0.2/32 only');
  });

  it('after a close: still open by the policy, or closed', () => {
    expect(reachAfterClose({ backend: 'iptables', active: true, policy: { 4: 'ACCEPT' }, rules: [] }, { port: 5000, proto: 'tcp' })).toMatch(/still open to everyone \(IPv4\)/);
    expect(reachAfterClose({ backend: 'iptables', active: true, policy: { 4: 'DROP' }, rules: [] }, { port: 5000, proto: 'tcp' })).toMatch(/closed/);
  });
});
