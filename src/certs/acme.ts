// A certificate from an ACME CA (Let's Encrypt, or any RFC 8555 server such as pebble), answered with http-01:
// by a short-lived listener of our own on the challenge port, or by files in a webroot that a web server (nginx)
// serves. The account key is kept (0600) beside the certificates and reused; what was asked is kept in
// acme.json so `cert renew` (acme-renew.ts) can ask again. Files land through a Runner: here, or on a host over SSH.
// The challenge responders are in acme-responders.ts.
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { z } from 'zod';
import type AcmeClient from 'acme-client';
import { ExternalError, UserError } from '../core/errors.js';
import { dnsName } from '../core/net.js';
import { parseInput, wholeNumber } from '../core/validate.js';
import type { Runner } from '../runners/types.js';
import { hostNameKey } from '../core/names.js';
import { audited } from '../services/audit.js';
import { LOCAL, withRunner, type Connector } from '../services/hosts.js';
import { SettingsStore } from '../services/settings.js';
import { notice } from '../core/notices.js';
import { parseCertificateChain, summarise, type CertSummary } from './inspect.js';

export const LETS_ENCRYPT = {
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
  production: 'https://acme-v02.api.letsencrypt.org/directory',
} as const;

export const ACME_FILES = { cert: 'cert.pem', key: 'key.pem', chain: 'chain.pem', account: 'account-key.pem', settings: 'acme.json' } as const;

export const absolute = (what: string) => z.string().min(1, 'must not be empty').refine((v) => path.posix.isAbsolute(v) && !v.split('/').includes('..') && !/[\0\n\r]/.test(v), { message: `must be an absolute ${what} path without ".." or control characters` });

const httpUrl = z.string().refine((v) => { try { const u = new URL(v); return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password; } catch { return false; } }, { message: 'must be an http(s) URL such as https://acme-v02.api.letsencrypt.org/directory' });

