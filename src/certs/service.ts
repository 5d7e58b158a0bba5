// Certificate operations with their files: what the CLI and the Certificates screen both call.
import path from 'node:path';
import type * as Forge from 'node-forge';
import forge from './forge.js';
import { z } from 'zod';
import { BugError, UserError } from '../core/errors.js';
import { assertWritableDir, exists, readText, writeFileAtomic } from '../core/files.js';
import { parseInput } from '../core/validate.js';
import { record } from '../services/audit.js';
import { buildCaCert, buildCsr, buildLeafCert, validityFor } from './build.js';
import { generateRsaKey, keyMatchesCert, loadPrivateKey, rsaKeyFromPem, type RsaKey } from './keys.js';
import { decryptKey, isEncryptedPem } from './passphrase.js';
import { createPrivateKey } from 'node:crypto';
import { parseCertificate, parseCertificateChain, summarise, isSignedBy, type CertSummary } from './inspect.js';
import { MODE_CA_KEY, MODE_CERT, MODE_KEY, caPaths, leafPaths } from './layout.js';
import {
  DEFAULT_CA_DAYS, DEFAULT_CA_KEY_SIZE, DEFAULT_LEAF_KEY_SIZE, MAX_LEAF_DAYS,
  caDays, commonName, formatSan, keySize, leafDays, san, sansWithCommonName, type KeySize, type San,
} from './schemas.js';

export type Progress = (step: string) => void;
const quiet: Progress = () => {};

const dirField = z.string().min(1, 'must not be empty');

// ---- CA -------------------------------------------------------------------------------------------

export const caInput = z.object({
  dir: dirField,
  cn: commonName,
  days: caDays.default(DEFAULT_CA_DAYS),
  'key-size': keySize.default(DEFAULT_CA_KEY_SIZE),
  force: z.boolean().default(false),
  /** Encrypt ca-key.pem with it (PKCS#8, AES-256): every certificate signed later asks for it. */
  passphrase: z.string().min(8, 'must be at least 8 characters').max(1024).optional(),
});

export interface CaResult {
  cert: string;
  key: string;
  backups: string[];
  summary: CertSummary;
}

export async function createCa(raw: z.input<typeof caInput>, onStep: Progress = quiet, now = new Date()): Promise<CaResult> {
  const input = parseInput(caInput, raw);
  const files = caPaths(input.dir);
  await assertWritableDir(input.dir, 'dir');
  const present = (await exists(files.cert)) || (await exists(files.key));
  if (present && !input.force) {
    throw new UserError(`failed to create the CA: ${input.dir} already holds a CA (${files.cert})`, [
      'use the existing CA: commbase-admin cert issue --ca-dir ' + input.dir + ' …',
      'or replace it (the old one is kept as a timestamped .bak): add --force',
    ], 'dir');
  }
  onStep(`generating the CA key (RSA ${input['key-size']})`);
  const key = await generateRsaKey(input['key-size'] as KeySize);
  onStep('signing the CA certificate');
  const cert = buildCaCert(key, input.cn, validityFor(input.days, now));
  const certPem = checkedPem(cert, input.cn, []);
  onStep(`writing ${files.key} and ${files.cert}`);
  const backups: string[] = [];
  const keyText = input.passphrase ? (createPrivateKey(key.pem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: input.passphrase }) as string) : key.pem;
  const k = await writeFileAtomic(files.key, keyText, { mode: MODE_CA_KEY, backup: 'timestamped' });
  const c = await writeFileAtomic(files.cert, certPem, { mode: MODE_CERT, backup: 'timestamped' });
  for (const b of [k.backup, c.backup]) if (b) backups.push(b);
  const summary = summarise(parseCertificate(certPem), { now });
  await record({ action: 'cert.ca', target: files.cert, outcome: `created ${summary.subject}${backups.length ? `, previous files kept (${backups.join(', ')})` : ''}` });
  return { cert: files.cert, key: files.key, backups, summary };
}

