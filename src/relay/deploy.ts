// The relay as a systemd service on a host (`relay deploy --host H`): the built relay (one file,
// dist/relay/commbase-relay.mjs) under /opt/commbase-admin/<version> with a `current` link switched atomically, run
// by the host's own Node (checked: at least 20.19, the version Debian 13 ships; nothing is downloaded) as a
// dedicated system user, its options in /etc/commbase-admin/relay.json (checked by the schema of `relay start`),
// its data in /var/lib/commbase-relay (0700), the TLS key 0600 readable by that user only, and a hardened unit that
// restarts on failure and starts at boot. Everything is previewed first; a host without systemd is refused before
// anything changes.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readSmallFile } from '../core/files.js';
import { writeRootFile } from '../runners/root-write.js';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { hostNameKey } from '../core/names.js';
import { cidr } from '../core/net.js';
import { quoteArgv } from '../core/quote.js';
import { parseInput } from '../core/validate.js';
import type { Runner } from '../runners/types.js';
import { audited } from '../services/audit.js';
import { withRunner, type Connector } from '../services/hosts.js';
import { relayInput, type RelayOptions } from './options.js';

import { PATHS, SERVICE, SERVICE_USER } from './service-paths.js';

/** The oldest Node the relay runs on (package.json's engines). */
const MIN_NODE: [number, number] = [20, 19];

export const deployInput = z.object({
  host: hostNameKey,
  bind: z.string().default('0.0.0.0'),
  port: z.union([z.string(), z.number()]).default('5000'),
  'tls-cert': z.string().min(1).optional(),
  'tls-key': z.string().min(1).optional(),
  'open-from': z.array(cidr).default([]),
  'trusted-proxy': z.array(z.string()).default([]),
  /** The name or address clients use, for the URLs the relay hands out (default: the inventory's address for the host). */
  'public-host': relayInput.shape['public-host'],
  'insecure-http': z.boolean().default(false),
  /** Several relays on one Redis: the URL, Redis's password in a file on this machine (copied 0600), --store-unsafe. */
  store: relayInput.shape.store,
  'store-password-file': z.string().min(1).optional(),
  'store-unsafe': z.boolean().default(false),
  'dry-run': z.boolean().default(false),
});

export interface DeployStep { kind: 'run' | 'write'; what: string; argv?: string[]; path?: string; mode?: number; secret?: boolean }

export interface DeployResult {
  host: string;
  where: string;
  dryRun: boolean;
  version: string;
  node: string;
  steps: string[];
  unit: string;
  settings: RelayOptions;
  /** After a real deploy: what systemd and the relay say. */
  active?: string;
}

/** The relay's options as the service runs them: the paths are the service's own. */
export function serviceSettings(input: z.output<typeof deployInput>): RelayOptions {
  const tls = input['tls-cert'] && input['tls-key'] ? { 'tls-cert': PATHS.cert, 'tls-key': PATHS.key } : {};
  if (Boolean(input['tls-cert']) !== Boolean(input['tls-key'])) throw new UserError('invalid tls-key: give both --tls-cert and --tls-key, or neither', [], 'tls-key');
  return parseInput(relayInput, {
    bind: input.bind, port: String(input.port), ...tls, 'data-dir': PATHS.data, ...(input['public-host'] ? { 'public-host': input['public-host'] } : {}),
    ...(input.store ? { store: input.store, 'store-unsafe': input['store-unsafe'], ...(input['store-password-file'] ? { 'store-password-file': PATHS.storePassword } : {}) } : {}), 'open-from': input['open-from'], 'trusted-proxy': input['trusted-proxy'], 'insecure-http': input['insecure-http'],
  }, 'relay deploy');
}

/**
 * The unit: restarts on failure (not on a bad setting, exit 78), starts at boot, and is confined: no new privileges,
 * the file system read-only but for its data, no home directories, private /tmp and devices, no kernel or cgroup
 * changes, only IP and Unix sockets, the system-service system calls, and no capabilities unless the port is
 * below 1024 (then only the one that binds it). V8's JIT needs writable and executable memory, so
 * MemoryDenyWriteExecute stays off.
 */
