// Entry point after bin/commbase-admin.js. Non-interactive commands never load Ink or React, and each loads only
// the noun it names (src/cli/nouns.ts): `fw open` does not load the relay or the certificates. --version loads
// nothing at all; --help with no noun lists the nouns from their table.
import { createRequire } from 'node:module';
import { Command, CommanderError } from '@commander-js/extra-typings';
import { EXIT } from '../core/errors.js';
import { renderFailure } from './boundary.js';
import { NOUNS, nounEntry, nounOf } from './nouns.js';

// The bundle has the version written in by scripts/bundle.js (no package.json to read at each start); tsc's
// unbundled output reads it.
declare const COMMBASE_ADMIN_VERSION: string | undefined;
const version = typeof COMMBASE_ADMIN_VERSION === 'string' ? COMMBASE_ADMIN_VERSION : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** The parser for this command line: the noun it names registered in full, every other as a line of help. */
export async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = new Command('commbase-admin')
    .description('Administer a Commbase data-exchange relay: certificates, firewall, timed forwards, configuration, clients.\nWith no command, opens the interactive console.')
    .version(version, '-V, --version')
    .option('--read-only', 'console: hide every action that changes something')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  const noun = nounOf(args);
  const entry = nounEntry(noun);
  if (entry) (await entry.load())(program);
  for (const [name, n] of Object.entries(NOUNS)) {
    if (!program.commands.some((c) => c.name() === name)) program.command(name).description(n.description);
  }
  program.action(async (o: { readOnly?: boolean }) => (await import('./console-entry.js')).runConsole(Boolean(o.readOnly)));
  return program;
}

/** Arguments a noun takes for a command of its own (everything after --on-renew / --on-save), before commander. */
async function takeTrailing(noun: string | undefined, args: string[]): Promise<string[]> {
  if (noun === 'cert') return (await import('./cert.js')).takeOnRenew(args);
  if (noun === 'relay') return (await import('./relay.js')).takeOnSave(args);
  return args;
}

export async function main(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${version}\n`);
    return;
  }
  if (args[0] === '__complete') {
    // A Tab in the operator's shell: candidates or nothing, never an error in their prompt.
    const { complete, completionOutput } = await import('./complete.js');
    process.stdout.write(completionOutput(await complete(args.slice(1)).catch(() => ({ candidates: [], files: false }))));
    return;
  }
  try {
    const noun = nounOf(args);
    const program = await buildProgram(args);
    await program.parseAsync(await takeTrailing(noun, argv));
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage mistakes are the user's to fix.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.user;
      return;
    }
    process.exitCode = renderFailure(err, argv.includes('--json'));
  }
}
