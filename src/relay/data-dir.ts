// The relay's data directory, checked as OpenSSH's StrictModes checks a home directory: the relay (often root)
// writes its log, tokens and admin secret there, so a directory that someone else can write, or that another
// user owns, would let them plant a link that makes the relay overwrite any file. Such a directory is refused,
// and so is every ancestor that others could use to swap it; the relay's own files are opened without
// following links.
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { ensureDir } from '../core/files.js';
import { quoted } from '../core/text.js';

const uid = () => process.getuid?.() ?? 0;
const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/** Create the directory (0700) if needed, then refuse it unless only its owner (us) and root can change it. */
export async function secureDataDir(dir: string): Promise<string> {
  await ensureDir(dir);
  const real = await fs.realpath(dir);
  const me = uid();
  const st = await fs.stat(real);
  if (!st.isDirectory()) throw unsafe(dir, 'is not a directory');
  if (st.uid !== me) throw unsafe(dir, `is owned by uid ${st.uid}, not by the user the relay runs as (uid ${me})`, [`chown ${me} ${real}`]);
  if (st.mode & 0o022) throw unsafe(dir, `can be written by ${st.mode & 0o002 ? 'anyone' : 'its group'} (mode ${octal(st.mode)})`, [`chmod 700 ${real}`]);
  // Every ancestor: owned by root or us, and not writable by others unless sticky (as /tmp is: nobody can rename
  // or remove what is not theirs there).
  for (let d = path.dirname(real); ; d = path.dirname(d)) {
    const a = await fs.stat(d);
    if (a.uid !== 0 && a.uid !== me) throw unsafe(dir, `lies under ${d}, which uid ${a.uid} owns (it could move the data directory away)`);
    if ((a.mode & 0o022) && !(a.mode & 0o1000)) throw unsafe(dir, `lies under ${d}, which others can write (mode ${octal(a.mode)})`, [`chmod go-w ${d}`]);
    if (d === path.dirname(d)) break;
  }
  return real;
}

function unsafe(dir: string, why: string, next: string[] = []): UserError {
  return new UserError(`invalid data-dir ${quoted(dir)}: it ${why}; the relay keeps tokens there and refuses a directory others could change`, [...next, 'or choose a directory of your own (mode 0700)'], 'data-dir');
}

/**
 * Open one of the relay's files without following a symbolic link (O_NOFOLLOW): a link found there was not put
 * there by the relay, and is refused with a clear message instead of written through.
 */
export async function openNoFollow(file: string, flags: 'r' | 'r+' | 'wx+' | 'a', mode = 0o600): Promise<fs.FileHandle> {
  const base = flags === 'r' ? constants.O_RDONLY : flags === 'r+' ? constants.O_RDWR : flags === 'a' ? constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT : constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;
  try {
    return await fs.open(file, base | constants.O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw linked(file);
    throw err;
  }
}

/** The file's text, read without following a link; undefined when there is none (a dangling link is refused). */
export async function readNoFollow(file: string): Promise<string | undefined> {
  let h: fs.FileHandle;
  try {
    h = await openNoFollow(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const st = await h.stat();
    if (!st.isFile()) throw new UserError(`failed to open the relay's data: ${file} is not a regular file: the relay refuses to read it`, ['move it aside'], 'data-dir');
    return await h.readFile('utf8');
  } finally {
    await h.close();
  }
}

function linked(file: string): UserError {
  return new UserError(`failed to open the relay's data: ${file} is a symbolic link: the relay never follows links in its data directory`, [`remove the link (rm ${file}) and, if it pointed at the relay's real file, move that file there`], 'data-dir');
}
