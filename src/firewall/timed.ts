// What the Monitor's timer pane needs from a host's firewall, read with as few processes as it can: the read runs
// every 10 s for every watched host (30 s on the home screen). One iptables-save gives the forwards (nat and
// filter) and the IPv4 INPUT rules; `ip6tables -S INPUT` (with ufw: `ufw show added`) the ports' rest. No warnings
// and no ufw status: those are the Firewall screen's (readState), which took six processes and a ufw start.
import type { Backend } from '../core/names.js';
import type { Runner } from '../runners/types.js';
import { SAVE_ALL_ARGV, parseForwards, saveSection, type Forward } from './forwards.js';
import * as ipt from './iptables.js';
import type { ListedRule } from './model.js';
import * as ufw from './ufw.js';

export interface TimedRules {
  forwards: Forward[];
  /** INPUT rules (or ufw's added rules); only what could be read: a missing ip6tables or ufw leaves them out. */
  rules: ListedRule[];
}

/** Throws when iptables-save cannot run (the host, sudo, or iptables itself): the caller decides what that means. */
export async function readTimedRules(runner: Runner, backend: Backend, now = new Date()): Promise<TimedRules> {
  const all = (await runner.run(SAVE_ALL_ARGV, { privileged: true })).stdout;
  const forwards = parseForwards(saveSection(all, 'nat'), saveSection(all, 'filter'), now);
  const optional = (argv: string[]) => runner.run(argv, { privileged: true, allowFailure: true }).then((r) => (r.exitCode === 0 ? r.stdout : undefined), () => undefined);
  if (backend === 'ufw') {
    const added = await optional(ufw.showAddedArgv);
    return { forwards, rules: added === undefined ? [] : ufw.parseShowAdded(added) };
  }
  const rules = ipt.parseInputChain(saveSection(all, 'filter'), 4).rules;
  const v6 = await optional(ipt.listArgv(6));
  if (v6 !== undefined) rules.push(...ipt.parseInputChain(v6, 6).rules);
  return { forwards, rules };
}
