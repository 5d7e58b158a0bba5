// Commbase's scripts are configured by editing string literals (`api_url = '…'`, `socketio_url = '…'`), as its
// documentation tells operators to. We change exactly those literals' contents and nothing else: same quote,
// same line, every other byte kept. Pure.
export const LITERAL_NAMES = ['api_url', 'socketio_url'] as const;
export type LiteralName = (typeof LITERAL_NAMES)[number];

const ASSIGN = /^([ \t]*)(api_url|socketio_url)([ \t]*=[ \t]*)(['"])([^'"\\\n]*)\4/;

export interface LiteralChange {
  name: LiteralName;
  line: number;
  before: string;
  after: string;
}

/**
 * Set each named literal's value on every uncommented assignment line. A value that a Python literal cannot carry
 * verbatim (a quote, a backslash, a line break) is refused: URLs made from validated parts never have one.
 */
export function rewriteLiterals(source: string, values: Partial<Record<LiteralName, string>>): { text: string; changes: LiteralChange[]; missing: LiteralName[] } {
  for (const [name, v] of Object.entries(values)) {
    // Python reads a quote or backslash as syntax, and refuses a source file with NUL or text that is not Unicode.
    if (v !== undefined && (/['"\\\p{Cc}\u2028\u2029]/u.test(v) || /\p{Cs}/u.test(v))) throw new Error(`refusing to write ${name} ${JSON.stringify(v)}: it holds a quote, backslash, line break or other control character`);
  }
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const lines = source.split(eol);
  const changes: LiteralChange[] = [];
  const seen = new Set<LiteralName>();
  lines.forEach((line, i) => {
    const m = ASSIGN.exec(line);
    if (!m) return;
    const name = m[2] as LiteralName;
    const value = values[name];
    if (value === undefined) return;
    seen.add(name);
    const next = `${m[1]}${name}${m[3]}${m[4]}${value}${m[4]}${line.slice(m[0].length)}`;
    if (next !== line) { changes.push({ name, line: i + 1, before: line, after: next }); lines[i] = next; }
  });
  const missing = (Object.keys(values) as LiteralName[]).filter((n) => values[n] !== undefined && !seen.has(n));
  return { text: lines.join(eol), changes, missing };
}

export function literalDiff(file: string, changes: LiteralChange[]): string[] {
  if (changes.length === 0) return [`${file}: no change`];
  return [`--- ${file}`, `+++ ${file} (new)`, ...changes.flatMap((c) => [`@@ line ${c.line} @@`, `-${c.before}`, `+${c.after}`])];
}
