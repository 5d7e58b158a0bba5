// How the command line speaks: one JSON document with --json, short human lines otherwise.
// Colour only on a TTY and never when NO_COLOR is set (https://no-color.org).

import { printable } from '../core/text.js';

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && process.env.TERM !== 'dumb';
}

const wrap = (code: number) => (text: string, stream?: NodeJS.WriteStream) =>
  useColor(stream) ? `\u001b[${code}m${text}\u001b[0m` : text;

export const paint = { red: wrap(31), green: wrap(32), yellow: wrap(33), dim: wrap(2), bold: wrap(1) };

export interface CommonOptions {
  json?: boolean | undefined;
}

export function emit<T>(opts: CommonOptions, result: T, human: (r: T) => string[]): void {
  if (opts.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const lines = human(result);
  if (lines.length > 0) process.stdout.write(lines.map(safeLine).join('\n') + '\n');
}

/** Long work's steps on stderr whatever stdout is (cert acme, proxy nginx: a failure then shows where it stopped). */
export function steps(step: string): void {
  process.stderr.write(paint.dim(`… ${step}`, process.stderr) + '\n');
}

/** Progress goes to stderr, so --json stdout stays one document; silent when not a TTY unless asked. */
export function progress(opts: CommonOptions): (step: string) => void {
  if (opts.json || !process.stderr.isTTY) return () => {};
  return (step) => process.stderr.write(paint.dim(`… ${step}`, process.stderr) + '\n');
}

export function table(rows: string[][], header?: string[]): string[] {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
}

// Our own colours (paint) stay; anything else a terminal would act on, from whatever text reached a line (a
// remote command's output, a client's name, a file's contents), is shown escaped.
// eslint-disable-next-line no-control-regex
const OUR_SGR = /\u001b\[(?:0|1|2|31|32|33)m/g;
export function safeLine(line: string): string {
  const parts = line.split(OUR_SGR);
  const codes = line.match(OUR_SGR) ?? [];
  return parts.map((p, i) => printable(p) + (codes[i] ?? '')).join('');
}
