// A Runner for unit tests only: records every argv (and stdin) exactly, answers from a script of handlers.
// The real thing is tested against sshd, iptables and ufw in namespaces; this pins the exact commands.
import type { Duplex } from 'node:stream';
import type { DirEntry, FileStat, RunOptions, RunResult, Runner, SshSession } from '../../src/runners/types.js';

export type Answer = Partial<RunResult> | ((argv: readonly string[], opts: RunOptions) => Partial<RunResult>);

export class FakeRunner implements Runner {
  readonly where = 'fake';
  readonly calls: Array<{ argv: string[]; input?: string; privileged?: boolean }> = [];
  files = new Map<string, string>();

  constructor(private readonly answer: (argv: readonly string[], opts: RunOptions) => Partial<RunResult> | undefined, readonly session?: SshSession) {}

  get sessionPort(): number | undefined { return this.session?.port; }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ argv: [...argv], ...(opts.input !== undefined ? { input: opts.input } : {}), ...(opts.privileged ? { privileged: true } : {}) });
    const a = this.answer(argv, opts) ?? {};
    const r = { exitCode: a.exitCode ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
    if (r.exitCode !== 0 && !opts.allowFailure) throw new Error(`fake: ${argv.join(' ')} exited ${r.exitCode}`);
    return r;
  }

  async readFile(path: string): Promise<string> { const t = this.files.get(path); if (t === undefined) throw new Error(`fake: no ${path}`); return t; }
  async readBytes(path: string): Promise<Buffer> { return Buffer.from(await this.readFile(path)); }
  async writeFile(path: string, data: string | Uint8Array): Promise<void> { this.files.set(path, typeof data === 'string' ? data : Buffer.from(data).toString('utf8')); }
  async stat(path: string): Promise<FileStat | undefined> { return this.files.has(path) ? { kind: 'file', mode: 0o644, uid: 0, gid: 0, size: this.files.get(path)!.length } : undefined; }
  async realpath(path: string): Promise<string> { return path; }
  /** The files held under `dir`, one level: the names of files and of the directories that lead to deeper ones. */
  async listDir(dir: string): Promise<DirEntry[] | undefined> {
    const base = dir.endsWith('/') ? dir : `${dir}/`;
    const out = new Map<string, boolean>();
    for (const f of this.files.keys()) if (f.startsWith(base)) { const rest = f.slice(base.length); const i = rest.indexOf('/'); out.set(i < 0 ? rest : rest.slice(0, i), i >= 0); }
    return out.size ? [...out].map(([name, d]) => ({ name, dir: d })) : undefined;
  }
  connectTcp(): Promise<Duplex> { throw new Error('fake: no TCP'); }
  async close(): Promise<void> {}

  /** The argv of every call, as one string each (what a reviewer reads). */
  commands(): string[] { return this.calls.map((c) => c.argv.join(' ')); }
}
