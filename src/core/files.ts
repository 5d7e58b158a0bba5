// Every file that matters is written here: temp file in the same directory, fsync, rename, fsync the
// directory. A replaced file is kept as a backup first. Secrets get their mode at creation (no window
// in which a key is world-readable).
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.js';

/** 0600: private keys, tokens, settings with secrets. 0644: certificates anyone may read. */
export const MODE_SECRET = 0o600;
export const MODE_PUBLIC = 0o644;
export const MODE_PRIVATE_DIR = 0o700;

export interface WriteOptions {
  mode: number;
  /** Where to keep the file being replaced: 'none', a fixed sibling (FILE.bak) or a timestamped one. */
  backup?: 'none' | 'sibling' | 'timestamped';
  /** Keep the replaced file's owner (needs the rights to chown; root has them). */
  owner?: { uid: number; gid: number };
}

export async function ensureDir(dir: string, mode = MODE_PRIVATE_DIR): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode });
  } catch (err) {
    throw new UserError(`failed to create the directory ${dir}: ${(err as Error).message}`, [
      'choose a directory you can write to',
    ], 'dir');
  }
}

/** Fail early, before any work, if a directory cannot be created or written. */
export async function assertWritableDir(dir: string, field = 'dir'): Promise<void> {
  await ensureDir(dir);
  try {
    await fs.access(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UserError(`invalid ${field} ${JSON.stringify(dir)}: the directory cannot be written`, [
      'choose a directory you own, or fix its permissions',
    ], field);
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

export function timestampSuffix(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

export async function backupFile(file: string, how: 'sibling' | 'timestamped'): Promise<string | undefined> {
  if (!(await exists(file))) return undefined;
  const target = how === 'sibling' ? `${file}.bak` : `${file}.${timestampSuffix()}.bak`;
  const st = await fs.stat(file);
  await fs.copyFile(file, target);
  await fs.chmod(target, st.mode & 0o777);
  return target;
}

/** True when the file already holds exactly this, with this mode (and owner): writing it again would change nothing. */
async function alreadyThere(file: string, data: string | Uint8Array, opts: WriteOptions): Promise<boolean> {
  try {
    const st = await fs.lstat(file);
    if (!st.isFile() || (st.mode & 0o777) !== opts.mode) return false;
    if (opts.owner && (st.uid !== opts.owner.uid || st.gid !== opts.owner.gid)) return false;
    return (await fs.readFile(file)).equals(typeof data === 'string' ? Buffer.from(data) : data);
  } catch {
    return false;
  }
}

/** `.NAME.<12 hex>.tmp`: what writeFileAtomic (and the SSH runner) writes before the rename. */
export function isStrayTemp(name: string, base: string): boolean {
  return name.length === base.length + 18 && name.startsWith(`.${base}.`) && /^\.[0-9a-f]{12}\.tmp$/.test(name.slice(base.length + 1));
}

/** Temp files of an interrupted earlier write of this file (a crash between create and rename). */
async function removeStrayTemps(dir: string, base: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => isStrayTemp(n, base)).map((n) => fs.rm(path.join(dir, n), { force: true })));
}

/** Writes of one path in this process take turns, so a stray-temp sweep never meets a write in flight. */
const inFlight = new Map<string, Promise<unknown>>();

export function writeFileAtomic(file: string, data: string | Uint8Array, opts: WriteOptions): Promise<{ backup?: string }> {
  const key = path.resolve(file);
  const prev = inFlight.get(key) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(() => writeNow(file, data, opts));
  inFlight.set(key, next);
  void next.catch(() => undefined).finally(() => { if (inFlight.get(key) === next) inFlight.delete(key); });
  return next;
}

async function writeNow(file: string, data: string | Uint8Array, opts: WriteOptions): Promise<{ backup?: string }> {
  const dir = path.dirname(file);
  await removeStrayTemps(dir, path.basename(file));
  // Rewriting identical bytes would only leave a backup identical to the file (e.g. ca.pem on every `cert setup`).
  // Only worth a read when a backup would be made: the relay's snapshots and auth state are written without one.
  const how = opts.backup && opts.backup !== 'none' ? opts.backup : undefined;
  if (how && (await alreadyThere(file, data, opts))) return {};
  const backup = how ? await backupFile(file, how) : undefined;
  const tmp = path.join(dir, `.${path.basename(file)}.${(await import('node:crypto')).randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', opts.mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(opts.mode); // umask may have narrowed or (never) widened the mode
    if (opts.owner) await handle.chown(opts.owner.uid, opts.owner.gid);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
  return backup ? { backup } : {};
}

async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

export async function readText(file: string, field = 'file'): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new UserError(`failed to read the ${field} ${file}: ${why}`, [], field);
  }
}

/** A directory's entries for completion: names, and which are directories; undefined when unreadable. */
export type ListDir = (dir: string) => Promise<Array<{ name: string; dir: boolean }> | undefined>;

export const listLocalDir: ListDir = async (dir) => {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return await Promise.all(entries.map(async (e) => ({ name: e.name, dir: e.isDirectory() || (e.isSymbolicLink() && await fs.stat(path.join(dir, e.name)).then((s) => s.isDirectory(), () => false)) })));
  } catch {
    return undefined;
  }
};

/**
 * Tab completion of a path, as a shell does it: the one entry the last part starts with (a directory gets its
 * /), or the longest prefix several share. `home` expands a leading ~. Unreadable directories complete nothing.
 * The listing is this machine's unless another is given (a host's, over SFTP).
 */
export async function completePathWith(partial: string, list: ListDir, home: string | undefined): Promise<string> {
  if (!partial.startsWith('/') && !partial.startsWith('~')) return partial;
  if (partial.startsWith('~') && !home) return partial;
  const expanded = partial.startsWith('~') ? partial.replace(/^~/, home!) : partial;
  const p = path.posix;
  const dir = expanded.endsWith('/') ? expanded : p.dirname(expanded);
  const prefix = expanded.endsWith('/') ? '' : p.basename(expanded);
  const entries = (await list(dir))?.filter((e) => e.name.startsWith(prefix) && (prefix.startsWith('.') || !e.name.startsWith('.')));
  if (!entries) return partial;
  if (entries.length === 0) return expanded;
  const names = entries.map((e) => e.name).sort();
  let common = names[0]!;
  for (const n of names) while (!n.startsWith(common)) common = common.slice(0, -1);
  const joined = p.join(dir, common);
  return entries.length === 1 && entries[0]!.dir ? `${joined}/` : joined;
}

/** Tab completion of a path on this machine. */
export const completePath = (partial: string): Promise<string> => completePathWith(partial, listLocalDir, process.env.HOME);

/**
 * A file the operator named (a CA, a certificate, an identity), read with care: it must be a regular file (a FIFO
 * would block, /dev/zero would never end) of at most `maxBytes`. Opened non-blocking, checked on the open handle.
 */
export async function readSmallFile(file: string, field: string, maxBytes = 1024 * 1024): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`failed to read the ${field} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`, [], field);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new UserError(`invalid ${field} ${JSON.stringify(file)}: not a regular file`, ['give the path of the file itself'], field);
    if (st.size > maxBytes) throw new UserError(`invalid ${field} ${JSON.stringify(file)}: ${st.size} bytes, more than the ${maxBytes} such a file can hold`, [], field);
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, total, buf.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new UserError(`invalid ${field} ${JSON.stringify(file)}: more than the ${maxBytes} bytes such a file can hold`, [], field);
      if (total === buf.length) break;
    }
    return buf.subarray(0, total);
  } finally {
    await handle.close();
  }
}

/** The identity ssh itself would try first (~/.ssh/id_ed25519, id_ecdsa, id_rsa), for a form to offer. */
export async function defaultIdentity(home = process.env.HOME): Promise<string | undefined> {
  if (!home) return undefined;
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = path.join(home, '.ssh', name);
    if (await fs.stat(file).then((s) => s.isFile(), () => false)) return file;
  }
  return undefined;
}
