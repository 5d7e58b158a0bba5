// Timed forwards on a host, through a Runner: add, list, extend, revoke, reap, and install the cron reaper.
// Every change is one `iptables-restore --noflush` transaction; the firewall itself is the only record.
import { z } from 'zod';
import { ExternalError, UserError } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import type { Runner } from '../runners/types.js';
import { audited } from '../services/audit.js';
import { getHost, type HostEntry, type Connector } from '../services/hosts.js';
import { hostNameKey } from '../core/names.js';
import {
  RESTORE_ARGV, SAVE_ALL_ARGV, SAVE_NAT_ARGV, forgedTagLines, saveSection, addBatch, checkArgvs, forwardInput, newForwardId, parseForwards, removeBatch, renderBatch, ttl,
  type Batch, type Forward, type ForwardInput, type ForwardSpec,
} from './forwards.js';
import { persistenceWarning } from './persist.js';
import { DEFAULT_REAPER_PATH, REAPER_MARK, reaperCronLine, reaperScript } from './reaper.js';
import { installCronLine, readCrontab } from '../services/crontab.js';
import { printableLine } from '../core/text.js';

export interface ForwardDeps extends Connector {
  now?: () => Date;
}

export interface ForwardChange {
  host: string;
  where: string;
  id?: string;
  deadline?: string;
  /** A forward with no deadline (--permanent). */
  permanent?: boolean;
  outcome: string;
  dryRun: boolean;
  commands: string[][];
  /** What iptables-restore reads: shown in previews and dry runs. */
  batch: string;
  removed?: string[];
  warnings: string[];
}

const priv = { privileged: true } as const;

export async function readForwards(runner: Runner, now = new Date()): Promise<Forward[]> {
  return (await readForwardState(runner, now)).forwards;
}

/** The forwards, and a warning for rules that carry our tag without being of our shape (never touched). */
export async function readForwardState(runner: Runner, now = new Date()): Promise<{ forwards: Forward[]; warnings: string[] }> {
  const all = (await runner.run(SAVE_ALL_ARGV, priv)).stdout;
  const nat = saveSection(all, 'nat');
  const filter = saveSection(all, 'filter');
  const forged = forgedTagLines(nat, filter);
  const warnings = forged.length ? [`${forged.length} rule(s) carry commbase-admin's forward tag but are not forwards it made (left alone, never reaped or revoked): ${forged.map((l) => printableLine(l.slice(0, 160))).join('; ')}`] : [];
  return { forwards: parseForwards(nat, filter, now), warnings };
}

async function applyBatch(runner: Runner, batch: Batch): Promise<void> {
  await runner.run(RESTORE_ARGV, { ...priv, input: renderBatch(batch), uninterruptible: true });
}

async function withHost<T>(hostName: string, deps: ForwardDeps, fn: (runner: Runner, host: HostEntry) => Promise<T>): Promise<T> {
  const host = getHost(parseInput(z.object({ host: hostNameKey }), { host: hostName }).host);
  const runner = await deps.connect(host);
  try {
    return await fn(runner, host);
  } finally {
    await runner.close();
  }
}

async function forwardingWarning(runner: Runner, host: string): Promise<string[]> {
  try {
    const v = (await runner.run(['cat', '/proc/sys/net/ipv4/ip_forward'], { allowFailure: true })).stdout.trim();
    return v === '0' ? [`IP forwarding is off on ${host} (net.ipv4.ip_forward=0): the rules are in place but nothing will be forwarded until it is on`] : [];
  } catch {
    return [];
  }
}

/** `ss -ltn` / `ss -lun`: the ports the host itself listens on (local address:port is the fourth column). */
export function parseListeningPorts(output: string): Set<number> {
  const ports = new Set<number>();
  for (const line of output.split('\n').slice(1)) {
    const local = line.trim().split(/\s+/)[3];
    const m = local ? /:(\d{1,5})$/.exec(local) : null;
    if (m) ports.add(Number(m[1]));
  }
  return ports;
}

async function listeningWarning(runner: Runner, host: string, port: number, proto: 'tcp' | 'udp', from: string): Promise<string[]> {
  try {
    const r = await runner.run(['ss', proto === 'tcp' ? '-ltnH' : '-lunH'], { allowFailure: true });
    // -H (no header) is newer than some ss; the parser skips a first line, so put one back.
    const ports = parseListeningPorts(`header\n${r.stdout}`);
    return ports.has(port) ? [`${host} itself listens on ${port}/${proto}: until the deadline, connections from ${from} to that port reach the forward's destination instead`] : [];
  } catch {
    return [];
  }
}

