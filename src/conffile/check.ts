// Two readers of commbase.conf disagree: bash sources it, and Commbase's Python splits every line on '='
// and strips the first and last character of the value. A file must satisfy both.
import { KEY_SCHEMAS, KNOWN_KEYS, notesFor, schemaProblem } from './schema.js';
import type { ConfFile } from './parse.js';

export interface Finding {
  line?: number;
  key?: string;
  severity: 'error' | 'warning' | 'note';
  message: string;
}

/** What Commbase's Python (`name, value = line.strip().split("=")`; `value.strip()[1:-1]`) makes of each line. */
export function commbaseFindings(file: ConfFile): Finding[] {
  const out: Finding[] = [];
  for (const l of file.lines) {
    if (l.kind === 'blank') out.push({ line: l.n, severity: 'warning', message: 'blank line: Commbase\'s Python readers split every line on "=" and crash on it (not enough values to unpack)' });
    else if (l.kind === 'comment') out.push({ line: l.n, severity: 'warning', message: 'comment line: Commbase\'s Python readers split every line on "=" and crash on it' });
    else if (l.kind === 'unparsed') out.push({ line: l.n, severity: 'warning', message: `kept as written, not understood (${l.reason ?? 'unknown form'}); Commbase's Python readers will likely crash on it` });
    else if (l.kind === 'assign') {
      const equals = (l.raw.match(/=/g) ?? []).length;
      if (equals > 1) out.push({ line: l.n, key: l.key, severity: 'warning', message: `"=" inside the value: Commbase's Python readers split on every "=" and crash (too many values to unpack)` });
      if (l.exported) out.push({ line: l.n, key: l.key, severity: 'warning', message: `"export " prefix: Commbase's Python readers take "export ${l.key}" as the name` });
      if (l.trailingComment) out.push({ line: l.n, key: l.key, severity: 'warning', message: 'a comment after the value: Commbase\'s Python readers keep it as part of the value' });
      if (l.quote !== 'double' || !/^"[^"]*"\s*$/.test(l.valueText)) {
        const py = l.valueText.trim().slice(1, -1);
        out.push({ line: l.n, key: l.key, severity: 'warning', message: `not written as ${l.key}="value": Commbase's Python readers strip the first and last character and read ${JSON.stringify(py)}` });
      }
      if (/^\s/.test(l.raw)) out.push({ line: l.n, key: l.key, severity: 'warning', message: 'leading spaces before the name' });
    }
  }
  return out;
}

/** The data-exchange variables against their schema; unknown keys are allowed and kept. */
export function schemaFindings(file: ConfFile): Finding[] {
  const out: Finding[] = [];
  // bash does not take CRLF as a line end: every value would end in a carriage return ("5602\r").
  if (file.eol === '\r\n') out.push({ line: 1, severity: 'error', message: 'the file has Windows line endings (CRLF): bash reads every value with a carriage return at its end (e.g. PORT "5602\\r"); convert it with dos2unix or sed -i \'s/\\r$//\'' });
  const seen = new Map<string, number>();
  for (const l of file.lines) {
    if (l.kind !== 'assign') continue;
    if (seen.has(l.key) && KEY_SCHEMAS[l.key]) out.push({ line: l.n, key: l.key, severity: 'warning', message: `set again (first on line ${seen.get(l.key)}); the last one wins in bash` });
    seen.set(l.key, l.n);
    const problem = schemaProblem(l.key, l.value);
    if (problem) out.push({ line: l.n, key: l.key, severity: 'error', message: `${l.key} ${JSON.stringify(l.value)}: ${problem}` });
    for (const note of notesFor(l.key, l.value)) out.push({ line: l.n, key: l.key, severity: 'note', message: note });
  }
  return out;
}

export function missingKeys(file: ConfFile): string[] {
  const have = new Set(file.lines.filter((l) => l.kind === 'assign').map((l) => (l as { key: string }).key));
  return KNOWN_KEYS.filter((k) => !have.has(k));
}
