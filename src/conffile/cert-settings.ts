// Pointing commbase.conf at certificate files the console made: copied under the app directory (Commbase joins
// CERTS_AND_KEYS_* to it) and the values set through the one editor (service.ts), after a diff.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MODE_PUBLIC, MODE_SECRET, ensureDir, writeFileAtomic } from '../core/files.js';
import { record } from '../services/audit.js';
import { appCertificatePath, appDirFor } from './app-paths.js';
import { setConf, type ConfDeps, type SaveResult } from './service.js';

export interface CertProposal {
  appDir: string;
  /** Files copied into <app>/certificates/ (the one replaced is kept as FILE.bak). */
  installs: Array<{ from: string; to: string; mode: number }>;
  pairs: Array<[string, string]>;
}

/**
 * After the certificate wizard: install the server files where Commbase reads them, <app>/certificates/, and the
 * commbase.conf values that name them (/certificates/…, joined to the app directory by Commbase), plus the host.
 */
export function proposeCertSettings(opts: { confPath: string; cert: string; key: string; ca: string; sans: string[]; appDir?: string }): CertProposal | { reason: string } {
  const appDir = appDirFor(path.resolve(opts.confPath), opts.appDir);
  if (!appDir) return { reason: `cannot tell Commbase's app directory for ${opts.confPath} (not <app>/config/commbase.conf, and COMMBASE_APP_DIR is not set)` };
  const files = [['CERTS_AND_KEYS_CERT_PEM_FILE', opts.cert, 'cert.pem', MODE_PUBLIC], ['CERTS_AND_KEYS_KEY_PEM_FILE', opts.key, 'key.pem', MODE_SECRET], ['CERTS_AND_KEYS_CA_PEM_FILE', opts.ca, 'ca.pem', MODE_PUBLIC]] as const;
  const installs = files.map(([, from, name, mode]) => ({ from: path.resolve(from), to: appCertificatePath(appDir, name).path, mode })).filter((i) => i.from !== i.to);
  const ip = opts.sans.map((s) => s.replace(/^IP:/, '')).find((s, i) => opts.sans[i]!.startsWith('IP:') && s !== '127.0.0.1' && s !== '::1');
  return {
    appDir, installs,
    pairs: [...files.map(([key, , name]) => [key, appCertificatePath(appDir, name).value] as [string, string]), ...(ip ? [['COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS', ip] as [string, string]] : [])],
  };
}

/** What applyCertSettings will do, as lines for a confirmation. */
export function describeInstalls(p: CertProposal): string[] {
  return p.installs.map((i) => `copy ${i.from} → ${i.to} (mode ${i.mode.toString(8).padStart(4, '0')}; a file replaced there is kept as .bak)`);
}

/** Copy the files into the app directory on this machine (backups beside them), then set the values. */
export async function applyCertSettings(confPath: string, p: CertProposal, deps: ConfDeps): Promise<SaveResult & { installed: string[] }> {
  await ensureDir(path.join(p.appDir, 'certificates'), 0o755);
  for (const i of p.installs) await writeFileAtomic(i.to, await readFile(i.from), { mode: i.mode, backup: 'sibling' });
  await record({ action: 'config.install-certs', target: path.join(p.appDir, 'certificates'), outcome: `installed ${p.installs.map((i) => path.basename(i.to)).join(', ') || 'nothing (already there)'}` });
  const r = await setConf({ file: confPath, pairs: p.pairs }, deps);
  return { ...r, installed: p.installs.map((i) => i.to) };
}
