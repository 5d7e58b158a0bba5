// Preparing a Commbase client host (this machine or one over SSH) to use the relay, in one previewed step:
// a token for it, the relay's CA where commbase.conf says (and, if asked, in the host's trust store, which is the
// only store Commbase's Socket.IO clients use), its listener, updater and uploader with every URL literal pointing at the
// relay (token included), and commbase.conf's host, port and script variables. Every file replaced keeps a .bak.
import { createHash, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { MODE_PUBLIC, readSmallFile } from '../core/files.js';
import { hostOrIp, isIP } from '../core/net.js';
import { displayName, hostNameKey } from '../core/names.js';
import { printableLine } from '../core/text.js';
import { parseInput } from '../core/validate.js';
import { quoteArgv } from '../core/quote.js';
import type { Runner } from '../runners/types.js';
import { encodeExact, insertable, readable, readForEdit, replaceFile, type Encoding, type FileForEdit } from '../services/file-edit.js';
import { audited } from '../services/audit.js';
import { withRunner, type Connector } from '../services/hosts.js';
import { appCertificatePath } from '../conffile/app-paths.js';
import { parseConf, getValue } from '../conffile/parse.js';
import { renderDiff, setValues } from '../conffile/edit.js';
import { printConf } from '../conffile/parse.js';
import { literalDiff, rewriteLiterals } from './literals.js';
import { PROBE_PY } from './probe-script.js';

const BUNDLE = 'bundles/commbase-data-exchange';

/** A path on the client host: absolute, printable, no NUL or line break (it reaches SFTP and a Python argv). */
const hostPath = z.string().min(1).refine((v) => v.startsWith('/'), { message: 'must be an absolute path' })
  .refine((v) => !/[\0\n\r]/.test(v), { message: 'must not contain NUL or line breaks' });

/** The relay as clients reach it: scheme, host and port only. */
export const relayUrl = z.string().transform((v, ctx) => {
  let u: URL;
  try { u = new URL(v); } catch { ctx.addIssue({ code: 'custom', message: 'must be a URL such as https://relay.lan:5000' }); return z.NEVER; }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const unspecified = host === '0.0.0.0' || /^[0:]+$/.test(host);
  if (unspecified) { ctx.addIssue({ code: 'custom', message: `${host} is the address a server listens on, not one a client can connect to: give the relay's address or name` }); return z.NEVER; }
  const ok = (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password && (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash && hostOrIp.safeParse(host).success;
  if (!ok) { ctx.addIssue({ code: 'custom', message: 'must be http(s)://HOST:PORT with nothing after the port (the token and paths are added for each script)' }); return z.NEVER; }
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return { scheme: u.protocol.slice(0, -1) as 'http' | 'https', host, port, base: `${u.protocol}//${isIP(host) === 6 ? `[${host}]` : host}:${port}` };
});

export const clientSetupInput = z.object({
  host: hostNameKey.default('local'),
  'app-dir': hostPath,
  'relay-url': relayUrl,
  ca: z.string().min(1).optional(),
  name: displayName,
  'trust-system': z.boolean().default(false),
  listener: z.enum(['websocket', 'polling'], { message: 'must be websocket or polling' }).default('websocket'),
  'dry-run': z.boolean().default(false),
}).superRefine((v, ctx) => {
  if (v['relay-url'].scheme === 'https' && !v.ca && v['trust-system']) ctx.addIssue({ code: 'custom', path: ['ca'], message: 'is needed with --trust-system: the CA to add to the store' });
  if (v['relay-url'].scheme === 'http' && v['trust-system']) ctx.addIssue({ code: 'custom', path: ['trust-system'], message: 'is for an https relay: a plain http relay has no certificate to trust' });
});
export type ClientSetupInput = z.input<typeof clientSetupInput>;

export interface ClientSetupDeps extends Connector {
  /** Issues a token (scope both) from the relay; the caller knows where the relay is. */
  issueToken(name: string): Promise<{ id: string; token: string }>;
  /** Throws when the relay that would issue the token cannot be reached (a dry run asks, so it does not promise what the real run cannot do). */
  checkRelay?(): Promise<void>;
}

export interface ClientSetupResult {
  host: string;
  where: string;
  dryRun: boolean;
  client?: { id: string; name: string };
  /** What was (or would be) done, in order. */
  steps: string[];
  /** A diff per file changed. */
  diffs: string[][];
  backups: string[];
  /** What to run on the host now, as commands to paste there: the listener and the updater commbase.conf names. */
  run: string[];
}

interface FileChange { path: string; before?: FileForEdit; after: Buffer; mode: number; secret: boolean; diff: string[] }

const PLACEHOLDER = 'TOKEN-ISSUED-ON-APPLY';

function urlsFor(base: string, token: string) {
  const t = `${base}/t/${encodeURIComponent(token)}`;
  return { get: `${t}/api/get_saved_data`, update: `${t}/api/update_json`, save: `${t}/api/save_json`, socketio: `${base}?token=${encodeURIComponent(token)}` };
}

/** Where the host keeps extra CAs, and the command that rebuilds its store. */
async function trustStore(runner: Runner, slug: string): Promise<{ file: string; argv: string[] }> {
  if (await runner.stat('/usr/sbin/update-ca-certificates')) return { file: `/usr/local/share/ca-certificates/commbase-admin-${slug}.crt`, argv: ['update-ca-certificates'] };
  if (await runner.stat('/usr/bin/update-ca-trust')) return { file: `/etc/pki/ca-trust/source/anchors/commbase-admin-${slug}.crt`, argv: ['update-ca-trust', 'extract'] };
  throw new UserError('failed to find the host\'s trust store: neither update-ca-certificates (Debian, Ubuntu) nor update-ca-trust (Fedora, RHEL) is installed', [
    'Debian/Ubuntu: apt-get install ca-certificates; elsewhere add the CA to the system store by hand, or set REQUESTS_CA_BUNDLE for Commbase\'s clients',
  ], 'trust-system');
}

export async function setupClient(raw: ClientSetupInput, deps: ClientSetupDeps, onStep: (step: string) => void = () => {}): Promise<ClientSetupResult> {
  const input = parseInput(clientSetupInput, raw);
  const relay = input['relay-url'];
  const app = input['app-dir'].replace(/\/+$/, '');
  const caPem = input.ca ? await readCa(input.ca) : undefined;
  return withRunner(input.host, deps.connect, async (runner, host) => {
    const confPath = `${app}/config/commbase.conf`;
    const confRead = await readForEdit(runner, confPath);
    if (!confRead) throw new UserError(`failed to find Commbase on ${host.name}: there is no ${confPath}`, ['give --app-dir the directory Commbase is installed in (the one holding config/commbase.conf)'], 'app-dir');
    const enc = confRead.exact.encoding;
    const conf = parseConf(confRead.exact.text, { COMMBASE_APP_DIR: insertable(app, enc) });
    const confValue = (key: string) => { const v = getValue(conf, key); return v === undefined ? undefined : readable(v, enc); };

    // The listener: for https, Commbase's matching template copied into client/ (as its documentation says);
    // for http, the file commbase.conf names. The updater: the file commbase.conf names (there is one kind).
    const template = relay.scheme === 'http' ? undefined : caPem ? `client_https_localhost_local_ca_${input.listener}.py` : 'client_https_fqdn_signed_cert_websocket.py';
    const listenerPath = template ? `${app}/${BUNDLE}/client/${template}` : confValue('COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH') ?? `${app}/${BUNDLE}/client/client_http_websocket.py`;
    const listenerSource = template ? `${app}/${BUNDLE}/client/templates/${template}` : listenerPath;
    const updaterPath = confValue('COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH') ?? `${app}/${BUNDLE}/client/updater_http_websocket.py`;
    // The uploader (Commbase's server side: it POSTs data/.messages.json): for https its matching template copied
    // into server/, for http the file commbase.conf names. A checkout without one keeps what it has.
    const upTemplate = relay.scheme === 'http' ? undefined : caPem ? 'uploader_https_localhost_local_ca_websocket.py' : 'uploader_https_fqdn_signed_cert_websocket.py';
    const uploaderPath = upTemplate ? `${app}/${BUNDLE}/server/${upTemplate}` : confValue('COMMBASE_DATA_EXCHANGE_SERVER_UPLOADER_FILE_PATH') ?? `${app}/${BUNDLE}/server/uploader_http_websocket.py`;
    const uploaderSource = upTemplate ? `${app}/${BUNDLE}/server/templates/${upTemplate}` : uploaderPath;
    const ca = appCertificatePath(app, 'ca.pem');
    const [listenerSrc, listenerBefore, updaterRead, caBefore, uploaderSrc, uploaderBefore] = await Promise.all([readForEdit(runner, listenerSource), readForEdit(runner, listenerPath), readForEdit(runner, updaterPath), caPem ? readForEdit(runner, ca.path) : undefined,
      readForEdit(runner, uploaderSource), uploaderSource === uploaderPath ? undefined : readForEdit(runner, uploaderPath)]);
    const uploaderAt = uploaderSrc ? (uploaderSource === uploaderPath ? uploaderSrc : uploaderBefore) : undefined;
    if (!listenerSrc) throw new UserError(`failed to find Commbase's listener on ${host.name}: there is no ${listenerSource}`, ['check --app-dir: it must hold Commbase\'s bundles/commbase-data-exchange'], 'app-dir');
    if (!updaterRead) throw new UserError(`failed to find Commbase's updater on ${host.name}: there is no ${updaterPath} (COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH)`, [], 'app-dir');

    const plan = (token: string): FileChange[] => {
      const u = urlsFor(relay.base, token);
      // Edited as exact text: every byte outside the literals changed stays as it was (UTF-8 or not).
      const listener = rewriteLiterals(listenerSrc.exact.text, { api_url: u.get, socketio_url: u.socketio });
      const updater = rewriteLiterals(updaterRead.exact.text, { api_url: u.update });
      const uploader = uploaderSrc ? rewriteLiterals(uploaderSrc.exact.text, { api_url: u.save }) : undefined;
      for (const [file, r] of [[listenerPath, listener], [updaterPath, updater], ...(uploader ? [[uploaderPath, uploader] as const] : [])] as const) {
        if (r.missing.length) throw new UserError(`failed to set up ${file}: it has no ${r.missing.join(' or ')} literal to point at the relay`, ['is it one of Commbase\'s data-exchange scripts?'], 'app-dir');
      }
      // The script variables are written relative to the app directory; a conf that names scripts elsewhere keeps them.
      const inApp = listenerPath.startsWith(`${app}/`) && updaterPath.startsWith(`${app}/`);
      const uploaderInApp = uploader !== undefined && uploaderPath.startsWith(`${app}/`);
      const pairs: Array<[string, string]> = [
        ['COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS', relay.host],
        ['COMMBASE_DATA_EXCHANGE_SERVER_PORT', String(relay.port)],
        ...(inApp ? [
          ['COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH', `$COMMBASE_APP_DIR${listenerPath.slice(app.length)}`],
          ['COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH', `$COMMBASE_APP_DIR${updaterPath.slice(app.length)}`],
        ] as Array<[string, string]> : []),
        ...(uploaderInApp ? [['COMMBASE_DATA_EXCHANGE_SERVER_UPLOADER_FILE_PATH', `$COMMBASE_APP_DIR${uploaderPath.slice(app.length)}`] as [string, string]] : []),
        ...(caPem ? [['CERTS_AND_KEYS_CA_PEM_FILE', ca.value] as [string, string]] : []),
      ];
      const confNext = setValues(conf, pairs.map(([k, v]) => [k, insertable(v, enc)]), { COMMBASE_APP_DIR: insertable(app, enc) });
      const scriptDiff = (file: string, r: ReturnType<typeof rewriteLiterals>, e: Encoding) => literalDiff(file, r.changes).map((l) => readable(l, e));
      return [
        { path: listenerPath, ...(listenerBefore ? { before: listenerBefore } : {}), after: encodeExact({ text: listener.text, encoding: listenerSrc.exact.encoding }), mode: 0o600, secret: true,
          diff: listenerBefore ? scriptDiff(listenerPath, listener, listenerSrc.exact.encoding) : [`+++ ${listenerPath} (new: a copy of ${listenerSource})`, ...scriptDiff(listenerPath, listener, listenerSrc.exact.encoding).slice(2)] },
        { path: updaterPath, before: updaterRead, after: encodeExact({ text: updater.text, encoding: updaterRead.exact.encoding }), mode: 0o600, secret: true, diff: scriptDiff(updaterPath, updater, updaterRead.exact.encoding) },
        ...(uploader && uploaderSrc ? [{ path: uploaderPath, ...(uploaderAt ? { before: uploaderAt } : {}), after: encodeExact({ text: uploader.text, encoding: uploaderSrc.exact.encoding }), mode: 0o600, secret: true,
          diff: uploaderAt ? scriptDiff(uploaderPath, uploader, uploaderSrc.exact.encoding) : [`+++ ${uploaderPath} (new: a copy of ${uploaderSource})`, ...scriptDiff(uploaderPath, uploader, uploaderSrc.exact.encoding).slice(2)] }] : []),
        ...(caPem ? [{ path: ca.path, ...(caBefore ? { before: caBefore } : {}), after: Buffer.from(caPem), mode: MODE_PUBLIC, secret: false, diff: [`${ca.path}: the relay's CA (${caSubject(caPem)})`] }] : []),
        { path: confPath, before: confRead, after: encodeExact({ text: printConf(confNext.file), encoding: enc }), mode: 0o644, secret: false, diff: renderDiff(confPath, confNext.changes).map((l) => readable(l, enc)) },
      ];
    };

    const steps: string[] = [`issue a token (scope both) for ${input.name} from the relay`];
    const draft = plan(PLACEHOLDER);
    steps.push(...draft.map((f) => (!f.before ? `write ${f.path}${f.secret ? ' (0600: it holds the token)' : ''}` : f.before.bytes.equals(f.after) && !f.secret ? `keep ${f.path} (no change)` : `change ${f.path} (previous version kept as ${f.before.target}.bak)${f.secret ? '; 0600: it holds the token' : ''}`)));
    const slug = caPem ? createHash('sha256').update(caPem).digest('hex').slice(0, 12) : '';
    const store = input['trust-system'] && caPem ? await trustStore(runner, slug) : undefined;
    if (store) steps.push(`add the CA to ${host.name}'s trust store: ${store.file}, then ${store.argv.join(' ')}`);
    // The listener commbase.conf now names (the stock client_http_websocket.py still points at 127.0.0.1 when an
    // https template was copied): the exact commands, with the COMMBASE_APP_DIR Commbase's scripts read.
    const env = `COMMBASE_APP_DIR=${quoteArgv([app])}`;
    const run = [
      `${env} /usr/bin/python3 ${quoteArgv([listenerPath])}    # the listener: receives every update`,
      `${env} /usr/bin/python3 ${quoteArgv([updaterPath])}    # the updater: sends data/.messages.json as document 1`,
      ...(uploaderSrc ? [`${env} /usr/bin/python3 ${quoteArgv([uploaderPath])}    # the uploader: sends data/.messages.json as a new document`] : []),
    ];
    const base = { host: host.name, where: runner.where, steps, run };
    if (input['dry-run']) {
      await deps.checkRelay?.();
      return { ...base, dryRun: true, diffs: draft.map((f) => f.diff), backups: [] };
    }

    return audited({ action: 'client.setup', host: host.name, target: `${app} for ${input.name} → ${relay.base}` }, async () => {
      onStep(`issuing a token for ${input.name} from the relay`);
      const issued = await deps.issueToken(input.name);
      const files = plan(issued.token);
      const backups: string[] = [];
      for (const f of files) {
        onStep(`writing ${f.path}`);
        // A listener copied from its template over an existing one: that one is what is replaced and kept.
        const r = await replaceFile(runner, f.path, f.before, f.after, { mode: f.mode, secret: f.secret });
        if (r.backup) backups.push(r.backup);
      }
      if (store && caPem) {
        onStep(`adding the CA to ${host.name}'s trust store (${store.argv.join(' ')})`);
        await runner.writeFile(store.file, caPem, MODE_PUBLIC);
        await runner.run(store.argv, { privileged: true });
      }
      onStep('done');
      return { ...base, dryRun: false, client: { id: issued.id, name: input.name }, diffs: files.map((f) => f.diff.map((l) => l.split(issued.token).join('<token>'))), backups };
    }, (r) => ({ outcome: `set up as client ${r.client?.id}; ${r.backups.length} file(s) backed up` }));
  });
}

/**
 * The relay's CA, exactly one certificate: it is copied to every client host and may go into its trust store, so a
 * file with a second certificate, a key or anything else besides is refused (the preview names one CA; only that
 * one goes anywhere).
 */
export async function readCa(file: string): Promise<string> {
  const text = (await readSmallFile(file, 'ca', 256 * 1024)).toString('utf8');
  const shown = JSON.stringify(file);
  if (/PRIVATE KEY-----/.test(text)) throw new UserError(`invalid ca ${shown}: the file also holds a private key; give the CA certificate alone`, [], 'ca');
  const blocks = text.match(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g) ?? [];
  if (blocks.length === 0) throw new UserError(`invalid ca ${shown}: the file holds no PEM certificate`, [], 'ca');
  if (blocks.length > 1) throw new UserError(`invalid ca ${shown}: the file holds ${blocks.length} PEM blocks; give exactly one CA certificate (the one that signed the relay's certificate)`, [], 'ca');
  const rest = text.replace(blocks[0]!, '').trim();
  if (rest) throw new UserError(`invalid ca ${shown}: the file holds other text besides the certificate; give the certificate alone`, [], 'ca');
  let x: X509Certificate;
  try { x = new X509Certificate(blocks[0]!); } catch (err) { throw new UserError(`invalid ca ${shown}: ${(err as Error).message}`, [], 'ca'); }
  if (!x.ca) throw new UserError(`invalid ca ${shown}: ${x.subject.replace(/\n/g, ', ')} is not a CA certificate (basicConstraints CA:FALSE)`, ['give the CA that signed the relay\'s certificate (ca.pem beside cert.pem)'], 'ca');
  return text;
}

function caSubject(pem: string): string {
  try { return new X509Certificate(pem).subject.replace(/\n/g, ', '); } catch { return 'a certificate'; }
}

// ---- client probe --------------------------------------------------------------------------------------------

export interface ProbeStep { step: string; ok: boolean; detail: string; fix: string; needed: boolean; skipped: boolean }

export const probeInput = z.object({ host: hostNameKey.default('local'), 'app-dir': hostPath });

/** One line of the probe's output, if it is one: parsed and checked, every text made printable (it is remote). */
export function probeLine(line: string): ProbeStep | undefined {
  if (!line.startsWith('{')) return undefined;
  let v: unknown;
  try { v = JSON.parse(line); } catch { return undefined; }
  const r = probeStepSchema.safeParse(v);
  if (!r.success) return undefined;
  const d = r.data;
  return { step: printableLine(d.step), ok: d.ok && !d.skipped, detail: printableLine(d.detail), fix: printableLine(d.fix), needed: d.needed, skipped: d.skipped };
}

const probeStepSchema = z.object({ step: z.string().max(400), ok: z.boolean(), detail: z.string().max(2000).default(''), fix: z.string().max(400).default(''), needed: z.boolean().default(true), skipped: z.boolean().default(false) });

/**
 * Run Commbase's client calls on the host with its own Python stack; ok when every step Commbase needs passed.
 * Python runs isolated (-I: no current directory, PYTHONPATH or user site on its path, so a planted socketio.py
 * is never imported) from / (env -C).
 */
export async function probeClient(raw: z.input<typeof probeInput>, deps: Connector): Promise<{ host: string; where: string; ok: boolean; steps: ProbeStep[] }> {
  const input = parseInput(probeInput, raw);
  return withRunner(input.host, deps.connect, async (runner, host) => {
    const r = await runner.run(['env', '-C', '/', '/usr/bin/python3', '-I', '-c', PROBE_PY, input['app-dir'].replace(/\/+$/, '')], { allowFailure: true, timeoutMs: 240_000 }); // the probe's own waits (20 s each) end first
    const lines = r.stdout.split('\n');
    const steps = lines.map(probeLine).filter((s): s is ProbeStep => s !== undefined);
    const stray = lines.filter((l) => l.trim() && !probeLine(l)).length;
    if (steps.length === 0) {
      steps.push({ step: 'run the probe with /usr/bin/python3', ok: false, detail: printableLine(r.stderr.trim().slice(-400)) || `exit ${r.exitCode}`, fix: 'install python3, python3-requests and python3-socketio on the host', needed: true, skipped: false });
    } else if (stray > 0) {
      steps.push({ step: 'read the probe\'s output', ok: false, detail: `${stray} line(s) that are not the probe's were ignored`, fix: '', needed: false, skipped: false });
    }
    return { host: host.name, where: runner.where, ok: steps.every((s) => s.ok || !s.needed), steps };
  });
}
