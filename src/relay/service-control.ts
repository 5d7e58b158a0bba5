// A deployed relay (deploy.ts) run by systemd on a host: start, stop, restart, its state, its journal, and
// uninstall (the unit, the binaries, the user and the settings; the data only with --purge).
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { hostNameKey } from '../core/names.js';
import { parseInput } from '../core/validate.js';
import type { Runner } from '../runners/types.js';
import { audited } from '../services/audit.js';
import { withRunner, type Connector } from '../services/hosts.js';
import { PATHS, SERVICE, SERVICE_USER } from './deploy.js';

export interface ServiceState { host: string; installed: boolean; active: string; sub: string; enabled: string; pid: number; restarts: number; version?: string }

async function state(runner: Runner, host: string): Promise<ServiceState> {
  const installed = Boolean(await runner.stat(PATHS.unit));
  const show = await runner.run(['systemctl', 'show', SERVICE, '-p', 'ActiveState', '-p', 'SubState', '-p', 'UnitFileState', '-p', 'MainPID', '-p', 'NRestarts'], { allowFailure: true, timeoutMs: 10_000 });
  const v = Object.fromEntries(show.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const link = await runner.run(['readlink', `${PATHS.opt}/current`], { allowFailure: true, timeoutMs: 10_000 });
  return {
    host, installed, active: v.ActiveState ?? 'unknown', sub: v.SubState ?? '', enabled: v.UnitFileState || 'not installed', pid: Number(v.MainPID) || 0, restarts: Number(v.NRestarts) || 0,
    ...(link.exitCode === 0 && link.stdout.trim() ? { version: link.stdout.trim() } : {}),
  };
}

const hostOnly = z.object({ host: hostNameKey });

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

/** The relay's journal (the service writes its log to standard output and error). */
export async function serviceLogs(raw: z.input<typeof logsInput>, deps: Connector): Promise<{ host: string; lines: string[] }> {
  const input = parseInput(logsInput, raw, 'relay logs');
  return withRunner(input.host, deps.connect, async (runner, h) => {
    const r = await runner.run(['journalctl', '-u', SERVICE, '--no-pager', '-o', 'short-iso', '-n', String(input.lines), ...(input.since ? ['--since', input.since] : [])], { privileged: true, allowFailure: true, timeoutMs: 30_000 });
    if (r.exitCode !== 0) throw new UserError(`failed to read the relay's journal on ${h.name}: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.exitCode}`}`, [], 'host');
    return { host: h.name, lines: r.stdout.split('\n').filter((l) => l !== '') };
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
