// `config get KEY --file F` on this machine: the file read and parsed with nothing else loaded (no inventory, SSH,
// process runner or schemas), so a script that reads one value many times pays little more than Node's own start
// (#26). The same reading as readConf (service.ts) for this case: bounded, regular files only, the same exact
// decoding and parse, $COMMBASE_APP_DIR the same way; test/integration/config-files.test.ts compares the two.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { readSmallFile } from '../core/files.js';
import { decodeExact, MAX_EDIT_BYTES } from '../services/file-edit.js';
import { appDirFor } from './app-dir.js';
import { parseConf, type ConfFile } from './parse.js';

export async function readLocalConf(file: string): Promise<{ path: string; file: ConfFile }> {
  if (file === '' || file.includes('\0')) throw new UserError(`invalid file ${JSON.stringify(file)}: must be a path (not empty, no NUL)`, [], 'file');
  const given = path.resolve(file);
  const missing = await fs.stat(given).then(() => false, (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
  if (missing) throw new UserError(`failed to read ${await fs.realpath(given).catch(() => given)} on local: no such file`, ['check the path, or give --file'], 'file');
  const bytes = await readSmallFile(given, 'file', MAX_EDIT_BYTES);
  const appDir = appDirFor(given, undefined, process.env.COMMBASE_APP_DIR);
  return { path: given, file: parseConf(decodeExact(bytes).text, appDir ? { COMMBASE_APP_DIR: appDir } : {}) };
}
