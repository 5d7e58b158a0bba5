// A deployed relay (deploy.ts) run by systemd on a host: start, stop, restart, its state, its journal, and
// uninstall (the unit, the binaries, the user and the settings; the data only with --purge).
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { hostNameKey } from '../core/names.js';
import { parseInput } from '../core/validate.js';
import type { Runner } from '../runners/types.js';
import { audited } from '../services/audit.js';
import { withRunner, type Connector } from '../services/hosts.js';
import type { RelayStatus } from './admin.js';
import { AdminClient, NoRelayError } from './admin-client.js';
import { PATHS, SERVICE, SERVICE_USER } from './service-paths.js';

export interface ServiceState { host: string; installed: boolean; active: string; sub: string; enabled: string; pid: number; restarts: number; version?: string }

async function state(runner: Runner, host: string): Promise<ServiceState> {
  const installed = Boolean(await runner.stat(PATHS.unit));
  if (!installed) return { host, installed, active: 'inactive', sub: 'dead', enabled: 'not installed', pid: 0, restarts: 0 };
  const show = await runner.run(['systemctl', 'show', SERVICE, '-p', 'ActiveState', '-p', 'SubState', '-p', 'UnitFileState', '-p', 'MainPID', '-p', 'NRestarts'], { allowFailure: true, timeoutMs: 10_000 });
  const v = Object.fromEntries(show.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const link = await runner.run(['readlink', `${PATHS.opt}/current`], { allowFailure: true, timeoutMs: 10_000 });
  return {
    host, installed, active: v.ActiveState ?? 'unknown', sub: v.SubState ?? '', enabled: v.UnitFileState || 'not installed', pid: Number(v.MainPID) || 0, restarts: Number(v.NRestarts) || 0,
    ...(link.exitCode === 0 && link.stdout.trim() ? { version: link.stdout.trim() } : {}),
  };
}

const hostOnly = z.object({ host: hostNameKey });

/**
 * `relay status --host H`: the relay's own status through its admin feed (the one relay start or the console
 * runs there, or the deployed service's), with systemd's view when it is the deployed one. A deployed relay that
 * is not running is reported as down with what systemd says, not as "no relay".
 */
export async function relayStatusOn(opts: { host: string; dataDir?: string }, deps: Connector): Promise<RelayStatus & { service?: ServiceState }> {
  return withRunner(opts.host, deps.connect, async (runner, h) => {
    try {
      const c = await AdminClient.over(runner, h.name, opts.dataDir);
      const status = await c.status();
      return c.deployed ? { ...status, service: await state(runner, h.name) } : status;
    } catch (err) {
      if (!(err instanceof NoRelayError) || opts.dataDir || !(await runner.stat(PATHS.unit))) throw err;
      const s = await state(runner, h.name);
      throw new UserError(`failed to read the relay on ${h.name}: the ${SERVICE} service is ${s.active} (${s.sub})`, [`start it: commbase-admin relay start --host ${h.name}`, `see why it stopped: commbase-admin relay logs --host ${h.name}`], 'host');
    }
  });
}

/** Whether the host runs the deployed relay, and how. */
export async function serviceStatus(raw: { host: string }, deps: Connector): Promise<ServiceState> {
  const { host } = parseInput(hostOnly, raw, 'relay status');
  return withRunner(host, deps.connect, (runner, h) => state(runner, h.name));
}

/** systemctl start|stop|restart of the deployed relay; the state after it. */
export async function serviceAction(raw: { host: string; verb: 'start' | 'stop' | 'restart' }, deps: Connector): Promise<ServiceState> {
  const { host, verb } = parseInput(hostOnly.extend({ verb: z.enum(['start', 'stop', 'restart']) }), raw, 'relay');
  return withRunner(host, deps.connect, async (runner, h) => {
    if (!(await runner.stat(PATHS.unit))) throw new UserError(`failed to ${verb} the relay on ${h.name}: it was not deployed there (no ${PATHS.unit})`, [`deploy it: commbase-admin relay deploy --host ${h.name} …`], 'host');
    return audited({ action: `relay.${verb}`, host: h.name, target: SERVICE }, async () => {
      await runner.run(['systemctl', verb, SERVICE], { privileged: true, timeoutMs: 30_000 });
      return state(runner, h.name);
    }, (s) => ({ outcome: `${s.active} (${s.sub})` }));
  });
}

export const logsInput = z.object({
  host: hostNameKey,
  lines: z.coerce.number().int().min(1).max(10_000).default(100),
  since: z.string().regex(/^[0-9A-Za-z :.+-]{1,40}$/, { message: 'must be a time journalctl reads, such as "10 min ago", "2026-12-05 10:00" or "today"' }).optional(),
});

const CURSOR = /^-- cursor: ([A-Za-z0-9=;_-]{1,300})$/;

/** One read of the journal: its lines, and the cursor after the last one (when it printed any). */
async function readJournal(runner: Runner, hostName: string, args: string[]): Promise<{ lines: string[]; cursor?: string }> {
  const r = await runner.run(['journalctl', '-u', SERVICE, '--no-pager', '-o', 'short-iso', '--show-cursor', ...args], { privileged: true, allowFailure: true, timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new UserError(`failed to read the relay's journal on ${hostName}: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.exitCode}`}`, [], 'host');
  const all = r.stdout.split('\n').filter((l) => l !== '');
  const cursor = all.length ? CURSOR.exec(all[all.length - 1]!)?.[1] : undefined;
  return { lines: cursor ? all.slice(0, -1) : all, ...(cursor ? { cursor } : {}) };
}

/** The relay's journal (the service writes its log to standard output and error). */
export async function serviceLogs(raw: z.input<typeof logsInput>, deps: Connector): Promise<{ host: string; lines: string[] }> {
  const input = parseInput(logsInput, raw, 'relay logs');
  return withRunner(input.host, deps.connect, async (runner, h) => {
    const { lines } = await readJournal(runner, h.name, ['-n', String(input.lines), ...(input.since ? ['--since', input.since] : [])]);
    return { host: h.name, lines: lines.filter((l) => !l.startsWith('-- No entries --')) };
  });
}

/**
 * `relay logs --follow`, and the console's log view: the last lines, then every new line as the journal gets it
 * (read again every `everyMs` after the last cursor, over one kept connection), until `signal` aborts.
 */
export async function followLogs(raw: z.input<typeof logsInput>, deps: Connector, onLines: (lines: string[]) => void, signal: AbortSignal, everyMs = 1000): Promise<void> {
  const input = parseInput(logsInput, raw, 'relay logs');
  await withRunner(input.host, deps.connect, async (runner, h) => {
    let cursor: string | undefined;
    let first = true;
    while (!signal.aborted) {
      const r = await readJournal(runner, h.name, cursor ? ['--after-cursor', cursor] : ['-n', String(first ? input.lines : 10_000), ...(input.since ? ['--since', input.since] : [])]);
      first = false;
      const lines = r.lines.filter((l) => !l.startsWith('-- No entries --'));
      if (lines.length) onLines(lines);
      cursor = r.cursor ?? cursor;
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, everyMs); signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true }); });
    }
  });
}

/** Remove the service: unit, binaries, user, settings; the data directory only when purge is asked for. */
export async function uninstallRelay(raw: { host: string; purge?: boolean; 'dry-run'?: boolean }, deps: Connector): Promise<{ host: string; dryRun: boolean; commands: string[][]; kept: string[] }> {
  const input = parseInput(hostOnly.extend({ purge: z.boolean().default(false), 'dry-run': z.boolean().default(false) }), raw, 'relay uninstall');
  const commands = [
    ['sh', '-c', `systemctl disable --now ${SERVICE} 2>/dev/null; rm -f ${PATHS.unit}; systemctl daemon-reload; systemctl reset-failed ${SERVICE} 2>/dev/null; true`],
    ['rm', '-rf', '--', PATHS.opt, PATHS.etc],
    ...(input.purge ? [['rm', '-rf', '--', PATHS.data]] : []),
    ['sh', '-c', `! getent passwd ${SERVICE_USER} >/dev/null || userdel ${SERVICE_USER}`],
  ];
  const kept = input.purge ? [] : [`${PATHS.data} (the documents, tokens and approvals: remove it with --purge)`];
  return withRunner(input.host, deps.connect, async (runner, h) => {
    if (input['dry-run']) return { host: h.name, dryRun: true, commands, kept };
    return audited({ action: 'relay.uninstall', host: h.name, target: SERVICE }, async () => {
      for (const c of commands) await runner.run(c, { privileged: true, timeoutMs: 60_000 });
      return { host: h.name, dryRun: false, commands, kept };
    }, (r) => ({ outcome: r.kept.length ? `removed; kept ${PATHS.data}` : 'removed, data too' }));
  });
}
