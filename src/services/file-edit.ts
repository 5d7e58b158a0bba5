// The one writer for files commbase-admin edits in place on a host (commbase.conf, Commbase's scripts), here or
// over SFTP. What it keeps:
// - a symbolic link stays a link: the file it names is written, its backup beside that file;
// - every byte the edit does not change: a file that is not valid UTF-8 is edited as bytes (Latin-1 maps each
//   byte to one character and back), so 0xE9 stays 0xE9 instead of becoming U+FFFD;
// - the owner and mode (narrowed when the new content holds a secret), a FILE.bak of what was there, and an
//   atomic replace; a file changed by someone else since it was read is not overwritten.
import { UserError } from '../core/errors.js';
import type { Runner } from '../runners/types.js';

export type Encoding = 'utf8' | 'latin1';

/** Text that turns back into exactly the bytes it came from. */
export interface ExactText { text: string; encoding: Encoding }

export function decodeExact(bytes: Buffer): ExactText {
  const utf8 = bytes.toString('utf8');
  return Buffer.from(utf8, 'utf8').equals(bytes) ? { text: utf8, encoding: 'utf8' } : { text: bytes.toString('latin1'), encoding: 'latin1' };
}

export function encodeExact(t: ExactText): Buffer {
  return Buffer.from(t.text, t.encoding);
}

/** A value to put into text of this encoding: in a Latin-1 view, its UTF-8 bytes one character each. */
export function insertable(value: string, encoding: Encoding): string {
  return encoding === 'utf8' ? value : Buffer.from(value, 'utf8').toString('latin1');
}

/** A Latin-1 view's line as a person should read it (its UTF-8 parts decoded). */
export function readable(text: string, encoding: Encoding): string {
  return encoding === 'utf8' ? text : Buffer.from(text, 'latin1').toString('utf8');
}

export interface FileForEdit {
  /** The path as given. */
  path: string;
  /** Where the bytes are (the file a link names). */
  target: string;
  bytes: Buffer;
  exact: ExactText;
  mode: number;
  owner: { uid: number; gid: number };
}

/** The most a file edited in place may hold (commbase.conf and Commbase's scripts are a few KiB). */
export const MAX_EDIT_BYTES = 4 * 1024 * 1024;

/** Read a file to edit it; undefined when there is none. A device, a FIFO or a huge file is refused before reading. */
export async function readForEdit(runner: Runner, file: string): Promise<FileForEdit | undefined> {
  const target = await runner.realpath(file);
  const st = await runner.stat(target);
  if (!st) return undefined;
  if (st.kind !== 'file') throw new UserError(`invalid file ${JSON.stringify(file)}: not a regular file${st.kind === 'dir' ? ' (a directory)' : ''}`, ['give the path of the file itself'], 'file');
  if (st.size > MAX_EDIT_BYTES) throw new UserError(`invalid file ${JSON.stringify(file)}: ${st.size} bytes, more than the ${MAX_EDIT_BYTES} a file edited here may hold`, [], 'file');
  const bytes = await runner.readBytes(target);
  return { path: file, target, bytes, exact: decodeExact(bytes), mode: st.mode & 0o7777, owner: { uid: st.uid, gid: st.gid } };
}

export interface ReplaceOptions {
  /** The mode of a new file. */
  mode: number;
  /** The new content carries a secret (a token): group and others lose every right, on the file and its backup. */
  secret?: boolean;
}

/**
 * Write `after` where `before` was read (or create `file` when `before` is undefined). Returns where it wrote and
 * the backup of what was there. Nothing is written when the content would not change.
 */
export async function replaceFile(runner: Runner, file: string, before: FileForEdit | undefined, after: Buffer, opts: ReplaceOptions): Promise<{ target: string; backup?: string; changed: boolean }> {
  const narrow = (mode: number) => (opts.secret ? mode & 0o700 : mode);
  if (!before) {
    const target = await runner.realpath(file);
    if (await runner.stat(target)) throw changedMeanwhile(file);
    await runner.writeFile(target, after, narrow(opts.mode));
    return { target, changed: true };
  }
  if (before.bytes.equals(after) && narrow(before.mode) === before.mode) return { target: before.target, changed: false };
  // Someone else may have saved since we read: compare again right before writing.
  const now = await runner.readBytes(before.target).catch(() => undefined);
  if (!now || !now.equals(before.bytes)) throw changedMeanwhile(file);
  const backup = `${before.target}.bak`;
  await runner.writeFile(backup, before.bytes, narrow(before.mode), before.owner);
  await runner.writeFile(before.target, after, narrow(before.mode), before.owner);
  return { target: before.target, backup, changed: true };
}

function changedMeanwhile(file: string): UserError {
  return new UserError(`failed to write ${file}: it changed since it was read (someone else edited it)`, ['read it again and redo the change: nothing was written'], 'file');
}
