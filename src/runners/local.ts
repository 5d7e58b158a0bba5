// The only place in commbase-admin that spawns processes. argv only: never a shell.
import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { ExternalError, UserError } from '../core/errors.js';
import { listLocalDir, readText, writeFileAtomic } from '../core/files.js';
import { isIP } from '../core/net.js';
import { privilegedArgv, SUDO_PASSWORD_RE, type DirEntry, type FileStat, type RunOptions, type RunResult, type Runner, type SshSession } from './types.js';

export interface LocalRunnerOptions {
  sudo?: boolean;
  /** Run every command inside this wrapper, e.g. ['ip', 'netns', 'exec', 'lab'] (used by tests and labs). */
  prefix?: readonly string[];
}

export class LocalRunner implements Runner {
  readonly where: string;
  readonly sessionPort: number | undefined;
  readonly session: SshSession | undefined;

  constructor(private readonly opts: LocalRunnerOptions = {}) {
    this.where = opts.prefix?.length ? `local (${opts.prefix.join(' ')})` : 'local';
    // Run from an SSH login, this machine's own sshd port is the one not to close.
    const conn = process.env.SSH_CONNECTION?.split(' ');
    this.sessionPort = !opts.prefix?.length && conn?.[3] ? Number(conn[3]) : undefined;
    const [source, , server] = conn ?? [];
    const family = source ? isIP(source) : 0;
    this.session = this.sessionPort && source && server && family ? { family, source, server, port: this.sessionPort } : undefined;
  }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const full = [...(this.opts.prefix ?? []), ...privilegedArgv(argv, Boolean(opts.privileged && this.opts.sudo))];
    const [file, ...args] = full;
    if (!file) throw new UserError('failed to run a command: none was given');
    // Loaded on the first command: a command that only reads files (config get) never pays for it.
    const { execa } = await import('execa');
    const r = await execa(file, args, {
      reject: false,
      ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' }),
      timeout: opts.timeoutMs ?? 60_000,
      env: { LC_ALL: 'C' },
      ...(opts.uninterruptible ? { detached: true, cleanup: false } : opts.signal ? { cancelSignal: opts.signal } : {}),
      extendEnv: true,
      stripFinalNewline: false,
    });
    const result: RunResult = { exitCode: r.exitCode ?? (r.failed ? 127 : 0), stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
    if (opts.signal?.aborted && !opts.uninterruptible) throw new UserError(`cancelled: ${argv[0]} was stopped`, [], 'cancelled');
    if (r.failed && r.exitCode === undefined) {
      const why = (r as { code?: string }).code === 'ENOENT' ? `${file} is not installed here` : r.timedOut ? 'timed out' : r.shortMessage;
      throw new ExternalError(`failed to run ${argv[0]}: ${why}`, full, null, result.stderr, this.where);
    }
    if (SUDO_PASSWORD_RE.test(result.stderr)) {
      throw new UserError(`failed to run ${argv[0]}: sudo on ${this.where} wants a password, and commbase-admin never types one`, [
        'allow the commands without a password (a NOPASSWD sudoers rule), or run as root',
      ], 'sudo');
    }
    if (result.exitCode !== 0 && !opts.allowFailure) {
      throw new ExternalError(`failed to run ${argv[0]} on ${this.where}`, full, result.exitCode, result.stderr, this.where);
    }
    return result;
  }

  async readFile(file: string): Promise<string> {
    if (this.opts.prefix?.length) return (await this.run(['cat', '--', file])).stdout;
    return readText(file, 'file');
  }

  async readBytes(file: string): Promise<Buffer> {
    if (this.opts.prefix?.length) throw new UserError('failed to read the file: reading files as bytes through a command prefix is not supported');
    try {
      return await fs.readFile(file);
    } catch (err) {
      throw new UserError(`failed to read the file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, [], 'file');
    }
  }

  async writeFile(file: string, data: string | Uint8Array, mode: number, owner?: { uid: number; gid: number }): Promise<void> {
    if (this.opts.prefix?.length) throw new UserError('failed to write the file: writing files through a command prefix is not supported');
    await writeFileAtomic(file, data, { mode, backup: 'none', ...(owner ? { owner } : {}) });
  }

  async stat(file: string): Promise<FileStat | undefined> {
    if (this.opts.prefix?.length) throw new UserError('failed to read the file\'s details: reading them through a command prefix is not supported');
    try {
      const st = await fs.stat(file);
      return { kind: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other', mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: st.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new UserError(`failed to read the details of ${file}: ${(err as Error).message}`, [], 'file');
    }
  }

  async realpath(file: string): Promise<string> {
    if (this.opts.prefix?.length) return file;
    return fs.realpath(file).catch(() => file);
  }

  async listDir(dir: string): Promise<DirEntry[] | undefined> {
    return this.opts.prefix?.length ? undefined : listLocalDir(dir);
  }

  connectTcp(host: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host, port }, () => { sock.off('error', reject); resolve(sock); });
      sock.once('error', reject);
    });
  }

  async close(): Promise<void> {}
}

/**
 * Start a long-lived process on this machine that outlives commbase-admin (the relay started from the console):
 * its own session, stdin closed, stdout and stderr appended to `logFile` (0600). Returns its pid.
 */
export async function startDetached(argv: readonly string[], logFile: string, env: Record<string, string> = {}): Promise<number> {
  const [file, ...args] = argv;
  if (!file) throw new UserError('failed to run a command: none was given');
  // Never through a link someone planted where the log goes.
  const log = await fs.open(logFile, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', log.fd, log.fd], env: { ...process.env, ...env } });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', (err) => reject(new ExternalError(`failed to start ${file}: ${err.message}`, [...argv], null, '')));
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    return pid;
  } finally {
    await log.close();
  }
}