export const acmeInput = z.object({
  domain: z.array(dnsName).min(1, 'give at least one --domain').max(100, 'at most 100 names in one certificate'),
  email: z.string().max(254).regex(/^[^\s@<>"'`;,()\\]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/, 'must be an email address such as ops@example.org'),
  directory: httpUrl.optional(),
  production: z.boolean().default(false),
  'directory-ca': z.string().min(1).optional(),
  'http-port': wholeNumber('must be a whole number between 1 and 65535').pipe(z.number().min(1).max(65535, 'must be between 1 and 65535')).optional(),
  webroot: absolute('directory').optional(),
  'out-dir': absolute('directory'),
}).superRefine((v, ctx) => {
  if (v['http-port'] !== undefined && v.webroot !== undefined) ctx.addIssue({ code: 'custom', path: ['webroot'], message: 'give either --http-port or --webroot, not both' });
  if (v.directory && v.production) ctx.addIssue({ code: 'custom', path: ['production'], message: '--production picks Let\'s Encrypt\'s directory; with --directory it means nothing' });
});
export type AcmeInput = z.output<typeof acmeInput>;

/** What acme.json keeps: enough to ask again at renewal. */
export const acmeSettings = z.object({
  domains: z.array(dnsName).min(1),
  email: z.string(),
  directory: httpUrl,
  directoryCa: z.string().optional(),
  httpPort: z.number().int().min(1).max(65535).optional(),
  webroot: z.string().optional(),
});
export type AcmeSettings = z.infer<typeof acmeSettings>;

export interface AcmeResult {
  dir: string;
  cert: string;
  key: string;
  chain: string;
  account: string;
  accountCreated: boolean;
  domains: string[];
  directory: string;
  backups: string[];
  summary: CertSummary;
}

import { acmeError, listenForChallenges, remoteListener, webrootResponder, type Progress, type Responder } from './acme-responders.js';

export type { Progress, Responder } from './acme-responders.js';

type AcmeModule = typeof AcmeClient;

/** A step's failure: which step, and what the ACME server answered. */
function stepFailed(stepName: string, err: unknown): ExternalError {
  const e = err as { message?: string; response?: { status?: number; data?: unknown } };
  const detail = e.response?.data && typeof e.response.data === 'object' ? JSON.stringify(e.response.data) : (e.message ?? String(err));
  return acmeError(`ACME ${stepName} failed: ${detail}`.slice(0, 2000), stepName);
}

async function step<T>(name: string, onStep: Progress, work: () => Promise<T>): Promise<T> {
  onStep(name);
  try {
    return await work();
  } catch (err) {
    if (err instanceof UserError || err instanceof ExternalError) throw err;
    throw stepFailed(name, err);
  }
}

/** GET the directory first: an unreachable or untrusted server is named plainly (acme-client's own retries end
 * in an unhelpful TypeError for network errors). */
function checkDirectory(url: string, agent: https.Agent | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const get = u.protocol === 'https:' ? https.get : http.get;
    const req = get(u, { ...(agent ? { agent } : {}), timeout: 15_000 }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(acmeError(`the ACME directory ${url} answered HTTP ${res.statusCode}`, 'directory'));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', (err: NodeJS.ErrnoException) => reject(acmeError(`cannot reach the ACME directory ${url}: ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' '), 'directory')));
  });
}

export interface AcmeDeps {
  runner: Runner;
  /** The directory CA's PEM text (--directory-ca), read by the caller from this machine. */
  directoryCaPem?: string;
  /** The responder to use instead of the one the input names (tests). */
  responder?: Responder;
}

/** Order a certificate for the input's domains and write cert.pem (leaf + chain), chain.pem, key.pem (0600). */
export async function obtainCertificate(raw: unknown, deps: AcmeDeps, onStep: Progress = () => {}): Promise<AcmeResult> {
  const input = parseInput(acmeInput, raw, 'cert acme');
  if (input['http-port'] === undefined && input.webroot === undefined) {
    throw new UserError('failed to order the certificate: say how the http-01 challenge is answered: --http-port N (commbase-admin listens there; 80 for a real CA) or --webroot DIR (a web server serves it)', [], 'http-port');
  }
  const directory = input.directory ?? (input.production ? LETS_ENCRYPT.production : LETS_ENCRYPT.staging);
  const settings: AcmeSettings = {
    domains: input.domain, email: input.email, directory,
    ...(input['directory-ca'] ? { directoryCa: input['directory-ca'] } : {}),
    ...(input['http-port'] !== undefined ? { httpPort: input['http-port'] } : {}),
    ...(input.webroot ? { webroot: input.webroot } : {}),
  };
  return runOrder(settings, input['out-dir'], deps, onStep);
}

type AcmeFiles = Record<keyof typeof ACME_FILES, string>;
type OrderClient = InstanceType<AcmeModule['Client']>;

/** The order itself, from settings (a first order, or a renewal reading acme.json). */
export async function runOrder(settings: AcmeSettings, dir: string, deps: AcmeDeps, onStep: Progress): Promise<AcmeResult> {
  const { runner } = deps;
  const acme: AcmeModule = (await import('acme-client')).default as unknown as AcmeModule;
  const files = Object.fromEntries(Object.entries(ACME_FILES).map(([k, v]) => [k, path.posix.join(dir, v)])) as AcmeFiles;
  await runner.run(['mkdir', '-p', '--', dir]);
  await runner.run(['chmod', '700', '--', dir]);
  const account = await accountKey(runner, files.account, acme);
  const httpsAgent = deps.directoryCaPem ? new https.Agent({ ca: deps.directoryCaPem }) : undefined;
  const client = acmeClient(acme, settings.directory, account.key, httpsAgent);

  await step('directory', onStep, () => checkDirectory(settings.directory, httpsAgent));
  await step('account (new-account)', onStep, () => client.createAccount({ termsOfServiceAgreed: true, contact: [`mailto:${settings.email}`] }));
  const order = await step('order (new-order)', onStep, () => client.createOrder({ identifiers: settings.domains.map((value) => ({ type: 'dns', value })) }));
  const authorizations = await step('authorizations', onStep, () => client.getAuthorizations(order));
  const responder = deps.responder ?? (settings.webroot ? webrootResponder(runner, settings.webroot)
    : runner.where === 'local' ? await listenForChallenges(settings.httpPort!) : await remoteListener(runner, settings.httpPort!, onStep));
  await answerChallenges(client, authorizations, responder, onStep);

  const [keyPem, csr] = await step('key and CSR', onStep, () => acme.crypto.createCsr({ commonName: settings.domains[0]!, altNames: settings.domains }));
  const finalized = await step('finalize', onStep, () => client.finalizeOrder(order, csr));
  const fullchain = await step('certificate download', onStep, () => client.getCertificate(finalized));
  const { chain, summary } = await checkIssued(fullchain, keyPem.toString(), settings.domains);

  onStep('writing files');
  const backups = await backUp(runner, [files.cert, files.chain, files.key]);
  const chainOnly = chain.slice(1).map((c) => c.toString().trim()).join('\n');
  await runner.writeFile(files.key, keyPem.toString(), 0o600);
  await runner.writeFile(files.chain, chainOnly ? `${chainOnly}\n` : '', 0o644);
  await runner.writeFile(files.cert, fullchain.endsWith('\n') ? fullchain : `${fullchain}\n`, 0o644);
  await runner.writeFile(files.settings, `${JSON.stringify(settings, null, 2)}\n`, 0o600);
  return { dir, cert: files.cert, key: files.key, chain: files.chain, account: files.account, accountCreated: account.created, domains: settings.domains, directory: settings.directory, backups, summary };
}

/** The account key: reused when there is one (a CA counts orders per account), else made and kept 0600. */
async function accountKey(runner: Runner, file: string, acme: AcmeModule): Promise<{ key: string; created: boolean }> {
  if (await runner.stat(file)) return { key: await runner.readFile(file), created: false };
  const key = (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
  await runner.writeFile(file, key, 0o600);
  return { key, created: true };
}

/** acme-client's HTTP client is one for the process: set (or reset) the agent for this order, so an order after
 * one to a private CA does not trust only that CA (the console runs several in one session). */
function acmeClient(acme: AcmeModule, directoryUrl: string, accountKey: string, httpsAgent: https.Agent | undefined): OrderClient {
  acme.axios.defaults.httpsAgent = httpsAgent;
  acme.setLogger(() => {});
  // A server that does not answer fails within seconds, not after acme-client's default 75 s of retries.
  acme.axios.defaults.timeout = 30_000;
  Object.assign((acme.axios.defaults as { acmeSettings?: object }).acmeSettings ?? {}, { retryMaxAttempts: 3, retryDefaultDelay: 1 });
  return new acme.Client({ directoryUrl, accountKey });
}

/** Each pending authorization's http-01 challenge: published, completed, validated, withdrawn; the responder closed. */
async function answerChallenges(client: OrderClient, authorizations: Awaited<ReturnType<OrderClient['getAuthorizations']>>, responder: Responder, onStep: Progress): Promise<void> {
  try {
    for (const authz of authorizations) {
      const name = authz.identifier.value;
      if (authz.status === 'valid') { onStep(`${name}: already valid`); continue; }
      const challenge = authz.challenges.find((c) => c.type === 'http-01');
      if (!challenge) throw acmeError(`the ACME server offers no http-01 challenge for ${name} (it offered: ${authz.challenges.map((c) => c.type).join(', ')})`, 'authorizations');
      const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
      await step(`${name}: challenge ready`, onStep, () => responder.add(challenge.token, keyAuthorization));
      try {
        await step(`${name}: http-01 challenge`, onStep, () => client.completeChallenge(challenge));
        await step(`${name}: validation`, onStep, () => client.waitForValidStatus(challenge));
      } finally {
        await responder.remove(challenge.token).catch(() => undefined);
      }
    }
  } finally {
    await responder.close();
  }
}

/** Checked before anything is replaced: it parses, it matches the key, it names every domain. */
async function checkIssued(fullchain: string, keyPem: string, domains: string[]) {
  const chain = parseCertificateChain(fullchain, 'the certificate the ACME server sent');
  const leaf = chain[0]!;
  const { createPrivateKey, createPublicKey } = await import('node:crypto');
  const same = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' }).equals(leaf.publicKey.export({ type: 'spki', format: 'der' }));
  if (!same) throw acmeError('the ACME server sent a certificate that does not match the key we made; nothing was replaced', 'certificate download');
  const summary = summarise(leaf);
  const missing = domains.filter((d) => !summary.sans.includes(`DNS:${d}`));
  if (missing.length) throw acmeError(`the certificate the ACME server sent does not name ${missing.join(', ')}; nothing was replaced`, 'certificate download');
  return { chain, summary };
}

/** A timestamped .bak copy of each file that exists (same mode); the copies' paths. */
async function backUp(runner: Runner, files: string[]): Promise<string[]> {
  const backups: string[] = [];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const f of files) {
    const st = await runner.stat(f);
    if (!st) continue;
    const bak = `${f}.${stamp}.bak`;
    await runner.writeFile(bak, await runner.readFile(f), st.mode & 0o777);
    backups.push(bak);
  }
  return backups;
}

// ---- entry points: a host from the inventory, the audit log ------------------------------------------

export async function readDirectoryCa(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  const { readText } = await import('../core/files.js');
  const pem = await readText(file, 'directory-ca');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UserError(`invalid directory-ca ${file}: it holds no PEM certificate`, [], 'directory-ca');
  return pem;
}

/** `cert acme`: order a certificate on this machine or, with `host`, on a host over SSH. */
export async function certAcme(raw: Record<string, unknown> & { host?: string }, connector: Connector, onStep: Progress = () => {}): Promise<AcmeResult> {
  const hostName = parseInput(z.object({ host: hostNameKey.default(LOCAL) }), { host: raw.host }, 'cert acme').host;
  const input = parseInput(acmeInput, { ...raw, host: undefined }, 'cert acme');
  const directoryCaPem = await readDirectoryCa(input['directory-ca']);
  const result = await withRunner(hostName, connector.connect, (runner) => audited({ action: 'cert.acme', host: hostName, target: `${input['out-dir']} (${input.domain.join(', ')})` },
    () => obtainCertificate(input, { runner, ...(directoryCaPem ? { directoryCaPem } : {}) }, onStep),
    (r) => ({ outcome: `issued, valid until ${r.summary.notAfter}` })));
  rememberManaged(hostName, result.dir, result.domains);
  return result;
}

/** The Monitor lists the certificates cert acme made (days left). A settings file that cannot be written only
 * costs that line: the certificate is already in place. */
function rememberManaged(host: string, dir: string, domains: string[]): void {
  try {
    new SettingsStore().update((st) => ({ ...st, managedCerts: [...st.managedCerts.filter((c) => !(c.host === host && c.dir === dir)), { host, dir, domains }].slice(-200) }));
  } catch (err) {
    notice(`warning: the Monitor will not list ${dir}: ${(err as Error).message}`);
  }
}
