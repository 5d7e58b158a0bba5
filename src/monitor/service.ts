// One monitoring service for the Monitor screen, the wall dashboard and the home summary: it polls each
// watched relay's admin feed (every second; over a kept SSH connection for remote hosts) and reads rule
// timers through the firewall backends (every few seconds), backs off when a host or relay goes away, and
// hands out plain snapshots. Screens only render them.
import { EventEmitter } from 'node:events';
import { deadlineOf, readManagedCerts } from './certs-read.js';
import type { CertView, HostView, RelayView, Snapshot, TimerView } from './views.js';

export type { CertView, HostView, RelayView, Snapshot, TimerView } from './views.js';
import { UserError, classify } from '../core/errors.js';
import type { ForwardDeps } from '../firewall/forward-service.js';
import { readTimedRules } from '../firewall/timed.js';
import { FW_DROP_TAG, describeRule, toPortRule } from '../firewall/model.js';
import { AdminClient, NoRelayError, relayDataDirFor } from '../relay/admin-client.js';
import type { RelayStatus } from '../relay/admin.js';
import { PATHS, SERVICE } from '../relay/service-paths.js';
import type { Scope } from '../relay/auth.js';
import type { Runner } from '../runners/types.js';
import { getHost, type HostEntry } from '../services/hosts.js';

export interface MonitorOptions {
  /** Hosts whose relay and firewall are watched ('local' is this machine). */
  hosts: string[];
  dataDir?: string;
  /** How often the relay's status is read (default 2 s: an HTTP request on loopback or over the SSH tunnel). */
  relayEveryMs?: number;
  /** How often the firewall is read for timed rules (default 10 s: each read runs iptables-save/ufw; countdowns
   * move locally between reads, from the deadlines). */
  timersEveryMs?: number;
  connect(host: HostEntry): Promise<Runner>;
}

interface HostState {
  name: string;
  entry?: HostEntry;
  runner?: Runner;
  /** A connection being opened: the relay and timer polls share it instead of opening two. */
  connecting?: Promise<Runner | undefined>;
  view: HostView;
  relay: RelayView;
  timers: TimerView[];
  certs: CertView[];
  failures: number;
  retryAt: number;
  busy: boolean;
}

const MAX_BACKOFF_MS = 30_000;

export class Monitor extends EventEmitter {
  private stopped = false;
  private readonly states: HostState[];
  private readonly events: string[] = [];
  private relayTimer?: NodeJS.Timeout;
  private timersTimer?: NodeJS.Timeout;
  paused = false;

  constructor(private readonly opts: MonitorOptions) {
    super();
    const now = new Date().toISOString();
    this.states = opts.hosts.map((name) => ({
      name,
      view: { host: name, state: 'connecting' },
      relay: { host: name, dataDir: relayDataDirFor(name, opts.dataDir), state: 'connecting', since: now },
      timers: [], certs: [], failures: 0, retryAt: 0, busy: false,
    }));
  }

