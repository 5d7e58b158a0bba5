// commbase.conf on this machine or a host: read, check, change one value at a time, write safely.
// Writes are atomic (temp + fsync + rename), keep FILE.bak, keep mode and owner, and refuse to overwrite a
// file that changed since it was read.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { loadPrivateKey, keyMatchesCert } from '../certs/keys.js';
import { parseCertificate } from '../certs/inspect.js';
import type { Runner } from '../runners/types.js';
import { withRunner, type HostEntry } from '../services/hosts.js';
import { SettingsStore } from '../services/settings.js';
import { commbaseFindings, missingKeys, schemaFindings, type Finding } from './check.js';
import { audited } from '../services/audit.js';
import { renderDiff, setValues, type Change } from './edit.js';
import { parseConf, printConf, type ConfFile } from './parse.js';
import { CERT_KEYS, FILE_PATH_KEYS } from './schema.js';

export interface ConfDeps {
  connect(host: HostEntry): Promise<Runner>;
}

export interface ConfDoc {
  host: string;
  where: string;
  path: string;
  /** The file itself, when `path` is a symbolic link to it. */
  target: string;
  text: string;
  hash: string;
  mode: number;
  owner: { uid: number; gid: number };
  /** $COMMBASE_APP_DIR as the file's location implies it (FILE = $COMMBASE_APP_DIR/config/commbase.conf). */
  appDir: string;
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

function envFor(appDir: string): Record<string, string> {
  return { COMMBASE_APP_DIR: process.env.COMMBASE_APP_DIR ?? appDir };
}

/**
 * Read it through any symbolic link: writes go to the file the link names (backup beside it) and the link stays.
 * `path` keeps what the operator gave; `target` is where the bytes are.
 */
async function load(runner: Runner, host: string, given: string): Promise<ConfDoc> {
  const file = await runner.realpath(given);
  const st = await runner.stat(file);
  if (!st) throw new UserError(`failed to read ${file} on ${host}: no such file`, ['check the path, or give --file'], 'file');
  const text = await runner.readFile(file);
  const appDirOf = path.posix.dirname(path.posix.dirname(given));
  return { host, where: runner.where, path: given, target: file, text, hash: sha(text), mode: st.mode, owner: { uid: st.uid, gid: st.gid }, appDir: appDirOf, file: parseConf(text, envFor(appDirOf)) };
}

export async function readConf(opts: { file?: string; host?: string }, deps: ConfDeps): Promise<ConfDoc> {
  const file = resolveConfPath(opts.file);
  return withRunner(opts.host ?? 'local', deps.connect, (runner, host) => load(runner, host.name, file));
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
    const invalid = schemaFindings(next).filter((f) => f.severity === 'error');
    if (invalid.length) {
      throw new UserError(`refusing to write ${file}: after the change it would be invalid: ${invalid.map((f) => `line ${f.line}: ${f.message}`).join('; ')}`, ['fix those values in the same command'], invalid[0]!.key);
    }
    if (opts.dryRun || changes.length === 0) return base;
    const target = `${file}: ${changes.map((c) => c.key).join(', ')}`;
    return audited({ action: 'config.set', host: host.name, target }, async () => {
      // Someone else may have saved since we read: compare again right before writing.
      const now = await runner.readFile(doc.target);
      if (sha(now) !== doc.hash) throw concurrent(file);
      const backup = `${doc.target}.bak`;
      await runner.writeFile(backup, doc.text, doc.mode, doc.owner);
      await runner.writeFile(doc.target, nextDoc.text, doc.mode, doc.owner);
      return { ...base, backup };
    }, () => ({ outcome: `saved (previous version in ${doc.target}.bak)` }));
  });
}

/** Non-UTF-8 bytes were read as U+FFFD: writing the text back would replace them. Refuse instead. */
function refuseNonUtf8(doc: ConfDoc): void {
  const at = doc.text.indexOf('\uFFFD');
  if (at < 0) return;
  const line = doc.text.slice(0, at).split('\n').length;
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
      const old = await runner.readFile(backup);
      await runner.writeFile(backup, doc.text, doc.mode, doc.owner);
      await runner.writeFile(doc.target, old, doc.mode, doc.owner);
      return { path: file, restoredFrom: backup };
    }, () => ({ outcome: `restored from ${backup}` }));
  });
}

