// The SSH runner: ssh2 exec for commands (argv quoted by the one quoting function), SFTP for files.
// Host keys are checked like OpenSSH: a pinned SHA-256 fingerprint, asked about on first contact.
import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import net from 'node:net';
import ssh2, { type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { ExternalError, UserError } from '../core/errors.js';
import { isStrayTemp, readSmallFile } from '../core/files.js';
import { quoteArgv } from '../core/quote.js';
import { isIP } from '../core/net.js';
import { privilegedArgv, SUDO_PASSWORD_RE, type DirEntry, type FileStat, type RunOptions, type RunResult, type Runner, type SshSession } from './types.js';

const { Client, utils } = ssh2;

export interface SshTarget {
  name: string;
  address: string;
  port: number;
  user: string;
  identity?: string;
  sudo: boolean;
}

export interface SshTrust {
  /** Decide about the host key; resolve true to go on. Throw a UserError to refuse with a message. */
  verify(fingerprint: string): Promise<boolean>;
  /** Asked when the identity file is encrypted. */
  passphrase?(identity: string): Promise<string>;
}

/** OpenSSH's form: SHA256:<base64 of the key blob's digest, no padding>. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

const KEEPALIVE_MS = 5000;
const KEEPALIVE_COUNT = 3;

/** The most a command's stdout (or stderr) may hold before it is stopped: as much as execa allows locally. */
export const MAX_OUTPUT = 100 * 2 ** 20;

/** A command's output as bytes, decoded once (never split inside a character), refusing past MAX_OUTPUT. */
export class Output {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  add(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > MAX_OUTPUT) return false;
    this.chunks.push(chunk);
    return true;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export class SshRunner implements Runner {
  readonly where: string;
  readonly sessionPort: number;
  readonly session: SshSession | undefined;
  private sftpChannel: SFTPWrapper | undefined;
  /** Set when the connection dropped (keepalives unanswered, reset): every command then says so. */
  private lost: string | undefined;
  /** Commands waiting for their exit status: a connection that drops ends them at once, not at their timeout. */
  private readonly waiting = new Set<() => void>();

  private constructor(private readonly client: InstanceType<typeof Client>, private readonly target: SshTarget, sock: net.Socket) {
    this.where = `${target.user}@${target.address}:${target.port} (${target.name})`;
    this.sessionPort = target.port;
    // Our end of the TCP connection (ours: ssh2 is handed the socket, its `sock` option) is the session's source as
    // the host sees it (no NAT in between assumed; behind NAT the host sees another source, and the lockout guard
    // then proves nothing and refuses).
    const source = sock.localAddress?.replace(/^::ffff:/, '');
    const server = sock.remoteAddress?.replace(/^::ffff:/, '');
    const family = source ? isIP(source) : 0;
    this.session = source && server && family ? { family, source, server, port: sock.remotePort ?? target.port } : undefined;
    client.on('error', (err: Error & { level?: string }) => { this.lost ??= err.level === 'client-timeout' ? `it went silent (no answer to ${KEEPALIVE_COUNT} keepalives, ${KEEPALIVE_MS / 1000} s apart)` : err.message; this.endWaiting(); });
    client.on('close', () => { this.lost ??= 'it was closed'; this.endWaiting(); });
  }

  static async connect(target: SshTarget, trust: SshTrust, timeoutMs = 15_000): Promise<SshRunner> {
    const config: ConnectConfig = {
      host: target.address,
      port: target.port,
      username: target.user,
      // ssh2's own ready timeout would count the time a person spends comparing fingerprints: ours below
      // counts the network only (paused while the host key question is open).
      readyTimeout: 0,
      // A session a firewall change cut off must not hang the command: give up after ~20 s of silence.
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: KEEPALIVE_COUNT,
      ...(process.env.SSH_AUTH_SOCK ? { agent: process.env.SSH_AUTH_SOCK } : {}),
    };
    if (target.identity) Object.assign(config, await loadIdentity(target.identity, trust));
    let refusal: unknown;
    const client = new Client();
    const sock = new net.Socket();
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          client.end();
          sock.destroy();
          reject(connectError(target, Object.assign(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s (not counting the time a host key question was open)`), { level: 'client-timeout' })));
        }, timeoutMs);
      };
      config.hostVerifier = (key: Buffer, verify: (ok: boolean) => void) => {
        clearTimeout(timer); // a person may be reading the fingerprint: the network is not what is slow
        trust.verify(fingerprintOf(key)).then((ok) => { arm(); verify(ok); }, (err) => { refusal = err; arm(); verify(false); });
      };
      client.once('ready', () => { clearTimeout(timer); resolve(); });
      client.once('error', (err: Error & { level?: string }) => { clearTimeout(timer); reject(refusal ?? connectError(target, err)); });
      arm();
      // The TCP connection is opened here and handed to ssh2 (its public `sock` option), so its addresses are ours
      // to read; a failure to connect is the same error as ssh2's would be.
      sock.once('error', (err: Error) => { clearTimeout(timer); reject(connectError(target, err)); });
      sock.connect(target.port, target.address, () => {
        // Small request/response exchanges: without TCP_NODELAY each command waits out a 40 ms delayed ACK.
        sock.setNoDelay(true);
        client.connect({ ...config, sock });
      });
    });
    return new SshRunner(client, target, sock);
  }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    if (this.lost) throw new ExternalError(`failed to run ${argv[0]} on ${this.where}: the SSH connection is gone: ${this.lost}`, argv, null, '', this.where);
    const full = privilegedArgv(argv, Boolean(opts.privileged && this.target.sudo));
    const command = quoteArgv(full);
    const result = await new Promise<RunResult>((resolve, reject) => {
      this.client.exec(command, (err: Error | undefined, stream: ClientChannel) => {
        if (err) return reject(this.lostError(argv, full) ?? new ExternalError(`failed to start ${argv[0]} on ${this.where}: ${err.message}`, full, null, '', this.where));
        // Bytes are kept as they come and decoded once at the end (a chunk may end inside a UTF-8 character), up to
        // a bound: a command that floods its output is stopped, not kept in memory.
        const out = new Output();
        const errOut = new Output();
        const timer = setTimeout(() => { stream.close(); reject(new ExternalError(`failed to run ${argv[0]} on ${this.where}: it timed out`, full, null, errOut.text(), this.where)); }, opts.timeoutMs ?? 60_000);
        const flooded = () => { clearTimeout(timer); stream.close(); reject(new ExternalError(`failed to run ${argv[0]} on ${this.where}: it wrote more than ${MAX_OUTPUT / 2 ** 20} MiB`, full, null, errOut.text().slice(-2000), this.where)); };
        const dropped = () => { clearTimeout(timer); reject(this.lostError(argv, full, errOut.text())!); };
        this.waiting.add(dropped);
        stream.on('close', () => this.waiting.delete(dropped));
        const onAbort = () => { clearTimeout(timer); stream.close(); reject(new UserError(`cancelled: stopped waiting for ${argv[0]} on ${this.where}`, [], 'cancelled')); };
        if (opts.signal?.aborted) return onAbort();
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        stream.on('close', () => opts.signal?.removeEventListener('abort', onAbort));
        stream.on('data', (d: Buffer) => { if (!out.add(d)) flooded(); });
        stream.stderr.on('data', (d: Buffer) => { if (!errOut.add(d)) flooded(); });
        stream.on('close', (code: number | null) => { clearTimeout(timer); resolve({ exitCode: code ?? 255, stdout: out.text(), stderr: errOut.text() }); });
        stream.end(opts.input ?? undefined);
      });
    });
    if (result.exitCode === 255) { const lost = this.lostError(argv, full, result.stderr); if (lost) throw lost; }
    if (SUDO_PASSWORD_RE.test(result.stderr)) {
      throw new UserError(`failed to run ${argv[0]}: sudo on ${this.where} wants a password, and commbase-admin never types one`, [
        `allow the commands for ${this.target.user} without a password (a NOPASSWD sudoers rule), or connect as root`,
      ], 'sudo');
    }
    if (result.exitCode === 127 && /not found/.test(result.stderr)) {
      throw new ExternalError(`failed to run ${argv[0]} on ${this.where}: it is not installed there`, full, 127, result.stderr, this.where);
    }
    if (result.exitCode !== 0 && !opts.allowFailure) {
      throw new ExternalError(`failed to run ${argv[0]} on ${this.where}`, full, result.exitCode, result.stderr, this.where);
    }
    return result;
  }

  private lostError(argv: readonly string[], full: readonly string[], stderr = ''): ExternalError | undefined {
    if (!this.lost) return undefined;
    return new ExternalError(`failed to run ${argv[0]}: lost the SSH connection to ${this.where} while running it: ${this.lost}. A firewall change may have cut it off: check the host from its console`, full, null, stderr, this.where);
  }

  private async sftp(): Promise<SFTPWrapper> {
    if (this.sftpChannel) return this.sftpChannel;
    this.sftpChannel = await new Promise<SFTPWrapper>((resolve, reject) => this.client.sftp((err, s) => (err ? reject(err) : resolve(s))));
    return this.sftpChannel;
  }

  async readFile(file: string): Promise<string> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) => sftp.readFile(file, { encoding: 'utf8' }, (err, data) => {
      if (err) reject(new UserError(`failed to read ${file} on ${this.where}: ${err.message}`, [], 'file'));
      else resolve(String(data));
    }));
  }

  async readBytes(file: string): Promise<Buffer> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) => sftp.readFile(file, (err: Error | undefined, data: Buffer) => {
      if (err) reject(new UserError(`failed to read ${file} on ${this.where}: ${err.message}`, [], 'file'));
      else resolve(data);
    }));
  }

  async writeFile(file: string, data: string | Uint8Array, mode: number, owner?: { uid: number; gid: number }): Promise<void> {
    const sftp = await this.sftp();
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    const tmp = `${dir}.${file.slice(dir.length)}.${randomBytes(6).toString('hex')}.tmp`;
    const fail = (err: Error) => new ExternalError(`failed to write ${file} on ${this.where}: ${err.message}`, ['sftp', 'write', file], null, '', this.where);
    const step = <T>(fn: (cb: (err: Error | null | undefined, v?: T) => void) => void) => new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(fail(err)) : resolve(v as T))));
    await this.removeStrayTemps(sftp, dir, file.slice(dir.length));
    const handle = await step<Buffer>((cb) => sftp.open(tmp, 'wx', { mode }, cb));
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
      if (buf.length) await step((cb) => sftp.write(handle, buf, 0, buf.length, 0, cb));
      await step((cb) => sftp.fchmod(handle, mode, cb));
      if (owner) await step((cb) => sftp.fchown(handle, owner.uid, owner.gid, cb));
      // fsync@openssh.com: the data is on disk before the rename makes it the file.
      await step((cb) => sftp.ext_openssh_fsync(handle, cb)).catch(() => undefined);
    } catch (err) {
      await step((cb) => sftp.close(handle, cb)).catch(() => undefined);
      await step((cb) => sftp.unlink(tmp, cb)).catch(() => undefined);
      throw err;
    }
    await step((cb) => sftp.close(handle, cb));
    await step((cb) => sftp.ext_openssh_rename(tmp, file, cb)).catch(async (err: unknown) => {
      await step((cb) => sftp.unlink(tmp, cb)).catch(() => undefined);
      throw err;
    });
  }

  /** Temp files an interrupted write of this file left beside it (same pattern as core/files.ts). */
  private async removeStrayTemps(sftp: SFTPWrapper, dir: string, base: string): Promise<void> {
    const names = await new Promise<string[]>((resolve) => sftp.readdir(dir || '.', (err, list) => resolve(err ? [] : list.map((e) => e.filename))));
    for (const name of names.filter((n) => isStrayTemp(n, base))) await new Promise<void>((resolve) => sftp.unlink(`${dir}${name}`, () => resolve()));
  }

  async stat(file: string): Promise<FileStat | undefined> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) => sftp.stat(file, (err, st) => {
      if (err) return (err as { code?: number }).code === 2 ? resolve(undefined) : reject(new UserError(`failed to read the details of ${file} on ${this.where}: ${err.message}`, [], 'file'));
      const type = st.mode & 0o170000;
      resolve({ kind: type === 0o100000 ? 'file' : type === 0o040000 ? 'dir' : 'other', mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: st.size });
    }));
  }

  async realpath(file: string): Promise<string> {
    const sftp = await this.sftp();
    return new Promise((resolve) => sftp.realpath(file, (err, abs) => resolve(err ? file : abs)));
  }

  async listDir(dir: string): Promise<DirEntry[] | undefined> {
    const sftp = await this.sftp().catch(() => undefined);
    if (!sftp) return undefined;
    // SFTP's readdir gives lstat attributes: a link to a directory is followed with stat.
    const list = await new Promise<Array<{ filename: string; attrs: { mode: number } }> | undefined>((resolve) => sftp.readdir(dir, (err, l) => resolve(err ? undefined : l)));
    if (!list) return undefined;
    const isDir = (mode: number) => (mode & 0o170000) === 0o040000;
    const isLink = (mode: number) => (mode & 0o170000) === 0o120000;
    return Promise.all(list.slice(0, 5000).map(async (e) => ({
      name: e.filename,
      dir: isDir(e.attrs.mode) || (isLink(e.attrs.mode) && await new Promise<boolean>((resolve) => sftp.stat(`${dir.replace(/\/+$/, '')}/${e.filename}`, (err, st) => resolve(!err && isDir(st.mode))))),
    })));
  }

  /** A TCP stream to an address as seen from the remote host (the relay's admin feed, on its loopback). */
  connectTcp(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => this.client.forwardOut('127.0.0.1', 0, host, port, (err, ch) => (err ? reject(err) : resolve(ch))));
  }

  private endWaiting(): void {
    for (const end of [...this.waiting]) end();
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.client.end();
    // A connection that went silent does not finish a polite end: let go of it after a second.
    setTimeout(() => this.client.destroy(), 1000).unref();
  }
}

/**
 * An identity file, read as OpenSSH reads one: a regular file of sane size (a FIFO or /dev/zero is refused, not
 * waited on), and not readable by group or others when it is the user's own ("UNPROTECTED PRIVATE KEY FILE").
 */
export async function readIdentity(file: string): Promise<Buffer> {
  const key = await readSmallFile(file, 'identity', 64 * 1024);
  const st = await stat(file);
  if ((st.mode & 0o077) !== 0 && st.uid === (process.getuid?.() ?? st.uid)) {
    throw new UserError(`failed to use the identity file ${file}: it can be read by others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}): like OpenSSH, commbase-admin does not use a private key that is not private`, [`chmod 600 ${file}`], 'identity');
  }
  return key;
}

/** Whether ssh2 needs a passphrase to read this identity file (false for a plain key or an unreadable one). */
export async function identityNeedsPassphrase(file: string): Promise<boolean> {
  let key: Buffer;
  try { key = await readIdentity(file); } catch { return false; }
  const parsed = utils.parseKey(key);
  return parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message);
}

export async function passphraseOpens(file: string, passphrase: string): Promise<boolean> {
  return !(utils.parseKey(await readIdentity(file), passphrase) instanceof Error);
}

async function loadIdentity(file: string, trust: SshTrust): Promise<Partial<ConnectConfig>> {
  const key = await readIdentity(file);
  const parsed = utils.parseKey(key);
  if (!(parsed instanceof Error)) return { privateKey: key };
  if (!/encrypted|passphrase/i.test(parsed.message)) {
    throw new UserError(`failed to use the identity file ${file}: it is not a private key ssh2 can read: ${parsed.message}`, [], 'identity');
  }
  if (!trust.passphrase) {
    throw new UserError(`failed to use the identity file ${file}: it is encrypted and there is no terminal to ask for its passphrase`, [
      'load the key into ssh-agent (ssh-add) and leave --identity out, or run from a terminal',
    ], 'identity');
  }
  const passphrase = await trust.passphrase(file);
  const check = utils.parseKey(key, passphrase);
  if (check instanceof Error) throw new UserError(`failed to decrypt the identity file ${file}: wrong passphrase`, [], 'identity');
  return { privateKey: key, passphrase };
}

function connectError(target: SshTarget, err: Error & { level?: string; code?: string }): Error {
  const where = `${target.user}@${target.address}:${target.port}`;
  if (err.level === 'client-authentication') {
    return new UserError(`failed to log in to ${where}: the server accepted none of our keys`, [
      `give a key with --identity, or add yours to ~${target.user}/.ssh/authorized_keys there`,
    ], 'identity');
  }
  if (err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.level === 'client-timeout' || err.code === 'ETIMEDOUT') {
    return new ExternalError(`failed to reach ${target.name} at ${where}: ${err.message}`, ['ssh', where], null, err.message, target.name);
  }
  return new ExternalError(`failed to connect to ${where}: ${err.message}`, ['ssh', where], null, err.message, target.name);
}