export function unitFile(opts: { node: string; port: number }): string {
  const lowPort = opts.port > 0 && opts.port < 1024;
  return `# Written by commbase-admin relay deploy; replaced by the next deploy or upgrade.
[Unit]
Description=commbase-admin relay (Commbase data exchange)
Documentation=https://www.npmjs.com/package/commbase-admin
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${SERVICE_USER}
Group=${SERVICE_USER}
ExecStart=${opts.node} ${PATHS.opt}/current/relay.mjs --settings ${PATHS.settings}
Restart=on-failure
RestartSec=2
RestartPreventExitStatus=78
TimeoutStopSec=10
UMask=0077
Environment=NODE_ENV=production
ReadWritePaths=${PATHS.data}
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
PrivateUsers=${lowPort ? 'no' : 'yes'}
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
RemoveIPC=yes
LockPersonality=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM
DevicePolicy=closed
IPAddressAllow=any
CapabilityBoundingSet=${lowPort ? 'CAP_NET_BIND_SERVICE' : ''}
AmbientCapabilities=${lowPort ? 'CAP_NET_BIND_SERVICE' : ''}

[Install]
WantedBy=multi-user.target
`;
}

/** What the host has: systemd running, a Node new enough, and where that Node is. Refuses before any change. */
export async function checkHost(runner: Runner, hostName: string): Promise<{ node: string; version: string }> {
  const systemd = await runner.run(['test', '-d', '/run/systemd/system'], { allowFailure: true, timeoutMs: 10_000 });
  if (systemd.exitCode !== 0) {
    throw new UserError(`failed to deploy the relay on ${hostName}: systemd is not running there (no /run/systemd/system; a container?)`, [
      'run it there by hand instead: commbase-admin relay start (as a process of its own), or in the container\'s own supervisor',
    ], 'host');
  }
  const where = await runner.run(['sh', '-c', 'command -v node || command -v nodejs'], { allowFailure: true, timeoutMs: 10_000 });
  const node = where.stdout.trim().split('\n')[0] ?? '';
  if (where.exitCode !== 0 || !node.startsWith('/')) {
    throw new UserError(`failed to deploy the relay on ${hostName}: it has no Node.js`, [`install it there: apt-get install nodejs (Debian 13 ships ${MIN_NODE.join('.')} or newer), then deploy again`], 'host');
  }
  const v = (await runner.run([node, '--version'], { timeoutMs: 10_000 })).stdout.trim();
  const [major, minor] = v.replace(/^v/, '').split('.').map(Number) as [number, number];
  if (!(major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]))) {
    throw new UserError(`failed to deploy the relay on ${hostName}: its Node.js is ${v}, older than ${MIN_NODE.join('.')}`, ['install a newer one there (Debian 13: apt-get install nodejs; elsewhere nodejs.org\'s packages), then deploy again'], 'host');
  }
  return { node, version: v };
}

/** The relay file this console ships, and its version directory (package version and the file's own hash). */
export async function relayBundle(given?: string): Promise<{ bytes: Buffer; version: string }> {
  const file = given ?? new URL('../../dist/relay/commbase-relay.mjs', import.meta.url);
  // A given build is bounded and must be a regular file (a device or a FIFO is refused, not read for ever).
  const bytes = given ? await readSmallFile(given, 'bundle', 64 * 1024 * 1024)
    : await readFile(file).catch(() => { throw new UserError('failed to find the built relay (dist/relay/commbase-relay.mjs)', ['run npm run build in commbase-admin\'s directory'], 'bundle'); });
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return { bytes, version: `${pkg.version}-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}` };
}

const run = (what: string, argv: string[]): DeployStep => ({ kind: 'run', what, argv });