/** --check-files: the paths exist and are readable; certificates are certificates; keys match them. */
export async function checkFiles(opts: { file?: string; host?: string; baseDir?: string }, deps: ConfDeps): Promise<Finding[]> {
  const file = resolveConfPath(opts.file);
  return withRunner(opts.host ?? 'local', deps.connect, async (runner, host) => {
    const doc = await load(runner, host.name, file);
    const base = opts.baseDir ?? doc.appDir;
    const out: Finding[] = [];
    const value = (k: string) => { const l = [...doc.file.lines].reverse().find((x) => x.kind === 'assign' && x.key === k); return l?.kind === 'assign' ? l : undefined; };
    const read = async (p: string) => { try { return await runner.readFile(p); } catch { return undefined; } };
    for (const k of FILE_PATH_KEYS) {
      const l = value(k);
      if (l && (await read(l.value)) === undefined) out.push({ line: l.n, key: k, severity: 'error', message: `${k}: ${l.value} is missing or not readable` });
    }
    const loaded: Record<string, string> = {};
    for (const [k, kind] of Object.entries(CERT_KEYS)) {
      const l = value(k);
      if (!l) continue;
      const p = base + l.value; // as Commbase joins them: no separator
      const text = await read(p);
      if (text === undefined) { out.push({ line: l.n, key: k, severity: 'error', message: `${k}: ${p} is missing or not readable` }); continue; }
      try {
        if (kind === 'cert') parseCertificate(text, k); else loadPrivateKey(text, k);
        loaded[k] = text;
      } catch (err) {
        out.push({ line: l.n, key: k, severity: 'error', message: `${k}: ${p}: ${(err as Error).message}` });
      }
    }
    for (const [c, k] of [['CERTS_AND_KEYS_CERT_PEM_FILE', 'CERTS_AND_KEYS_KEY_PEM_FILE'], ['CERTS_AND_KEYS_SERVER_CRT_FILE', 'CERTS_AND_KEYS_SERVER_KEY_FILE']] as const) {
      if (loaded[c] && loaded[k] && !keyMatchesCert(loadPrivateKey(loaded[k]!), parseCertificate(loaded[c]!).publicKey)) {
        out.push({ line: value(k)?.n, key: k, severity: 'error', message: `${k} is not the key of ${c}` });
      }
    }
    const msg = value('MESSAGING_FILE');
    if (msg && (await runner.stat(base + msg.value)) === undefined) out.push({ line: msg.n, key: 'MESSAGING_FILE', severity: 'warning', message: `MESSAGING_FILE: ${base + msg.value} does not exist yet` });
    return out;
  });
}

export function rememberConfFile(file: string, store = new SettingsStore()): string {
  const abs = path.resolve(file);
  store.update((s) => ({ ...s, confFile: abs }));
  return abs;
}

/**
 * After the certificate wizard: the commbase.conf values that point Commbase at the new server files.
 * Commbase joins CERTS_AND_KEYS_* to its directory with no separator, so the files must lie under it.
 */
export function proposeCertSettings(opts: { confPath: string; cert: string; key: string; ca: string; sans: string[] }): { pairs: Array<[string, string]> } | { reason: string } {
  const appDir = path.dirname(path.dirname(path.resolve(opts.confPath)));
  const rel = (p: string) => { const r = path.relative(appDir, path.resolve(p)); return r.startsWith('..') || path.isAbsolute(r) ? undefined : `/${r}`; };
  const [cert, key, ca] = [rel(opts.cert), rel(opts.key), rel(opts.ca)];
  if (!cert || !key || !ca) return { reason: `the files are outside ${appDir}, and Commbase reads CERTS_AND_KEYS_* relative to it; choose ${path.join(appDir, 'certificates')} as the wizard's directory` };
  const ip = opts.sans.map((s) => s.replace(/^IP:/, '')).find((s, i) => opts.sans[i]!.startsWith('IP:') && s !== '127.0.0.1' && s !== '::1');
  return { pairs: [['CERTS_AND_KEYS_CERT_PEM_FILE', cert], ['CERTS_AND_KEYS_KEY_PEM_FILE', key], ['CERTS_AND_KEYS_CA_PEM_FILE', ca], ...(ip ? [['COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS', ip] as [string, string]] : [])] };
}

/** The conf file the console would edit, or undefined when none is configured. */
export function configuredConfPath(): string | undefined {
  try {
    return resolveConfPath();
  } catch {
    return undefined;
  }
}
