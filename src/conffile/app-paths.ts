// Where the paths in commbase.conf point. Commbase's Python joins CERTS_AND_KEYS_* and MESSAGING_FILE to
// $COMMBASE_APP_DIR with no separator ("/certificates/ca.pem" is $COMMBASE_APP_DIR/certificates/ca.pem), and bash
// expands $COMMBASE_APP_DIR in the script paths. Pure: a parsed file and an app directory in, paths out.
import path from 'node:path';
import { lastAssignment, type ConfFile } from './parse.js';
import { CERT_KEYS, FILE_PATH_KEYS } from './schema.js';
export { appDirFor } from './app-dir.js';

export const MANAGED_PATH_KEYS = [...FILE_PATH_KEYS, ...Object.keys(CERT_KEYS), 'MESSAGING_FILE'] as const;

export interface ManagedPath {
  key: string;
  line: number;
  /** As written in the file (between the quotes). */
  written: string;
  /** The file Commbase opens. */
  path: string;
  kind: 'script' | 'cert' | 'key' | 'data';
  /** Set when the value works only as an absolute path of this machine: why, and what to write instead. */
  absoluteOnly?: string;
}

/** The value between the quotes, as written (so `$COMMBASE_APP_DIR/…` stays as is). */
export function writtenValue(file: ConfFile, key: string): string | undefined {
  const l = lastAssignment(file, key);
  if (!l) return undefined;
  const m = /^"([^"\\`]*)"$/.exec(l.valueText);
  return m ? m[1]! : l.value;
}

const under = (dir: string, p: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

export function managedPaths(file: ConfFile, appDir: string): ManagedPath[] {
  const out: ManagedPath[] = [];
  for (const key of MANAGED_PATH_KEYS) {
    const l = lastAssignment(file, key);
    if (!l) continue;
    const written = writtenValue(file, key) ?? l.value;
    if ((FILE_PATH_KEYS as readonly string[]).includes(key)) {
      const absoluteOnly = !l.references.includes('COMMBASE_APP_DIR') && path.posix.isAbsolute(l.value) && !under(appDir, l.value)
        ? `an absolute path of this machine, outside ${appDir}: it breaks when Commbase lives elsewhere; write it as $COMMBASE_APP_DIR/…`
        : undefined;
      out.push({ key, line: l.n, written, path: l.value, kind: 'script', ...(absoluteOnly ? { absoluteOnly } : {}) });
      continue;
    }
    const kind = key === 'MESSAGING_FILE' ? 'data' : CERT_KEYS[key as keyof typeof CERT_KEYS];
    // Commbase joins with no separator; a value that already names the app directory is read under it again.
    const joined = appDir === '/' ? l.value : appDir + l.value;
    const absoluteOnly = under(appDir, l.value) && appDir !== '/'
      ? `already names ${appDir}, and Commbase joins it to the app directory again (${joined}); write it relative to the app directory, e.g. ${l.value.slice(appDir.length)}`
      : undefined;
    out.push({ key, line: l.n, written, path: joined, kind, ...(absoluteOnly ? { absoluteOnly } : {}) });
  }
  return out;
}

/** For the wizard and `client setup`: where a file goes under the app directory, and the value that names it. */
export function appCertificatePath(appDir: string, name: string): { path: string; value: string } {
  return { path: path.posix.join(appDir, 'certificates', name), value: `/certificates/${name}` };
}
