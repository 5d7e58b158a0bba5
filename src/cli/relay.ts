// `commbase-admin relay …`: run the relay (in the foreground), see its status, stop it. Its clients: clients.ts.
import type { Command } from '@commander-js/extra-typings';
import { defaultRelayDataDir } from '../core/paths.js';
import { UserError } from '../core/errors.js';
import { redactUrlPassword } from '../core/validate.js';
import type { StoreState } from '../relay/store-state.js';

import { action } from './boundary.js';
import { collect, withHost, withJson } from './common.js';
import { connector } from './connect.js';
import { emit, paint } from './output.js';
import { NOUN_HELP } from './noun-help.js';
import { adminOpts } from './relay-common.js';
import { registerRelayService, serviceLine } from './relay-service.js';
import { registerRelayStore } from './relay-store.js';

let onSaveArgv: string[] | undefined;

/**
 * `relay start … --on-save CMD ARG…`: everything after --on-save is the hook's argv, dashes included
 * (`--on-save /bin/sh -c '…'`), which an option parser would otherwise take for its own options.
 */
export function takeOnSave(argv: string[]): string[] {
  const i = argv.indexOf('--on-save');
  if (i < 0 || !argv.includes('relay') || !argv.includes('start') || argv.indexOf('start') > i) return argv;
  onSaveArgv = argv.slice(i + 1);
  return [...argv.slice(0, i), ...(argv.includes('--help') || argv.includes('-h') ? ['--help'] : [])];
}

export function registerRelay(program: Command): void {
  const relay = program.command('relay').description(NOUN_HELP.relay);
  relayStart(relay);
  relayStatus(relay);
  relayStop(relay);
  relayRestart(relay);
  registerRelayService(relay);
  registerRelayStore(relay);
}