  start(): this {
    void this.pollRelays();
    void this.pollTimers();
    this.relayTimer = setInterval(() => void this.pollRelays(), this.opts.relayEveryMs ?? 2000);
    this.timersTimer = setInterval(() => void this.pollTimers(), this.opts.timersEveryMs ?? 10_000);
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.relayTimer);
    clearInterval(this.timersTimer);
    // Connections still being opened are closed as soon as they open (runnerFor sees `stopped`).
    await Promise.all(this.states.map((s) => s.runner?.close().catch(() => undefined)));
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.emitSnapshot();
  }

  snapshot(): Snapshot {
    return {
      at: new Date().toISOString(),
      paused: this.paused,
      relays: this.states.map((s) => s.relay),
      timers: this.states.flatMap((s) => s.timers).sort((a, b) => deadlineOf(a) - deadlineOf(b)),
      certs: this.states.flatMap((s) => s.certs),
      hosts: this.states.map((s) => ({ ...s.view, ...(s.view.state === 'unreachable' ? { nextTryInS: Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1000)) } : {}) })),
      events: [...this.events],
    };
  }

  log(event: string): void {
    this.events.push(`${new Date().toISOString().slice(11, 19)} ${event}`);
    if (this.events.length > 50) this.events.shift();
  }

  private emitSnapshot(): void {
    if (!this.paused) this.emit('snapshot', this.snapshot());
  }

  /** A kept connection per host, opened again (with backoff) after a failure. */
  private runnerFor(s: HostState): Promise<Runner | undefined> {
    if (s.runner) return Promise.resolve(s.runner);
    if (this.stopped || Date.now() < s.retryAt) return Promise.resolve(undefined);
    s.connecting ??= (async () => {
      try {
        s.entry ??= getHost(s.name);
        const runner = await this.opts.connect(s.entry);
        if (this.stopped) { await runner.close().catch(() => undefined); return undefined; }
        s.runner = runner;
        if (s.view.state !== 'ok' && s.failures > 0) this.log(`${s.name}: reachable again`);
        s.view = { host: s.name, state: 'ok' };
        s.failures = 0;
        return runner;
      } catch (err) {
        this.fail(s, err);
        return undefined;
      } finally {
        s.connecting = undefined;
      }
    })();
    return s.connecting;
  }

  private fail(s: HostState, err: unknown): void {
    const message = classify(err).message;
    if (s.view.state !== 'unreachable') this.log(`${s.name}: unreachable (${message})`);
    s.failures += 1;
    s.retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(5, s.failures - 1));
    s.view = { host: s.name, state: 'unreachable', error: message };
    s.relay = { ...s.relay, state: 'down', error: `host unreachable: ${message}` };
    void s.runner?.close().catch(() => undefined);
    s.runner = undefined;
  }

  private async pollRelays(): Promise<void> {
    await Promise.all(this.states.map(async (s) => {
      if (s.busy) return;
      s.busy = true;
      try {
        const runner = await this.runnerFor(s);
        if (!runner) return;
        try {
          const client = await AdminClient.over(runner, s.name, this.opts.dataDir);
          const status = await client.status();
          s.relay.dataDir = client.dataDir;
          if (client.deployed) s.relay.service = true;
          // The event's time is the relay's own start when it started while watched; otherwise when it was seen.
          if (s.relay.state !== 'up') {
            const started = new Date(Date.now() - status.uptimeS * 1000).toISOString();
            this.log(`${s.name}: relay up (started ${started.slice(0, 19).replace('T', ' ')} UTC)`);
            s.relay.since = started;
          }
          this.noteChanges(s, status);
          const { error: _gone, ...rest } = s.relay;
          s.relay = { ...rest, state: 'up', status };
        } catch (err) {
          // Is it the relay that is gone, or the host? A cheap command over the same connection tells.
          if (s.name !== 'local' && (await runner.run(['true'], { allowFailure: true, timeoutMs: 5000 }).then(() => false, () => true))) return this.fail(s, err);
          // A deployed service that is not running is a relay that is down, whatever systemd says of it.
          if (err instanceof NoRelayError && (await runner.stat(PATHS.unit).catch(() => undefined))) {
            const active = await runner.run(['systemctl', 'is-active', SERVICE], { allowFailure: true, timeoutMs: 5000 }).then((r) => r.stdout.trim() || 'unknown', () => 'unknown');
            if (s.relay.state === 'up') this.log(`${s.name}: relay down (service ${active})`);
            s.relay = { ...s.relay, service: true, dataDir: PATHS.data, state: 'down', error: `the ${SERVICE} service is ${active}: commbase-admin relay start --host ${s.name}`, since: s.relay.state === 'down' ? s.relay.since : new Date().toISOString() };
            return;
          }
          // No relay there, and none seen there while watching: a client host, not a relay that is down.
          if (err instanceof NoRelayError && s.relay.state !== 'up' && s.relay.state !== 'down') {
            const { error: _e, status: _s, ...rest } = s.relay;
            s.relay = { ...rest, state: 'none' };
            return;
          }
          const k = classify(err);
          if (s.relay.state === 'up') this.log(`${s.name}: relay down (${k.message})`);
          s.relay = { ...s.relay, state: 'down', error: k.message, since: s.relay.state === 'down' ? s.relay.since : new Date().toISOString() };
        }
      } finally {
        s.busy = false;
        this.emitSnapshot();
      }
    }));
  }

  private noteChanges(s: HostState, status: RelayStatus): void {
    const before = s.relay.status;
    if (!before) return;
    const had = new Set(before.pending.map((p) => p.id));
    for (const p of status.pending) if (!had.has(p.id)) this.log(`${s.name}: ${p.name} (${p.id}) asks for access`);
    const statusOf = new Map(before.clients.map((c) => [c.id, c.status]));
    for (const c of status.clients) {
      const was = statusOf.get(c.id);
      if (was && was !== c.status) this.log(`${s.name}: ${c.name} (${c.id}) ${c.status}`);
    }
  }

  private async pollTimers(): Promise<void> {
    await Promise.all(this.states.map(async (s) => {
      const runner = await this.runnerFor(s);
      if (!runner) return;
      try {
        const { forwards, rules } = await readTimedRules(runner, s.entry?.backend ?? 'iptables');
        const expiredBefore = new Set(s.timers.filter((t) => t.expired).map((t) => t.id));
        s.timers = [
          ...forwards.map((f): TimerView => ({ host: s.name, kind: 'forward', id: f.id, label: `${f.from} → :${f.port ?? '?'}/${f.proto} → ${f.to ?? '?'}${f.complete ? '' : ' (half)'}${f.permanent ? ' (permanent)' : ''}`, deadline: f.deadline, expired: f.expired })),
          ...rules.filter((r) => r.ours && r.port !== undefined && r.proto !== 'any').map((r): TimerView => ({
            host: s.name, kind: 'port', id: `${r.port}/${r.proto}${r.from !== 'any' ? ` ${r.from}` : ''}${r.family ? ` v${r.family}` : ''}`,
            // The DROP that --restrict adds after the ACCEPTs keeps everyone else out: it opens nothing.
            label: r.comment === FW_DROP_TAG ? `drop ${r.port}/${r.proto} for everyone else` : `open ${describeRule(toPortRule({ port: r.port!, proto: r.proto as 'tcp' | 'udp', ...(r.from !== 'any' ? { from: r.from } : {}) }))}`, expired: false,
          })),
        ];
        for (const t of s.timers) if (t.expired && !expiredBefore.has(t.id)) this.log(`${s.name}: forward ${t.id} expired`);
        s.certs = await readManagedCerts(runner, s.name);
      } catch (err) {
        s.timers = [];
        // A host whose firewall cannot be read (no iptables there, no sudo) is still reachable: only a connection
        // that is gone makes it unreachable.
        if (s.name !== 'local' && (await runner.run(['true'], { allowFailure: true, timeoutMs: 5000 }).then(() => false, () => true))) this.fail(s, err);
      } finally {
        this.emitSnapshot();
      }
    }));
  }

  // ---- actions (the screen calls these; each says what happened in the event log) ----------------

  private async admin(host: string): Promise<AdminClient> {
    const s = this.states.find((x) => x.name === host);
    const runner = s && (await this.runnerFor(s));
    if (!s || !runner) throw new UserError(`failed to reach ${host}: it is not reachable now`, [`wait for its line to say up, or check it: commbase-admin hosts check ${host}`], 'host');
    return AdminClient.over(runner, s.name, this.opts.dataDir);
  }

  async approve(host: string, id: string, scope?: Scope): Promise<void> {
    await (await this.admin(host)).approve(id, scope ? { scope } : {});
    this.log(`${host}: approved ${id}`);
    await this.pollRelays();
  }

  async deny(host: string, id: string): Promise<void> {
    await (await this.admin(host)).deny(id);
    this.log(`${host}: denied ${id}`);
    await this.pollRelays();
  }

  async revoke(host: string, id: string): Promise<void> {
    await (await this.admin(host)).revoke(id);
    this.log(`${host}: revoked ${id}`);
    await this.pollRelays();
  }

  /** Deps for the forward and firewall services when acting on a timer. */
  get deps(): ForwardDeps {
    return { connect: this.opts.connect };
  }

  refreshTimers(): Promise<void> {
    return this.pollTimers();
  }
}