/** Every step of a deploy, in order, before anything is done. */
export function deploySteps(version: string, settings: RelayOptions, tls: boolean, storePassword = false): DeployStep[] {
  const dir = `${PATHS.opt}/${version}`;
  return [
    run(`the system user ${SERVICE_USER} (made when missing; no login, no home)`, ['sh', '-c', `getent passwd ${SERVICE_USER} >/dev/null || useradd --system --user-group --no-create-home --home-dir ${PATHS.data} --shell /usr/sbin/nologin ${SERVICE_USER}`]),
    run(`${dir} (0755)`, ['install', '-d', '-m', '0755', PATHS.opt, dir]),
    // Kept data from an earlier install (uninstall without --purge) belongs to the user made now.
    run(`${PATHS.data} (0700, ${SERVICE_USER}'s, with what it holds)`, ['sh', '-c', `install -d -m 0700 -o ${SERVICE_USER} -g ${SERVICE_USER} ${PATHS.data} && chown -R ${SERVICE_USER}:${SERVICE_USER} ${PATHS.data}`]),
    run(`${PATHS.etc} (0750, readable by ${SERVICE_USER}'s group)`, ['install', '-d', '-m', '0750', '-o', 'root', '-g', SERVICE_USER, PATHS.etc, `${PATHS.etc}/tls`]),
    { kind: 'write', what: `${dir}/relay.mjs (the relay, one file)`, path: `${dir}/relay.mjs`, mode: 0o644 },
    ...(tls ? [
      { kind: 'write' as const, what: `${PATHS.cert} (0644)`, path: PATHS.cert, mode: 0o644 },
      { kind: 'write' as const, what: `${PATHS.key} (0600, ${SERVICE_USER}'s only)`, path: PATHS.key, mode: 0o600, secret: true },
    ] : []),
    ...(storePassword ? [{ kind: 'write' as const, what: `${PATHS.storePassword} (Redis's password; 0600, ${SERVICE_USER}'s only)`, path: PATHS.storePassword, mode: 0o600, secret: true }] : []),
    { kind: 'write', what: `${PATHS.settings} (0640): listen on ${settings.bind}:${settings.port}${tls ? ' with TLS' : ''}`, path: PATHS.settings, mode: 0o640 },
    { kind: 'write', what: `${PATHS.unit} (0644)`, path: PATHS.unit, mode: 0o644 },
    run(`switch ${PATHS.opt}/current to ${version} (atomic)`, ['sh', '-c', `ln -sfn ${version} ${PATHS.opt}/.current.new && mv -T ${PATHS.opt}/.current.new ${PATHS.opt}/current`]),
    run('reload systemd, enable the service at boot, (re)start it', ['sh', '-c', `systemctl daemon-reload && systemctl enable ${SERVICE} && systemctl restart ${SERVICE}`]),
  ];
}

