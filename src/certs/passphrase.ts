// Removing a key's passphrase. Node's crypto (OpenSSL) reads every format the openssl CLI writes:
// legacy PEM with DEK-Info (genrsa -aes256, -traditional) and encrypted PKCS#8 (genpkey -aes256),
// for RSA, EC and Ed25519 alike; node-forge reads only RSA.
import { createPrivateKey } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { readText, writeFileAtomic } from '../core/files.js';
import { parseInput } from '../core/validate.js';
import { record } from '../services/audit.js';
import { MODE_KEY } from './layout.js';

export const stripInput = z.object({
  in: z.string().min(1, 'must not be empty'),
  out: z.string().min(1, 'must not be empty'),
});

export function isEncryptedPem(pem: string): boolean {
  return /-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
}

export async function readKeyFile(file: string): Promise<{ pem: string; encrypted: boolean }> {
  const pem = await readText(file, 'key');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new UserError(`invalid in ${JSON.stringify(file)}: the file holds no PEM private key`, [], 'in');
  }
  return { pem, encrypted: isEncryptedPem(pem) };
}

export function decryptKey(pem: string, passphrase: string): string {
  try {
    const key = createPrivateKey({ key: pem, format: 'pem', passphrase });
    return key.export({ type: 'pkcs8', format: 'pem' }) as string;
  } catch (err) {
    const msg = (err as Error).message;
    // OpenSSL 3 reports an empty or wrong passphrase on an encrypted key either as a decrypt failure or as
    // "DECODER routines::unsupported" (no decoder could read it with that passphrase), depending on version.
    if (/bad decrypt|bad password|wrong password|unable to decrypt|decrypt|DECODER routines::unsupported/i.test(msg)) {
      throw new UserError('failed to decrypt the key: wrong passphrase', ['try again; nothing was written'], 'passphrase');
    }
    throw new UserError(`failed to decrypt the key: ${msg}`, [], 'in');
  }
}

/** Decrypt IN into OUT (0600). Writing over IN keeps the encrypted original as IN.bak first. */
export async function stripPassphrase(raw: z.input<typeof stripInput>, passphrase: string): Promise<{ out: string; backup?: string; wasEncrypted: boolean }> {
  const input = parseInput(stripInput, raw);
  const { pem, encrypted } = await readKeyFile(input.in);
  const plain = encrypted ? decryptKey(pem, passphrase) : pem;
  const same = path.resolve(input.in) === path.resolve(input.out);
  const r = await writeFileAtomic(input.out, plain, { mode: MODE_KEY, backup: same ? 'sibling' : 'timestamped' });
  await record({ action: 'cert.strip-passphrase', target: input.out, outcome: `${encrypted ? 'decrypted' : 'copied (it had no passphrase)'} from ${input.in}${r.backup ? `, previous file kept as ${r.backup}` : ''}` });
  return { out: input.out, ...(r.backup ? { backup: r.backup } : {}), wasEncrypted: encrypted };
}
