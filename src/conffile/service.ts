// commbase.conf on this machine or a host: read, check, change one value at a time, write safely.
// Writes are atomic (temp + fsync + rename), keep FILE.bak, keep mode and owner, and refuse to overwrite a
// file that changed since it was read.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import type { Runner } from '../runners/types.js';
import { withRunner, type Connector } from '../services/hosts.js';
import { SettingsStore } from '../services/settings.js';
import { commbaseFindings, missingKeys, schemaFindings, type Finding } from './check.js';
import { audited, record } from '../services/audit.js';
import { renderDiff, setValues, type Change } from './edit.js';
import { getValue, parseConf, printConf, type ConfFile } from './parse.js';
import { appCertificatePath, appDirFor, managedPaths, type ManagedPath } from './app-paths.js';
import { hostAppDirEnv } from './find-app.js';
import { localAddresses } from '../services/machine.js';
import { getHost } from '../services/hosts.js';
import { MODE_PUBLIC, MODE_SECRET, ensureDir, writeFileAtomic } from '../core/files.js';
import { readForEdit, replaceFile, type FileForEdit } from '../services/file-edit.js';
import { readFile } from 'node:fs/promises';

export type ConfDeps = Connector;

export interface ConfDoc {
  host: string;
  where: string;
  path: string;
  /** The file itself, when `path` is a symbolic link to it. */
  target: string;
  /** What was read, as bytes, for the one writer (services/file-edit.ts). */
  read: FileForEdit;
  text: string;
  hash: string;
  mode: number;
  owner: { uid: number; gid: number };
  /** --app-dir, else $COMMBASE_APP_DIR (this machine only), else FILE's grandparent in Commbase's layout (app-paths.ts). */
  appDir: string | undefined;
  file: ConfFile;
}

const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/** --file, then the settings' default, then $COMMBASE_APP_DIR/config/commbase.conf. */
export function resolveConfPath(file?: string, store = new SettingsStore()): string {
  if (file) return file;
  const fromSettings = store.read().confFile;
  if (fromSettings) return fromSettings;
  if (process.env.COMMBASE_APP_DIR) return path.join(process.env.COMMBASE_APP_DIR, 'config', 'commbase.conf');
  throw new UserError('no commbase.conf to work on', [
    'give it with --file PATH, set COMMBASE_APP_DIR, or remember one: commbase-admin config default-file PATH',
  ], 'file');
}

function envFor(appDir: string | undefined): Record<string, string> {
  return appDir ? { COMMBASE_APP_DIR: appDir } : {};
}

/**
 * Read it through any symbolic link: writes go to the file the link names (backup beside it) and the link stays.
 * `path` keeps what the operator gave; `target` is where the bytes are.
 */
async function load(runner: Runner, host: string, givenPath: string, explicitAppDir?: string): Promise<ConfDoc> {
  const local = runner.where.startsWith('local');
  const given = local ? path.resolve(givenPath) : givenPath;
  const read = await readForEdit(runner, given);
  if (!read) throw new UserError(`failed to read ${await runner.realpath(given)} on ${host}: no such file`, ['check the path, or give --file'], 'file');
  const text = read.exact.text;
  // $COMMBASE_APP_DIR of this process says where Commbase lives here; on another host, that host's login shell says.
  const appDir = appDirFor(given, explicitAppDir, local ? process.env.COMMBASE_APP_DIR : explicitAppDir ? undefined : await hostAppDirEnv(runner));
  return { host, where: runner.where, path: given, target: read.target, read, text, hash: sha(text), mode: read.mode, owner: read.owner, appDir, file: parseConf(text, envFor(appDir)) };
}

export async function readConf(opts: { file?: string; host?: string; appDir?: string }, deps: ConfDeps): Promise<ConfDoc> {
  const file = resolveConfPath(opts.file);
  return withRunner(opts.host ?? 'local', deps.connect, (runner, host) => load(runner, host.name, file, opts.appDir));
}

export interface Report {
  path: string;
  host: string;
  findings: Finding[];
  missing: string[];
  errors: number;
  warnings: number;
}

export function report(doc: ConfDoc, strict = false): Report {
  const findings = [...schemaFindings(doc.file), ...commbaseFindings(doc.file)].map((f) => (strict && f.severity === 'warning' ? { ...f, severity: 'error' as const } : f))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { path: doc.path, host: doc.host, findings, missing: missingKeys(doc.file), errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length };
}

export interface SaveResult {
  path: string;
  host: string;
  changes: Change[];
  diff: string[];
  backup?: string;
  dryRun: boolean;
  report: Report;
}

/**
 * Apply KEY=VALUE pairs to the document as it was read. The whole file is validated after the change and an
 * invalid one is not written. `expectHash` (the hash the caller read) detects an edit made meanwhile.
 */