/** `relay deploy --host H`: preview, or install and start. */
export async function deployRelay(raw: z.input<typeof deployInput>, deps: Connector, onStep: (s: string) => void = () => {}): Promise<DeployResult> {
  const input = parseInput(deployInput, raw, 'relay deploy');
  const checked = serviceSettings(input);
  const tls = checked['tls-cert'] !== undefined;
  // One after the other: the first bad file is the one named, every time.
  const cert = tls ? await readSmallFile(input['tls-cert']!, 'tls-cert') : undefined;
  const key = tls ? await readSmallFile(input['tls-key']!, 'tls-key') : undefined;
  if (input['store-password-file'] && !input.store) throw new UserError('invalid store-password-file: it is for --store redis://…; give that too', [], 'store-password-file');
  const storePassword = input['store-password-file'] ? await readSmallFile(input['store-password-file'], 'store-password-file', 4096) : undefined;
  const { bytes, version } = await relayBundle();
  return withRunner(input.host, deps.connect, async (runner, host) => {
    // Clients reach the relay by the address the inventory knows the host by, unless told otherwise.
    const settings = input['public-host'] || host.name === 'local' || !host.address ? checked : serviceSettings({ ...input, 'public-host': host.address.includes(':') ? `[${host.address}]` : host.address });
    const found = await checkHost(runner, host.name);
    const unit = unitFile({ node: found.node, port: settings.port });
    const steps = deploySteps(version, settings, tls, storePassword !== undefined);
    const base = { host: host.name, where: runner.where, version, node: `${found.node} ${found.version}`, unit, settings, steps: steps.map((s) => (s.argv ? `${s.what}: ${quoteArgv(s.argv)}` : `write ${s.what}`)) };
    if (input['dry-run']) return { ...base, dryRun: true };
    return audited({ action: 'relay.deploy', host: host.name, target: `${SERVICE} ${version} on ${settings.bind}:${settings.port}` }, async () => {
      const content: Record<string, string | Buffer> = { [`${PATHS.opt}/${version}/relay.mjs`]: bytes, [PATHS.settings]: `${JSON.stringify(settings, null, 2)}\n`, [PATHS.unit]: unit, ...(cert && key ? { [PATHS.cert]: cert, [PATHS.key]: key } : {}), ...(storePassword ? { [PATHS.storePassword]: storePassword } : {}) };
      let owner: { uid: number; gid: number } | undefined;
      for (const s of steps) {
        onStep(s.what);
        if (s.argv) { await runner.run(s.argv, { privileged: true, timeoutMs: 60_000 }); continue; }
        owner ??= await ownerOf(runner);
        const forUser = s.path === PATHS.key || s.path === PATHS.storePassword ? owner : s.path === PATHS.settings ? { uid: 0, gid: owner.gid } : undefined;
        await writeRootFile(runner, s.path!, content[s.path!]!, s.mode!, forUser, host.sudo);
      }
      onStep('waiting for the relay to answer');
      const active = await waitActive(runner);
      return { ...base, dryRun: false, active };
    }, (r) => ({ outcome: `deployed ${r.version}: ${r.active}` }));
  });
}

async function ownerOf(runner: Runner): Promise<{ uid: number; gid: number }> {
  const r = await runner.run(['sh', '-c', `id -u ${SERVICE_USER} && id -g ${SERVICE_USER}`], { timeoutMs: 10_000 });
  const [uid, gid] = r.stdout.trim().split('\n').map(Number);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new UserError(`failed to deploy the relay: the user ${SERVICE_USER} has no uid/gid`, [], 'host');
  return { uid: uid!, gid: gid! };
}

/**
 * The service is active and the relay now running wrote its admin file (the pid in it is systemd's main pid: a file
 * left by an earlier process does not count), within budgetMs; else what the journal says.
 */
export async function waitActive(runner: Runner, budgetMs = 20_000): Promise<string> {
  const end = Date.now() + budgetMs;
  for (;;) {
    const st = await runner.run(['systemctl', 'show', SERVICE, '-p', 'ActiveState', '-p', 'SubState', '-p', 'MainPID'], { allowFailure: true, timeoutMs: 10_000 });
    const v = Object.fromEntries(st.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const [state, sub, pid] = [v.ActiveState, v.SubState, v.MainPID];
    if (state === 'active' && sub === 'running' && pid && pid !== '0' && await adminPid(runner) === Number(pid)) return `active (running), pid ${pid}`;
    if (Date.now() > end || state === 'failed') {
      const log = await runner.run(['journalctl', '-u', SERVICE, '-n', '15', '--no-pager', '-o', 'cat'], { allowFailure: true, timeoutMs: 10_000 });
      throw new UserError(`failed to start the relay on ${runner.where}: the service is ${state}/${sub} after ${Math.round(budgetMs / 1000)} s`, [...log.stdout.trim().split('\n').slice(-8), 'see all of it: commbase-admin relay logs --host …'], 'host');
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function adminPid(runner: Runner): Promise<number | undefined> {
  try {
    // The service's directory is its user's alone: read with root rights (sudo -n for a login that is not root).
    const r = await runner.run(['cat', '--', `${PATHS.data}/admin.json`], { privileged: true, allowFailure: true, timeoutMs: 10_000 });
    const v = JSON.parse(r.stdout) as { pid?: unknown };
    return typeof v.pid === 'number' ? v.pid : undefined;
  } catch {
    return undefined;
  }
}
