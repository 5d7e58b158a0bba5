// What client setup changes on the host, worked out before anything is written: where Commbase's listener,
// updater and uploader are (templates for https), what each file becomes with the relay's URLs and a token, the
// steps as the preview lists them, and the commands to run there afterwards.
import { createHash, X509Certificate } from 'node:crypto';
import { UserError } from '../core/errors.js';
import { MODE_PUBLIC } from '../core/files.js';
import { quoteArgv } from '../core/quote.js';
import type { Runner } from '../runners/types.js';
import { encodeExact, insertable, readable, readForEdit, type Encoding, type FileForEdit } from '../services/file-edit.js';
import { appCertificatePath } from '../conffile/app-paths.js';
import { getValue, parseConf, printConf } from '../conffile/parse.js';
import { renderDiff, setValues } from '../conffile/edit.js';
import { literalDiff, rewriteLiterals } from './literals.js';

const BUNDLE = 'bundles/commbase-data-exchange';

export interface Relay { scheme: 'http' | 'https'; host: string; port: number; base: string }

export interface FileChange { path: string; before?: FileForEdit; after: Buffer; mode: number; secret: boolean; diff: string[] }

function urlsFor(base: string, token: string) {
  const t = `${base}/t/${encodeURIComponent(token)}`;
  return { get: `${t}/api/get_saved_data`, update: `${t}/api/update_json`, save: `${t}/api/save_json`, socketio: `${base}?token=${encodeURIComponent(token)}` };
}

/** Where the host keeps extra CAs, and the command that rebuilds its store. */
export async function trustStore(runner: Runner, caPem: string): Promise<{ file: string; argv: string[] }> {
  const slug = createHash('sha256').update(caPem).digest('hex').slice(0, 12);
  if (await runner.stat('/usr/sbin/update-ca-certificates')) return { file: `/usr/local/share/ca-certificates/commbase-admin-${slug}.crt`, argv: ['update-ca-certificates'] };
  if (await runner.stat('/usr/bin/update-ca-trust')) return { file: `/etc/pki/ca-trust/source/anchors/commbase-admin-${slug}.crt`, argv: ['update-ca-trust', 'extract'] };
  throw new UserError('failed to find the host\'s trust store: neither update-ca-certificates (Debian, Ubuntu) nor update-ca-trust (Fedora, RHEL) is installed', [
    'Debian/Ubuntu: apt-get install ca-certificates; elsewhere add the CA to the system store by hand, or set REQUESTS_CA_BUNDLE for Commbase\'s clients',
  ], 'trust-system');
}

function caSubject(pem: string): string {
  try { return new X509Certificate(pem).subject.replace(/\n/g, ', '); } catch { return 'a certificate'; }
}

/** Everything read from the host before anything is planned. */
export interface HostFiles {
  app: string;
  relay: Relay;
  caPem: string | undefined;
  confPath: string;
  conf: FileForEdit;
  /** The listener: for https, Commbase's matching template copied into client/ (as its documentation says); for
   * http, the file commbase.conf names. The updater: the file commbase.conf names (there is one kind). The uploader
   * (Commbase's server side: it POSTs data/.messages.json): for https its template copied into server/, for http
   * the file commbase.conf names; a checkout without one keeps what it has. */
  listener: { path: string; source: string; src: FileForEdit; before: FileForEdit | undefined };
  updater: { path: string; src: FileForEdit };
  uploader: { path: string; source: string; src: FileForEdit; at: FileForEdit | undefined } | undefined;
  ca: { path: string; value: string; before: FileForEdit | undefined };
}

