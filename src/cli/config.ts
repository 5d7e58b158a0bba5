// `commbase-admin config …`: read, check and edit commbase.conf, here or on a host (SFTP).
import { readLocalConf } from '../conffile/read-local.js';
import type { Command } from '@commander-js/extra-typings';
import { UserError } from '../core/errors.js';
const confService = () => import('../conffile/service.js');
import { getValue } from '../conffile/parse.js';
import type { Finding } from '../conffile/check.js';
import { action } from './boundary.js';
import { withJson } from './common.js';
import { connector } from './connect.js';
import { emit, paint, table } from './output.js';
import { NOUN_HELP } from './noun-help.js';

const where = (cmd: Command) => withJson(cmd)
  .option('--file <path>', 'the commbase.conf (default: settings, then $COMMBASE_APP_DIR/config/commbase.conf)')
  .option('--host <name>', 'edit it on this host over SFTP (default local)', 'local')
  .option('--app-dir <dir>', 'Commbase\'s app directory, which CERTS_AND_KEYS_* and MESSAGING_FILE are joined to (default: $COMMBASE_APP_DIR, else the file\'s grandparent when it is <app>/config/commbase.conf)')
  .option('--trust-fingerprint <fp>', 'accept this host key on first contact');

function pairsOf(args: string[]): Array<[string, string]> {
  if (args.length === 0 || args.length % 2 !== 0) throw new UserError(`invalid pairs ${JSON.stringify(args.join(' '))}: give KEY VALUE pairs: config set KEY VALUE [KEY VALUE …]`, [], 'pairs');
  const out: Array<[string, string]> = [];
  for (let i = 0; i < args.length; i += 2) out.push([args[i]!, args[i + 1]!]);
  return out;
}

const findingLine = (f: Finding) => {
  const text = `${f.line ? `line ${f.line}: ` : ''}${f.message}`;
  return f.severity === 'error' ? paint.red(`error: ${text}`) : f.severity === 'warning' ? paint.yellow(`warning: ${text}`) : `note: ${text}`;
};

export function registerConfig(program: Command): void {
  const cfg = program.command('config').description(NOUN_HELP.config);
  configShow(cfg);
  configGet(cfg);
  configSet(cfg);
  configDiff(cfg);
  configValidate(cfg);
  configUndo(cfg);
  configEdit(cfg, program);
  configDefaultFile(cfg);
}

/** `config show` */
function configShow(cfg: Command): void {
  where(cfg.command('show')).description('every variable with its value as bash reads it, and lines that are not assignments')
    .action(action(async (o) => {
      const doc = await (await confService()).readConf({ file: o.file, host: o.host, appDir: o.appDir }, connector(o));
      const vars = doc.file.lines.flatMap((l) => (l.kind === 'assign' ? [{ line: l.n, key: l.key, value: l.value, written: l.valueText }] : []));
      const other = doc.file.lines.flatMap((l) => (l.kind === 'unparsed' ? [{ line: l.n, raw: l.raw, reason: l.reason }] : []));
      emit(o, { path: doc.path, host: doc.host, variables: vars, unparsed: other }, (x) => [
        `${x.path} (${doc.where})`,
        ...table(x.variables.map((v) => [String(v.line), v.key, v.value]), ['LINE', 'KEY', 'VALUE']),
        ...x.unparsed.map((u) => paint.yellow(`line ${u.line} kept as written, not understood (${u.reason}): ${u.raw}`)),
      ]);
    }));
}

/** `config get` */
function configGet(cfg: Command): void {
  where(cfg.command('get')).description('the value of KEY as bash reads it (exit 2 if unset)').argument('<key>')
    .action(action(async (key: string, o) => {
      // On this machine with --file, nothing but the file is needed: read without the inventory or the schemas.
      const doc = o.host === 'local' && o.file !== undefined
        ? await readLocalConf(o.file)
        : await (await confService()).readConf({ file: o.file, host: o.host }, connector(o));
      const value = getValue(doc.file, key);
      if (value === undefined) throw new UserError(`failed to get ${key}: it is not set in ${doc.path}`, [], 'key');
      emit(o, { key, value }, (x) => [x.value]);
    }));
}