/** `relay start` */
function relayStart(relay: Command): void {
  withJson(relay.command('start'))
    .description('run the relay in the foreground (Ctrl-C stops it); loopback and TLS by default. With --host H: start the relay deployed on H (relay deploy)')
    .option('--host <name>', 'start the relay deployed on this inventory host (systemctl start; its settings are the deploy\'s)')
    .option('--trust-fingerprint <fp>', 'accept this host key on first contact (with --host)')
    .option('--bind <addr>', 'address to listen on (default 127.0.0.1)')
    .option('--port <n>', 'port (default 5000)')
    .option('--tls-cert <file>', 'server certificate (commbase-admin cert issue makes one)')
    .option('--tls-key <file>', 'its key')
    .option('--data-dir <dir>', 'documents, approvals and the admin feed file (default: the console\'s data directory)')
    .option('--cors-origin <origin>', 'allow this browser origin (repeatable; never *)', collect, [])
    .option('--allow-from <cidr>', 'accept only these source addresses (repeatable)', collect, [])
    .option('--open-from <cidr>', 'sources that need no token (scope both), for Commbase\'s unmodified scripts beside the relay, e.g. 127.0.0.1/32 (repeatable; beyond loopback only with TLS)', collect, [])
    .option('--trusted-proxy <cidr>', 'a reverse proxy (nginx) whose X-Forwarded-For names the client, for --allow-from, --open-from, limits and the Monitor, e.g. 127.0.0.1 (repeatable)', collect, [])
    .option('--insecure-http', 'allow plain HTTP beyond loopback')
    .option('--keep <n>', 'keep at most N documents (oldest dropped)')
    .option('--max-body <bytes>', 'largest JSON body (default 1 MiB)')
    .option('--rate <n>', 'requests a second per client (default 20, bursts twice that)')
    .option('--max-per-source <n>', 'connections one address may open per 5 s, and hold, before it shows a token (default 64)')
    .option('--name <name>', 'the relay\'s name, shown by GET /info')
    .option('--public-host <host>', 'the name or address clients use (for the URLs printed)')
    .option('--admin-port <n>', 'port of the admin feed on 127.0.0.1 (default: any free one)')
    .option('--store <url>', 'keep documents and clients in Redis, shared with other relays: redis://HOST:PORT/DB or rediss:// (TLS); no password in it')
    .option('--store-password-file <file>', 'Redis\'s password, in a file only you can read (or COMMBASE_RELAY_REDIS_PASSWORD)')
    .option('--store-unsafe', 'accept a Redis that does not fsync every write (it may lose the last uploads it acknowledged; the status says so)')
    .option('--on-save <argv...>', 'run this command after each save: everything after --on-save is its argv (no shell), so put it last')
    .action(action(async (o) => {
      if (o.host !== undefined) {
        const given = Object.entries(o).filter(([k, v]) => !['host', 'trustFingerprint', 'json'].includes(k) && !(Array.isArray(v) && v.length === 0) && v !== undefined)
          .map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), v] as const);
        if (onSaveArgv) given.push(['on-save', onSaveArgv.join(' ')]);
        const [flag, value] = given[0] ?? [];
        if (flag) throw new UserError(`invalid ${flag} ${JSON.stringify(redactUrlPassword(String(value)))}: with --host, relay start starts the deployed service as it was deployed`, [`change its settings with: commbase-admin relay deploy --host ${o.host} … (again)`], flag);
        return serviceVerb('start', o);
      }
      const { serveRelay, keepServingOnErrors } = await import('../relay/serve.js');
      const r = await serveRelay({
        bind: o.bind, port: o.port, 'tls-cert': o.tlsCert, 'tls-key': o.tlsKey, 'data-dir': o.dataDir, 'cors-origin': o.corsOrigin, 'allow-from': o.allowFrom, 'open-from': o.openFrom, 'trusted-proxy': o.trustedProxy,
        'insecure-http': Boolean(o.insecureHttp), 'on-save': onSaveArgv ?? o.onSave ?? [], keep: o.keep, 'max-body': o.maxBody, rate: o.rate, 'max-per-source': o.maxPerSource, name: o.name, 'public-host': o.publicHost, 'admin-port': o.adminPort,
        ...(o.store ? { store: o.store } : {}), ...(o.storePasswordFile ? { 'store-password-file': o.storePasswordFile } : {}), 'store-unsafe': Boolean(o.storeUnsafe),
      });
      keepServingOnErrors(r);
      // Every start is recorded (from the console too: it runs this command), and an --open-from on its own line.
      const { record } = await import('../services/audit.js');
      await record({ action: 'relay.start', target: `${r.scheme}://${r.opts.bind}:${r.port}`, outcome: `listening, pid ${process.pid}, data ${r.opts['data-dir']}` });
      if (r.opts['open-from'].length) {
        await record({ action: 'relay.open-from', target: `${r.scheme}://${r.opts.bind}:${r.port}`, outcome: `no token needed from ${r.opts['open-from'].join(', ')} (scope both)` });
      }
      if (o.json) process.stdout.write(JSON.stringify({ listening: `${r.scheme}://${r.opts.bind}:${r.port}`, serverId: r.auth.serverId, dataDir: r.opts['data-dir'], tlsFingerprint: r.tls?.fingerprint ?? null }) + '\n');
      else process.stdout.write([
        paint.green(`relay "${r.auth.name}" listening on ${r.scheme}://${r.opts.bind}:${r.port} (${r.tls ? `TLS, certificate SHA256 ${r.tls.fingerprint}` : 'plain HTTP'})`),
        `  server id:  ${r.auth.serverId}`,
        `  data:       ${r.opts['data-dir']}`,
        ...(r.opts.store ? [`  store:      ${storeLine(r.storeState())}`] : []),
        `  admin feed: 127.0.0.1 only (${r.adminFile})`,
        `  clients ask with POST ${r.publicBase}/api/authorise {"client_id", "name"}; or: commbase-admin clients issue --name NAME --scope read|upload`,
        ...(r.opts['open-from'].length ? [paint.yellow(`  no token needed from: ${r.opts['open-from'].join(', ')} (anonymous clients, scope both)`)] : []),
      ].join('\n') + '\n');
      await new Promise<void>((resolve) => {
        // Close cleanly, but never hang: whatever has not closed within 1.5 s is cut (the log is fsync-ed per write).
        const stop = () => { process.stderr.write('stopping the relay…\n'); setTimeout(resolve, 1500).unref(); r.close().then(resolve, resolve); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      // A client that keeps its connection open (a long poll, a stalled socket) must not keep the process up.
      process.exit(process.exitCode ?? 0);
    }));
}