export async function readHostFiles(runner: Runner, hostName: string, opts: { app: string; relay: Relay; caPem: string | undefined; listener: 'websocket' | 'polling' }): Promise<HostFiles> {
  const { app, relay, caPem } = opts;
  const confPath = `${app}/config/commbase.conf`;
  const conf = await readForEdit(runner, confPath);
  if (!conf) throw new UserError(`failed to find Commbase on ${hostName}: there is no ${confPath}`, ['give --app-dir the directory Commbase is installed in (the one holding config/commbase.conf)'], 'app-dir');
  const enc = conf.exact.encoding;
  const parsed = parseConf(conf.exact.text, { COMMBASE_APP_DIR: insertable(app, enc) });
  const confValue = (key: string) => { const v = getValue(parsed, key); return v === undefined ? undefined : readable(v, enc); };

  const template = relay.scheme === 'http' ? undefined : caPem ? `client_https_localhost_local_ca_${opts.listener}.py` : 'client_https_fqdn_signed_cert_websocket.py';
  const listenerPath = template ? `${app}/${BUNDLE}/client/${template}` : confValue('COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH') ?? `${app}/${BUNDLE}/client/client_http_websocket.py`;
  const listenerSource = template ? `${app}/${BUNDLE}/client/templates/${template}` : listenerPath;
  const updaterPath = confValue('COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH') ?? `${app}/${BUNDLE}/client/updater_http_websocket.py`;
  const upTemplate = relay.scheme === 'http' ? undefined : caPem ? 'uploader_https_localhost_local_ca_websocket.py' : 'uploader_https_fqdn_signed_cert_websocket.py';
  const uploaderPath = upTemplate ? `${app}/${BUNDLE}/server/${upTemplate}` : confValue('COMMBASE_DATA_EXCHANGE_SERVER_UPLOADER_FILE_PATH') ?? `${app}/${BUNDLE}/server/uploader_http_websocket.py`;
  const uploaderSource = upTemplate ? `${app}/${BUNDLE}/server/templates/${upTemplate}` : uploaderPath;
  const ca = appCertificatePath(app, 'ca.pem');
  const [listenerSrc, listenerBefore, updaterRead, caBefore, uploaderSrc, uploaderBefore] = await Promise.all([readForEdit(runner, listenerSource), readForEdit(runner, listenerPath), readForEdit(runner, updaterPath), caPem ? readForEdit(runner, ca.path) : undefined,
    readForEdit(runner, uploaderSource), uploaderSource === uploaderPath ? undefined : readForEdit(runner, uploaderPath)]);
  if (!listenerSrc) throw new UserError(`failed to find Commbase's listener on ${hostName}: there is no ${listenerSource}`, ['check --app-dir: it must hold Commbase\'s bundles/commbase-data-exchange'], 'app-dir');
  if (!updaterRead) throw new UserError(`failed to find Commbase's updater on ${hostName}: there is no ${updaterPath} (COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH)`, [], 'app-dir');
  return {
    app, relay, caPem, confPath, conf,
    listener: { path: listenerPath, source: listenerSource, src: listenerSrc, before: listenerBefore },
    updater: { path: updaterPath, src: updaterRead },
    uploader: uploaderSrc ? { path: uploaderPath, source: uploaderSource, src: uploaderSrc, at: uploaderSource === uploaderPath ? uploaderSrc : uploaderBefore } : undefined,
    ca: { ...ca, before: caBefore },
  };
}

/** A script copied from its template (new) or edited in place: the literal diff, in the file's own encoding. */
function scriptChange(script: { path: string; source: string; src: FileForEdit; before: FileForEdit | undefined }, r: ReturnType<typeof rewriteLiterals>): FileChange {
  const e: Encoding = script.src.exact.encoding;
  const diff = literalDiff(script.path, r.changes).map((l) => readable(l, e));
  return { path: script.path, ...(script.before ? { before: script.before } : {}), after: encodeExact({ text: r.text, encoding: e }), mode: 0o600, secret: true,
    diff: script.before ? diff : [`+++ ${script.path} (new: a copy of ${script.source})`, ...diff.slice(2)] };
}

