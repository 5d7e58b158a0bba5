// The one crontab writer: the certificate renewal line and the forward reaper's line both go through it.
// The user's crontab is kept byte for byte (blank lines, comments, environment lines, its last newline); only
// the line carrying our mark is replaced. A crontab that could not be read is never written (writing it back
// would erase it), and no value that could end the line or the command reaches it.
import { ExternalError, UserError } from '../core/errors.js';
import { quoteArgv } from '../core/quote.js';
import { quoted } from '../core/text.js';
import type { Runner, RunOptions } from '../runners/types.js';

/**
 * A value that reaches a crontab line must not end the line (newline, CR, any control character, a Unicode line
 * or paragraph separator) nor carry a NUL. cron turns an unescaped `%` into a newline of the command's input:
 * `cronCommand` escapes it, so `%` itself is allowed.
 */
export function checkCronValue(value: string, field: string): string {
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/.exec(value);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).padStart(4, '0');
    throw new UserError(`invalid ${field} ${quoted(value.slice(0, 120))}: a crontab line cannot hold a control or line-separator character (U+${code.toUpperCase()})`, ['give the value without it'], field);
  }
  return value;
}

/** argv as the shell cron starts reads it: every argument single-quoted where needed, `%` escaped. */
export function cronCommand(argv: ReadonlyArray<{ value: string; field: string }>): string {
  return quoteArgv(argv.map((a) => checkCronValue(a.value, a.field))).replace(/%/g, '\\%');
}

/**
 * `existing` with every line that ends with `mark` removed and `line` appended (or nothing appended, to remove).
 * Everything else stays as it was, byte for byte.
 */
export function crontabWithLine(existing: string, mark: string, line: string | undefined): string {
  if (line !== undefined && !line.endsWith(mark)) throw new Error(`a crontab line must end with its mark ${mark}`);
  const hadNewline = existing.endsWith('\n');
  const lines = existing === '' ? [] : (hadNewline ? existing.slice(0, -1) : existing).split('\n');
  const kept = lines.filter((l) => !l.endsWith(mark));
  if (line !== undefined) kept.push(line);
  if (kept.length === 0) return '';
  return kept.join('\n') + (hadNewline || line !== undefined ? '\n' : '');
}

/** `crontab -l`: the text, '' when the user has none yet; anything else is an error and nothing will be written. */
export async function readCrontab(runner: Runner, opts: RunOptions = {}): Promise<string> {
  const r = await runner.run(['crontab', '-l'], { ...opts, allowFailure: true });
  if (r.exitCode === 0) {
    // Decoded as UTF-8: a crontab with other bytes would come back changed, so it is not rewritten.
    if (r.stdout.includes('\uFFFD')) throw new UserError(`failed to edit the crontab on ${runner.where}: it holds bytes that are not UTF-8 (it is left as it is)`, ['add the line by hand with crontab -e'], 'crontab');
    return r.stdout;
  }
  if (/no crontab for /i.test(r.stderr)) return '';
  throw new ExternalError(`failed to read the crontab on ${runner.where} (nothing was written: writing it back would replace it)`, ['crontab', '-l'], r.exitCode, r.stderr, runner.where);
}

export interface CrontabChange {
  line: string;
  /** The crontab already held exactly this line. */
  already: boolean;
  /** What would be (or was) written. */
  crontab: string;
}

/** Replace (or add) the line with this mark in the runner's user's crontab; with dryRun, only say what it would be. */
export async function installCronLine(runner: Runner, mark: string, line: string, dryRun: boolean, opts: RunOptions = {}): Promise<CrontabChange> {
  checkCronValue(line, 'crontab line');
  const existing = await readCrontab(runner, opts);
  const crontab = crontabWithLine(existing, mark, line);
  const already = existing.split('\n').includes(line);
  if (!dryRun && crontab !== existing) await runner.run(['crontab', '-'], { ...opts, input: crontab });
  return { line, already, crontab };
}
