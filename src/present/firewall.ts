// Firewall rules and changes as rows and lines, for the CLI, the Firewall screen and the Monitor alike. Pure.
import { quoteArgv } from '../core/quote.js';
import type { ListedRule } from '../firewall/model.js';
import type { ChangeResult, FirewallState } from '../firewall/service.js';

export const RULE_HEADERS = [' ', 'ACTION', 'PORT', 'PROTO', 'FROM', 'IP', 'COMMENT'] as const;

export function ruleCells(r: ListedRule): string[] {
  return [r.ours ? '*' : ' ', r.action, r.port === undefined ? '-' : String(r.port), r.proto, r.from, r.family ? `v${r.family}` : '', r.comment ?? ''];
}

/** `ufw active` or `iptables, INPUT policy v4 DROP v6 ACCEPT`. */
export function firewallStatus(s: Pick<FirewallState, 'backend' | 'active' | 'policy'>): string {
  return s.backend === 'ufw' ? `ufw ${s.active ? 'active' : 'INACTIVE'}` : `iptables, INPUT policy ${Object.entries(s.policy ?? {}).map(([f, p]) => `v${f} ${p}`).join(' ')}`;
}

/**
 * A change: before it is made (`preview`: what will run) or after (`result`: what ran, how it ended).
 * Warnings come last, each starting with "warning:" (the CLI colours them).
 */
export function changeLines(r: ChangeResult, when: 'preview' | 'result'): string[] {
  const head = `${r.host} (${r.where}), ${r.backend}: ${r.rule}`;
  const lines = when === 'preview' ? [head] : [`${head}: ${r.outcome}`];
  if (r.commands.length) lines.push(when === 'preview' ? 'will run:' : r.dryRun ? 'would run:' : 'ran:', ...r.commands.map((c) => `  ${quoteArgv(c)}`));
  else if (when === 'preview') lines.push(`nothing to do: ${r.outcome}`);
  if (r.reach) lines.push(`${when === 'preview' || r.dryRun ? 'afterwards' : 'now'}: ${r.reach}`);
  return [...lines, ...r.warnings.map((w) => `warning: ${w}`)];
}