interface LoadedCa {
  cert: Forge.pki.Certificate;
  pem: string;
  key: RsaKey;
  notAfter: Date;
}

/** Whether DIR/ca-key.pem is encrypted (the screens ask for its passphrase before signing). */
export async function caKeyEncrypted(dir: string): Promise<boolean> {
  const file = caPaths(dir).key;
  return (await exists(file)) && isEncryptedPem(await readText(file, 'CA key'));
}

export async function loadCa(dir: string, passphrase?: string): Promise<LoadedCa> {
  const files = caPaths(dir);
  if (!(await exists(files.cert)) || !(await exists(files.key))) {
    throw new UserError(`failed to load the CA: ${dir} has no ca.pem and ca-key.pem`, [
      `create one: commbase-admin cert ca --dir ${dir} --cn "My Relay CA"`,
    ], 'ca-dir');
  }
  const pem = await readText(files.cert, 'CA certificate');
  const stored = await readText(files.key, 'CA key');
  if (isEncryptedPem(stored) && passphrase === undefined) {
    throw new UserError(`failed to open the CA key ${files.key}: it is encrypted; give its passphrase`, ['prompted on a terminal, or --ca-passphrase-file FILE / $COMMBASE_ADMIN_PASSPHRASE'], 'ca-passphrase');
  }
  const keyPem = isEncryptedPem(stored) ? decryptKey(stored, passphrase ?? '') : stored;
  const x509 = parseCertificate(pem, 'CA certificate');
  if (!x509.ca) throw new UserError(`failed to use the CA in ${dir}: ${files.cert} is not a CA certificate (basicConstraints CA:FALSE)`, [], 'ca-dir');
  if (!keyMatchesCert(loadPrivateKey(keyPem, 'CA key'), x509.publicKey)) {
    throw new UserError(`failed to use the CA in ${dir}: ${files.key} is not the key of ${files.cert}`, ['restore the matching pair from its .bak files'], 'ca-dir');
  }
  if (new Date(x509.validTo) < new Date()) {
    throw new UserError(`failed to use the CA in ${dir}: it expired on ${new Date(x509.validTo).toISOString()}`, ['create a new CA with --force'], 'ca-dir');
  }
  const key = rsaKeyFromPem(keyPem, 'CA key');
  return { cert: forge.pki.certificateFromPem(pem), pem, key, notAfter: new Date(x509.validTo) };
}

// ---- leaf certificates ----------------------------------------------------------------------------

export const issueInput = z.object({
  'ca-dir': dirField,
  'out-dir': dirField,
  cn: commonName,
  san: z.array(san).default([]),
  days: leafDays.default(MAX_LEAF_DAYS),
  client: z.boolean().default(false),
  'key-size': keySize.default(DEFAULT_LEAF_KEY_SIZE),
  'ca-passphrase': z.string().max(1024).optional(),
});

export interface IssueResult {
  cert: string;
  key: string;
  ca: string;
  sans: string[];
  backups: string[];
  summary: CertSummary;
}

/** Where a leaf's key comes from: made now, or already being made (see setupLocalPki). */
type KeySource = (bits: KeySize) => Promise<RsaKey>;

function checkedIssueInput(raw: z.input<typeof issueInput>) {
  const input = parseInput(issueInput, raw);
  const sans = sansWithCommonName(input.cn, input.san);
  if (!input.client && sans.length === 0) {
    throw new UserError(`invalid san (none): a server certificate needs at least one DNS name or IP address`, [
      'add --san DNS:relay.example.org or --san IP:192.0.2.10 for every name clients use',
    ], 'san');
  }
  return { input, sans };
}

