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
import { audited } from '../services/audit.js';
import { renderDiff, setValues, type Change } from './edit.js';
import { parseConf, printConf, type ConfFile } from './parse.js';
import { appDirFor } from './app-paths.js';
import { hostAppDirEnv } from './find-app.js';
import { readForEdit, replaceFile, type FileForEdit } from '../services/file-edit.js';

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
  throw new UserError('failed to find a commbase.conf to work on', [
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
export async function loadConf(runner: Runner, host: string, givenPath: string, explicitAppDir?: string): Promise<ConfDoc> {
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
  return withRunner(opts.host ?? 'local', deps.connect, (runner, host) => loadConf(runner, host.name, file, opts.appDir));
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
    const doc = await loadConf(runner, host.name, file);
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
      throw new UserError(`failed to write ${file}: after the change it would be invalid: ${invalid.map((f) => `line ${f.line}: ${f.message}`).join('; ')}`, ['fix those values in the same command'], invalid[0]!.key);
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
  throw new UserError(`failed to write ${doc.path}: line ${line} holds bytes that are not UTF-8, and rewriting the file would change them`, [
    'convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8), or edit that line by hand; nothing was written',
  ], 'file');
}

function concurrent(file: string): UserError {
  return new UserError(`failed to write ${file}: it changed since it was read (someone else edited it)`, ['read it again and redo the change: nothing was written'], 'file');
}

/** Put FILE.bak back (the state before the last save); the current file becomes the new FILE.bak. */
export async function undoConf(opts: { file?: string; host?: string }, deps: ConfDeps): Promise<{ path: string; restoredFrom: string }> {
  const file = resolveConfPath(opts.file);
  return withRunner(opts.host ?? 'local', deps.connect, async (runner, host) => {
    const doc = await loadConf(runner, host.name, file);
    const backup = `${doc.target}.bak`;
    const st = await runner.stat(backup);
    if (!st) throw new UserError(`failed to undo: there is no ${backup}`, [], 'file');
    refuseNonUtf8(doc);
    return audited({ action: 'config.undo', host: host.name, target: file }, async () => {
      const old = await runner.readBytes(backup);
      await replaceFile(runner, file, doc.read, old, { mode: doc.mode });
      return { path: file, restoredFrom: backup };
    }, () => ({ outcome: `restored from ${backup}` }));
  });
}
