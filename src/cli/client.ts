// `commbase-admin client …`: prepare a Commbase client host to use the relay, and check it from that host.
import { Option, type Command } from '@commander-js/extra-typings';
import { UserError } from '../core/errors.js';
import { action } from './boundary.js';
import { withJson } from './common.js';
import { connector } from './connect.js';
import { emit, paint, steps } from './output.js';
import { NOUN_HELP } from './noun-help.js';

const service = () => import('../clientsetup/service.js');

export function registerClient(program: Command): void {
  const client = program.command('client').description(NOUN_HELP.client);

  withJson(client.command('setup'))
    .description('issue a token, install the relay\'s CA, point Commbase\'s listener, updater and uploader (and commbase.conf) at the relay')
    .requiredOption('--app-dir <dir>', 'Commbase\'s directory on the client host (holds config/commbase.conf)')
    .requiredOption('--relay-url <url>', 'the relay as the client reaches it: https://HOST:PORT')
    .requiredOption('--name <name>', 'the client\'s name, for the token and the clients list')
    .option('--ca <file>', 'the relay\'s CA certificate (on this machine); installed as <app>/certificates/ca.pem')
    .option('--data-dir <dir>', 'the relay runs here, with this data directory: issue the token from it (default: the relay the console starts, $XDG_DATA_HOME/commbase-admin/relay)')
    .option('--relay-host <name>', 'the relay runs on this inventory host: issue the token there over SSH')
    .option('--host <name>', 'the client host (default: this machine)', 'local')
    .option('--trust-system', 'also add the CA to the client host\'s trust store (Commbase\'s Socket.IO clients use only that)')
    .addOption(new Option('--listener <kind>', 'for a local-CA https relay: Commbase\'s websocket or polling listener template').choices(['websocket', 'polling'] as const).default('websocket' as const))
    .option('--dry-run', 'show every change and diff, issue nothing, write nothing')
    .option('--trust-fingerprint <fp>', 'accept this host key on first contact')
    .action(action(async (o) => {
      if (o.dataDir && o.relayHost) {
        throw new UserError('invalid --data-dir with --relay-host: say where the relay runs, to issue the token: --data-dir DIR (here) or --relay-host NAME (over SSH), not both', [], 'data-dir');
      }
      const conn = connector(o);
      const relayAt = { dataDir: o.dataDir, host: o.relayHost ?? 'local' };
      const issueToken = async (name: string) => (await import('../relay/admin-client.js')).issueTokenFor(relayAt, conn, name);
      const checkRelay = async () => (await import('../relay/admin-client.js')).relayReachable(relayAt, conn);
      const r = await (await service()).setupClient({
        host: o.host, 'app-dir': o.appDir, 'relay-url': o.relayUrl, ...(o.ca ? { ca: o.ca } : {}), name: o.name,
        'trust-system': Boolean(o.trustSystem), listener: o.listener, 'dry-run': Boolean(o.dryRun),
      }, { ...conn, issueToken, checkRelay }, steps);
      emit(o, r, (x) => [
        `${x.dryRun ? 'Would set up' : 'Set up'} ${x.host} (${x.where}) as a Commbase client of the relay:`,
        ...x.steps.map((s) => `  • ${s}`),
        '',
        ...x.diffs.flatMap((d) => [...d, '']),
        x.dryRun ? '(dry run: no token issued, nothing written)' : paint.green(`done: client ${x.client?.id}; previous versions kept as .bak (${x.backups.length})`),
        ...(x.dryRun ? [] : [`check it from that host: commbase-admin client probe${x.host === 'local' ? '' : ` --host ${x.host}`} --app-dir ${o.appDir}`]),
        ...(x.dryRun ? [] : [`then run Commbase's client on ${x.host}:`, ...x.run.map((l) => `  ${l}`)]),
      ]);
    }));

  withJson(client.command('probe'))
    .description('run what Commbase\'s clients do on the host, with their Python stack: each step ✓/✗ with the fix (exit 4 when one Commbase needs fails)')
    .requiredOption('--app-dir <dir>', 'Commbase\'s directory on the client host')
    .option('--host <name>', 'the client host (default: this machine)', 'local')
    .option('--trust-fingerprint <fp>', 'accept this host key on first contact')
    .action(action(async (o) => {
      const r = await (await service()).probeClient({ host: o.host, 'app-dir': o.appDir }, connector(o));
      emit(o, r, (x) => [
        `${x.host} (${x.where}), ${o.appDir}:`,
        ...x.steps.flatMap((s) => [
          `${s.ok ? paint.green('✓') : s.skipped ? paint.dim('-') : s.needed ? paint.red('✗') : paint.yellow('!')} ${s.step}${s.skipped ? ' (skipped)' : ''}${s.detail ? paint.dim(` — ${s.detail}`) : ''}`,
          ...(!s.ok && s.fix ? [`    fix: ${s.fix}`] : []),
        ]),
        x.ok ? paint.green('Commbase\'s clients can use the relay from here.') : paint.red('A step Commbase\'s clients need failed.'),
      ]);
      if (!r.ok) process.exitCode = 4;
    }));
}
