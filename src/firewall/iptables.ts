// iptables: an INPUT ACCEPT rule per opened port, tagged with a comment. Argv builders and a parser of
// `iptables -S`; no I/O here.
import { FW_DROP_TAG, FW_TAG, TAG, type Family, type ListedRule, type PortRule } from './model.js';

export function binary(family: Family): string {
  return family === 6 ? 'ip6tables' : 'iptables';
}

/** The rule spec after the chain: `-p tcp [-s CIDR] --dport P -m comment --comment commbase-admin:fw -j ACCEPT`. */
export function ruleSpec(rule: PortRule): string[] {
  return ['-p', rule.proto, ...(rule.from ? ['-s', rule.from] : []), '--dport', String(rule.port), '-m', 'comment', '--comment', FW_TAG, '-j', 'ACCEPT'];
}

export function checkArgv(rule: PortRule, family: Family): string[] {
  return [binary(family), '-w', '5', '-C', 'INPUT', ...ruleSpec(rule)];
}

export function insertArgv(rule: PortRule, family: Family): string[] {
  return [binary(family), '-w', '5', '-I', 'INPUT', ...ruleSpec(rule)];
}

export function deleteArgv(rule: PortRule, family: Family): string[] {
  return [binary(family), '-w', '5', '-D', 'INPUT', ...ruleSpec(rule)];
}

/**
 * `--restrict`: the port dropped for everyone else, after every other rule (-A), so the ACCEPTs before it decide.
 * Not on loopback (as ufw's default deny leaves lo alone): the host's own scripts still reach a relay on it.
 */
export function dropSpec(rule: PortRule): string[] {
  return ['!', '-i', 'lo', '-p', rule.proto, '--dport', String(rule.port), '-m', 'comment', '--comment', FW_DROP_TAG, '-j', 'DROP'];
}

export function dropArgv(rule: PortRule, family: Family, op: '-A' | '-C' | '-D'): string[] {
  return [binary(family), '-w', '5', op, 'INPUT', ...dropSpec(rule)];
}

export function listArgv(family: Family): string[] {
  return [binary(family), '-w', '5', '-S', 'INPUT'];
}

/** Split an `iptables -S` line into words, honouring the double quotes iptables puts around comments. */
export function splitRuleLine(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return words;
}

export interface ChainState {
  policy: string;
  rules: ListedRule[];
}

export function parseInputChain(output: string, family: Family): ChainState {
  let policy = 'ACCEPT';
  const rules: ListedRule[] = [];
  for (const line of output.split('\n')) {
    const w = splitRuleLine(line.trim());
    if (w[0] === '-P' && w[1] === 'INPUT') policy = w[2] ?? policy;
    if (w[0] !== '-A' || w[1] !== 'INPUT') continue;
    const get = (flag: string) => { const i = w.indexOf(flag); return i >= 0 ? w[i + 1] : undefined; };
    const comment = get('--comment');
    const dport = get('--dport');
    const proto = get('-p');
    rules.push({
      backend: 'iptables',
      action: get('-j') ?? '',
      ...(dport && /^\d+$/.test(dport) ? { port: Number(dport) } : {}),
      proto: proto === 'tcp' || proto === 'udp' ? proto : 'any',
      from: get('-s') ?? 'any',
      family,
      ours: Boolean(comment?.startsWith(TAG)),
      ...(comment ? { comment } : {}),
      raw: line.trim(),
    });
  }
  return { policy, rules };
}
