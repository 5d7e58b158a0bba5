// Pure presentation of monitor snapshots: model in, rows of strings out (tested without a terminal).
import { formatDuration } from '../core/duration.js';
import type { RelayView, Snapshot, TimerView } from '../monitor/views.js';
import type { RelayStatus } from '../relay/admin.js';

const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width = 12): string {
  const v = values.slice(-width);
  if (v.length === 0) return '';
  const max = Math.max(...v, 1);
  return v.map((x) => BARS[Math.min(BARS.length - 1, Math.floor((x / max) * (BARS.length - 1)))]).join('');
}

/**
 * How long something has been so: seconds only in its first minute, then minutes ("4m", "2h 05m", "3d 4h"), so
 * a Monitor that shows ages redraws once a minute, not once a second (countdowns keep their seconds).
 */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  return formatDuration(seconds);
}

export function uptime(s: number): string {
  return formatAge(s);
}

/** The RELAY lines of every watched host that runs (or ran) one; a host with none is not listed as a relay. */
export function relaysLines(relays: readonly RelayView[]): string[] {
  // A host not asked yet is not listed as a relay (most hosts are only clients); while none is known, one line says so.
  const known = relays.filter((r) => r.state === 'up' || r.state === 'down');
  const checking = relays.filter((r) => r.state === 'connecting');
  if (known.length) return known.flatMap(relayLines);
  if (checking.length) return [`RELAY: checking ${checking.map((r) => r.host).join(', ')}…`];
  return relays.length ? [`RELAY: none runs on ${relays.map((r) => r.host).join(', ')} (start one in Relay & clients)`] : [];
}

export function relayLines(r: RelayView): string[] {
  if (r.state === 'none') return [];
  const who = `${r.host}${r.service ? ' (service)' : ''}`;
  if (r.state !== 'up' || !r.status) {
    return [`RELAY ${who}: ${r.state === 'connecting' ? 'connecting…' : `DOWN${r.error ? ` — ${r.error}` : ''}`}`];
  }
  const s = r.status;
  const tls = s.tls.enabled ? `TLS ${s.tls.daysLeft}d${(s.tls.daysLeft ?? 99) < 30 ? ' (RENEW)' : ''}` : 'no TLS';
  return [
    `RELAY ${who}: UP ${uptime(s.uptimeS)}  ${s.publicUrl}  ${tls}  docs ${s.documents}`,
    `  up/s ${String(s.uploads.perSecond).padStart(3)} ${sparkline(s.uploads.history)}  out/s ${String(s.deliveries.perSecond).padStart(4)} ${sparkline(s.deliveries.history)}  errors ${s.errors.total}${s.dropped?.total ? `  dropped ${s.dropped.total}` : ''}`,
    ...clusterLines(s),
  ];
}

/** Several relays on one Redis: the store's state, and each relay with the clients connected to it. */
function clusterLines(s: RelayStatus): string[] {
  const st = s.store;
  if (!st || st.kind !== 'redis') return [];
  const store = st.state === 'up' ? `store: redis ${st.where} up${st.redisVersion ? ` (Redis ${st.redisVersion}, ${st.memory ?? '?'}, AOF ${st.aof ?? '?'})` : ''}` : `store: redis ${st.where} DOWN since ${st.since.slice(11, 19)}${st.error ? ` — ${st.error}` : ''}`;
  return [
    `  ${store}${st.unsafe ? '  UNSAFE: may lose acknowledged uploads' : ''}`,
    ...(s.cluster ?? []).map((p) => `  relay ${p.publicUrl} (${p.host}): ${p.clients.length} client(s)${p.clients.length ? ` ${p.clients.map((c) => c.name).join(', ')}` : ''}  up/s ${p.uploadsPerSecond}`),
  ];
}

export type Tone = 'warn' | 'error' | 'ok' | 'dim';
export interface Row { key: string; cells: string[]; tone?: Tone | undefined }

export function secondsLeft(t: TimerView, now: number): number | undefined {
  return t.deadline ? Math.floor((deadlineMs(t) - now) / 1000) : undefined;
}

// A deadline is parsed once per timer, not once per timer per frame.
const parsed = new WeakMap<TimerView, number>();
function deadlineMs(t: TimerView): number {
  let ms = parsed.get(t);
  if (ms === undefined) { ms = new Date(t.deadline!).getTime(); parsed.set(t, ms); }
  return ms;
}

/**
 * A row whose cells and tone are worked out only when read: a table shows the few rows that fit, so a frame with
 * 1,000 clients formats a dozen rows, not 1,000 (filtering reads them all, as it must). Getters on a class keep
 * each row a small plain-shaped object (bench/monitor.ts).
 */
