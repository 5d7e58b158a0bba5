// Would this firewall still let the SSH session we work through in, and a new login like it? Pure: rules in,
// a verdict out. It reasons as the kernel does, for the session's own family, source address, destination
// and port, walking the chain in order; and it counts a rule only when it can prove the rule matches: a rule
// with a match it does not understand (an interface, conntrack, a rate limit, a jump to another chain) is
// never taken as keeping the session alive, and one that might drop it stops the walk.
import { inCidr as inNetwork, isIP } from '../core/net.js';
import { splitRuleLine } from './iptables.js';
import type { ListedRule } from './model.js';

import type { SshSession } from '../runners/types.js';
export type { SshSession };

export type Match = 'yes' | 'no' | 'maybe';
export interface Verdict {
  allowed: boolean;
  /** Why, in words: which rule decided, or that nothing could be proven. */
  why: string;
}

const plain = (a: string) => (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a);

function inCidr(address: string, cidr: string): boolean {
  return inNetwork(plain(address), cidr);
}

function portIn(spec: string, port: number): boolean | undefined {
  const parts = spec.split(',');
  let ok = false;
  for (const p of parts) {
    const m = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(p);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    if (port >= lo && port <= hi) ok = true;
  }
  return ok;
}

/** A loopback source arrives on lo (and only such a source does, for the addresses we reason about). */
const isLoopback = (a: string) => inCidr(a, '127.0.0.0/8') || plain(a) === '::1';

const combine = (a: Match, b: Match): Match => (a === 'no' || b === 'no' ? 'no' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'yes');

/** One `iptables -S` rule against the session: does it match a new TCP connection from it? And its target. */
export function iptablesMatch(raw: string, s: SshSession): { match: Match; target: string } {
  const w = splitRuleLine(raw.trim());
  let match: Match = 'yes';
  let target = '';
  let i = w[0] === '-A' ? 2 : 0;
  let negated = false;
  while (i < w.length) {
    const opt = w[i]!;
    const val = w[i + 1];
    // `! -i lo` is read (a session from another address never arrives on lo); any other inverted match proves nothing.
    if (opt === '!') { negated = true; i += 1; continue; }
    if (opt === '-i' || opt === '--in-interface') {
      const onLo = isLoopback(s.source);
      match = combine(match, val !== 'lo' ? 'maybe' : (onLo !== negated) ? 'yes' : 'no');
      negated = false;
      i += 2;
      continue;
    }
    if (negated && opt !== '-j' && opt !== '-g') { negated = false; match = combine(match, 'maybe'); i += opt.startsWith('-') && val !== undefined && !val.startsWith('-') ? 2 : 1; continue; }
    if (opt === '-j' || opt === '-g') { target = val ?? ''; i = w.length; break; }
    if (opt === '-s') match = combine(match, val && inCidr(s.source, val) ? 'yes' : 'no');
    else if (opt === '-d') match = combine(match, val && inCidr(s.server, val) ? 'yes' : 'no');
    else if (opt === '-p') match = combine(match, val === 'tcp' || val === '6' || val === 'all' ? 'yes' : 'no');
    else if (opt === '--dport' || opt === '--destination-port' || opt === '--dports') {
      const inside = val ? portIn(val, s.port) : undefined;
      match = combine(match, inside === undefined ? 'maybe' : inside ? 'yes' : 'no');
    } else if (opt === '-m' && (val === 'tcp' || val === 'comment' || val === 'multiport')) { /* a module whose options we read */ }
    else if (opt === '--comment') { /* a label */ }
    else if (opt === '-m') match = combine(match, 'maybe'); // conntrack, state, limit, recent, time…: not provable
    else { match = combine(match, 'maybe'); i += 1; continue; }
    i += 2;
  }
  return { match, target };
}

