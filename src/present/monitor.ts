// Pure presentation of monitor snapshots: model in, rows of strings out (tested without a terminal).
import { formatDuration } from '../core/duration.js';
import type { RelayView, Snapshot, TimerView } from '../monitor/service.js';

const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width = 12): string {
  const v = values.slice(-width);
  if (v.length === 0) return '';
  const max = Math.max(...v, 1);
  return v.map((x) => BARS[Math.min(BARS.length - 1, Math.floor((x / max) * (BARS.length - 1)))]).join('');
}

export function uptime(s: number): string {
  return formatDuration(s).replace('expired', '0s');
}

export function relayLines(r: RelayView): string[] {
  if (r.state !== 'up' || !r.status) {
    return [`RELAY ${r.host}: ${r.state === 'connecting' ? 'connecting…' : `DOWN${r.error ? ` — ${r.error}` : ''}`}`];
  }
  const s = r.status;
  const tls = s.tls.enabled ? `TLS ${s.tls.daysLeft}d${(s.tls.daysLeft ?? 99) < 30 ? ' (RENEW)' : ''}` : 'no TLS';
  return [
    `RELAY ${r.host}: UP ${uptime(s.uptimeS)}  ${s.publicUrl}  ${tls}  docs ${s.documents}`,
    `  up/s ${String(s.uploads.perSecond).padStart(3)} ${sparkline(s.uploads.history)}  out/s ${String(s.deliveries.perSecond).padStart(4)} ${sparkline(s.deliveries.history)}  errors ${s.errors.total}`,
  ];
}

export interface Row { key: string; cells: string[]; tone?: 'warn' | 'error' | 'ok' | 'dim' }

export function secondsLeft(t: TimerView, now: number): number | undefined {
  return t.deadline ? Math.floor((new Date(t.deadline).getTime() - now) / 1000) : undefined;
}

/**
 * A row whose cells are formatted only when read: a table shows the few rows that fit, so a frame with 1,000
 * clients formats a dozen rows, not 1,000 (filtering reads them all, as it must).
 */
function lazyCells<T extends object>(row: T, make: () => string[]): T & { cells: string[] } {
  let memo: string[] | undefined;
  return Object.defineProperty(row, 'cells', { get: () => (memo ??= make()), enumerable: true }) as T & { cells: string[] };
}

export function timerRows(timers: readonly TimerView[], now: number, filter = ''): Row[] {
  const f = filter.toLowerCase();
  return timers
    .filter((t) => !f || `${t.host} ${t.id} ${t.label}`.toLowerCase().includes(f))
    .map((t) => {
      const left = secondsLeft(t, now);
      const expired = t.expired || (left !== undefined && left <= 0);
      return lazyCells({
        key: `${t.host}/${t.kind}/${t.id}`,
        ...(expired ? { tone: 'error' as const } : left !== undefined && left < 300 ? { tone: 'warn' as const } : {}),
      }, () => [t.host, t.kind === 'forward' ? `fwd ${t.id}` : `port ${t.id}`, t.label, left === undefined ? 'no deadline' : expired ? 'EXPIRED' : formatDuration(left)]);
    });
}

export interface ClientRow extends Row { host: string; id: string; pending: boolean; connected: boolean }

export function clientRows(snapshot: Pick<Snapshot, 'relays'>, now: number, filter = ''): ClientRow[] {
  const f = filter.toLowerCase();
  const rows: ClientRow[] = [];
  for (const r of snapshot.relays) {
    if (!r.status) continue;
    for (const p of r.status.pending) {
      rows.push(lazyCells({ key: `${r.host}/p/${p.id}`, host: r.host, id: p.id, pending: true, connected: false, tone: 'warn' as const }, () => ['PENDING', p.name, p.id, p.address ?? '', `asked ${ago(p.requestedAt, now)} ago`, '']));
    }
    for (const c of r.status.connected) {
      rows.push(lazyCells({ key: `${r.host}/c/${c.socketId}`, host: r.host, id: c.clientId, pending: false, connected: true }, () => ['online', c.name, c.clientId, c.address, `since ${ago(c.connectedAt, now)}, last ${ago(c.lastActivity, now)}`, `${c.messages} msg`]));
    }
  }
  return rows.filter((r) => !f || r.cells.join(' ').toLowerCase().includes(f));
}

export function ago(iso: string, now: number): string {
  return formatDuration(Math.max(1, Math.floor((now - new Date(iso).getTime()) / 1000)));
}

/** "relay up, 3 clients, 1 pending, next expiry in 4m 03s": the home screen's line. */
export function summaryLine(s: Snapshot | undefined, now: number): string {
  if (!s) return 'monitor: starting…';
  const r = s.relays[0];
  const relay = !r ? 'no relay watched' : r.state === 'up' ? 'relay up' : r.state === 'connecting' ? 'relay: checking' : 'relay down';
  const clients = s.relays.reduce((n, x) => n + (x.status?.connected.length ?? 0), 0);
  const pending = s.relays.reduce((n, x) => n + (x.status?.pending.length ?? 0), 0);
  const next = s.timers.map((t) => secondsLeft(t, now)).filter((x): x is number => x !== undefined && x > 0).sort((a, b) => a - b)[0];
  return `${relay}, ${clients} client(s), ${pending} pending${next !== undefined ? `, next expiry in ${formatDuration(next)}` : ''}`;
}