/** `config set` */
function configSet(cfg: Command): void {
  where(cfg.command('set')).description('set KEY to VALUE (several pairs at once); validates the whole file first, keeps FILE.bak')
    .argument('<pairs...>', 'KEY VALUE [KEY VALUE …]')
    .option('--dry-run', 'show the diff and write nothing')
    .action(action(async (args: string[], o) => {
      const r = await (await confService()).setConf({ file: o.file, host: o.host, pairs: pairsOf(args), dryRun: Boolean(o.dryRun) }, connector(o));
      emit(o, r, (x) => [...x.diff, x.changes.length === 0 ? 'nothing to change' : x.dryRun ? '(dry run: nothing written)' : paint.green(`written; previous version kept as ${x.backup}`), ...x.report.findings.filter((f) => f.severity !== 'note' && x.changes.some((c) => c.line === f.line)).map(findingLine)]);
    }));
}

/** `config diff` */
function configDiff(cfg: Command): void {
  where(cfg.command('diff')).description('what `config set KEY VALUE …` would change, as a diff (writes nothing)')
    .argument('<pairs...>', 'KEY VALUE [KEY VALUE …]')
    .action(action(async (args: string[], o) => {
      const r = await (await confService()).setConf({ file: o.file, host: o.host, pairs: pairsOf(args), dryRun: true }, connector(o));
      emit(o, r, (x) => x.diff);
    }));
}

/** `config validate` */
function configValidate(cfg: Command): void {
  where(cfg.command('validate')).description('check the data-exchange values and what Commbase\'s Python readers will make of each line')
    .option('--strict', 'treat the Commbase-reader warnings as errors')
    .option('--check-files', 'also check that the files exist, certificates are certificates and keys match them')
    .option('--base-dir <dir>', 'the same as --app-dir (kept for scripts written before it)')
    .action(action(async (o) => {
      const appDir = o.appDir ?? o.baseDir;
      const doc = await (await confService()).readConf({ file: o.file, host: o.host, appDir }, connector(o));
      const rep = (await confService()).report(doc, Boolean(o.strict));
      if (o.checkFiles) {
        const found = await (await import('../conffile/paths-check.js')).checkFiles({ file: o.file, host: o.host, appDir }, connector(o));
        const { checkPemFiles } = await import('../certs/check-files.js');
        const more = [...found.findings, ...checkPemFiles(found.pemFiles, (await import('../conffile/paths-check.js')).CERT_KEY_PAIRS)];
        rep.findings.push(...more);
        rep.errors += more.filter((f) => f.severity === 'error').length;
      }
      emit(o, rep, (x) => [
        `${x.path}: ${x.errors} error(s), ${x.warnings} warning(s)`,
        ...x.findings.map(findingLine),
        ...(x.missing.length ? [`not set: ${x.missing.join(', ')}`] : []),
      ]);
      if (rep.errors > 0) process.exitCode = 4;
    }));
}

/** `config undo` */
function configUndo(cfg: Command): void {
  where(cfg.command('undo')).description('put back the version before the last save (FILE.bak)')
    .action(action(async (o) => {
      const r = await (await confService()).undoConf({ file: o.file, host: o.host }, connector(o));
      emit(o, r, (x) => [paint.green(`restored ${x.path} from ${x.restoredFrom}`)]);
    }));
}

/** `config edit` */
function configEdit(cfg: Command, program: Command): void {
  cfg.command('edit').description('open the console\'s Configuration screen on this commbase.conf (here, or --host over SFTP)')
    .option('--file <path>', 'the commbase.conf (default: settings, then $COMMBASE_APP_DIR/config/commbase.conf)')
    .option('--host <name>', 'the file on this inventory host (default local)', 'local')
    .option('--read-only', 'show it without any action that changes it')
    .action(action(async (o) => {
      const { parseInput } = await import('../core/validate.js');
      const { hostNameKey } = await import('../core/names.js');
      const { z } = await import('zod');
      const { getHost } = await import('../services/hosts.js');
      const host = getHost(parseInput(z.object({ host: hostNameKey }), { host: o.host }).host).name;
      const file = o.file ? (host === 'local' ? (await import('node:path')).resolve(o.file) : o.file) : undefined;
      const { loadConsole } = await import('./interactive.js');
      const { openConsole } = await loadConsole();
      await openConsole({ readOnly: Boolean(o.readOnly || program.getOptionValue('readOnly')), initialScreen: 'config', config: { ...(file ? { file } : {}), host } });
      process.exit(process.exitCode ?? 0);
    }));
}

/** `config default-file` */
function configDefaultFile(cfg: Command): void {
  withJson(cfg.command('default-file')).description('remember which commbase.conf to use when --file is not given').argument('<path>')
    .action(action(async (file: string, o) => {
      const abs = (await import('../conffile/recent.js')).rememberConfFile(file);
      emit(o, { confFile: abs }, () => [`commbase.conf is now ${abs}`]);
    }));
}
