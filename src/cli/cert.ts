// `commbase-admin cert …`: certificates with node-forge (src/certs). The local CA's verbs (ca, issue, setup) here;
// a public CA's (csr, import, acme, renew) in cert-public.ts; strip-passphrase and inspect in cert-tools.ts.
import type { Command } from '@commander-js/extra-typings';
import { quoteArg } from '../core/quote.js';
import { action } from './boundary.js';
import { certs } from './cert-common.js';
import { registerCertPublic } from './cert-public.js';
import { registerCertTools } from './cert-tools.js';
import { collect, withJson } from './common.js';
import { NOUN_HELP } from './noun-help.js';
import { emit, paint, progress } from './output.js';
import { readPassphrase } from './secrets.js';

export { takeOnRenew } from './cert-public.js';


export function registerCert(program: Command): void {
  const cert = program.command('cert').description(NOUN_HELP.cert);
  certCa(cert);
  certIssue(cert);
  certSetup(cert);
  registerCertPublic(cert);
  registerCertTools(cert);
}

/** `cert ca` */
function certCa(cert: Command): void {
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
}

/** `cert issue` */
function certIssue(cert: Command): void {
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
}

/** `cert setup` */
function certSetup(cert: Command): void {
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
}