/** Every file as it will be with this token; edited as exact text: every byte outside the literals changed stays. */
export function planFiles(h: HostFiles, token: string): FileChange[] {
  const u = urlsFor(h.relay.base, token);
  const listener = rewriteLiterals(h.listener.src.exact.text, { api_url: u.get, socketio_url: u.socketio });
  const updater = rewriteLiterals(h.updater.src.exact.text, { api_url: u.update });
  const uploader = h.uploader ? rewriteLiterals(h.uploader.src.exact.text, { api_url: u.save }) : undefined;
  for (const [file, r] of [[h.listener.path, listener], [h.updater.path, updater], ...(uploader && h.uploader ? [[h.uploader.path, uploader] as const] : [])] as const) {
    if (r.missing.length) throw new UserError(`failed to set up ${file}: it has no ${r.missing.join(' or ')} literal to point at the relay`, ['is it one of Commbase\'s data-exchange scripts?'], 'app-dir');
  }
  const enc = h.conf.exact.encoding;
  const confNext = setValues(parseConf(h.conf.exact.text, { COMMBASE_APP_DIR: insertable(h.app, enc) }), confPairs(h).map(([k, v]) => [k, insertable(v, enc)]), { COMMBASE_APP_DIR: insertable(h.app, enc) });
  return [
    scriptChange(h.listener, listener),
    scriptChange({ ...h.updater, source: h.updater.path, before: h.updater.src }, updater),
    ...(uploader && h.uploader ? [scriptChange({ ...h.uploader, before: h.uploader.at }, uploader)] : []),
    ...(h.caPem ? [{ path: h.ca.path, ...(h.ca.before ? { before: h.ca.before } : {}), after: Buffer.from(h.caPem), mode: MODE_PUBLIC, secret: false, diff: [`${h.ca.path}: the relay's CA (${caSubject(h.caPem)})`] }] : []),
    { path: h.confPath, before: h.conf, after: encodeExact({ text: printConf(confNext.file), encoding: enc }), mode: 0o644, secret: false, diff: renderDiff(h.confPath, confNext.changes).map((l) => readable(l, enc)) },
  ];
}

/** commbase.conf's new values; the script variables relative to the app directory (a conf naming scripts elsewhere keeps them). */
function confPairs(h: HostFiles): Array<[string, string]> {
  const rel = (p: string) => `$COMMBASE_APP_DIR${p.slice(h.app.length)}`;
  const inApp = (p: string) => p.startsWith(`${h.app}/`);
  return [
    ['COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS', h.relay.host],
    ['COMMBASE_DATA_EXCHANGE_SERVER_PORT', String(h.relay.port)],
    ...(inApp(h.listener.path) && inApp(h.updater.path) ? [
      ['COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH', rel(h.listener.path)],
      ['COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH', rel(h.updater.path)],
    ] as Array<[string, string]> : []),
    ...(h.uploader && inApp(h.uploader.path) ? [['COMMBASE_DATA_EXCHANGE_SERVER_UPLOADER_FILE_PATH', rel(h.uploader.path)] as [string, string]] : []),
    ...(h.caPem ? [['CERTS_AND_KEYS_CA_PEM_FILE', h.ca.value] as [string, string]] : []),
  ];
}

/** The preview's line for each file: written, kept, or changed with its backup. */
export const fileStep = (f: FileChange) => (!f.before ? `write ${f.path}${f.secret ? ' (0600: it holds the token)' : ''}`
  : f.before.bytes.equals(f.after) && !f.secret ? `keep ${f.path} (no change)`
  : `change ${f.path} (previous version kept as ${f.before.target}.bak)${f.secret ? '; 0600: it holds the token' : ''}`);

/** The listener commbase.conf now names (the stock client_http_websocket.py still points at 127.0.0.1 when an https
 * template was copied): the exact commands, with the COMMBASE_APP_DIR Commbase's scripts read. */
export function runLines(h: HostFiles): string[] {
  const env = `COMMBASE_APP_DIR=${quoteArgv([h.app])}`;
  return [
    `${env} /usr/bin/python3 ${quoteArgv([h.listener.path])}    # the listener: receives every update`,
    `${env} /usr/bin/python3 ${quoteArgv([h.updater.path])}    # the updater: sends data/.messages.json as document 1`,
    ...(h.uploader ? [`${env} /usr/bin/python3 ${quoteArgv([h.uploader.path])}    # the uploader: sends data/.messages.json as a new document`] : []),
  ];
}
