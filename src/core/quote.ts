// The one place that turns argv into a shell string (an SSH exec request is a string that the remote
// user's shell parses). Every argument is single-quoted; a single quote is closed, escaped and reopened.
// Inside single quotes a POSIX shell interprets nothing: not $, `, \, ;, newlines or globs.
import { UserError } from './errors.js';

export function quoteArg(arg: string): string {
  if (arg.includes('\0')) {
    throw new UserError(`invalid argument ${JSON.stringify(arg)}: contains a NUL byte, which no command can receive`, [], 'argument');
  }
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new UserError('failed to run a command: none was given');
  return argv.map(quoteArg).join(' ');
}
