// Run the built CLI as a user would (node bin/commbase-admin.js), with its own XDG directories.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/commbase-admin.js');

export interface CliResult { code: number; stdout: string; stderr: string }

export function runCli(args: string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number; prefix?: string[]; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const [file, ...pre] = [...(opts.prefix ?? []), process.execPath];
    const child = execFile(file!, [...pre, BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      timeout: opts.timeoutMs ?? 60_000,
      maxBuffer: 16 * 1024 * 1024,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

export function runJson<T = Record<string, unknown>>(args: string[], opts?: Parameters<typeof runCli>[1]): Promise<CliResult & { json: T }> {
  return runCli([...args, '--json'], opts).then((r) => ({ ...r, json: JSON.parse(r.stdout || 'null') as T }));
}
