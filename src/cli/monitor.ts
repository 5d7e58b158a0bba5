// `commbase-admin monitor` (the console, opened on the Monitor screen) and `commbase-admin dashboard`
// (a full-screen wall display). Both load their UI only when run.
import type { Command } from '@commander-js/extra-typings';
import { z } from 'zod';
import { parseInput } from '../core/validate.js';
import { hostNameKey } from '../core/names.js';
import { action } from './boundary.js';
import { loadConsole } from './interactive.js';
import { collect } from './common.js';
import { readPassphrase } from './secrets.js';
import { NOUN_HELP } from './noun-help.js';

/** --host narrows it; with none, every host in the inventory is watched (each polled on its own). */
async function targets(o: { host: string[]; dataDir?: string }) {
  const named = parseInput(z.object({ host: z.array(hostNameKey) }), { host: o.host }).host;
  const { getHost, listHosts } = await import('../services/hosts.js');
  for (const h of named) getHost(h); // an unknown name is the operator's to fix, before anything starts
  const hosts = named.length ? named : listHosts().map((h) => h.name);
  // The live views poll in the background and never ask: an encrypted identity file is unlocked here, first.
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const { unlockIdentities } = await import('../services/passphrases.js');
    await unlockIdentities(hosts, (file) => readPassphrase({}, `passphrase for ${file}: `));
  }
  return { hosts: ['local', ...hosts.filter((h) => h !== 'local')], ...(o.dataDir ? { dataDir: o.dataDir } : {}) };
}

export function registerMonitor(program: Command): void {
  program.command('monitor')
    .description(NOUN_HELP.monitor)
    .option('--host <name>', 'watch only this host (and this machine); repeatable. Default: every host in the inventory', collect, [])
    .option('--data-dir <dir>', 'the relay\'s data directory (default: the console\'s)')
    .option('--read-only', 'hide every action that changes something')
    .action(action(async (o) => {
      const { openConsole } = await loadConsole();
      await openConsole({ readOnly: Boolean(o.readOnly || program.getOptionValue('readOnly')), monitor: await targets(o), initialScreen: 'monitor' });
      process.exit(process.exitCode ?? 0); // nothing a host left half-open keeps the process up after q
    }));

  program.command('dashboard')
    .description(NOUN_HELP.dashboard)
    .option('--host <name>', 'watch only this host (and this machine); repeatable. Default: every host in the inventory', collect, [])
    .option('--data-dir <dir>', 'the relay\'s data directory (default: the console\'s)')
    .action(action(async (o) => {
      const { openDashboard } = await import('../dashboard/dashboard.js');
      await openDashboard(await targets(o));
      process.exit(process.exitCode ?? 0); // every connection is closed (or given up after 1 s): leave now
    }));
}
