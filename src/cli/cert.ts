// `commbase-admin cert …`: certificates with node-forge (src/certs).
import type { Command } from 'commander';
import { readKeyFile, stripPassphrase } from '../certs/passphrase.js';
import type { CertSummary } from '../certs/inspect.js';

// Loaded when a command runs: node-forge is large, and no other command needs it.
const certs = () => import('../certs/service.js');
import { action } from './boundary.js';
import { collect, withJson } from './common.js';
import { emit, paint, progress } from './output.js';
import { readPassphrase, PASSPHRASE_ENV } from './secrets.js';

export function summaryLines(s: CertSummary): string[] {
  const lines = [
    `subject:      ${s.subject}`,
    `issuer:       ${s.issuer}`,
    `SANs:         ${s.sans.length ? s.sans.join(', ') : '(none)'}`,
    `valid:        ${s.notBefore} → ${s.notAfter} (${s.expired ? 'EXPIRED' : `${s.daysLeft} days left`})`,
    `fingerprint:  SHA256 ${s.fingerprintSha256}`,
    `key:          ${s.keyType}${s.keyBits ? ` ${s.keyBits} bits` : ''}${s.isCa ? ' (CA)' : ''}`,
  ];
  if (s.chainsToCa !== undefined) lines.push(`chains to CA: ${s.chainsToCa ? 'yes' : 'NO'}`);
  if (s.validForHost) lines.push(`valid for ${s.validForHost.host}: ${s.validForHost.ok ? 'yes' : 'NO'}`);
  for (const w of s.warnings) lines.push(paint.yellow(`warning: ${w}`));
  return lines;
}

export function registerCert(program: Command): void {
  const cert = program.command('cert').description('make and check TLS certificates: a local CA, server and client certificates, CSRs');

  withJson(cert.command('ca'))
    .description('create a local certificate authority (DIR/ca.pem, DIR/ca-key.pem)')
    .requiredOption('--dir <dir>', 'directory for ca.pem and ca-key.pem')
    .requiredOption('--cn <name>', 'the CA\'s common name, e.g. "Office Relay CA"')
    .option('--days <n>', 'validity in days (default 3650)')
    .option('--key-size <bits>', 'RSA key size: 2048, 3072 or 4096 (default 3072)')
    .option('--force', 'replace an existing CA (the old files are kept as timestamped .bak)')
    .action(action(async (o) => {
      const r = await (await certs()).createCa({ dir: o.dir, cn: o.cn, days: o.days, 'key-size': o.keySize, force: Boolean(o.force) }, progress(o));
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
    .action(action(async (o) => {
      const r = await (await certs()).issueCert({ 'ca-dir': o.caDir, 'out-dir': o.outDir, cn: o.cn, san: o.san, days: o.days, client: Boolean(o.client), 'key-size': o.keySize }, progress(o));
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
    .action(action(async (o) => {
      const r = await (await certs()).setupLocalPki({ dir: o.dir, cn: o.cn, san: o.san, 'ca-cn': o.caCn, days: o.days }, progress(o));
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
        'next, either:',
        `  commbase-admin relay start --bind 0.0.0.0 --tls-cert ${s.cert} --tls-key ${s.key}`,
        `  commbase-admin config set CERTS_AND_KEYS_CERT_PEM_FILE ${s.cert} CERTS_AND_KEYS_KEY_PEM_FILE ${s.key} CERTS_AND_KEYS_CA_PEM_FILE ${s.ca}`,
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
    .description('show a certificate: names, validity, fingerprint, key, chain to a CA, validity for a host')
    .argument('<file>', 'PEM certificate')
    .option('--ca <file>', 'check that it chains to this CA certificate')
    .option('--host <name>', 'check that it is valid for this DNS name or IP address')
    .action(action(async (file: string, o) => {
      const r = await (await certs()).inspectFile({ file, ca: o.ca, host: o.host });
      emit(o, r, summaryLines);
      if (r.expired || r.chainsToCa === false || r.validForHost?.ok === false) process.exitCode = 4;
    }));
}
