// Entry point after bin/commbase-admin.js. Non-interactive commands never load Ink or React:
// the console is imported only when no command is given.
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { EXIT } from '../core/errors.js';
import { renderFailure } from './boundary.js';
import { runConsole } from './console-entry.js';
import { registerAudit } from './audit.js';
import { registerCert, takeOnRenew } from './cert.js';
import { registerClient } from './client.js';
import { registerConfig } from './config.js';
import { registerForward } from './forward.js';
import { registerFw } from './fw.js';
import { registerHosts } from './hosts.js';
import { registerMonitor } from './monitor.js';
import { registerProxy } from './proxy.js';
import { registerRelay, takeOnSave } from './relay.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('commbase-admin')
    .description('Administer a Commbase data-exchange relay: certificates, firewall, timed forwards, configuration, clients.\nWith no command, opens the interactive console.')
    .version(version, '-V, --version')
    .option('--read-only', 'console: hide every action that changes something')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerCert(program);
  registerHosts(program);
  registerFw(program);
  registerForward(program);
  registerConfig(program);
  registerRelay(program);
  registerProxy(program);
  registerClient(program);
  registerMonitor(program);
  registerAudit(program);
  program.action(async (o: { readOnly?: boolean }) => runConsole(Boolean(o.readOnly)));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(takeOnRenew(takeOnSave(argv)));
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage mistakes are the user's to fix.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.user;
      return;
    }
    process.exitCode = renderFailure(err, argv.includes('--json'));
  }
}
