// commbase.conf as a POSIX shell reads it, line by line, keeping every byte: a line we change is the only
// line that changes. Values are decoded as `sh` would (quotes, backslashes, $VAR and ${VAR}); what we cannot
// read without running code ($(…), backticks, several commands on a line) is kept as is and reported.

export type Quote = 'double' | 'single' | 'none' | 'mixed';

export interface AssignLine {
  kind: 'assign';
  n: number; // 1-based line number
  raw: string;
  key: string;
  exported: boolean;
  /** The value text exactly as written (between `=` and any trailing comment). */
  valueText: string;
  quote: Quote;
  /** Decoded with references to earlier keys expanded (see `resolve`). */
  value: string;
  references: string[];
  trailingComment: boolean;
}

export interface OtherLine {
  kind: 'blank' | 'comment' | 'unparsed';
  n: number;
  raw: string;
  reason?: string;
}

export type ConfLine = AssignLine | OtherLine;

export interface ConfFile {
  lines: ConfLine[];
  eol: '\n' | '\r\n';
  finalNewline: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Segment { kind: 'literal' | 'ref'; text: string }

class Unreadable extends Error {}

/** Split a shell word into literal text and $references; throws Unreadable for what needs a shell. */
export function decodeWord(word: string): { segments: Segment[]; quote: Quote } {
  const segs: Segment[] = [];
  const push = (kind: Segment['kind'], text: string) => {
    const last = segs[segs.length - 1];
    if (kind === 'literal' && last?.kind === 'literal') last.text += text;
    else segs.push({ kind, text });
  };
  const quotes = new Set<Quote>();
  let i = 0;
  const readRef = (): void => {
    // at '$'
    const rest = word.slice(i + 1);
    let m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    if (m) { push('ref', m[1]!); i += m[0].length + 1; return; }
    m = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (m) { push('ref', m[1]!); i += m[0].length + 1; return; }
    if (rest.startsWith('(') || rest.startsWith('{')) throw new Unreadable('command substitution or a ${…} form that needs a shell');
    if (/^[0-9#?*@!$-]/.test(rest)) throw new Unreadable('a special parameter ($1, $?, …) that only a running shell has');
    push('literal', '$');
    i += 1;
  };
  while (i < word.length) {
    const c = word[i]!;
    if (c === "'") {
      const end = word.indexOf("'", i + 1);
      if (end < 0) throw new Unreadable('an unterminated single quote');
      push('literal', word.slice(i + 1, end));
      quotes.add('single');
      i = end + 1;
    } else if (c === '"') {
      quotes.add('double');
      i += 1;
      for (;;) {
        if (i >= word.length) throw new Unreadable('an unterminated double quote');
        const d = word[i]!;
        if (d === '"') { i += 1; break; }
        if (d === '\\') {
          const e = word[i + 1];
          if (e === undefined) throw new Unreadable('an unterminated double quote');
          if ('$`"\\'.includes(e)) { push('literal', e); i += 2; }
          else if (e === '\n') { i += 2; }
          else { push('literal', '\\'); i += 1; }
        } else if (d === '$') readRef();
        else if (d === '`') throw new Unreadable('command substitution (backticks)');
        else { push('literal', d); i += 1; }
      }
    } else if (c === '\\') {
      const e = word[i + 1];
      if (e === undefined) throw new Unreadable('a backslash at the end of the line (a continuation line)');
      push('literal', e);
      quotes.add('none');
      i += 2;
    } else if (c === '$') {
      quotes.add('none');
      readRef();
    } else if (c === '`') {
      throw new Unreadable('command substitution (backticks)');
    } else if (/[;&|<>()\s]/.test(c)) {
      throw new Unreadable('more than one word or command on the line');
    } else if (c === '~' && i === 0) {
      throw new Unreadable('a ~ (home directory) that only a shell expands');
    } else if (c === '*' || c === '?' || c === '[') {
      // Pathname expansion does not apply in an assignment: literal.
      push('literal', c);
      quotes.add('none');
      i += 1;
    } else {
      push('literal', c);
      quotes.add('none');
      i += 1;
    }
  }
  const quote: Quote = quotes.size === 0 ? 'none' : quotes.size === 1 ? [...quotes][0]! : 'mixed';
  return { segments: segs, quote };
}

/** Find where the value word ends: at unquoted whitespace (then only a comment may follow). */
function splitValue(rest: string): { valueText: string; tail: string } {
  let i = 0;
  let inS = false;
  let inD = false;
  while (i < rest.length) {
    const c = rest[i]!;
    if (inS) { if (c === "'") inS = false; i += 1; continue; }
    if (c === '\\') { i += 2; continue; }
    if (inD) { if (c === '"') inD = false; i += 1; continue; }
    if (c === "'") inS = true;
    else if (c === '"') inD = true;
    else if (c === ' ' || c === '\t') break;
    i += 1;
  }
  return { valueText: rest.slice(0, i), tail: rest.slice(i) };
}

export function parseLine(raw: string, n: number, env: Map<string, string>): ConfLine {
  const trimmed = raw.trim();
  if (trimmed === '') return { kind: 'blank', n, raw };
  if (trimmed.startsWith('#')) return { kind: 'comment', n, raw };
  const m = /^(\s*)(export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
  if (!m) return { kind: 'unparsed', n, raw, reason: 'not a NAME=value assignment' };
  const key = m[3]!;
  const { valueText, tail } = splitValue(m[4]!);
  const tailTrim = tail.trim();
  if (tailTrim !== '' && !tailTrim.startsWith('#')) return { kind: 'unparsed', n, raw, reason: 'more than one word or command on the line' };
  try {
    const { segments, quote } = decodeWord(valueText);
    const value = segments.map((s) => (s.kind === 'literal' ? s.text : env.get(s.text) ?? '')).join('');
    return {
      kind: 'assign', n, raw, key, exported: Boolean(m[2]), valueText, quote, value,
      references: segments.filter((s) => s.kind === 'ref').map((s) => s.text), trailingComment: tailTrim !== '',
    };
  } catch (err) {
    if (err instanceof Unreadable) return { kind: 'unparsed', n, raw, reason: err.message };
    throw err;
  }
}

/**
 * Parse the whole file. `env` gives the values of variables set outside the file (COMMBASE_APP_DIR, say);
 * assignments earlier in the file override it for later references, as in a shell.
 */
export function parseConf(text: string, env: Record<string, string> = {}): ConfFile {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const finalNewline = text.endsWith('\n');
  const body = finalNewline ? text.slice(0, -eol.length) : text;
  const vars = new Map(Object.entries(env));
  const lines = (text === '' ? [] : body.split(eol)).map((raw, i) => {
    const line = parseLine(raw, i + 1, vars);
    if (line.kind === 'assign') vars.set(line.key, line.value);
    return line;
  });
  return { lines, eol, finalNewline };
}

export function printConf(file: ConfFile): string {
  const body = file.lines.map((l) => l.raw).join(file.eol);
  return file.lines.length === 0 ? '' : body + (file.finalNewline ? file.eol : '');
}

/** The value a shell ends up with: the last assignment wins. */
export function getValue(file: ConfFile, key: string): string | undefined {
  return lastAssignment(file, key)?.value;
}

export function lastAssignment(file: ConfFile, key: string): AssignLine | undefined {
  for (let i = file.lines.length - 1; i >= 0; i--) {
    const l = file.lines[i]!;
    if (l.kind === 'assign' && l.key === key) return l;
  }
  return undefined;
}

export function isName(key: string): boolean {
  return NAME.test(key);
}

/** Quote a value for a POSIX shell inside double quotes. */
export function shellDoubleQuote(value: string): string {
  return `"${value.replace(/([$`"\\])/g, '\\$1')}"`;
}
