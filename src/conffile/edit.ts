// Changing values: only the line of the key changes (or one line is appended); the rest stays byte for byte.
import { UserError } from '../core/errors.js';
import { KNOWN_KEYS, validateValue } from './schema.js';
import { isName, lastAssignment, parseConf, printConf, shellDoubleQuote, type AssignLine, type ConfFile } from './parse.js';

export interface Change {
  key: string;
  line: number;
  before?: string;
  after: string;
}

const COMMBASE_KEYS = new Set<string>(KNOWN_KEYS);

/**
 * The line to write. For a key Commbase reads, exactly NAME="value": Commbase's Python takes the text between
 * the first and last character and knows no escapes, so a value it cannot carry verbatim is refused.
 */
export function renderAssignment(key: string, value: string, exported = false): string {
  return `${exported ? 'export ' : ''}${key}=${renderValue(key, value)}`;
}

/** The value as written after `KEY=`. */
export function renderValue(key: string, value: string): string {
  if (COMMBASE_KEYS.has(key) || key.startsWith('COMMBASE_') || key.startsWith('CERTS_AND_KEYS_')) {
    const bad = /[="\\`\n\r]/.exec(value);
    if (bad) {
      const what = bad[0] === '=' ? '"=" (Commbase\'s Python readers split every line on "=")' : `${JSON.stringify(bad[0])} (Commbase's Python readers would read the escape character literally)`;
      throw new UserError(`invalid value for ${key} ${JSON.stringify(value)}: it contains ${what}`, ['choose a value without it'], key);
    }
    return `"${value}"`;
  }
  return shellDoubleQuote(value);
}

/**
 * The existing line with only its value replaced: its indentation, `export` and a trailing comment stay (bash
 * exports the variable to Commbase's child processes only with `export`).
 */
function replaceValue(line: AssignLine, key: string, value: string): string {
  const head = /^(\s*)(export[ \t]+)?[A-Za-z_][A-Za-z0-9_]*=/.exec(line.raw)![0];
  const tail = line.raw.slice(head.length + line.valueText.length);
  return `${head}${renderValue(key, value)}${tail}`;
}

export function setValues(file: ConfFile, pairs: Array<[string, string]>, env: Record<string, string> = {}): { file: ConfFile; changes: Change[] } {
  const lines = file.lines.map((l) => l.raw);
  const changes: Change[] = [];
  for (const [key, value] of pairs) {
    if (!isName(key)) throw new UserError(`invalid key ${JSON.stringify(key)}: must be a shell variable name (letters, digits, _; not starting with a digit)`, [], 'key');
    const problem = validateValue(key, value);
    if (problem) throw new UserError(`invalid value for ${key} ${JSON.stringify(value)}: ${problem}`, [], key);
    const current = parseConf(joinLines(lines, file), env);
    const last = lastAssignment(current, key);
    const line = last ? replaceValue(last, key, value) : renderAssignment(key, value);
    if (last) {
      if (last.raw === line) continue;
      changes.push({ key, line: last.n, before: last.raw, after: line });
      lines[last.n - 1] = line;
    } else {
      lines.push(line);
      changes.push({ key, line: lines.length, after: line });
    }
  }
  return { file: parseConf(joinLines(lines, file), env), changes };
}

function joinLines(lines: string[], file: ConfFile): string {
  return lines.length === 0 ? '' : lines.join(file.eol) + (file.finalNewline || file.lines.length === 0 ? file.eol : '');
}

export function renderDiff(path: string, changes: Change[]): string[] {
  if (changes.length === 0) return [`${path}: no change`];
  const out = [`--- ${path}`, `+++ ${path} (new)`];
  for (const c of changes) {
    out.push(`@@ line ${c.line} @@`);
    if (c.before !== undefined) out.push(`-${c.before}`);
    out.push(`+${c.after}`);
  }
  return out;
}

export { printConf };
