// `commbase-admin proxy nginx`: nginx in front of the relay (src/proxy).
import type { Command } from '@commander-js/extra-typings';
import { action } from './boundary.js';
import { collect, withHost } from './common.js';
import { connector } from './connect.js';
import { emit, paint, steps } from './output.js';
import { NOUN_HELP } from './noun-help.js';

export function registerProxy(program: Command): void {
  const proxy = program.command('proxy').description(NOUN_HELP.proxy);

  withHost(proxy.command('nginx'))
    .description('write an nginx site for DOMAIN (443 TLS → the relay, 80 → 301 to https except ACME\'s http-01), check it with nginx -t, then reload')
    .requiredOption('--domain <name>', 'the name clients use, e.g. relay.example.org')
    .requiredOption('--cert <file>', 'certificate with its chain, on the host (cert acme\'s cert.pem)')
    .requiredOption('--key <file>', 'its unencrypted key, on the host')
    .requiredOption('--upstream <host:port>', 'where the relay listens, e.g. 127.0.0.1:5000 (start it with --trusted-proxy 127.0.0.1); repeat it for several relays on one Redis (sticky by client address)', collect, [])
    .option('--http-port <n>', 'port for http (default 80)')
    .option('--https-port <n>', 'port for https (default 443)')
    .option('--webroot <dir>', 'where cert acme --webroot puts http-01 answers (default /var/www/commbase-admin-acme)')
    .option('--dry-run', 'print the site and the files it would write; change nothing')
    .action(action(async (o) => {
      const { setupNginx } = await import('../proxy/service.js');
      const r = await setupNginx({ host: o.host, domain: o.domain, cert: o.cert, key: o.key, upstream: o.upstream, 'http-port': o.httpPort, 'https-port': o.httpsPort, webroot: o.webroot, 'dry-run': Boolean(o.dryRun) },
        connector(o), steps);
      emit(o, r, (x) => [
        ...(x.dryRun ? [`would write on ${x.where}:`, ...x.files.map((f) => `  ${f.action} ${f.path} (${f.mode})`), '', x.text] : [
          paint.green(`nginx ${x.action} on ${x.where}: https://${x.domain}/ → the relay`),
          ...x.files.map((f) => `  ${f.action === 'create' ? 'created' : 'replaced'} ${f.path}`),
          ...x.backups.map((b) => `  previous file kept as ${b}`),
        ]),
        ...x.warnings.map((w) => paint.yellow(`warning: ${w}`)),
      ]);
    }));
}