export async function issueCert(raw: z.input<typeof issueInput>, onStep: Progress = quiet, now = new Date(), keySource: KeySource = generateRsaKey): Promise<IssueResult> {
  const { input, sans } = checkedIssueInput(raw);
  onStep('loading the CA');
  const ca = await loadCa(input['ca-dir'], input['ca-passphrase']); // a locked or wrong CA changes nothing
  await assertWritableDir(input['out-dir'], 'out-dir');
  onStep(`generating the ${input.client ? 'client' : 'server'} key (RSA ${input['key-size']})`);
  const key = await keySource(input['key-size'] as KeySize);
  onStep('signing the certificate');
  const validity = validityFor(input.days, now, ca.notAfter);
  const cert = buildLeafCert(key, { cn: input.cn, sans, client: input.client, validity }, ca.cert, ca.key);
  const certPem = checkedPem(cert, input.cn, sans);
  const files = leafPaths(input['out-dir']);
  onStep(`writing ${files.key}, ${files.cert} and ${files.ca}`);
  const backups = await writeAll([
    [files.key, key.pem, MODE_KEY],
    [files.cert, certPem, MODE_CERT],
    ...(path.resolve(files.ca) === path.resolve(caPaths(input['ca-dir']).cert) ? [] : [[files.ca, ca.pem, MODE_CERT] as const]),
  ]);
  const x509 = parseCertificate(certPem);
  await record({ action: input.client ? 'cert.issue-client' : 'cert.issue', target: files.cert, outcome: `issued for ${sans.map(formatSan).join(', ') || input.cn}, serial ${x509.serialNumber}` });
  return {
    cert: files.cert, key: files.key, ca: files.ca, sans: sans.map(formatSan), backups,
    summary: summarise(x509, { ca: parseCertificate(ca.pem), now }),
  };
}

/**
 * Build, parse back, then write: the PEM must read back (Node's X.509 parser, what TLS will use) with the common
 * name and the number of names asked for, or nothing is written and no file is replaced.
 */
function checkedPem(cert: Forge.pki.Certificate, cn: string, sans: San[]): string {
  const pem = forge.pki.certificateToPem(cert);
  const x509 = parseCertificate(pem);
  const field = forge.pki.certificateFromPem(pem).subject.getField('CN') as { value?: string; valueTagClass?: number } | null;
  const readCn = field?.value !== undefined && field.valueTagClass === forge.asn1.Type.UTF8 ? forge.util.decodeUtf8(field.value) : field?.value;
  const readSans = x509.subjectAltName ? x509.subjectAltName.split(', ').length : 0;
  if (readCn !== cn || readSans !== sans.length) {
    throw new BugError(`the certificate built for ${JSON.stringify(cn)} reads back as ${JSON.stringify(readCn)} with ${readSans} of ${sans.length} names: nothing was written`);
  }
  return pem;
}

async function writeAll(items: ReadonlyArray<readonly [string, string, number]>): Promise<string[]> {
  const backups: string[] = [];
  for (const [file, data, mode] of items) {
    const r = await writeFileAtomic(file, data, { mode, backup: 'timestamped' });
    if (r.backup) backups.push(r.backup);
  }
  return backups;
}

// ---- a local CA and a server certificate in one step (`cert setup`, the wizard) ----------------------

export const setupInput = z.object({
  dir: dirField,
  cn: commonName,
  san: z.array(san).default([]),
  'ca-cn': commonName.optional(),
  days: leafDays.default(MAX_LEAF_DAYS),
  /** For a CA made now: its validity, and a passphrase to encrypt its key with; for an existing one, its passphrase. */
  'ca-days': caDays.optional(),
  'ca-passphrase': z.string().max(1024).optional(),
});

export interface SetupResult {
  caDir: string;
  /** The CA made now, or undefined when the one already in DIR/ca was used. */
  ca?: CaResult;
  server: IssueResult;
}

/**
 * DIR/ca holds the CA (made unless it is already there), DIR/server what the server needs. Everything is
 * checked before any key is made; the server's key is generated on the thread pool while the CA's is, so
 * the whole flow costs about one RSA-3072 key generation instead of both in turn.
 */
