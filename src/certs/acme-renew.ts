// `cert renew`: order again what acme.json asked for, when the certificate is due (or forced), keep the previous
// files, then run the --on-renew command (argv, no shell).
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { hostNameKey } from '../core/names.js';
import { parseInput } from '../core/validate.js';
import { audited } from '../services/audit.js';
import { LOCAL, withRunner, type Connector } from '../services/hosts.js';
import { ACME_FILES, absolute, acmeSettings, readDirectoryCa, runOrder, type AcmeResult, type AcmeSettings } from './acme.js';
import type { Progress } from './acme-responders.js';
import { parseCertificateChain, summarise } from './inspect.js';

export const renewInput = z.object({
  dir: absolute('directory'),
  before: z.string().regex(/^\d{1,3}d$/, 'must be a number of days such as 30d').transform((v) => Number(v.slice(0, -1))).pipe(z.number().min(1, 'must be at least 1d').max(365, 'must be at most 365d')).default(30),
  force: z.boolean().default(false),
  'on-renew': z.array(z.string().max(4096).refine((a) => !a.includes('\0'), 'must not contain NUL')).max(64).optional(),
});

export interface RenewResult {
  dir: string;
  renewed: boolean;
  daysLeft: number;
  before: number;
  reason: string;
  result?: AcmeResult;
  hook?: { argv: string[]; exitCode: number; stderr: string };
}

/** `cert renew`: order again when the certificate is due (or --force), then run the reload hook. */
export async function renewCertificate(raw: Record<string, unknown> & { host?: string }, connector: Connector, onStep: Progress = () => {}, now = new Date()): Promise<RenewResult> {
  const hostName = parseInput(z.object({ host: hostNameKey.default(LOCAL) }), { host: raw.host }, 'cert renew').host;
  const input = parseInput(renewInput, { ...raw, host: undefined }, 'cert renew');
  return withRunner(hostName, connector.connect, async (runner) => {
    const settingsFile = path.posix.join(input.dir, ACME_FILES.settings);
    if (!(await runner.stat(settingsFile))) throw new UserError(`failed to renew the certificate in ${input.dir}: it holds no ${ACME_FILES.settings}, so it was not made by \`commbase-admin cert acme\``, [`commbase-admin cert acme --domain NAME --email E --out-dir ${input.dir} …`], 'dir');
    let settings: AcmeSettings;
    try {
      settings = acmeSettings.parse(JSON.parse(await runner.readFile(settingsFile)));
    } catch {
      throw new UserError(`failed to renew the certificate: ${settingsFile} is not what cert acme writes; run cert acme again to replace it`, [], 'dir');
    }
    const certPem = await runner.readFile(path.posix.join(input.dir, ACME_FILES.cert)).catch(() => undefined);
    const daysLeft = certPem ? summarise(parseCertificateChain(certPem)[0]!, { now }).daysLeft : 0;
    const due = !certPem || daysLeft <= input.before;
    if (!due && !input.force) {
      return { dir: input.dir, renewed: false, daysLeft, before: input.before, reason: `${daysLeft} days left, more than ${input.before}: not due` };
    }
    const reason = !certPem ? 'no certificate yet' : input.force && !due ? `forced with ${daysLeft} days left` : `${daysLeft} days left, ${input.before} or fewer: due`;
    const directoryCaPem = await readDirectoryCa(settings.directoryCa);
    const result = await audited({ action: 'cert.renew', host: hostName, target: input.dir },
      () => runOrder(settings, input.dir, { runner, ...(directoryCaPem ? { directoryCaPem } : {}) }, onStep),
      (r) => ({ outcome: `renewed (${reason}), valid until ${r.summary.notAfter}` }));
    let hook: RenewResult['hook'];
    if (input['on-renew']?.length) {
      onStep(`reload hook: ${input['on-renew'].join(' ')}`);
      const r = await runner.run(input['on-renew'], { allowFailure: true, timeoutMs: 120_000 });
      hook = { argv: input['on-renew'], exitCode: r.exitCode, stderr: r.stderr.slice(0, 2000) };
    }
    return { dir: input.dir, renewed: true, daysLeft, before: input.before, reason, result, ...(hook ? { hook } : {}) };
  });
}