class LazyRow implements Row {
  #cells: string[] | undefined;
  #tone: Tone | undefined | null = null;
  constructor(readonly key: string, private readonly makeCells: () => string[], private readonly makeTone: () => Tone | undefined) {}
  get cells(): string[] { return (this.#cells ??= this.makeCells()); }
  get tone(): Tone | undefined { return this.#tone === null ? (this.#tone = this.makeTone()) : this.#tone; }
}

export interface TimerRow extends Row { timer: TimerView }

class LazyTimerRow implements TimerRow {
  #cells: string[] | undefined;
  constructor(readonly timer: TimerView, private readonly now: number) {}
  private get t(): TimerView { return this.timer; }
  get key(): string { return `${this.t.host}/${this.t.kind}/${this.t.id}`; }
  private get left(): number | undefined { return secondsLeft(this.t, this.now); }
  private get expired(): boolean { const l = this.left; return this.t.expired || (l !== undefined && l <= 0); }
  get cells(): string[] {
    const t = this.t;
    const l = this.left;
    return (this.#cells ??= [t.host, t.kind === 'forward' ? `fwd ${t.id}` : `port ${t.id}`, t.label, l === undefined ? 'no deadline' : this.expired ? 'EXPIRED' : formatDuration(l)]);
  }
  get tone(): Tone | undefined {
    const l = this.left;
    return this.expired ? 'error' : l !== undefined && l < 300 ? 'warn' : undefined;
  }
}

export function timerRows(timers: readonly TimerView[], now: number, filter = ''): TimerRow[] {
  const f = filter.toLowerCase();
  const rows: TimerRow[] = [];
  for (const t of timers) {
    if (!f || `${t.host} ${t.id} ${t.label}`.toLowerCase().includes(f)) rows.push(new LazyTimerRow(t, now));
  }
  return rows;
}

export interface ClientRow extends Row { host: string; id: string; pending: boolean; connected: boolean }

class LazyClientRow extends LazyRow implements ClientRow {
  constructor(key: string, readonly host: string, readonly id: string, readonly pending: boolean, makeCells: () => string[]) {
    super(key, makeCells, () => (pending ? 'warn' : undefined));
  }
  get connected(): boolean { return !this.pending; }
}

export function clientRows(snapshot: Pick<Snapshot, 'relays'>, now: number, filter = ''): ClientRow[] {
  const f = filter.toLowerCase();
  const rows: ClientRow[] = [];
  for (const r of snapshot.relays) {
    if (!r.status) continue;
    for (const p of r.status.pending) {
      rows.push(new LazyClientRow(`${r.host}/p/${p.id}`, r.host, p.id, true, () => ['PENDING', p.name, p.id, p.address ?? '', `asked ${ago(p.requestedAt, now)} ago`, '']));
    }
    for (const c of r.status.connected) {
      rows.push(new LazyClientRow(`${r.host}/c/${c.socketId}`, r.host, c.clientId, false, () => ['online', c.name, c.clientId, c.address, `since ${ago(c.connectedAt, now)}, last ${ago(c.lastActivity, now)}`, `${c.messages} msg`]));
    }
  }
  return f ? rows.filter((r) => r.cells.join(' ').toLowerCase().includes(f)) : rows;
}

export function ago(iso: string, now: number): string {
  return formatAge(ageS(iso, now));
}

const ageS = (iso: string, now: number) => Math.max(1, Math.floor((now - new Date(iso).getTime()) / 1000));

/** Whether a Monitor view of the snapshot shows seconds that move ("since 4m 03s", a countdown): only then
 * does the screen redraw every second. */
export function showsSeconds(s: Snapshot | undefined, now = Date.now()): boolean {
  if (!s) return false;
  const young = (iso: string) => ageS(iso, now) < 60;
  return s.timers.some((t) => { const left = secondsLeft(t, now); return left !== undefined && left > 0 && left < 3600; })
    || s.relays.some((r) => r.status && (r.status.uptimeS < 60 || r.status.connected.some((c) => young(c.connectedAt) || young(c.lastActivity)) || r.status.pending.some((p) => young(p.requestedAt))));
}

/** "CERTS relay.example.org 84d · lab:/etc/le 12d RENEW": the managed certificates, soonest first. */
export function certLine(s: Pick<Snapshot, 'certs'>): { text: string; tone?: 'warn' | 'error' } | undefined {
  if (!s.certs?.length) return undefined;
  const sorted = [...s.certs].sort((a, b) => (a.daysLeft ?? -1e9) - (b.daysLeft ?? -1e9));
  const parts = sorted.map((c) => `${c.host === 'local' ? '' : `${c.host}:`}${c.domains[0] ?? c.dir} ${c.error ? `UNREADABLE (${c.error})` : c.daysLeft! < 0 ? 'EXPIRED' : `${c.daysLeft}d${c.daysLeft! <= 30 ? ' RENEW' : ''}`}`);
  const worst = sorted[0]!;
  const tone = worst.error || (worst.daysLeft ?? 0) < 0 ? 'error' : (worst.daysLeft ?? 99) <= 30 ? 'warn' : undefined;
  return { text: `CERTS ${parts.join(' · ')}`, ...(tone ? { tone } : {}) };
}

/** What the Monitor shows of a snapshot, as one string: a snapshot that leaves it unchanged is not redrawn. */
export function monitorView(s: Snapshot, now = Date.now()): string {
  const rows = [...clientRows(s, now), ...timerRows(s.timers, now)].map((r) => `${r.cells.join('\t')}${r.tone ?? ''}`);
  const hosts = s.hosts.map((h) => `${h.host}:${h.state}:${h.nextTryInS ?? ''}`);
  return [...relaysLines(s.relays), certLine(s)?.text ?? '', ...hosts, ...rows, ...s.events, String(s.paused)].join('\n');
}

/** "relay up, 3 clients, 1 pending, next expiry in 4m 03s": the home screen's line. */
export function summaryLine(s: Snapshot | undefined, now: number): string {
  if (!s) return 'monitor: starting…';
  const relays = s.relays.filter((x) => x.state !== 'none');
  const r = relays.find((x) => x.state === 'up') ?? relays[0];
  const relay = s.relays.length === 0 ? 'no relay watched' : !r ? 'no relay running' : r.state === 'up' ? 'relay up' : r.state === 'connecting' ? 'relay: checking' : 'relay down';
  const clients = s.relays.reduce((n, x) => n + (x.status?.connected.length ?? 0), 0);
  const pending = s.relays.reduce((n, x) => n + (x.status?.pending.length ?? 0), 0);
  const next = s.timers.map((t) => secondsLeft(t, now)).filter((x): x is number => x !== undefined && x > 0).sort((a, b) => a - b)[0];
  return `${relay}, ${clients} client(s), ${pending} pending${next !== undefined ? `, next expiry in ${formatDuration(next)}` : ''}`;
}
