// The hosts inventory and how to reach a host: `local` always exists and means this machine.
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import { LocalRunner } from '../runners/local.js';
import { withSignal, type Runner } from '../runners/types.js';
import { hostNameKey, hostSchema, pinnedKeySchema, SettingsStore, type Backend, type HostConfig } from './settings.js';
import { BACKENDS } from '../core/names.js';
import { LOCAL } from '../core/name-rules.js';
import { completePathWith } from '../core/files.js';
import { record } from './audit.js';

export { LOCAL };

/** A pinned host key that no longer matches: both fingerprints, so a screen can show them and offer re-trust. */
export class HostKeyChangedError extends UserError {
  constructor(readonly host: string, readonly pinned: string, readonly offered: string) {
    super(`REFUSED: the host key of ${host} has changed. Pinned ${pinned}, offered ${offered}. Someone may be intercepting the connection, or the host was reinstalled`, [
      `check the key on the host itself: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`,
      `if the change is expected: commbase-admin hosts trust ${host} --fingerprint ${offered}`,
    ], 'host');
  }
}

export interface HostEntry extends Partial<HostConfig> {
  name: string;
  backend: Backend;
  sudo: boolean;
  pinned?: string;
}

export const addHostInput = hostSchema.extend({ name: hostNameKey, 'trust-fingerprint': pinnedKeySchema.shape.fingerprint.optional() });

export function listHosts(store = new SettingsStore()): HostEntry[] {
  const s = store.read();
  return [
    { name: LOCAL, backend: s.localBackend, sudo: s.localSudo },
    ...Object.entries(s.hosts).map(([name, h]) => ({ name, ...h, ...(s.knownHosts[name] ? { pinned: s.knownHosts[name].fingerprint } : {}) })),
  ];
}

export function getHost(name: string, store = new SettingsStore()): HostEntry {
  const parsed = parseInput(z.object({ host: hostNameKey }), { host: name }).host;
  const found = listHosts(store).find((h) => h.name === parsed);
  if (!found) {
    throw new UserError(`invalid host ${JSON.stringify(name)}: there is no such host in the inventory`, [
      `add it: commbase-admin hosts add ${parsed} --address ADDR [--user U] [--identity FILE]`,
      'see them all: commbase-admin hosts list',
    ], 'host');
  }
  return found;
}

export function addHost(raw: z.input<typeof addHostInput>, store = new SettingsStore()): HostEntry {
  const input = parseInput(addHostInput, raw);
  if (input.name === LOCAL) throw new UserError(`invalid name "local": it always means this machine`, ['choose another name'], 'name');
  const { name, 'trust-fingerprint': fp, ...host } = input;
  store.update((s) => ({
    ...s,
    hosts: { ...s.hosts, [name]: host },
    // A new definition of a host starts without a pinned key, unless one is given now.
    knownHosts: fp ? { ...s.knownHosts, [name]: { fingerprint: fp, pinnedAt: new Date().toISOString() } } : omit(s.knownHosts, name),
  }));
  const added = getHost(name, store);
  void record({ action: 'hosts.add', host: name, target: `${added.user}@${added.address}:${added.port} (${added.backend})`, outcome: fp ? `added, key pinned ${fp}` : 'added, key not pinned yet' });
  return added;
}

/** Change a host's address, port, user, identity, backend or sudo; its pinned host key stays (it is the same machine). */
export function editHost(name: string, changes: Partial<z.input<typeof hostSchema>>, store = new SettingsStore()): HostEntry {
  const host = getHost(name, store);
  if (host.name === LOCAL) {
    // This machine has no address, port, user or identity; its firewall backend and sudo are its own settings.
    const extra = (['address', 'port', 'user', 'identity'] as const).find((k) => changes[k] !== undefined && changes[k] !== '');
    if (extra) throw new UserError(`failed to edit the host "local": it is this machine and has no ${extra} (its backend and sudo can be changed)`, [], extra);
    const next = parseInput(z.object({ backend: z.enum(BACKENDS, { message: 'must be ufw or iptables' }).optional(), sudo: z.boolean().optional() }), { backend: changes.backend || undefined, sudo: changes.sudo });
    store.update((s) => ({ ...s, ...(next.backend ? { localBackend: next.backend } : {}), ...(next.sudo !== undefined ? { localSudo: next.sudo } : {}) }));
    const local = getHost(LOCAL, store);
    void record({ action: 'hosts.edit', host: LOCAL, target: `backend ${local.backend}`, outcome: 'changed' });
    return local;
  }
  const current = store.read().hosts[host.name]!;
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined && v !== ''));
  const next = parseInput(hostSchema, { ...current, ...defined });
  store.update((s) => ({ ...s, hosts: { ...s.hosts, [host.name]: next } }));
  const edited = getHost(host.name, store);
  void record({ action: 'hosts.edit', host: host.name, target: `${edited.user}@${edited.address}:${edited.port} (${edited.backend})`, outcome: 'changed (pinned key kept)' });
  return edited;
}

