// What is inside the certificate and key files commbase.conf names: certificates are certificates, keys are
// keys, and each key belongs to its certificate. The conf side (src/conffile) finds and reads the files; the
// command line puts the two together, so neither capability imports the other.
import { keyMatchesCert, loadPrivateKey } from './keys.js';
import { parseCertificate } from './inspect.js';

export interface PemFile {
  key: string;
  line?: number;
  kind: 'cert' | 'key';
  path: string;
  text: string;
}

export interface PemFinding {
  line?: number;
  key: string;
  severity: 'error';
  message: string;
}

/** `pairs`: [certificate variable, key variable] that must belong together. */
export function checkPemFiles(files: readonly PemFile[], pairs: ReadonlyArray<readonly [string, string]>): PemFinding[] {
  const out: PemFinding[] = [];
  const good = new Map<string, PemFile>();
  for (const f of files) {
    try {
      if (f.kind === 'cert') parseCertificate(f.text, f.key); else loadPrivateKey(f.text, f.key);
      good.set(f.key, f);
    } catch (err) {
      out.push({ ...(f.line !== undefined ? { line: f.line } : {}), key: f.key, severity: 'error', message: `${f.key}: ${f.path}: ${(err as Error).message}` });
    }
  }
  for (const [c, k] of pairs) {
    const cert = good.get(c);
    const key = good.get(k);
    if (cert && key && !keyMatchesCert(loadPrivateKey(key.text), parseCertificate(cert.text).publicKey)) {
      out.push({ ...(key.line !== undefined ? { line: key.line } : {}), key: k, severity: 'error', message: `${k} is not the key of ${c}` });
    }
  }
  return out;
}