export async function setConf(opts: { file?: string; host?: string; pairs: Array<[string, string]>; dryRun?: boolean; expectHash?: string }, deps: ConfDeps): Promise<SaveResult> {
  const file = resolveConfPath(opts.file);
  return withRunner(opts.host ?? 'local', deps.connect, async (runner, host) => {
    const doc = await load(runner, host.name, file);
    if (opts.expectHash && opts.expectHash !== doc.hash) throw concurrent(file);
    refuseNonUtf8(doc);
    const { file: next, changes } = setValues(doc.file, opts.pairs, envFor(doc.appDir));
    const nextDoc = { ...doc, file: next, text: printConf(next) };
    const rep = report(nextDoc);
    const diff = renderDiff(file, changes);
    const base = { path: file, host: host.name, changes, diff, dryRun: Boolean(opts.dryRun), report: rep };
    // Only the lines this change writes are held to it: a line left as it was stays as it was.
    const written = new Set(changes.map((c) => c.line));
    const invalid = schemaFindings(next).filter((f) => f.severity === 'error' && f.line !== undefined && written.has(f.line));
    if (invalid.length) {
      throw new UserError(`refusing to write ${file}: after the change it would be invalid: ${invalid.map((f) => `line ${f.line}: ${f.message}`).join('; ')}`, ['fix those values in the same command'], invalid[0]!.key);
    }
    if (opts.dryRun || changes.length === 0) return base;
    const target = `${file}: ${changes.map((c) => c.key).join(', ')}`;
    return audited({ action: 'config.set', host: host.name, target }, async () => {
      const r = await replaceFile(runner, file, doc.read, Buffer.from(nextDoc.text, 'utf8'), { mode: doc.mode });
      return { ...base, ...(r.backup ? { backup: r.backup } : {}) };
    }, () => ({ outcome: `saved (previous version in ${doc.target}.bak)` }));
  });
}

/** A file that is not UTF-8 is not edited here (its values would show as something else than they are). */
function refuseNonUtf8(doc: ConfDoc): void {
  if (doc.read.exact.encoding === 'utf8') return;
  const utf8 = doc.read.bytes.toString('utf8');
  const line = utf8.slice(0, Math.max(0, utf8.indexOf('\uFFFD'))).split('\n').length;
  throw new UserError(`refusing to write ${doc.path}: line ${line} holds bytes that are not UTF-8, and rewriting the file would change them`, [
    'convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8), or edit that line by hand; nothing was written',
  ], 'file');
}

function concurrent(file: string): UserError {
  return new UserError(`refusing to write ${file}: it changed since it was read (someone else edited it)`, ['read it again and redo the change: nothing was written'], 'file');
}

/** Put FILE.bak back (the state before the last save); the current file becomes the new FILE.bak. */
export async function undoConf(opts: { file?: string; host?: string }, deps: ConfDeps): Promise<{ path: string; restoredFrom: string }> {
  const file = resolveConfPath(opts.file);
  return withRunner(opts.host ?? 'local', deps.connect, async (runner, host) => {
    const doc = await load(runner, host.name, file);
    const backup = `${doc.target}.bak`;
    const st = await runner.stat(backup);
    if (!st) throw new UserError(`nothing to undo: there is no ${backup}`, [], 'file');
    refuseNonUtf8(doc);
    return audited({ action: 'config.undo', host: host.name, target: file }, async () => {
      const old = await runner.readBytes(backup);
      await replaceFile(runner, file, doc.read, old, { mode: doc.mode });
      return { path: file, restoredFrom: backup };
    }, () => ({ outcome: `restored from ${backup}` }));
  });
}

export interface PathStatus extends ManagedPath {
  exists: boolean;
}

/** Each managed path of the file, resolved under the app directory, and whether it exists on that host. */
async function statusOf(runner: Runner, doc: ConfDoc): Promise<PathStatus[]> {
  if (!doc.appDir) return [];
  return Promise.all(managedPaths(doc.file, doc.appDir).map(async (m) => ({ ...m, exists: (await runner.stat(m.path).catch(() => undefined)) !== undefined })));
}

/** For the Configuration screen: the file, and where every managed value points and whether it is there (one connection). */
export async function readConfWithPaths(opts: { file?: string; host?: string; appDir?: string }, deps: ConfDeps): Promise<{ doc: ConfDoc; paths: PathStatus[] }> {
  const file = resolveConfPath(opts.file);
  return withRunner(opts.host ?? 'local', deps.connect, async (runner, host) => {
    const doc = await load(runner, host.name, file, opts.appDir);
    return { doc, paths: await statusOf(runner, doc) };
  });
}

