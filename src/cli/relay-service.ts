// `commbase-admin relay deploy|service|logs|uninstall --host H`: the relay as a systemd service on a host
// (src/relay/deploy.ts, service-control.ts).
import { Argument, type Command } from '@commander-js/extra-typings';
import { action } from './boundary.js';
import { collect, withHost } from './common.js';
import { connector } from './connect.js';
import { emit, paint, steps } from './output.js';
import { quoteArgv } from '../core/quote.js';
import type { ServiceState } from '../relay/service-control.js';

export function registerRelayService(relay: Command): void {
  relayDeploy(relay);
  relayService(relay);
  relayLogs(relay);
  relayUpgrade(relay);
  relayUninstall(relay);
}

/** systemd's view of the deployed relay, in one line. */
export function serviceLine(x: ServiceState): string {
  return x.installed ? `${x.active} (${x.sub}), ${x.enabled} at boot${x.pid ? `, pid ${x.pid}` : ''}, restarted ${x.restarts} time(s)${x.version ? `, version ${x.version}` : ''}` : 'no relay deployed (no commbase-relay service)';
}

/** `relay upgrade` */
function relayUpgrade(relay: Command): void {
  withHost(relay.command('upgrade'), 'the host the relay was deployed on')
    .description('install this console\'s relay (or --bundle FILE) beside the running one, switch, restart and check it within 10 s; back to the old one when it does not come up')
    .option('--bundle <file>', 'a relay build (commbase-relay.mjs) instead of this console\'s own')
    .option('--dry-run', 'say what would change, change nothing')
    .action(action(async (o) => {
      const { upgradeRelay } = await import('../relay/upgrade.js');
      const r = await upgradeRelay({ host: o.host, ...(o.bundle ? { bundle: o.bundle } : {}), 'dry-run': Boolean(o.dryRun) }, connector(o), o.json ? () => {} : steps);
      emit(o, r, (x) => [x.dryRun ? x.outcome : paint.green(`${x.host}: ${x.outcome} (${x.from} → ${x.to})`)]);
    }));
}

/** `relay deploy` */
function relayDeploy(relay: Command): void {
  withHost(relay.command('deploy'), 'the host to run the relay on, as a systemd service')
    .description('install the relay on a host as a hardened systemd service and start it (enabled at boot); previews every file and command with --dry-run')
    .option('--bind <addr>', 'address to listen on (default 0.0.0.0)')
    .option('--port <n>', 'port (default 5000; below 1024 gives the service CAP_NET_BIND_SERVICE only)')
    .option('--tls-cert <file>', 'server certificate, on this machine (copied to /etc/commbase-admin/tls)')
    .option('--tls-key <file>', 'its key, on this machine (copied 0600, readable by the service user only)')
    .option('--open-from <cidr>', 'sources that need no token (repeatable; beyond loopback only with TLS)', collect, [])
    .option('--trusted-proxy <cidr>', 'a reverse proxy whose X-Forwarded-For names the client (repeatable)', collect, [])
    .option('--public-host <host>', 'the name or address clients use, for the URLs it hands out (default: the host\'s address in the inventory)')
    .option('--insecure-http', 'allow plain HTTP beyond loopback')
    .option('--store <url>', 'share a Redis with other relays: redis://HOST:PORT/DB (see relay start --store)')
    .option('--store-password-file <file>', 'Redis\'s password, in a file on this machine (copied 0600, the service\'s only)')
    .option('--store-unsafe', 'accept a Redis that does not fsync every write')
    .option('--dry-run', 'print every file and command, change nothing')
    .action(action(async (o) => {
      const { deployRelay } = await import('../relay/deploy.js');
      const r = await deployRelay({ host: o.host, ...(o.bind ? { bind: o.bind } : {}), ...(o.port ? { port: o.port } : {}), 'tls-cert': o.tlsCert, 'tls-key': o.tlsKey, 'open-from': o.openFrom, 'trusted-proxy': o.trustedProxy, ...(o.publicHost ? { 'public-host': o.publicHost } : {}), 'insecure-http': Boolean(o.insecureHttp), ...(o.store ? { store: o.store } : {}), ...(o.storePasswordFile ? { 'store-password-file': o.storePasswordFile } : {}), 'store-unsafe': Boolean(o.storeUnsafe), 'dry-run': Boolean(o.dryRun) }, connector(o), o.json ? () => {} : steps);
      emit(o, r, (x) => [
        `${x.host} (${x.where}): the relay ${x.version} under ${x.node}`,
        ...x.steps.map((s) => `  ${s}`),
        ...(x.dryRun ? ['(dry run: nothing changed)', 'the unit:', ...x.unit.trimEnd().split('\n').map((l) => `  ${l}`)] : [paint.green(`deployed: ${x.active}`), `  logs: commbase-admin relay logs --host ${x.host}`]),
      ]);
    }));
}

/** `relay service` */
function relayService(relay: Command): void {
  withHost(relay.command('service'), 'the host the relay was deployed on')
    .description('the deployed relay\'s systemd service: status (default), start, stop or restart')
    .addArgument(new Argument('[verb]', 'what to do').choices(['status', 'start', 'stop', 'restart'] as const).default('status' as const))
    .action(action(async (verb, o) => {
      const m = await import('../relay/service-control.js');
      const s = verb === 'status' ? await m.serviceStatus({ host: o.host }, connector(o)) : await m.serviceAction({ host: o.host, verb }, connector(o));
      emit(o, s, (x) => [`${x.host}: ${serviceLine(x)}`]);
    }));
}

/** `relay logs` */
function relayLogs(relay: Command): void {
  withHost(relay.command('logs'), 'the host the relay was deployed on')
    .description('the deployed relay\'s journal (journald); --follow keeps printing new lines until Ctrl-C')
    .option('--lines <n>', 'how many of the last lines (default 100)')
    .option('--since <time>', 'from this time on, as journalctl reads it ("10 min ago", "today", "2026-12-05 10:00")')
    .option('-f, --follow', 'keep printing new lines as the relay writes them (Ctrl-C stops); with --json, one JSON line each')
    .action(action(async (o) => {
      const m = await import('../relay/service-control.js');
      const input = { host: o.host, ...(o.lines ? { lines: o.lines } : {}), ...(o.since ? { since: o.since } : {}) };
      if (!o.follow) {
        const r = await m.serviceLogs(input, connector(o));
        return emit(o, r, (x) => x.lines);
      }
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await m.followLogs(input, connector(o), (lines) => {
        process.stdout.write(lines.map((l) => (o.json ? JSON.stringify({ host: o.host, line: l }) : l)).join('\n') + '\n');
      }, stop.signal);
    }));
}

/** `relay uninstall` */
function relayUninstall(relay: Command): void {
  withHost(relay.command('uninstall'), 'the host the relay was deployed on')
    .description('remove the deployed relay: its unit, binaries, settings and user; its data stays unless --purge')
    .option('--purge', 'also remove /var/lib/commbase-relay (documents, tokens, approvals)')
    .option('--dry-run', 'print the commands, change nothing')
    .action(action(async (o) => {
      const { uninstallRelay } = await import('../relay/service-control.js');
      const r = await uninstallRelay({ host: o.host, purge: Boolean(o.purge), 'dry-run': Boolean(o.dryRun) }, connector(o));
      emit(o, r, (x) => [...x.commands.map((c) => `  $ ${quoteArgv(c)}`), ...(x.dryRun ? ['(dry run: nothing changed)'] : [paint.green(`removed from ${x.host}`)]), ...x.kept.map((k) => `kept: ${k}`)]);
    }));
}
