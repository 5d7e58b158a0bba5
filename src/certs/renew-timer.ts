// The daily `cert renew`: one line in the crontab of the user running commbase-admin on this machine (it reaches
// the host over SSH when the certificate is there), written through the one crontab writer.
import { z } from 'zod';
import { hostNameKey } from '../core/names.js';
import { parseInput } from '../core/validate.js';
import type { Runner } from '../runners/types.js';
import { audited } from '../services/audit.js';
import { checkCronValue, cronCommand, installCronLine } from '../services/crontab.js';
import { LOCAL } from '../services/hosts.js';
import { renewInput } from './acme-renew.js';

export const RENEW_MARK = '# commbase-admin-renew';

/** A minute past 03:00 that differs between directories, so several renewals do not start at once. */
function minuteFor(dir: string): number {
  return [...dir].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 60, 7);
}

/**
 * The crontab line for `cert renew` of this directory: `self` is how this program is started (node and its
 * script); every value is checked to be one that cannot end the line or the command, and quoted.
 */
export function renewalLine(self: readonly string[], raw: { dir: string; host?: string; before?: string; 'on-renew'?: string[] }): { line: string; mark: string; dir: string; host: string } {
  const host = parseInput(z.object({ host: hostNameKey.default(LOCAL) }), { host: raw.host }, 'cert renew').host;
  const input = parseInput(renewInput, { dir: raw.dir, before: raw.before, 'on-renew': raw['on-renew'] }, 'cert renew');
  const v = (value: string, field: string) => ({ value, field });
  const argv = [
    ...self.map((p) => v(p, 'the path commbase-admin runs from')),
    v('cert', ''), v('renew', ''), v('--dir', ''), v(input.dir, 'dir'),
    ...(host !== LOCAL ? [v('--host', ''), v(host, 'host')] : []),
    ...(raw.before !== undefined ? [v('--before', ''), v(`${input.before}d`, 'before')] : []),
    ...(input['on-renew']?.length ? [v('--on-renew', ''), ...input['on-renew'].map((a) => v(a, 'on-renew'))] : []),
  ];
  const mark = `${RENEW_MARK} ${checkCronValue(input.dir, 'dir')}`;
  return { line: `${minuteFor(input.dir)} 3 * * * ${cronCommand(argv)} >/dev/null 2>&1 ${mark}`, mark, dir: input.dir, host };
}

/** Install (or with dryRun, show) the daily renewal line; the user's crontab is otherwise kept byte for byte. */
export async function installRenewTimer(runner: Runner, self: readonly string[], raw: Parameters<typeof renewalLine>[1], dryRun: boolean): Promise<{ line: string; dryRun: boolean; already: boolean }> {
  const { line, mark, dir } = renewalLine(self, raw);
  if (dryRun) return { line, dryRun, already: (await installCronLine(runner, mark, line, true)).already };
  const r = await audited({ action: 'cert.renew-timer', host: LOCAL, target: dir }, () => installCronLine(runner, mark, line, false), (c) => ({ outcome: c.already ? 'already installed' : 'installed' }));
  return { line, dryRun, already: r.already };
}
