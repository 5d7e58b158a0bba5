// `proxy nginx`: put nginx in front of the relay on a host (here or over SSH). The site and the certificate files
// are written, `nginx -t` checks the whole configuration, and only then is nginx reloaded (or started where it
// is not running); a port that does not answer afterwards counts as a failure. On any failure the previous
// files come back and the running nginx keeps the configuration it had.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import tls from 'node:tls';
import { z } from 'zod';
import { ExternalError, UserError } from '../core/errors.js';
import { hostNameKey } from '../core/names.js';
import { parseInput } from '../core/validate.js';
import type { Runner } from '../runners/types.js';
import { audited } from '../services/audit.js';
import { LOCAL, withRunner, type Connector } from '../services/hosts.js';
import { renderSite, sitePaths, siteInput, SITE_MARK } from './nginx.js';

const filePath = z.string().min(1, 'must not be empty').max(4096).refine((v) => v.startsWith('/') && !v.includes('\0'), { message: 'must be an absolute path on the host' });
const filesInput = z.object({ host: hostNameKey.default(LOCAL), cert: filePath, key: filePath, 'dry-run': z.boolean().default(false) });

export interface ProxyResult {
  host: string;
  where: string;
  domain: string;
  dryRun: boolean;
  site: string;
  text: string;
  files: { path: string; mode: string; action: 'create' | 'replace' }[];
  action?: 'reloaded' | 'started';
  backups: string[];
  warnings: string[];
}

type Progress = (step: string) => void;

const run = (r: Runner, argv: string[], allowFailure = false) => r.run(argv, { privileged: true, allowFailure, timeoutMs: 60_000 });

async function readIfThere(r: Runner, file: string): Promise<{ text: string; mode: number } | undefined> {
  const st = await r.stat(file);
  return st ? { text: await r.readFile(file), mode: st.mode & 0o777 } : undefined;
}

function leafDer(certPem: string): Buffer {
  return new X509Certificate(pemBlocks(certPem)[0]!).raw;
}

function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** The certificate must parse, match the key and name the domain: nginx would start with a wrong one. */
function checkPair(certPem: string, keyPem: string, domain: string, certPath: string, keyPath: string): string[] {
  const blocks = pemBlocks(certPem);
  if (!blocks.length) throw new UserError(`invalid cert ${certPath}: it holds no PEM certificate`, [], 'cert');
  let leaf: X509Certificate;
  try { leaf = new X509Certificate(blocks[0]!); } catch { throw new UserError(`invalid cert ${certPath}: its first certificate does not parse`, [], 'cert'); }
  let pub: Buffer;
  try { pub = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' }); } catch {
    throw new UserError(`invalid key ${keyPath}: it is not an unencrypted private key (nginx cannot ask for a passphrase)`, ['commbase-admin cert strip-passphrase --in KEY --out KEY.plain'], 'key');
  }
  if (!pub.equals(leaf.publicKey.export({ type: 'spki', format: 'der' }))) throw new UserError(`invalid key ${keyPath}: it does not match the certificate ${certPath}`, [], 'key');
  if (!leaf.checkHost(domain)) throw new UserError(`invalid cert ${certPath}: it is not valid for ${domain} (it names ${leaf.subjectAltName ?? leaf.subject})`, [`commbase-admin cert acme --domain ${domain} …`], 'cert');
  const warnings: string[] = [];
  const daysLeft = Math.floor((new Date(leaf.validTo).getTime() - Date.now()) / 86_400_000);
  if (daysLeft < 0) warnings.push(`the certificate expired ${-daysLeft} day(s) ago`);
  else if (daysLeft < 30) warnings.push(`the certificate expires in ${daysLeft} day(s): commbase-admin cert renew`);
  if (blocks.length === 1 && leaf.issuer !== leaf.subject) warnings.push('--cert holds the leaf only: clients that lack the intermediate will not verify it (use cert.pem from cert acme, leaf + chain)');
  return warnings;
}

/** The certificate the host's port serves for this name (TLS with SNI, as a client would ask), or why none. */
async function servedCertificate(r: Runner, port: number, domain: string): Promise<Buffer | string> {
  let socket;
  try { socket = await r.connectTcp('127.0.0.1', port); } catch (err) { return `nothing accepts connections (${(err as Error).message})`; }
  return new Promise((resolve) => {
    const t = tls.connect({ socket, servername: domain, rejectUnauthorized: false });
    const timer = setTimeout(() => { t.destroy(); resolve('no TLS handshake within 2 s'); }, 2000);
    t.once('secureConnect', () => { clearTimeout(timer); const raw = t.getPeerCertificate()?.raw; t.destroy(); resolve(raw ?? 'no certificate'); });
    t.once('error', (err) => { clearTimeout(timer); t.destroy(); resolve(`not TLS: ${err.message}`); });
  });
}

/**
 * Is the new site live? nginx -s reload returns 0 as soon as the signal is sent; a new listener that failed to bind
 * leaves the old configuration serving. So ask the port itself: it must serve this certificate for this name.
 */
async function siteLive(r: Runner, port: number, domain: string, leaf: Buffer, withinMs = 4000): Promise<string | undefined> {
  const until = Date.now() + withinMs;
  let why = '';
  while (Date.now() < until) {
    const got = await servedCertificate(r, port, domain);
    if (Buffer.isBuffer(got) && got.equals(leaf)) return undefined;
    why = Buffer.isBuffer(got) ? 'it serves another certificate (the previous configuration is still running)' : got;
    await new Promise((res) => setTimeout(res, 200));
  }
  return why;
}

