// One interface for running commands and touching files, here or on another host. Backends take a
// Runner and never know which kind they have.

export interface SshSession {
  family: 4 | 6;
  source: string;
  server: string;
  port: number;
}

export interface RunOptions {
  /** Written to the command's stdin. */
  input?: string;
  /** Return a non-zero exit instead of throwing ExternalError. */
  allowFailure?: boolean;
  /** Run with root rights through `sudo -n` when the host is set up for it. */
  privileged?: boolean;
  timeoutMs?: number;
  /**
   * Must run to the end even if commbase-admin is interrupted: locally it runs in its own process group
   * (Ctrl-C does not reach it) and is not killed when we exit; over SSH a command already outlives us.
   */
  uninterruptible?: boolean;
  /** Stop waiting for it (and stop it, here) when this aborts: a console screen left with q/Esc. Ignored for uninterruptible commands. */
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

import type { Duplex } from 'node:stream';

export interface FileStat {
  /** A regular file, a directory, or anything else (a device, a FIFO, a socket): the link's target, for a link. */
  kind: 'file' | 'dir' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

export interface DirEntry { name: string; dir: boolean }

export interface Runner {
  /** "local" or "user@host:port", for messages and dry runs. */
  readonly where: string;
  /** The TCP port of the SSH session commands go through, if any (to refuse locking ourselves out). */
  readonly sessionPort: number | undefined;
  /** The SSH session itself as the host sees it (family, our source address, its address, port), if any. */
  readonly session?: SshSession | undefined;
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  readFile(path: string): Promise<string>;
  /** The file's bytes as they are (for edits that must keep every byte they do not change). */
  readBytes(path: string): Promise<Buffer>;
  /** Atomic: temp file beside the target (fsync-ed), then rename; owner set when given. A string is written as UTF-8. */
  writeFile(path: string, data: string | Uint8Array, mode: number, owner?: { uid: number; gid: number }): Promise<void>;
  stat(path: string): Promise<FileStat | undefined>;
  /** The file a path names after following symbolic links (the path itself when it does not exist). */
  realpath(path: string): Promise<string>;
  /** A directory's entries (names, and which are directories), for Tab completion; undefined when unreadable. */
  listDir(path: string): Promise<DirEntry[] | undefined>;
  /** A TCP stream to host:port as seen from the runner's side (SSH: a direct-tcpip channel). */
  connectTcp(host: string, port: number): Promise<Duplex>;
  close(): Promise<void>;
}

/** The argv a privileged command really runs: sudo -n never prompts, so it fails fast instead of hanging. */
export function privilegedArgv(argv: readonly string[], useSudo: boolean): string[] {
  return useSudo ? ['sudo', '-n', '--', ...argv] : [...argv];
}

export const SUDO_PASSWORD_RE = /sudo: (a password is required|a terminal is required)/;

/** The same runner with close() a no-op: several service calls share one connection (the caller closes it). */
export function shared(runner: Runner): Runner {
  return {
    where: runner.where,
    sessionPort: runner.sessionPort,
    session: runner.session,
    run: runner.run.bind(runner),
    readFile: runner.readFile.bind(runner),
    readBytes: runner.readBytes.bind(runner),
    writeFile: runner.writeFile.bind(runner),
    stat: runner.stat.bind(runner),
    realpath: runner.realpath.bind(runner),
    listDir: runner.listDir.bind(runner),
    connectTcp: runner.connectTcp.bind(runner),
    close: async () => {},
  };
}

/** The same runner, every command of which stops when `signal` aborts (unless it must run to the end). */
export function withSignal(runner: Runner, signal: AbortSignal): Runner {
  return {
    where: runner.where,
    sessionPort: runner.sessionPort,
    session: runner.session,
    run: (argv, opts = {}) => runner.run(argv, opts.uninterruptible ? opts : { ...opts, signal }),
    readFile: runner.readFile.bind(runner),
    readBytes: runner.readBytes.bind(runner),
    writeFile: runner.writeFile.bind(runner),
    stat: runner.stat.bind(runner),
    realpath: runner.realpath.bind(runner),
    listDir: runner.listDir.bind(runner),
    connectTcp: runner.connectTcp.bind(runner),
    close: runner.close.bind(runner),
  };
}