/** A forward whose destination is the router's own SSH (its address and the session's port) hands its login to the source. */
async function ownSshWarning(runner: Runner, host: string, input: ForwardInput): Promise<string[]> {
  if (input.proto !== 'tcp' || input.to.port !== runner.sessionPort) return [];
  try {
    const r = await runner.run(['ip', '-o', '-4', 'addr', 'show'], { allowFailure: true });
    const own = new Set([...r.stdout.matchAll(/inet (\d{1,3}(?:\.\d{1,3}){3})\//g)].map((m) => m[1]!));
    if (runner.session?.server) own.add(runner.session.server);
    return own.has(input.to.address) ? [`the destination ${input.to.address}:${input.to.port} is ${host}'s own SSH: ${input.from} can then try to log in to the router itself from outside`] : [];
  } catch {
    return [];
  }
}

export async function addForward(raw: z.input<typeof forwardInput>, deps: ForwardDeps): Promise<ForwardChange> {
  const input = parseInput(forwardInput, raw);
  const now = deps.now?.() ?? new Date();
  const spec: ForwardSpec = { id: newForwardId(), from: input.from, port: input.port, proto: input.proto, to: input.to, deadline: input.ttl === undefined ? undefined : deadlineAfter(now, input.ttl) };
  const batch = addBatch(spec);
  return withHost(input.host, deps, async (runner, host) => {
    if (input.proto === 'tcp' && runner.sessionPort === input.port) {
      throw new UserError(`REFUSED: a forward of ${input.port}/tcp on ${host.name} would take the port of the SSH session this is done through: new logins from ${input.from} would be sent to ${input.to.address}:${input.to.port}${spec.deadline ? ' until the deadline' : ''}`, [
        'forward another port of the router (e.g. 8022) to the device\'s port instead',
      ], 'port');
    }
    const listening = listeningWarning(runner, host.name, input.port, input.proto, input.from);
    const ownSsh = ownSshWarning(runner, host.name, input);
    const warnings = Promise.all([forwardingWarning(runner, host.name), listening, ownSsh]).then((w) => w.flat()); // never rejects; read while the batch is applied
    const persistence = spec.deadline ? Promise.resolve([]) : persistenceWarning(runner, host.name, 'a permanent forward');
    const base = { host: host.name, where: runner.where, id: spec.id, deadline: spec.deadline?.toISOString() ?? '', permanent: !spec.deadline, dryRun: input['dry-run'], commands: [RESTORE_ARGV], batch: renderBatch(batch) };
    if (input['dry-run']) return { ...base, warnings: [...(await warnings), ...(await persistence)], outcome: 'would add' };
    return audited({ action: 'forward.add', host: host.name, target: `${spec.id} ${describeSpec(spec)} ${spec.deadline ? `until ${base.deadline}` : 'permanent'}` }, async () => {
      let failure: unknown;
      await applyBatch(runner, batch).catch((err: unknown) => { failure = err; });
      if (!failure) {
        const checks = await Promise.all(checkArgvs(spec).map((argv) => runner.run(argv, { ...priv, allowFailure: true })));
        if (checks.every((c) => c.exitCode === 0)) return { ...base, warnings: [...(await warnings), ...(await persistence)], outcome: 'added' };
      }
      const back = (await readForwards(runner, now)).find((f) => f.id === spec.id);
      // Neither half may stay alone: take back whatever landed, then report.
      if (back) await applyBatch(runner, removeBatch([back]));
      if (failure) throw failure;
      throw new ExternalError(`failed to add the forward ${spec.id} on ${runner.where}: read back, ${back ? 'only half of it was there (removed again)' : 'neither rule is there'}`, SAVE_NAT_ARGV, 0, '', runner.where);
    }, (r) => r);
  });
}

export async function listForwards(hostName: string, deps: ForwardDeps): Promise<{ host: string; where: string; forwards: Forward[]; warnings: string[] }> {
  return withHost(hostName, deps, async (runner, host) => ({ host: host.name, where: runner.where, ...(await readForwardState(runner, deps.now?.() ?? new Date())) }));
}

const idSchema = z.object({ id: z.string().regex(/^[0-9a-f]{8}$/, 'must be a forward id: 8 hex digits, as `forward list` shows') });

function findOrFail(forwards: Forward[], id: string, host: string): Forward {
  const f = forwards.find((x) => x.id === id);
  if (!f) throw new UserError(`failed to find the forward ${id} on ${host}: there is none with that id`, [`see them: commbase-admin forward list --host ${host}`], 'id');
  return f;
}

export type ExtendRequest = { host?: string; id: string; ttl: string; 'dry-run'?: boolean };
export type RevokeRequest = { host?: string; id: string; 'dry-run'?: boolean };
/** One change a screen previews and then applies, typed by its kind. */
export type ForwardRequest =
  | { kind: 'add'; request: z.input<typeof forwardInput> }
  | { kind: 'extend'; request: ExtendRequest }
  | { kind: 'revoke'; request: RevokeRequest }
  | { kind: 'reap'; request: { host?: string } }
  | { kind: 'cron'; request: { host?: string; 'script-path'?: string } };

export function changeForward(p: ForwardRequest, deps: ForwardDeps, dryRun = false): Promise<ForwardChange> {
  if (p.kind === 'add') return addForward({ ...p.request, 'dry-run': dryRun }, deps);
  if (p.kind === 'extend') return extendForward({ ...p.request, 'dry-run': dryRun }, deps);
  if (p.kind === 'reap') return reapForwards({ ...p.request, 'dry-run': dryRun }, deps);
  if (p.kind === 'cron') return installReaper({ ...p.request, 'dry-run': dryRun }, deps);
  return revokeForward({ ...p.request, 'dry-run': dryRun }, deps);
}

export async function extendForward(raw: ExtendRequest, deps: ForwardDeps): Promise<ForwardChange> {
  const { id } = parseInput(idSchema, raw);
  const seconds = parseInput(z.object({ ttl }), raw).ttl;
  return withHost(raw.host ?? 'local', deps, async (runner, host) => {
    const now = deps.now?.() ?? new Date();
    const f = findOrFail(await readForwards(runner, now), id, host.name);
    if (f.permanent) throw new UserError(`failed to extend the forward ${id} on ${host.name}: it is permanent: it has no deadline to extend`, [`revoke it when it is no longer wanted: commbase-admin forward revoke ${id} --host ${host.name}`], 'id');
    const [address, portText] = (f.to ?? '').split(':');
    if (!f.complete || !address || f.port === undefined || (f.proto !== 'tcp' && f.proto !== 'udp')) {
      throw new UserError(`failed to extend the forward ${id} on ${host.name}: it is incomplete (one half is missing)`, [`revoke it: commbase-admin forward revoke ${id} --host ${host.name}`], 'id');
    }
    const spec: ForwardSpec = { id, from: f.from === 'any' ? '0.0.0.0/0' : f.from, port: f.port, proto: f.proto, to: { address, port: Number(portText) }, deadline: deadlineAfter(now, seconds) };
    const del = removeBatch([f]);
    const add = addBatch(spec);
    const batch = { nat: [...del.nat, ...add.nat], filter: [...del.filter, ...add.filter] };
    const base = { host: host.name, where: runner.where, id, deadline: spec.deadline!.toISOString(), dryRun: Boolean(raw['dry-run']), commands: [RESTORE_ARGV], batch: renderBatch(batch), warnings: [] };
    if (raw['dry-run']) return { ...base, outcome: 'would extend' };
    return audited({ action: 'forward.extend', host: host.name, target: `${id} until ${base.deadline}` }, async () => {
      await applyBatch(runner, batch);
      return { ...base, outcome: 'extended' };
    }, (r) => r);
  });
}

export async function revokeForward(raw: RevokeRequest, deps: ForwardDeps): Promise<ForwardChange> {
  const { id } = parseInput(idSchema, raw);
  return withHost(raw.host ?? 'local', deps, async (runner, host) => {
    const f = findOrFail(await readForwards(runner), id, host.name);
    const batch = removeBatch([f]);
    const base = { host: host.name, where: runner.where, id, deadline: f.deadline, dryRun: Boolean(raw['dry-run']), commands: [RESTORE_ARGV], batch: renderBatch(batch), warnings: [] };
    if (raw['dry-run']) return { ...base, outcome: 'would revoke' };
    return audited({ action: 'forward.revoke', host: host.name, target: id }, async () => {
      await applyBatch(runner, batch);
      return { ...base, outcome: 'revoked' };
    }, (r) => r);
  });
}

export async function reapForwards(raw: { host?: string; 'dry-run'?: boolean }, deps: ForwardDeps): Promise<ForwardChange> {
  return withHost(raw.host ?? 'local', deps, async (runner, host) => {
    // Only rules of our own shape, in nat/PREROUTING and filter/FORWARD: INPUT (where SSH is let in) is never touched.
    const state = await readForwardState(runner, deps.now?.() ?? new Date());
    const expired = state.forwards.filter((f) => f.expired);
    const batch = removeBatch(expired);
    const base = { host: host.name, where: runner.where, dryRun: Boolean(raw['dry-run']), commands: expired.length ? [RESTORE_ARGV] : [], batch: expired.length ? renderBatch(batch) : '', removed: expired.map((f) => f.id), warnings: state.warnings };
    if (expired.length === 0) return { ...base, outcome: 'nothing to reap' };
    if (raw['dry-run']) return { ...base, outcome: 'would reap' };
    return audited({ action: 'forward.reap', host: host.name, target: base.removed.join(' ') }, async () => {
      await applyBatch(runner, batch);
      return { ...base, outcome: 'reaped' };
    }, (r) => r);
  });
}

const scriptPath = z.string().max(4096).regex(/^\/[A-Za-z0-9._/-]+$/, 'must be an absolute path of letters, digits, . _ / -')
  .refine((p) => !p.split('/').some((seg) => seg === '..' || seg === '.') && !p.includes('//') && !p.endsWith('/'), 'must be a plain absolute file path, without . or .. segments');

export async function installReaper(raw: { host?: string; 'script-path'?: string; 'dry-run'?: boolean }, deps: ForwardDeps): Promise<ForwardChange & { script: string; crontabLine: string }> {
  const path = parseInput(z.object({ 'script-path': scriptPath.default(DEFAULT_REAPER_PATH) }), raw)['script-path'];
  return withHost(raw.host ?? 'local', deps, async (runner, host) => {
    const line = reaperCronLine(path);
    const base = { host: host.name, where: runner.where, dryRun: Boolean(raw['dry-run']), commands: [['write', path], ['crontab', '-']], batch: '', warnings: [], script: path, crontabLine: line };
    if (raw['dry-run']) {
      await readCrontab(runner, priv); // a crontab that cannot be read is said now, not after the confirmation
      return { ...base, outcome: 'would install' };
    }
    return audited({ action: 'forward.install-cron', host: host.name, target: path }, async () => {
      await readCrontab(runner, priv);
      await runner.writeFile(path, reaperScript(), 0o755);
      const c = await installCronLine(runner, REAPER_MARK, line, false, priv);
      return { ...base, outcome: c.already ? 'already installed' : 'installed' };
    }, (r) => r);
  });
}

/** `forward persist`: save the running rules with netfilter-persistent so they come back after a reboot. */
export async function persistRules(raw: { host?: string; 'dry-run'?: boolean }, deps: ForwardDeps): Promise<ForwardChange> {
  return withHost(raw.host ?? 'local', deps, async (runner, host) => {
    const has = await runner.run(['sh', '-c', 'command -v netfilter-persistent'], { allowFailure: true });
    if (has.exitCode !== 0) throw new UserError(`failed to save the rules on ${host.name}: it has no netfilter-persistent to save them with`, ['apt-get install iptables-persistent (on that host), then run this again'], 'host');
    const argv = ['netfilter-persistent', 'save'];
    const base = { host: host.name, where: runner.where, dryRun: Boolean(raw['dry-run']), commands: [argv], batch: '', warnings: [] };
    if (raw['dry-run']) return { ...base, outcome: 'would save the rules' };
    return audited({ action: 'forward.persist', host: host.name, target: 'netfilter-persistent save' }, async () => {
      await runner.run(argv, { ...priv, timeoutMs: 60_000 });
      return { ...base, outcome: 'saved the rules (they come back after a reboot)' };
    }, (r) => r);
  });
}

function describeSpec(spec: ForwardSpec): string {
  return `${spec.from} → :${spec.port}/${spec.proto} → ${spec.to.address}:${spec.to.port}`;
}

/** Whole seconds: the rule's comment and its --datestop both carry seconds, and the JSON should agree. */
function deadlineAfter(now: Date, seconds: number): Date {
  return new Date((Math.floor(now.getTime() / 1000) + seconds) * 1000);
}