export function removeHost(name: string, store = new SettingsStore()): boolean {
  const host = getHost(name, store);
  if (host.name === LOCAL) throw new UserError('failed to remove the host "local": it is this machine', [], 'host');
  store.update((s) => ({ ...s, hosts: omit(s.hosts, name), knownHosts: omit(s.knownHosts, name) }));
  void record({ action: 'hosts.remove', host: host.name, target: host.name, outcome: 'removed with its pinned key' });
  return true;
}

function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _gone, ...rest } = record;
  return rest;
}

export interface ConnectOptions {
  /** Accept this fingerprint on first contact (non-interactive). */
  trustFingerprint?: string;
  /** Ask a person on first contact; absent when there is no terminal. */
  askTrust?: (host: string, fingerprint: string) => Promise<boolean>;
  askPassphrase?: (identity: string) => Promise<string>;
  /** Every command of the runner stops when this aborts (a console screen left with q/Esc). */
  signal?: AbortSignal;
}

/** Open a Runner for a host in the inventory. Callers close it. */
export async function openRunner(name: string, opts: ConnectOptions = {}, store = new SettingsStore()): Promise<Runner> {
  const runner = await openPlainRunner(name, opts, store);
  return opts.signal ? withSignal(runner, opts.signal) : runner;
}

async function openPlainRunner(name: string, opts: ConnectOptions, store: SettingsStore): Promise<Runner> {
  const host = getHost(name, store);
  if (host.name === LOCAL) return new LocalRunner({ sudo: host.sudo });
  // ssh2 loads with the first remote host: a command on this machine never pays for it.
  const { SshRunner } = await import('../runners/ssh.js');
  return SshRunner.connect(
    { name: host.name, address: host.address!, port: host.port!, user: host.user!, sudo: host.sudo, ...(host.identity ? { identity: host.identity } : {}) },
    {
      verify: (fp) => verifyHostKey(host.name, fp, opts, store),
      ...(opts.askPassphrase ? { passphrase: opts.askPassphrase } : {}),
    },
  );
}

/** OpenSSH's rule: a pinned key must match; an unknown key is accepted only by a person or a given fingerprint. */
export async function verifyHostKey(name: string, offered: string, opts: ConnectOptions, store: SettingsStore): Promise<boolean> {
  const pinned = store.read().knownHosts[name];
  if (pinned) {
    if (pinned.fingerprint === offered) return true;
    throw new HostKeyChangedError(name, pinned.fingerprint, offered);
  }
  let ok = false;
  if (opts.trustFingerprint) {
    if (opts.trustFingerprint !== offered) {
      throw new UserError(`REFUSED: ${name} offered the host key ${offered}, not the ${opts.trustFingerprint} you said to trust`, [
        'check the fingerprint on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
      ], 'trust-fingerprint');
    }
    ok = true;
  } else if (opts.askTrust) {
    ok = await opts.askTrust(name, offered);
    if (!ok) throw new UserError(`failed to connect to ${name}: its host key ${offered} was not trusted`, [], 'host');
  } else {
    throw new UserError(`REFUSED: ${name} offered the unknown host key ${offered}, and there is no terminal to ask whether to trust it`, [
      'check it on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
      `then: commbase-admin hosts check ${name} --trust-fingerprint ${offered}`,
    ], 'host');
  }
  store.update((s) => ({ ...s, knownHosts: { ...s.knownHosts, [name]: { fingerprint: offered, pinnedAt: new Date().toISOString() } } }));
  void record({ action: 'hosts.pin', host: name, target: offered, outcome: opts.trustFingerprint ? 'pinned on first contact (--trust-fingerprint)' : 'pinned on first contact (trusted by a person)' });
  return ok;
}

