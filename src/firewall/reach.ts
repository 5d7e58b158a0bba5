// Who can reach a port, read from the rules themselves: the lockout guard's chain walk (lockout.ts), asked about a
// new connection to that port from inside the rule's source and from an address outside it. So a rule "from X"
// on a host whose INPUT policy accepts everything is reported for what it is: it restricts nothing. Pure.
import { inCidr, isIP, normaliseCidr } from '../core/net.js';
import { iptablesVerdict, ufwVerdict, type SshSession, type Verdict } from './lockout.js';
import type { Family, ListedRule, PortRule } from './model.js';

export interface RuleSet {
  backend: 'ufw' | 'iptables';
  active: boolean;
  policy?: Partial<Record<Family, string>>;
  defaultIncoming?: string;
  rules: ListedRule[];
}

export type Reachable = 'yes' | 'no' | 'unknown';

export interface Reach {
  /** From inside the rule's source (an address of it). */
  fromSource: Reachable;
  /** From an address outside it, per family the host manages. */
  fromOthers: Partial<Record<Family, Reachable>>;
  /** The rule is "from X" but the port is open to others anyway. */
  restrictsNothing: boolean;
  /** One line for a person. */
  line: string;
}

/** Documentation addresses (RFC 5737, 3849): one of them is outside any source a person gives. */
const OUTSIDERS: Record<Family, string[]> = { 4: ['198.51.100.77', '203.0.113.77', '192.0.2.77'], 6: ['2001:db8:ffff::77', '2001:db8:1::77'] };

function verdictFor(set: RuleSet, family: Family, source: string, port: number, server: string): Verdict {
  const s: SshSession = { family, source, server, port };
  return set.backend === 'ufw'
    ? ufwVerdict(set.rules, set.active, set.defaultIncoming, s)
    : iptablesVerdict(set.rules.filter((r) => r.family === family), set.policy?.[family], s);
}

const proven = (v: Verdict): Reachable => (v.allowed ? 'yes' : /^(dropped by|denied by|no rule allows it|no ufw rule allows it)/.test(v.why) ? 'no' : 'unknown');

/**
 * Reachability of rule.port (TCP; the lockout walk models TCP) after `set`. `server` is the host's address as
 * clients use it (the SSH session's, when known); rules naming another destination are then read as not matching.
 */
export function reachOf(set: RuleSet, rule: PortRule, server: { 4?: string; 6?: string } = {}): Reach {
  const families: Family[] = set.backend === 'ufw' ? [4] : ([4, 6] as const).filter((f) => set.policy?.[f] !== undefined);
  const srv = (f: Family) => server[f] ?? (f === 4 ? '192.0.2.1' : '2001:db8::1');
  const label = `${rule.port}/${rule.proto}`;
  if (rule.proto !== 'tcp') return { fromSource: 'unknown', fromOthers: {}, restrictsNothing: false, line: `${label}: who can reach it is not worked out for UDP` };
  const fromOthers: Partial<Record<Family, Reachable>> = {};
  const whyOthers: string[] = [];
  for (const f of families) {
    const outsider = OUTSIDERS[f].find((a) => !rule.from || !inCidr(a, rule.from));
    if (!outsider) continue;
    const v = verdictFor(set, f, outsider, rule.port, srv(f));
    fromOthers[f] = proven(v);
    if (v.allowed) whyOthers.push(`IPv${f}: ${v.why}`);
  }
  let fromSource: Reachable = 'yes';
  if (rule.from) {
    const [net] = normaliseCidr(rule.from).split('/');
    const fam = (isIP(net!) === 6 ? 6 : 4) as Family;
    fromSource = proven(verdictFor(set, fam, net!, rule.port, srv(fam)));
  }
  const open = Object.entries(fromOthers).filter(([, r]) => r === 'yes').map(([f]) => `IPv${f}`);
  const restrictsNothing = Boolean(rule.from) && open.length > 0;
  const unknown = Object.values(fromOthers).some((r) => r === 'unknown');
  let line: string;
  if (!rule.from) line = `${label}: open to everyone (as asked)`;
  else if (restrictsNothing) line = `${label}: open to EVERYONE (${open.join(', ')}), not only ${rule.from}: the rule restricts nothing (${whyOthers.join('; ')})`;
  else if (fromSource === 'no') line = `${label}: not even ${rule.from} can reach it`;
  else if (unknown || fromSource === 'unknown') line = `${label}: from ${rule.from}; whether others are kept out depends on rules commbase-admin cannot read for certain`;
  else line = `${label}: reachable from ${rule.from} only`;
  return { fromSource, fromOthers, restrictsNothing, line };
}

/** After a close: is the port still reachable from anywhere, by other rules or the policy? */
export function reachAfterClose(set: RuleSet, rule: PortRule, server: { 4?: string; 6?: string } = {}): string {
  const r = reachOf(set, { port: rule.port, proto: rule.proto }, server);
  const label = `${rule.port}/${rule.proto}`;
  const open = Object.entries(r.fromOthers).filter(([, v]) => v === 'yes').map(([f]) => `IPv${f}`);
  if (rule.proto !== 'tcp') return r.line;
  if (open.length) return `${label}: still open to everyone (${open.join(', ')}) by other rules or the policy`;
  if (Object.values(r.fromOthers).every((v) => v === 'no')) return `${label}: closed (nothing else lets others in)`;
  return `${label}: whether others can still reach it depends on rules commbase-admin cannot read for certain`;
}
