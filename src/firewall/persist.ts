// iptables rules are gone after a reboot unless something saves them: what a change says about it.
import type { Runner } from '../runners/types.js';

/**
 * netfilter-persistent (Debian's iptables-persistent) where it is installed (`forward persist` or the Firewall
 * screen's v saves the rule set), else what to install.
 */
export async function persistenceWarning(runner: Runner, host: string, what: string): Promise<string[]> {
  const has = await runner.run(['sh', '-c', 'command -v netfilter-persistent'], { allowFailure: true }).then((r) => r.exitCode === 0, () => false);
  return [has
    ? `${what} is lost at reboot until the rules are saved: commbase-admin forward persist --host ${host} (netfilter-persistent save; v on the Firewall screen)`
    : `${what} is lost at reboot: ${host} has no netfilter-persistent (apt-get install iptables-persistent), then commbase-admin forward persist --host ${host}`];
}