export function trustHostKey(name: string, fingerprint: string, store = new SettingsStore()): void {
  const host = getHost(name, store);
  const fp = parseInput(z.object({ fingerprint: pinnedKeySchema.shape.fingerprint }), { fingerprint }).fingerprint;
  if (host.name === LOCAL) throw new UserError('failed to connect to the host "local" over SSH: it is this machine', [], 'host');
  const before = store.read().knownHosts[name]?.fingerprint;
  store.update((s) => ({ ...s, knownHosts: { ...s.knownHosts, [name]: { fingerprint: fp, pinnedAt: new Date().toISOString() } } }));
  void record({ action: 'hosts.pin', host: name, target: fp, outcome: before ? `pinned, replacing ${before}` : 'pinned' });
}

export interface HostCheck {
  name: string;
  where: string;
  uid: number;
  iptables: boolean;
  ufw: boolean;
  pinned?: string;
}

export async function checkHost(name: string, opts: ConnectOptions = {}, store = new SettingsStore()): Promise<HostCheck> {
  const runner = await openRunner(name, opts, store);
  try {
    const uid = Number((await runner.run(['id', '-u'])).stdout.trim());
    const has = async (cmd: string) => (await runner.run(['sh', '-c', 'command -v "$1"', 'sh', cmd], { allowFailure: true })).exitCode === 0;
    const pinned = store.read().knownHosts[name]?.fingerprint;
    return { name, where: runner.where, uid, iptables: await has('iptables'), ufw: await has('ufw'), ...(pinned ? { pinned } : {}) };
  } finally {
    await runner.close();
  }
}

/** Open a runner for a host, run `fn`, always close it. */
/** How every service reaches a host: the CLI, a screen or a test decides how (prompts, trust, a fake). */
export interface Connector {
  connect(host: HostEntry): Promise<Runner>;
}

export async function withRunner<T>(hostName: string, connect: Connector['connect'], fn: (runner: Runner, host: HostEntry) => Promise<T>): Promise<T> {
  const host = getHost(hostName);
  const runner = await connect(host);
  try {
    return await fn(runner, host);
  } finally {
    await runner.close();
  }
}

export interface KeptConnections extends Connector {
  /** Drop a host's connection (after a failure): the next connect opens a new one. */
  forget(hostName: string): void;
  /** Close every connection (when the screen that kept them closes). */
  closeAll(): Promise<void>;
}

/**
 * One connection per host, kept open for something that reads a host every few seconds: over SSH a new login
 * each time costs a key exchange on both ends and a line in the host's auth log. What it hands out ignores
 * close(); forget() and closeAll() end them.
 */
export function keepConnections(connect: Connector['connect']): KeptConnections {
  const open = new Map<string, Promise<Runner>>();
  const kept = (runner: Runner): Runner => new Proxy(runner, {
    get(target, prop) {
      if (prop === 'close') return async () => {};
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    connect(host) {
      let runner = open.get(host.name);
      if (!runner) {
        runner = connect(host);
        open.set(host.name, runner);
        runner.catch(() => { if (open.get(host.name) === runner) open.delete(host.name); });
      }
      return runner.then(kept);
    },
    forget(hostName) {
      const runner = open.get(hostName);
      open.delete(hostName);
      void runner?.then((r) => r.close()).catch(() => undefined);
    },
    async closeAll() {
      const all = [...open.values()];
      open.clear();
      await Promise.all(all.map((r) => r.then((x) => x.close()).catch(() => undefined)));
    },
  };
}

/** Tab completion of a path on a host (over SFTP for a remote one; ~ is that host's home). */
export async function completeOnHost(runner: Runner, partial: string): Promise<string> {
  const home = partial.startsWith('~') ? (await runner.run(['sh', '-c', 'printf %s "$HOME"'], { allowFailure: true, timeoutMs: 10_000 }).catch(() => undefined))?.stdout : undefined;
  return completePathWith(partial, (d) => runner.listDir(d), home?.startsWith('/') ? home : undefined);
}