export async function setupNginx(raw: Record<string, unknown>, connector: Connector, onStep: Progress = () => {}): Promise<ProxyResult> {
  const site = parseInput(siteInput, raw, 'proxy nginx');
  const f = parseInput(filesInput, raw, 'proxy nginx');
  const p = sitePaths(site.domain);
  return withRunner(f.host, connector.connect, async (runner) => {
    onStep('nginx on the host');
    const v = await run(runner, ['nginx', '-v'], true).catch(() => ({ exitCode: 127, stderr: '', stdout: '' }));
    if (v.exitCode !== 0) throw new UserError(`failed to set up the proxy on ${runner.where}: nginx is not installed`, ['apt-get install nginx-light (or nginx)'], 'host');
    onStep('reading the certificate and key');
    const certPem = await runner.readFile(f.cert).catch(() => { throw new UserError(`failed to read the certificate ${f.cert} on ${runner.where}`, [], 'cert'); });
    const keyPem = await runner.readFile(f.key).catch(() => { throw new UserError(`failed to read the key ${f.key} on ${runner.where}`, [], 'key'); });
    const warnings = checkPair(certPem, keyPem, site.domain, f.cert, f.key);
    const text = renderSite(site);
    const previous = { site: await readIfThere(runner, p.site), cert: await readIfThere(runner, p.cert), key: await readIfThere(runner, p.key) };
    const enabledBefore = Boolean(await runner.stat(p.enabled));
    if (previous.site && !previous.site.text.startsWith(SITE_MARK)) {
      throw new UserError(`failed to write ${p.site}: it exists and was not written by commbase-admin; move it away first`, [], 'domain');
    }
    // sites-enabled/…: only our own link to our own site is ever replaced; a file (or a link elsewhere) is someone's.
    if (enabledBefore && (await runner.realpath(p.enabled)) !== (await runner.realpath(p.site))) {
      throw new UserError(`failed to enable ${p.site}: ${p.enabled} exists and is not commbase-admin's link to it (it is left as it is)`, [`move it away first (e.g. mv ${p.enabled} /root/), then run this again`], 'domain');
    }
    const files: ProxyResult['files'] = [
      { path: p.site, mode: '0644', action: previous.site ? 'replace' : 'create' },
      { path: p.enabled, mode: 'symlink', action: enabledBefore ? 'replace' : 'create' },
      { path: p.cert, mode: '0644', action: previous.cert ? 'replace' : 'create' },
      { path: p.key, mode: '0600', action: previous.key ? 'replace' : 'create' },
    ];
    const base = { host: f.host, where: runner.where, domain: site.domain, site: p.site, text, files, warnings };
    if (f['dry-run']) return { ...base, dryRun: true, backups: [] };

    return audited({ action: 'proxy.nginx', host: f.host, target: `${site.domain} → ${site.upstream.map((u) => `${u.host}:${u.port}`).join(', ')}` }, async () => {
      const backups: string[] = [];
      const restore = async () => {
        for (const [file, before] of [[p.site, previous.site], [p.cert, previous.cert], [p.key, previous.key]] as const) {
          if (before) await runner.writeFile(file, before.text, before.mode);
          else await run(runner, ['rm', '-f', '--', file], true);
        }
        if (!enabledBefore) await run(runner, ['rm', '-f', '--', p.enabled], true);
      };
      onStep('writing the site and certificate files');
      for (const [file, before] of [[p.site, previous.site], [p.cert, previous.cert], [p.key, previous.key]] as const) {
        if (before) { await runner.writeFile(`${file}.bak`, before.text, before.mode); backups.push(`${file}.bak`); }
      }
      await run(runner, ['mkdir', '-p', '--', p.dir, `${site.webroot}/.well-known/acme-challenge`]);
      await run(runner, ['chmod', '700', '--', p.dir]);
      let touched = false;
      try {
        await runner.writeFile(p.key, keyPem, 0o600);
        await runner.writeFile(p.cert, certPem, 0o644);
        await runner.writeFile(p.site, text, 0o644);
        await run(runner, ['ln', '-sfn', '--', p.site, p.enabled]);
        onStep('nginx -t');
        const t = await run(runner, ['nginx', '-t'], true);
        if (t.exitCode !== 0) throw new ExternalError(`failed to add the site: nginx -t refused the configuration with it; the previous files are back and nginx was not reloaded:\n${t.stderr.trim()}`, ['nginx', '-t'], t.exitCode, t.stderr, runner.where);
        onStep('reloading nginx');
        let action: 'reloaded' | 'started' = 'reloaded';
        touched = true;
        const reload = await run(runner, ['nginx', '-s', 'reload'], true);
        if (reload.exitCode !== 0) {
          // No running master (no pid file, or a stale one): start it.
          action = 'started';
          const start = await run(runner, ['nginx'], true);
          if (start.exitCode !== 0) throw new ExternalError(`failed to start nginx: ${start.stderr.trim()}`, ['nginx'], start.exitCode, start.stderr, runner.where);
        }
        onStep(`checking that port ${site['https-port']} serves the new site`);
        const notLive = await siteLive(runner, site['https-port'], site.domain, leafDer(certPem));
        if (notLive) {
          throw new ExternalError(`failed to put the site live: nginx ${action === 'reloaded' ? 'accepted the reload' : 'started'} but the new site is not live on port ${site['https-port']}: ${notLive} (see /var/log/nginx/error.log on ${runner.where}; a port another program holds is the usual cause); the previous files are back`, ['nginx', '-s', 'reload'], null, '', runner.where);
        }
        return { ...base, dryRun: false, action, backups };
      } catch (err) {
        await restore();
        // A master that took the new configuration goes back to the previous one.
        if (touched) await run(runner, ['nginx', '-s', 'reload'], true);
        throw err;
      }
    }, (r) => ({ outcome: `${r.action} nginx for ${site.domain}` }));
  });
}