/** The server's own certificate and key: a client host has none. */
const SERVER_ONLY = new Set(['CERTS_AND_KEYS_SERVER_CRT_FILE', 'CERTS_AND_KEYS_SERVER_KEY_FILE', 'CERTS_AND_KEYS_CERT_PEM_FILE', 'CERTS_AND_KEYS_KEY_PEM_FILE']);

/** Certificate and key variables that must belong together (checked by certs/check-files.ts). */
export const CERT_KEY_PAIRS = [['CERTS_AND_KEYS_CERT_PEM_FILE', 'CERTS_AND_KEYS_KEY_PEM_FILE'], ['CERTS_AND_KEYS_SERVER_CRT_FILE', 'CERTS_AND_KEYS_SERVER_KEY_FILE']] as const;

/**
 * --check-files, for the variables commbase-admin manages (the four data-exchange scripts, CERTS_AND_KEYS_*,
 * MESSAGING_FILE), resolved as Commbase resolves them: each exists (its full path named when it does not).
 * The certificate and key files found are returned with their text, for certs/check-files.ts to look inside.
 * Commbase's other variables are its own business.
 */
export async function checkFiles(opts: { file?: string; host?: string; appDir?: string }, deps: ConfDeps): Promise<{ findings: Finding[]; pemFiles: Array<{ key: string; line: number; kind: 'cert' | 'key'; path: string; text: string }> }> {
  const file = resolveConfPath(opts.file);
  return withRunner(opts.host ?? 'local', deps.connect, async (runner, host) => {
    const doc = await load(runner, host.name, file, opts.appDir);
    if (!doc.appDir) {
      return { findings: [{ severity: 'error', message: `cannot tell Commbase's app directory for ${doc.path} (it is not <app>/config/commbase.conf): give --app-dir DIR or set COMMBASE_APP_DIR` }], pemFiles: [] };
    }
    const findings: Finding[] = [];
    const pemFiles: Array<{ key: string; line: number; kind: 'cert' | 'key'; path: string; text: string }> = [];
    // A client host (its server address is another host's) never has the server's certificate and key.
    const server = getValue(doc.file, 'COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS');
    const own = new Set(['127.0.0.1', '::1', 'localhost', ...(host.name === 'local' ? localAddresses() : [getHost(host.name).address ?? ''])]);
    const clientOnly = server !== undefined && server !== '' && !own.has(server);
    for (const m of await statusOf(runner, doc)) {
      if (clientOnly && !m.exists && SERVER_ONLY.has(m.key)) {
        findings.push({ line: m.line, key: m.key, severity: 'note', message: `${m.key}: ${m.path} is not here, and not needed: this host is a client of the server at ${server} (COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS)` });
        continue;
      }
      if (m.absoluteOnly) findings.push({ line: m.line, key: m.key, severity: 'warning', message: `${m.key} "${m.written}": ${m.absoluteOnly}` });
      if (!m.exists) {
        const elsewhere = m.kind !== 'script' && (await runner.stat(m.written).catch(() => undefined)) !== undefined;
        findings.push({
          line: m.line, key: m.key, severity: m.kind === 'data' ? 'warning' : 'error',
          message: `${m.key}: ${m.path} ${m.kind === 'data' ? 'does not exist yet' : 'is missing'}${elsewhere ? ` (there is a file at ${m.written}, but Commbase reads ${m.path}: install it under ${doc.appDir}/certificates and write /certificates/NAME)` : ''}`,
        });
        continue;
      }
      if (m.kind === 'script' || m.kind === 'data') continue;
      const text = await runner.readFile(m.path).catch(() => undefined);
      if (text === undefined) findings.push({ line: m.line, key: m.key, severity: 'error', message: `${m.key}: ${m.path} is not readable` });
      else pemFiles.push({ key: m.key, line: m.line, kind: m.kind, path: m.path, text });
    }
    return { findings, pemFiles };
  });
}

/** The files the Configuration screen opened last (newest first), and the default file. */
export function recentConfFiles(store = new SettingsStore()): { recent: { host: string; path: string }[]; defaultFile?: string } {
  const s = store.read();
  return { recent: s.recentConfFiles, ...(s.confFile ? { defaultFile: s.confFile } : {}) };
}

export function noteRecentConfFile(host: string, file: string, store = new SettingsStore()): void {
  store.update((s) => ({ ...s, recentConfFiles: [{ host, path: file }, ...s.recentConfFiles.filter((r) => !(r.host === host && r.path === file))].slice(0, 8) }));
}

export function rememberConfFile(file: string, store = new SettingsStore()): string {
  const abs = path.resolve(file);
  store.update((s) => ({ ...s, confFile: abs }));
  return abs;
}

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

/** The conf file the console would edit, or undefined when none is configured. */
export function configuredConfPath(): string | undefined {
  try {
    return resolveConfPath();
  } catch {
    return undefined;
  }
}
