// `cert csr | import | acme | renew`: a certificate from a public CA, by a CSR and import, or over ACME, and its
// renewal with a reload hook.
import type { Command } from '@commander-js/extra-typings';
import { EXIT } from '../core/errors.js';
import { action } from './boundary.js';
import { certs } from './cert-common.js';
import { collect, withHost, withJson } from './common.js';
import { connector } from './connect.js';
import { emit, paint, progress, steps } from './output.js';

/** Long work shows its steps on stderr, even when stdout is piped (the steps are not the result). */

let onRenewArgv: string[] | undefined;

/**
 * `cert renew … --on-renew CMD ARG…`: everything after --on-renew is the hook's argv, dashes included
 * (`--on-renew /bin/sh -c '…'`), which the option parser would otherwise take for its own options.
 */
export function takeOnRenew(argv: string[]): string[] {
  const i = argv.indexOf('--on-renew');
  const renew = argv.indexOf('renew');
  if (i < 0 || argv.indexOf('cert') < 0 || renew < 0 || renew > i) return argv;
  onRenewArgv = argv.slice(i + 1);
  return [...argv.slice(0, i), ...(argv.includes('--help') || argv.includes('-h') ? ['--help'] : [])];
}

const hookFailed = (r: { hook?: { exitCode: number } }) => Boolean(r.hook && r.hook.exitCode !== 0);

export function registerCertPublic(cert: Command): void {
  certCsr(cert);
  certImport(cert);
  certAcme(cert);
  certRenew(cert);
}

/** `cert csr` */
function certCsr(cert: Command): void {
  withJson(cert.command('csr'))
    .description('make a key and a certificate signing request with SANs, for a public CA')
    .requiredOption('--out-dir <dir>', 'where to write key.pem and request.csr')
    .requiredOption('--cn <name>', 'common name, usually the main DNS name')
    .option('--san <san>', 'DNS:name or IP:address (repeatable)', collect, [])
    .option('--key-size <bits>', 'RSA key size: 2048, 3072 or 4096 (default 2048)')
    .action(action(async (o) => {
      const r = await (await certs()).makeCsr({ 'out-dir': o.outDir, cn: o.cn, san: o.san, 'key-size': o.keySize }, progress(o));
      emit(o, r, (x) => [
        paint.green(`made a CSR for ${x.sans.join(', ')}`),
        `  request: ${x.csr}  (send this to the CA)`,
        `  key:     ${x.key}  (0600, never send it)`,
        ...x.warnings.map((w) => paint.yellow(`warning: ${w}`)),
        `next: commbase-admin cert import --key ${x.key} --cert SIGNED.pem [--chain CHAIN.pem]`,
      ]);
    }));
}

/** `cert import` */
function certImport(cert: Command): void {
  withJson(cert.command('import'))
    .description('accept a certificate signed by a public CA, checking that it matches the key and chains')
    .requiredOption('--key <file>', 'the key the CSR was made with')
    .requiredOption('--cert <file>', 'the signed certificate (may already include intermediates)')
    .option('--chain <file>', 'intermediate certificates, leaf-side first')
    .option('--out <file>', 'where to write the certificate with its chain (default: cert.pem next to the key)')
    .action(action(async (o) => {
      const r = await (await certs()).importCert({ key: o.key, cert: o.cert, chain: o.chain, out: o.out });
      emit(o, r, (x) => [
        paint.green(`imported ${x.summary.subject} (matches the key; ${x.chainLength} intermediate(s))`),
        `  certificate with chain: ${x.cert}`,
        ...x.backups.map((b) => `  previous file kept as ${b}`),
        ...x.summary.warnings.map((w) => paint.yellow(`warning: ${w}`)),
      ]);
    }));
}