export async function setupLocalPki(raw: z.input<typeof setupInput>, onStep: Progress = quiet, now = new Date()): Promise<SetupResult> {
  const input = parseInput(setupInput, raw);
  const plan = await planWizard('local', input.dir);
  const caCn = input['ca-cn'] ?? `${input.cn} CA`;
  const issue = { 'ca-dir': plan.caDir, 'out-dir': plan.outDir, cn: input.cn, san: raw.san ?? [], days: input.days, ...(input['ca-passphrase'] ? { 'ca-passphrase': input['ca-passphrase'] } : {}) };
  checkedIssueInput(issue);
  const caRequest = { dir: plan.caDir, cn: caCn, ...(input['ca-days'] ? { days: String(input['ca-days']) } : {}), ...(input['ca-passphrase'] ? { passphrase: input['ca-passphrase'] } : {}) };
  if (!plan.caExists) parseInput(caInput, caRequest);
  else await loadCa(plan.caDir, input['ca-passphrase']); // a wrong passphrase is refused before any key is made
  await assertWritableDir(input.dir, 'dir');
  const leafKey = generateRsaKey(DEFAULT_LEAF_KEY_SIZE);
  leafKey.catch(() => undefined); // awaited below; a failure before then must not go unhandled
  let ca: CaResult | undefined;
  if (plan.caExists) onStep(`using the existing CA in ${plan.caDir}`);
  else ca = await createCa(caRequest, onStep, now);
  const server = await issueCert(issue, onStep, now, () => leafKey);
  return { caDir: plan.caDir, ...(ca ? { ca } : {}), server };
}

// ---- CSR for a public CA, and importing what it signs ------------------------------------------------

export const csrInput = z.object({
  'out-dir': dirField,
  cn: commonName,
  san: z.array(san).default([]),
  'key-size': keySize.default(DEFAULT_LEAF_KEY_SIZE),
});

/**
 * Names a public CA refuses or cannot validate: private and loopback addresses, and names that exist only on a
 * LAN (.lan, .local, .internal, .home.arpa, a name without a dot). The CSR is still made; the operator is told.
 */
export function privateSanWarnings(sans: San[]): string[] {
  const privateIp = (a: string) => /^(10\.|127\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.)/.test(a) || /^(::1$|f[cd]|fe80:)/i.test(a);
  const lanName = (n: string) => !n.includes('.') || /\.(lan|local|internal|localdomain|home\.arpa|corp|home)$/i.test(n) || n === 'localhost';
  return sans.flatMap((x) => (x.type === 'ip'
    ? [`IP:${x.value}: a public CA does not put ${privateIp(x.value) ? 'a private or loopback address' : 'IP addresses'} in a certificate; clients should use a DNS name`]
    : lanName(x.value) ? [`DNS:${x.value}: a public CA cannot validate a name that exists only on a LAN`] : []));
}

export async function makeCsr(raw: z.input<typeof csrInput>, onStep: Progress = quiet): Promise<{ csr: string; key: string; sans: string[]; backups: string[]; warnings: string[] }> {
  const input = parseInput(csrInput, raw);
  const sans: San[] = sansWithCommonName(input.cn, input.san);
  if (sans.length === 0) throw new UserError('invalid san (none): a public CA needs at least one DNS name', ['add --san DNS:relay.example.org'], 'san');
  await assertWritableDir(input['out-dir'], 'out-dir');
  onStep(`generating the key (RSA ${input['key-size']})`);
  const key = await generateRsaKey(input['key-size'] as KeySize);
  const csrPem = forge.pki.certificationRequestToPem(buildCsr(key, input.cn, sans));
  const files = leafPaths(input['out-dir']);
  onStep(`writing ${files.key} and ${files.csr}`);
  const backups = await writeAll([[files.key, key.pem, MODE_KEY], [files.csr, csrPem, MODE_CERT]]);
  await record({ action: 'cert.csr', target: files.csr, outcome: `made for ${sans.map(formatSan).join(', ')}` });
  return { csr: files.csr, key: files.key, sans: sans.map(formatSan), backups, warnings: privateSanWarnings(sans) };
}

