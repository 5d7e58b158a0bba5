// ufw: `ufw allow [from CIDR] to any port P proto tcp comment 'commbase-admin'`. Argv builders and parsers
// of `ufw status` / `ufw show added`; no I/O here.
import { TAG, type ListedRule, type PortRule } from './model.js';

export function allowArgv(rule: PortRule): string[] {
  return ['ufw', 'allow', ...(rule.from ? ['from', rule.from] : []), 'to', 'any', 'port', String(rule.port), 'proto', rule.proto, 'comment', TAG];
}

export function deleteArgv(rule: PortRule): string[] {
  return ['ufw', 'delete', 'allow', ...(rule.from ? ['from', rule.from] : []), 'to', 'any', 'port', String(rule.port), 'proto', rule.proto];
}

export const statusArgv = ['ufw', 'status', 'verbose'];
export const showAddedArgv = ['ufw', 'show', 'added'];
export const enableArgv = ['ufw', '--force', 'enable'];
export const disableArgv = ['ufw', 'disable'];

export function parseActive(statusOutput: string): boolean {
  return /^Status: active/m.test(statusOutput);
}

/** `Default: deny (incoming), allow (outgoing), …` → deny (undefined when ufw does not say, e.g. inactive). */
export function parseDefaultIncoming(statusOutput: string): string | undefined {
  return /^Default:.*?(\w+) \(incoming\)/m.exec(statusOutput)?.[1];
}

/** Words of a `ufw show added` line; comments come single-quoted. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2]!);
  return out;
}

/**
 * Parse `ufw show added`: lines like
 *   ufw allow 2222/tcp
 *   ufw allow from 10.0.0.0/8 to any port 5000 proto tcp comment 'commbase-admin'
 *   ufw allow 5001/udp comment 'commbase-admin'
 * Lines in other forms (applications, interfaces) are listed with what could be read, never dropped.
 */
export function parseShowAdded(output: string): ListedRule[] {
  const rules: ListedRule[] = [];
  for (const line of output.split('\n').map((l) => l.trim())) {
    if (!line.startsWith('ufw ')) continue;
    const w = words(line).slice(1);
    const action = w[0] ?? '';
    const at = (k: string) => { const i = w.indexOf(k); return i >= 0 ? w[i + 1] : undefined; };
    let port: number | undefined;
    let proto: ListedRule['proto'] = 'any';
    const short = w[1] && /^(\d+)(?:\/(tcp|udp))?$/.exec(w[1]);
    if (short) {
      port = Number(short[1]);
      proto = (short[2] as 'tcp' | 'udp' | undefined) ?? 'any';
    } else {
      const p = at('port');
      if (p && /^\d+$/.test(p)) port = Number(p);
      const pr = at('proto');
      if (pr === 'tcp' || pr === 'udp') proto = pr;
    }
    const comment = at('comment');
    rules.push({
      backend: 'ufw',
      action,
      ...(port !== undefined ? { port } : {}),
      proto,
      from: at('from') ?? 'any',
      ours: comment === TAG,
      ...(comment ? { comment } : {}),
      raw: line,
    });
  }
  return rules;
}
