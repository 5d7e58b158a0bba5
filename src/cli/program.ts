// The command-line parser for one command: commander, the noun the command names registered in full, every
// other noun as a line of help. main.ts loads this only for a command (not for --version or a Tab's completion).
import { Command, CommanderError } from '@commander-js/extra-typings';
import { EXIT } from '../core/errors.js';
import { renderFailure } from './boundary.js';
import { NOUNS, nounEntry, nounOf } from './nouns.js';

/** The parser for this command line: the noun it names registered in full, every other as a line of help. */
export async function buildProgram(args: readonly string[], version: string, register?: Promise<(program: Command) => void>): Promise<Command> {
  const program = new Command('commbase-admin')
    .description('Administer a Commbase data-exchange relay: certificates, firewall, timed forwards, configuration, clients.\nWith no command, opens the interactive console.')
    .version(version, '-V, --version')
    .option('--read-only', 'console: hide every action that changes something')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  const entry = nounEntry(nounOf(args));
  if (entry) (await (register ?? entry.load()))(program);
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

/** Parse and run one command; failures become an exit code and a message (--json: a JSON error object). */
export async function runCommand(argv: string[], version: string, register?: Promise<(program: Command) => void>): Promise<void> {
  const args = argv.slice(2);
  try {
    const noun = nounOf(args);
    const program = await buildProgram(args, version, register);
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
