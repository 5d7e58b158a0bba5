// `relay upgrade --host H`: the relay this console ships (or a given build) installed beside the running one,
// `current` switched to it, the service restarted and asked within a few seconds; when the new one does not come up,
// `current` goes back to the old version, the service is restarted on it, and the failure says so.
import { z } from 'zod';
import { ExternalError, UserError } from '../core/errors.js';
import { hostNameKey } from '../core/names.js';
import { parseInput } from '../core/validate.js';
import type { Runner } from '../runners/types.js';
import { writeRootFile } from '../runners/root-write.js';
import { audited } from '../services/audit.js';
import { withRunner, type Connector } from '../services/hosts.js';
import { relayBundle, waitActive } from './deploy.js';
import { PATHS, SERVICE } from './service-paths.js';

export const upgradeInput = z.object({
  host: hostNameKey,
  bundle: z.string().min(1).refine((v) => !v.includes('\0'), { message: 'must be a path' }).optional(),
  'dry-run': z.boolean().default(false),
});

export interface UpgradeResult { host: string; from: string; to: string; dryRun: boolean; outcome: string }

const VERSION = /^[0-9A-Za-z.+-]{1,80}$/;

// reset-failed first: a build that kept failing has used up systemd's start limit, which would refuse the way back.
const switchTo = (runner: Runner, version: string) =>
  runner.run(['sh', '-c', `ln -sfn "$1" ${PATHS.opt}/.current.new && mv -T ${PATHS.opt}/.current.new ${PATHS.opt}/current && { systemctl reset-failed ${SERVICE} 2>/dev/null; systemctl restart ${SERVICE}; }`, 'sh', version], { privileged: true, timeoutMs: 60_000 });

export async function upgradeRelay(raw: z.input<typeof upgradeInput>, deps: Connector, onStep: (s: string) => void = () => {}): Promise<UpgradeResult> {
  const input = parseInput(upgradeInput, raw, 'relay upgrade');
  const { bytes, version } = await relayBundle(input.bundle);
  return withRunner(input.host, deps.connect, async (runner, h) => {
    if (!(await runner.stat(PATHS.unit))) throw new UserError(`failed to upgrade the relay on ${h.name}: it was not deployed there (no ${PATHS.unit})`, [`deploy it: commbase-admin relay deploy --host ${h.name} …`], 'host');
    const from = (await runner.run(['readlink', `${PATHS.opt}/current`], { allowFailure: true, timeoutMs: 10_000 })).stdout.trim();
    if (!VERSION.test(from)) throw new UserError(`failed to upgrade the relay on ${h.name}: ${PATHS.opt}/current does not name a version (${JSON.stringify(from.slice(0, 80))}); deploy again`, [], 'host');
    if (from === version) return { host: h.name, from, to: version, dryRun: input['dry-run'], outcome: `already at ${version}` };
    if (input['dry-run']) return { host: h.name, from, to: version, dryRun: true, outcome: `would install ${version} beside ${from}, switch, restart and check it within 10 s (back to ${from} if it does not come up)` };
    return audited({ action: 'relay.upgrade', host: h.name, target: `${SERVICE} ${from} → ${version}` }, async () => {
      onStep(`installing ${version} beside ${from}`);
      await runner.run(['install', '-d', '-m', '0755', `${PATHS.opt}/${version}`], { privileged: true, timeoutMs: 30_000 });
      await writeRootFile(runner, `${PATHS.opt}/${version}/relay.mjs`, bytes, 0o644, undefined, h.sudo);
      onStep(`switching to ${version} and restarting`);
      await switchTo(runner, version);
      try {
        const active = await waitActive(runner, 10_000);
        return { host: h.name, from, to: version, dryRun: false, outcome: `upgraded: ${active}` };
      } catch (err) {
        onStep(`${version} did not come up: back to ${from}`);
        await switchTo(runner, from);
        const back = await waitActive(runner, 20_000).catch((e: Error) => `not running either: ${e.message}`);
        throw new ExternalError(`failed to upgrade the relay on ${h.name}: ${version} did not come up (${(err as Error).message}); rolled back to ${from}, ${back}`, ['systemctl', 'restart', SERVICE], null, (err as UserError).nextSteps?.join('\n') ?? '', runner.where);
      }
    }, (r) => ({ outcome: r.outcome }));
  });
}
