// What the console already made, so a form can offer it instead of asking for it again: the newest server
// certificate (with its key) under the console's certificate directory, the CA beside it, and the addresses
// and names it carries. Read from the files themselves, not remembered.
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultCertDir } from '../core/paths.js';
import { CA_CERT_FILE, LEAF_CERT_FILE, LEAF_KEY_FILE } from './layout.js';

export interface KnownServerCert {
  cert: string;
  key: string;
  /** The CA that signed it, when it sits where the console puts it (DIR/ca/ca.pem or beside the certificate). */
  ca?: string;
  ips: string[];
  names: string[];
  /** The first of its IP addresses that belongs to this machine (not loopback): where a relay using it listens. */
  localIp?: string;
}

const exists = (f: string) => fs.stat(f).then((s) => s.isFile(), () => false);

/** The newest server certificate with its key in DIR/server/ or DIR/ (the layouts `cert setup` and the wizard write). */
export async function latestServerCert(dirs: readonly string[] = [defaultCertDir()]): Promise<KnownServerCert | undefined> {
  const candidates: Array<{ dir: string; mtime: number }> = [];
  for (const dir of dirs) {
    for (const d of [path.join(dir, 'server'), dir]) {
      const st = await fs.stat(path.join(d, LEAF_CERT_FILE)).catch(() => undefined);
      if (st?.isFile() && (await exists(path.join(d, LEAF_KEY_FILE)))) candidates.push({ dir: d, mtime: st.mtimeMs });
    }
  }
  candidates.sort((a, b) => b.mtime - a.mtime);
  for (const c of candidates) {
    let x: X509Certificate;
    try { x = new X509Certificate(await fs.readFile(path.join(c.dir, LEAF_CERT_FILE))); } catch { continue; }
    if (x.ca) continue;
    const sans = (x.subjectAltName ?? '').split(',').map((s) => s.trim());
    const ips = sans.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice('IP Address:'.length));
    const names = sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
    const caCandidates = [path.join(path.dirname(c.dir), 'ca', CA_CERT_FILE), path.join(c.dir, CA_CERT_FILE)];
    let ca: string | undefined;
    for (const f of caCandidates) if (await exists(f)) { ca = f; break; }
    const mine = new Set(Object.values(os.networkInterfaces()).flat().filter((i) => i && !i.internal).map((i) => i!.address));
    const localIp = ips.find((ip) => mine.has(ip));
    return { cert: path.join(c.dir, LEAF_CERT_FILE), key: path.join(c.dir, LEAF_KEY_FILE), ...(ca ? { ca } : {}), ips, names, ...(localIp ? { localIp } : {}) };
  }
  return undefined;
}