/** The store in one line: "redis redis://10.0.0.5:6379/0 up (Redis 7.0.15, 1.2M, appendonly yes, appendfsync always)". */
function storeLine(s: StoreState): string {
  const state = s.state === 'up' ? 'up' : `DOWN since ${s.since}${s.error ? ` (${s.error})` : ''}`;
  const detail = [s.redisVersion ? `Redis ${s.redisVersion}` : '', s.memory ?? '', s.durability ?? '', s.aof ? `AOF ${s.aof}` : ''].filter(Boolean).join(', ');
  return `${s.kind} ${s.where} ${state}${detail ? ` (${detail})` : ''}${s.unsafe ? ' — UNSAFE: may lose acknowledged uploads (--store-unsafe)' : ''}`;
}

/** `relay status` */
function relayStatus(relay: Command): void {
  adminOpts(relay.command('status'))
    .description('health, uptime, TLS, throughput and clients of a running relay; on a host it was deployed on, systemd\'s view too')
    .action(action(async (o) => {
      const { relayStatusOn } = await import('../relay/service-control.js');
      const s = await relayStatusOn({ host: o.host, ...(o.dataDir ? { dataDir: o.dataDir } : {}) }, connector(o));
      emit(o, s, (x) => [
        `${x.name}: up ${x.uptimeS}s at ${x.publicUrl} (${x.tls.enabled ? `TLS, certificate ${x.tls.daysLeft} days left` : 'plain HTTP'})`,
        ...(x.service ? [`  service: ${serviceLine(x.service)}`] : []),
        ...(x.store && x.store.kind === 'redis' ? [`  store: ${storeLine(x.store)}`] : []),
        ...(x.cluster ? [`  relays on this store: ${x.cluster.length}`, ...x.cluster.map((p) => `    ${p.publicUrl} (${p.host}, pid ${p.pid}): ${p.clients.length} client(s)${p.clients.length ? ` [${p.clients.map((c) => c.name).join(', ')}]` : ''}, up/s ${p.uploadsPerSecond}`)] : []),
        `  documents ${x.documents}; uploads ${x.uploads.total} (${x.uploads.perSecond}/s); deliveries ${x.deliveries.total} (${x.deliveries.perSecond}/s); errors ${x.errors.total}; snapshots superseded for busy clients ${x.superseded?.total ?? 0}`,
        `  connected ${x.connected.length}; pending approval ${x.pending.length}; connections dropped ${x.dropped?.total ?? 0}${x.dropped?.total ? ` (${Object.entries(x.dropped.reasons).map(([k, n]) => `${k} ×${n}`).join(', ')})` : ''}`,
        ...(x.tls.enabled && (x.tls.daysLeft ?? 99) < 30 ? [paint.yellow(`warning: the TLS certificate expires in ${x.tls.daysLeft} days`)] : []),
      ]);
    }));
}

/** `relay stop` */
function relayStop(relay: Command): void {
  withJson(relay.command('stop'))
    .description('stop the relay running on this machine with that data directory (started here or by the console); with --host H, the relay deployed on H. Recorded in History')
    .option('--data-dir <dir>', 'the relay\'s data directory (default: the console\'s)')
    .option('--host <name>', 'stop the relay deployed on this inventory host (systemctl stop; it stays enabled at boot)')
    .option('--trust-fingerprint <fp>', 'accept this host key on first contact (with --host)')
    .action(action(async (o) => {
      if (o.host !== undefined) return serviceVerb('stop', o);
      const { stopRelay } = await import('../relay/control.js');
      const dataDir = o.dataDir ?? defaultRelayDataDir();
      const r = await stopRelay(dataDir);
      emit(o, { stopped: r.pid, dataDir }, (x) => [`stopped the relay (pid ${x.stopped}) of ${x.dataDir}`]);
    }));
}

/** `relay restart` */
function relayRestart(relay: Command): void {
  withHost(relay.command('restart'), 'the host the relay was deployed on')
    .description('restart the relay deployed on a host (systemctl restart); acknowledged uploads are kept, clients reconnect by themselves')
    .action(action(async (o) => serviceVerb('restart', o)));
}

/** start, stop or restart of the deployed relay, and systemd's view after it. */
async function serviceVerb(verb: 'start' | 'stop' | 'restart', o: { host?: string; json?: boolean; trustFingerprint?: string }): Promise<void> {
  const { serviceAction } = await import('../relay/service-control.js');
  const s = await serviceAction({ host: o.host ?? 'local', verb }, connector(o));
  emit(o, s, (x) => [`${x.host}: ${serviceLine(x)}`]);
}
