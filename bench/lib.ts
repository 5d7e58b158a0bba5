// Shared helpers for benchmarks: timing, medians, and a table printed with the baseline beside our figure.
import { execFileSync } from 'node:child_process';

export function timeMs(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export async function timeMsAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}

export const median = (v: number[]): number => quantile(v, 0.5);

export function run(cmd: string, args: string[], opts: { input?: string } = {}): string {
  return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
}

export function report(title: string, rows: Array<[string, string]>): void {
  console.log(`\n## ${title}`);
  for (const [name, value] of rows) console.log(`${name.padEnd(52)} ${value}`);
}