/** `cert acme` */
function certAcme(cert: Command): void {
  withHost(cert.command('acme'), 'host from the inventory where the files go and the webroot is')
    .description('a certificate from an ACME CA (Let\'s Encrypt staging unless --production): DIR/cert.pem (leaf + chain), DIR/chain.pem, DIR/key.pem (0600)')
    .option('--domain <name>', 'a DNS name the certificate is for, pointing at the host that answers the challenge (repeatable)', collect, [])
    .requiredOption('--email <address>', 'contact address for the ACME account (expiry notices)')
    .option('--directory <url>', 'the ACME directory URL (default: Let\'s Encrypt staging)')
    .option('--production', 'Let\'s Encrypt\'s production directory (trusted by browsers; strict rate limits)')
    .option('--directory-ca <file>', 'trust this CA for the ACME server\'s own HTTPS (a private ACME server such as pebble)')
    .option('--http-port <n>', 'answer http-01 ourselves on this port (80 for a real CA; root below 1024): here, or with --host through python3 there')
    .option('--webroot <dir>', 'answer http-01 with files under DIR/.well-known/acme-challenge/, served by a web server')
    .requiredOption('--out-dir <dir>', 'absolute directory for the certificate, key, chain, account key and acme.json')
    .action(action(async (o) => {
      const { certAcme } = await import('../certs/acme.js');
      const r = await certAcme({ host: o.host, domain: o.domain, email: o.email, directory: o.directory, production: Boolean(o.production), 'directory-ca': o.directoryCa, 'http-port': o.httpPort, webroot: o.webroot, 'out-dir': o.outDir }, connector(o), steps);
      emit(o, r, (x) => [
        paint.green(`issued a certificate for ${x.domains.join(', ')} by ${x.summary.issuer}`),
        `  certificate + chain: ${x.cert}`,
        `  chain only:          ${x.chain}`,
        `  key:                 ${x.key}  (0600)`,
        `  ACME account key:    ${x.account}  (0600${x.accountCreated ? ', new' : ', reused'})`,
        `  valid until:         ${x.summary.notAfter}`,
        ...x.backups.map((b) => `  previous file kept as ${b}`),
        `next: commbase-admin cert renew --dir ${x.dir} --install-timer --on-renew systemctl reload nginx`,
      ]);
    }));
}

/** `cert renew` */
function certRenew(cert: Command): void {
  withHost(cert.command('renew'), 'host from the inventory where the certificate is')
    .description('renew a certificate made by cert acme when it is due (nothing otherwise); previous files kept as backups')
    .requiredOption('--dir <dir>', 'the --out-dir cert acme wrote')
    .option('--before <days>', 'renew when this many days or fewer are left, e.g. 30d (default 30d)')
    .option('--force', 'renew now even if not due')
    .option('--on-renew <argv...>', 'last: everything after it is a command run after a renewal (argv, no shell), e.g. --on-renew systemctl reload nginx')
    .option('--install-timer', 'add a daily check to this user\'s crontab instead of renewing now')
    .option('--dry-run', 'with --install-timer: print the crontab line, change nothing')
    .action(action(async (o) => {
      if (onRenewArgv) o.onRenew = onRenewArgv;
      const acme = await import('../certs/acme-renew.js');
      if (o.installTimer) {
        const { installRenewTimer } = await import('../certs/renew-timer.js');
        const { LocalRunner } = await import('../runners/local.js');
        const self = [process.execPath, process.argv[1] ?? 'commbase-admin'];
        const r = await installRenewTimer(new LocalRunner(), self, { dir: o.dir, host: o.host, before: o.before, 'on-renew': o.onRenew }, Boolean(o.dryRun));
        emit(o, r, (x) => [x.dryRun ? 'would add to this user\'s crontab:' : x.already ? 'already in this user\'s crontab:' : paint.green('added to this user\'s crontab:'), `  ${x.line}`]);
        return;
      }
      const r = await acme.renewCertificate({ host: o.host, dir: o.dir, before: o.before, force: Boolean(o.force), 'on-renew': o.onRenew }, connector(o), steps);
      emit(o, r, (x) => [
        x.renewed ? paint.green(`renewed ${x.dir}: ${x.reason}; valid until ${x.result?.summary.notAfter}`) : `${x.dir}: ${x.reason}`,
        ...(x.result?.backups ?? []).map((b) => `  previous file kept as ${b}`),
        ...(x.hook ? [x.hook.exitCode === 0 ? `  reload hook ran: ${x.hook.argv.join(' ')}` : paint.red(`  reload hook failed (exit ${x.hook.exitCode}): ${x.hook.stderr.trim()}`)] : []),
      ]);
      if (hookFailed(r)) process.exitCode = EXIT.external;
    }));
}
