// Timed forwards and their changes as rows and lines, for the CLI and the Forwards screen alike. Pure.
import { formatDuration, type Forward } from '../firewall/forwards.js';
import type { ForwardChange } from '../firewall/forward-service.js';

export const FORWARD_HEADERS = ['ID', 'FROM', 'PORT', 'TO', 'LEFT', ''] as const;

/** `now` lets a screen count down between reads. */
export function forwardCells(f: Forward, secondsLeft = f.secondsLeft): string[] {
  return [f.id, f.from, `${f.port ?? '?'}/${f.proto}`, f.to ?? '?', f.permanent ? 'permanent' : secondsLeft <= 0 ? 'EXPIRED' : formatDuration(secondsLeft), f.complete ? '' : 'INCOMPLETE'];
}

export function forwardChangeLines(r: ForwardChange & { script?: string; crontabLine?: string }, when: 'preview' | 'result'): string[] {
  const lines = [`${r.host} (${r.where}): ${r.id ? `forward ${r.id}: ` : ''}${r.outcome}${r.deadline ? `, until ${r.deadline}` : r.permanent ? ', permanent (no deadline; revoke it when done)' : ''}`];
  if (r.script) lines.push(`  the reaper script (POSIX sh, iptables only): ${r.script}`, `  root's crontab gets: ${r.crontabLine ?? ''}`, '  expired forwards are then removed every minute, with nothing of commbase-admin running');
  if (r.removed?.length) lines.push(`  removed: ${r.removed.join(', ')}`);
  if (r.batch) lines.push(`${when === 'preview' || r.dryRun ? 'would feed' : 'fed'} to iptables-restore --noflush (one transaction):`, ...r.batch.trimEnd().split('\n').map((l) => `  ${l}`));
  return [...lines, ...r.warnings.map((w) => `warning: ${w}`)];
}
