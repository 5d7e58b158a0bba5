// `commbase-admin cert …`: certificates with node-forge (src/certs).
import { quoteArg } from '../core/quote.js';
import type { Command } from 'commander';
import { readKeyFile, stripPassphrase } from '../certs/passphrase.js';
import type { CertSummary } from '../certs/inspect.js';
import { certSummaryLines, liveSummaryLines } from '../present/certs.js';

// Loaded when a command runs: node-forge is large, and no other command needs it.
const certs = () => import('../certs/service.js');
import { action } from './boundary.js';
import { collect, withHost, withJson } from './common.js';
import { emit, paint, progress, steps } from './output.js';
import { connector } from './connect.js';
import { EXIT } from '../core/errors.js';
import { readPassphrase, PASSPHRASE_ENV } from './secrets.js';
import { NOUN_HELP } from './noun-help.js';

export function summaryLines(s: CertSummary): string[] {
  return certSummaryLines(s).map((l) => (l.startsWith('warning: ') ? paint.yellow(l) : l));
}

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

export function registerCert(program: Command): void {
  const cert = program.command('cert').description(NOUN_HELP.cert);

  withJson(cert.command('ca'))
    .description('create a local certificate authority (DIR/ca.pem, DIR/ca-key.pem)')
    .requiredOption('--dir <dir>', 'directory for ca.pem and ca-key.pem')
    .requiredOption('--cn <name>', 'the CA\'s common name, e.g. "Office Relay CA"')
    .option('--days <n>', 'validity in days (default 3650)')
    .option('--key-size <bits>', 'RSA key size: 2048, 3072 or 4096 (default 3072)')
    .option('--force', 'replace an existing CA (the old files are kept as timestamped .bak)')
    .option('--encrypt', 'encrypt ca-key.pem with a passphrase (prompt, --passphrase-file, or $COMMBASE_ADMIN_PASSPHRASE)')
    .option('--passphrase-file <file>', 'with --encrypt: read the passphrase from this file (first line)')
    .action(action(async (o) => {
      const passphrase = o.encrypt ? await readPassphrase(o, 'passphrase for the new CA key: ') : undefined;
      const r = await (await certs()).createCa({ dir: o.dir, cn: o.cn, days: o.days, 'key-size': o.keySize, force: Boolean(o.force), ...(passphrase !== undefined ? { passphrase } : {}) }, progress(o));
      emit(o, r, (x) => [
        paint.green(`created the CA ${x.summary.subject}`),
        `  certificate: ${x.cert}  (give this to clients)`,
        `  key:         ${x.key}  (0400, keep it here)`,
        `  valid until: ${x.summary.notAfter}`,
        ...x.backups.map((b) => `  previous file kept as ${b}`),
        `next: commbase-admin cert issue --ca-dir ${o.dir} --out-dir DIR --cn HOST --san DNS:HOST --san IP:ADDR`,
      ]);
    }));

  withJson(cert.command('issue'))
    .description('issue a server (or client) certificate signed by a local CA: OUT/cert.pem, OUT/key.pem, OUT/ca.pem')
    .requiredOption('--ca-dir <dir>', 'directory holding ca.pem and ca-key.pem')
    .requiredOption('--out-dir <dir>', 'where to write cert.pem, key.pem and ca.pem')
    .requiredOption('--cn <name>', 'common name (an IP or host name here is also added to the SANs)')
    .option('--san <san>', 'DNS:name or IP:address, once for every name clients use (repeatable)', collect, [])
    .option('--days <n>', 'validity in days (default and maximum 825)')
    .option('--client', 'a client certificate (clientAuth) instead of a server one')
    .option('--key-size <bits>', 'RSA key size: 2048, 3072 or 4096 (default 2048)')
    .option('--passphrase-file <file>', 'the CA key\'s passphrase, when it is encrypted (else prompt or $COMMBASE_ADMIN_PASSPHRASE)')
    .action(action(async (o) => {
      const service = await certs();
      const caPass = await service.caKeyEncrypted(o.caDir) ? await readPassphrase(o, `passphrase for ${o.caDir}/ca-key.pem: `) : undefined;
      const r = await service.issueCert({ 'ca-dir': o.caDir, 'out-dir': o.outDir, cn: o.cn, san: o.san, days: o.days, client: Boolean(o.client), 'key-size': o.keySize, ...(caPass !== undefined ? { 'ca-passphrase': caPass } : {}) }, progress(o));
      emit(o, r, (x) => [
        paint.green(`issued a ${o.client ? 'client' : 'server'} certificate for ${x.sans.join(', ') || o.cn}`),
        `  certificate: ${x.cert}`,
        `  key:         ${x.key}  (0600)`,
        `  CA:          ${x.ca}  (copy this to every client: it is what they trust)`,
        `  valid until: ${x.summary.notAfter}`,
        ...x.backups.map((b) => `  previous file kept as ${b}`),
        ...x.summary.warnings.map((w) => paint.yellow(`warning: ${w}`)),
      ]);
    }));

  withJson(cert.command('setup'))
    .description('a local CA and a server certificate in one step, as the console\'s wizard does: DIR/ca (made unless it exists) and DIR/server')
    .requiredOption('--dir <dir>', 'the CA goes in DIR/ca, the server\'s cert.pem, key.pem and ca.pem in DIR/server')
    .requiredOption('--cn <name>', 'the server\'s common name (an IP or host name here is also added to the SANs)')
    .option('--san <san>', 'DNS:name or IP:address, once for every name clients use (repeatable)', collect, [])
    .option('--ca-cn <name>', 'the CA\'s common name (default: "CN CA")')
    .option('--days <n>', 'validity of the server certificate in days (default and maximum 825)')
    .option('--ca-days <n>', 'validity of a CA made now, in days (default 3650)')
    .option('--encrypt', 'encrypt a CA key made now with a passphrase (prompt, --passphrase-file, or $COMMBASE_ADMIN_PASSPHRASE)')
    .option('--passphrase-file <file>', 'the CA key\'s passphrase (a new one with --encrypt, or the existing CA\'s)')
    .action(action(async (o) => {
      const service = await certs();
      const plan = await service.planWizard('local', o.dir);
      const caPass = (plan.caExists ? plan.caEncrypted : o.encrypt) ? await readPassphrase(o, `passphrase for ${plan.caDir}/ca-key.pem: `) : undefined;
      const r = await service.setupLocalPki({ dir: o.dir, cn: o.cn, san: o.san, 'ca-cn': o.caCn, days: o.days, ...(o.caDays ? { 'ca-days': o.caDays } : {}), ...(caPass !== undefined ? { 'ca-passphrase': caPass } : {}) }, progress(o));
      const s = r.server;
      emit(o, r, (x) => [
        paint.green(x.ca ? `created the CA ${x.ca.summary.subject} in ${x.caDir}` : `used the existing CA in ${x.caDir}`),
        ...(x.ca ? [`  CA key:      ${x.ca.key}  (0400, keep it here; never copy it to the server)`] : []),
        paint.green(`issued a server certificate for ${s.sans.join(', ')}`),
        `  certificate: ${s.cert}`,
        `  key:         ${s.key}  (0600)`,
        `  CA:          ${s.ca}  (copy this to every client: it is what they trust)`,
        `  valid until: ${s.summary.notAfter}`,
        ...[...(x.ca?.backups ?? []), ...s.backups].map((b) => `  previous file kept as ${b}`),
        ...s.summary.warnings.map((w) => paint.yellow(`warning: ${w}`)),
        'next, either the relay:',
        `  commbase-admin relay start --bind 0.0.0.0 --tls-cert ${s.cert} --tls-key ${s.key}`,
        'or Commbase\'s own server, which reads paths under its app directory ($COMMBASE_APP_DIR + the value):',
        `  install -m 0644 ${quoteArg(s.cert)} "$COMMBASE_APP_DIR/certificates/cert.pem" && install -m 0600 ${quoteArg(s.key)} "$COMMBASE_APP_DIR/certificates/key.pem" && install -m 0644 ${quoteArg(s.ca)} "$COMMBASE_APP_DIR/certificates/ca.pem"`,
        '  commbase-admin config set CERTS_AND_KEYS_CERT_PEM_FILE /certificates/cert.pem CERTS_AND_KEYS_KEY_PEM_FILE /certificates/key.pem CERTS_AND_KEYS_CA_PEM_FILE /certificates/ca.pem',
      ]);
    }));

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

  withJson(cert.command('strip-passphrase'))
    .description(`remove a key's passphrase (prompt, --passphrase-file, or $${PASSPHRASE_ENV}; never an argument)`)
    .requiredOption('--in <file>', 'the encrypted key (legacy PEM or PKCS#8)')
    .requiredOption('--out <file>', 'where to write the unencrypted key (0600; the same path keeps IN.bak)')
    .option('--passphrase-file <file>', 'read the passphrase from this file (first line)')
    .option('--passphrase-env <name>', `read the passphrase from this environment variable (default ${PASSPHRASE_ENV})`)
    .action(action(async (o) => {
      const { encrypted } = await readKeyFile(o.in);
      const pass = encrypted ? await readPassphrase(o, `passphrase for ${o.in}: `) : '';
      const r = await stripPassphrase({ in: o.in, out: o.out }, pass);
      emit(o, r, (x) => [
        x.wasEncrypted ? paint.green(`wrote the unencrypted key to ${x.out} (0600)`) : `the key was not encrypted; copied to ${x.out} (0600)`,
        ...(x.backup ? [`  previous file kept as ${x.backup}`] : []),
      ]);
    }));

  withJson(cert.command('inspect'))
    .description('show a certificate (a PEM file, or a live server as HOST:PORT): names, validity, fingerprint, key, chain to a CA, validity for a host')
    .argument('<file|host:port>', 'PEM certificate, or a TLS server such as relay.example.org:443')
    .option('--ca <file>', 'check that it chains to this CA certificate')
    .option('--host <name>', 'check that it is valid for this DNS name or IP address')
    .action(action(async (file: string, o) => {
      const live = !file.startsWith('/') && !file.startsWith('.') && /^[^/]+:\d{1,5}$/.test(file);
      if (live) {
        const { inspectLive } = await import('../certs/inspect-live.js');
        const r = await inspectLive({ target: file, ...(o.ca ? { ca: o.ca } : {}) });
        emit(o, r, (x) => liveSummaryLines(x).map((l) => (l.startsWith('warning: ') || /: NO/.test(l) ? paint.yellow(l) : l)));
        if (r.expired || !r.trusted || r.chainsToCa === false || r.validForHost?.ok === false) process.exitCode = 4;
        return;
      }
      const r = await (await certs()).inspectFile({ file, ca: o.ca, host: o.host });
      emit(o, r, summaryLines);
      if (r.expired || r.chainsToCa === false || r.validForHost?.ok === false) process.exitCode = 4;
    }));
}