/** The INPUT chain of one family, in order, then its policy. */
export function iptablesVerdict(rules: readonly ListedRule[], policy: string | undefined, s: SshSession): Verdict {
  for (const r of rules) {
    if (r.family !== undefined && r.family !== s.family) continue;
    const { match, target } = iptablesMatch(r.raw, s);
    if (match === 'no' || target === 'LOG') continue;
    if (target === 'ACCEPT') {
      if (match === 'yes') return { allowed: true, why: `allowed by: ${r.raw}` };
      continue; // might accept; cannot be counted on
    }
    if (target === 'DROP' || target === 'REJECT') {
      return { allowed: false, why: match === 'yes' ? `dropped by: ${r.raw}` : `this rule may drop it (a match commbase-admin cannot prove either way): ${r.raw}` };
    }
    return { allowed: false, why: `this rule hands it to ${target || 'another chain'}, whose outcome commbase-admin does not follow: ${r.raw}` };
  }
  const pol = policy ?? 'ACCEPT';
  return pol === 'ACCEPT' ? { allowed: true, why: `the INPUT policy (IPv${s.family}) is ACCEPT` } : { allowed: false, why: `no rule allows it and the IPv${s.family} INPUT policy is ${pol}` };
}

/** One `ufw show added` line against the session. */
export function ufwMatch(raw: string, s: SshSession): { match: Match; action: string } {
  const w = (raw.match(/'(?:[^']|'\\'')*'|\S+/g) ?? []).slice(raw.startsWith('ufw ') ? 1 : 0);
  const action = w[0] ?? '';
  let match: Match = 'yes';
  let i = 1;
  let proto: string | undefined;
  while (i < w.length) {
    const word = w[i]!;
    const val = w[i + 1];
    if (word === 'in') { i += 1; continue; }
    if (word === 'out') return { match: 'no', action };
    if (word === 'on') { match = combine(match, 'maybe'); i += 2; continue; }
    if (word === 'from') { if (val !== 'any') match = combine(match, val && inCidr(s.source, val) ? 'yes' : 'no'); i += 2; continue; }
    if (word === 'to') { if (val !== 'any') match = combine(match, val && inCidr(s.server, val) ? 'yes' : 'no'); i += 2; continue; }
    if (word === 'port') { const inside = val ? portIn(val, s.port) : undefined; match = combine(match, inside === undefined ? 'maybe' : inside ? 'yes' : 'no'); i += 2; continue; }
    if (word === 'proto') { proto = val; i += 2; continue; }
    if (word === 'comment') { i += 2; continue; }
    const short = /^([\d,:]+)(?:\/(tcp|udp))?$/.exec(word);
    if (i === 1 && short) {
      const inside = portIn(short[1]!, s.port);
      match = combine(match, inside === undefined ? 'maybe' : inside ? 'yes' : 'no');
      proto = short[2];
      i += 1;
      continue;
    }
    match = combine(match, 'maybe'); // an application profile, a log option, anything else
    i += 1;
  }
  if (proto !== undefined && proto !== 'tcp' && proto !== 'any') match = 'no';
  return { match, action };
}

/** ufw's added rules in order, then its default incoming policy (when active). */
export function ufwVerdict(rules: readonly ListedRule[], active: boolean, defaultIncoming: string | undefined, s: SshSession): Verdict {
  if (!active) return { allowed: true, why: 'ufw is inactive' };
  for (const r of rules) {
    const { match, action } = ufwMatch(r.raw, s);
    if (match === 'no') continue;
    if (action === 'allow' || action === 'limit') {
      if (match === 'yes') return { allowed: true, why: `allowed by: ${r.raw}` };
      continue;
    }
    if (action === 'deny' || action === 'reject') return { allowed: false, why: match === 'yes' ? `denied by: ${r.raw}` : `this rule may deny it: ${r.raw}` };
  }
  const pol = defaultIncoming ?? 'deny';
  return pol === 'allow' ? { allowed: true, why: 'ufw\'s default incoming policy is allow' } : { allowed: false, why: `no ufw rule allows it and the default incoming policy is ${pol}` };
}

export function describeSession(s: SshSession): string {
  return `${s.source} → ${s.server}:${s.port}/tcp (IPv${s.family})`;
}