export const importInput = z.object({
  key: dirField,
  cert: dirField,
  chain: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
});

export async function importCert(raw: z.input<typeof importInput>): Promise<{ cert: string; chainLength: number; backups: string[]; summary: CertSummary }> {
  const input = parseInput(importInput, raw);
  const key = loadPrivateKey(await readText(input.key, 'key'), 'key');
  const certPem = await readText(input.cert, 'cert');
  const leaf = parseCertificate(certPem, 'cert');
  if (!keyMatchesCert(key, leaf.publicKey)) {
    throw new UserError(`failed to import the certificate: ${input.cert} was not issued for the key ${input.key}`, [
      'check that the CA signed the CSR made with this key (request.csr next to it)',
    ], 'cert');
  }
  const chain = [...parseCertificateChain(certPem, 'cert').slice(1), ...(input.chain ? parseCertificateChain(await readText(input.chain, 'chain'), 'chain') : [])];
  let child = leaf;
  for (const [i, link] of chain.entries()) {
    if (!isSignedBy(child, link)) {
      throw new UserError(`failed to import the certificate: chain certificate ${i + 1} (${link.subject.replace(/\n/g, ', ')}) did not sign ${child.subject.replace(/\n/g, ', ')}`, [
        'give the intermediates in order, leaf first, as the CA sent them',
      ], 'chain');
    }
    child = link;
  }
  // The server sends cert.pem as is: Commbase's server loads no separate chain, so the chain goes inside.
  const out = input.out ?? path.join(path.dirname(input.key), 'cert.pem');
  const full = [leaf, ...chain].map((c) => c.toString().trim()).join('\n') + '\n';
  const backups = await writeAll([[out, full, MODE_CERT]]);
  await record({ action: 'cert.import', target: out, outcome: `imported ${leaf.subject.replace(/\n/g, ', ')} with ${chain.length} intermediate(s)` });
  return { cert: out, chainLength: chain.length, backups, summary: summarise(leaf) };
}

// ---- inspection -----------------------------------------------------------------------------------

export const inspectInput = z.object({
  file: dirField,
  ca: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
});

export async function inspectFile(raw: z.input<typeof inspectInput>, now = new Date()): Promise<CertSummary> {
  const input = parseInput(inspectInput, raw);
  const cert = parseCertificate(await readText(input.file, 'certificate'));
  const ca = input.ca ? parseCertificate(await readText(input.ca, 'CA'), 'CA') : undefined;
  return summarise(cert, { ...(ca ? { ca } : {}), ...(input.host ? { host: input.host } : {}), now });
}

// ---- the wizard's plan ----------------------------------------------------------------------------

export interface WizardPlan {
  caDir: string;
  outDir: string;
  caExists: boolean;
  /** The existing CA's key is encrypted: signing needs its passphrase. */
  caEncrypted?: boolean;
  writes: string[];
}

/** What the Certificates wizard will write under `dir`: the CA stays in dir/ca, what the server needs in dir/server. */
export async function planWizard(mode: 'local' | 'public' | 'acme', dir: string): Promise<WizardPlan> {
  const caDir = path.join(dir, 'ca');
  const outDir = path.join(dir, 'server');
  const out = leafPaths(outDir);
  if (mode === 'acme') {
    const acmeDir = path.resolve(dir, 'acme');
    return { caDir, outDir: acmeDir, caExists: false, writes: ['cert.pem', 'chain.pem', 'key.pem', 'account-key.pem', 'acme.json'].map((f) => path.join(acmeDir, f)) };
  }
  if (mode === 'public') return { caDir, outDir, caExists: false, writes: [out.key, out.csr] };
  const ca = caPaths(caDir);
  const caExists = (await exists(ca.cert)) && (await exists(ca.key));
  return { caDir, outDir, caExists, caEncrypted: caExists && (await caKeyEncrypted(caDir)), writes: [...(caExists ? [] : [ca.key, ca.cert]), out.key, out.cert, out.ca] };
}
