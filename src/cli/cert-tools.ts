// `cert strip-passphrase | inspect`: a key's passphrase removed, and a certificate (a file or a live server) shown.
import type { Command } from '@commander-js/extra-typings';
import { readKeyFile, stripPassphrase } from '../certs/passphrase.js';
import { liveSummaryLines } from '../present/certs.js';
import { action } from './boundary.js';
import { certs, summaryLines } from './cert-common.js';
import { withJson } from './common.js';
import { emit, paint } from './output.js';
import { readPassphrase, PASSPHRASE_ENV } from './secrets.js';

export function registerCertTools(cert: Command): void {
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
