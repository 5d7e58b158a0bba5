import { describe, expect, it } from 'vitest';
import { clientRows, relayLines, relaysLines, sparkline, summaryLine, timerRows } from '../../src/present/monitor.js';
import type { Snapshot, TimerView } from '../../src/monitor/views.js';
import type { RelayStatus } from '../../src/relay/admin.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const status = (over: Partial<RelayStatus> = {}): RelayStatus => ({
  up: true, name: 'r', serverId: 'x', publicUrl: 'https://relay.lan:5000', bind: '0.0.0.0', port: 5000,
  tls: { enabled: true, daysLeft: 12, fingerprint: 'AA', notAfter: '2026-12-06T00:00:00Z' }, uptimeS: 3725, documents: 4,
  uploads: { total: 9, perSecond: 3, history: [0, 1, 3] }, deliveries: { total: 30, perSecond: 30, history: [0, 10, 30] }, errors: { total: 0, perSecond: 0, history: [] },
  connected: [{ socketId: 's1', clientId: 'c1', name: 'Desk', address: '10.0.0.5', connectedAt: '2026-11-24T11:58:00Z', lastActivity: '2026-11-24T11:59:50Z', messages: 7 }],
  pending: [{ id: 'p1', name: 'Laptop', scope: 'read', status: 'pending', address: '10.0.0.9', requestedAt: '2026-11-24T11:59:30Z' }],
  clients: [], ...over,
});

describe('monitor presentation', () => {
  it('draws sparklines scaled to the window', () => {
    expect(sparkline([0, 1, 2, 4])).toBe('▁▂▄█');
    expect(sparkline([])).toBe('');
    expect(sparkline(Array(30).fill(1), 12)).toHaveLength(12);
  });

  it('formats the relay with uptime, TLS days (flagged under 30), rates and errors', () => {
    const lines = relayLines({ host: 'local', dataDir: '/d', state: 'up', since: '', status: status() });
    expect(lines[0]).toBe('RELAY local: UP 1h 02m  https://relay.lan:5000  TLS 12d (RENEW)  docs 4');
    expect(lines[1]).toMatch(/up\/s {3}3 ▁▃█ {2}out\/s {3}30 ▁▃█ {2}errors 0$/);
    // Connections the relay lost (ping timeouts, transport errors) show once there are any.
    const dropped = relayLines({ host: 'local', dataDir: '/d', state: 'up', since: '', status: status({ dropped: { total: 3, reasons: { 'ping timeout': 3 } } }) });
    expect(dropped[1]).toMatch(/errors 0 {2}dropped 3$/);
    expect(relayLines({ host: 'lab', dataDir: '/d', state: 'down', since: '', error: 'connection refused' })).toEqual(['RELAY lab: DOWN — connection refused']);
    // A deployed relay is marked as the service.
    expect(relayLines({ host: 'sd', dataDir: '/var/lib/commbase-relay', state: 'down', since: '', service: true, error: 'the commbase-relay service is inactive' })[0]).toBe('RELAY sd (service): DOWN — the commbase-relay service is inactive');
  });

  it('on a shared Redis: the store\'s state (DOWN since when), and each relay with its clients', () => {
    const presence = (url: string, names: string[]) => ({ id: url, host: 'h', publicUrl: url, pid: 1, startedAt: '', at: '', uploadsPerSecond: 2, deliveriesPerSecond: 0, clients: names.map((n) => ({ clientId: n, name: n, address: '10.0.0.9' })) });
    const up = relayLines({ host: 'local', dataDir: '/d', state: 'up', since: '', status: status({ store: { kind: 'redis', where: 'redis://10.0.0.5:6379/0', state: 'up', since: '', redisVersion: '7.0.15', memory: '1.2M', aof: 'on, last write ok' }, cluster: [presence('https://a:5000', ['desk']), presence('https://b:5000', [])] }) });
    expect(up.slice(2)).toEqual(['  store: redis redis://10.0.0.5:6379/0 up (Redis 7.0.15, 1.2M, AOF on, last write ok)', '  relay https://a:5000 (h): 1 client(s) desk  up/s 2', '  relay https://b:5000 (h): 0 client(s)  up/s 2']);
    const down = relayLines({ host: 'local', dataDir: '/d', state: 'up', since: '', status: status({ store: { kind: 'redis', where: 'redis://10.0.0.5:6379/0', state: 'down', since: '2026-12-05T10:11:12.000Z', error: 'connection closed', unsafe: true } }) });
    expect(down[2]).toBe('  store: redis redis://10.0.0.5:6379/0 DOWN since 10:11:12 — connection closed  UNSAFE: may lose acknowledged uploads');
    // The local log says nothing more than before.
    expect(relayLines({ host: 'local', dataDir: '/d', state: 'up', since: '', status: status({ store: { kind: 'log', where: '/d', state: 'up', since: '' } }) })).toHaveLength(2);
  });

  it('counts timers down, flags expired ones and soon-expiring ones, and filters', () => {
    const timers: TimerView[] = [
      { host: 'lab', kind: 'forward', id: 'aaaa0001', label: 'a', deadline: '2026-11-24T12:04:03Z', expired: false },
      { host: 'lab', kind: 'forward', id: 'aaaa0002', label: 'b', deadline: '2026-11-24T11:59:00Z', expired: false },
      { host: 'lab', kind: 'port', id: '5000/tcp', label: 'open 5000/tcp from anywhere', expired: false },
    ];
    const rows = timerRows(timers, NOW);
    expect(rows.map((r) => [r.cells[3], r.tone])).toEqual([['4m 03s', 'warn'], ['EXPIRED', 'error'], ['no deadline', undefined]]);
    expect(timerRows(timers, NOW + 10_000)[0]!.cells[3]).toBe('3m 53s');
    expect(timerRows(timers, NOW, '5000').map((r) => r.cells[1])).toEqual(['port 5000/tcp']);
  });

  it('puts pending requests first and highlighted, then connected clients', () => {
    const snap = { relays: [{ host: 'local', dataDir: '/d', state: 'up' as const, since: '', status: status() }] };
    const rows = clientRows(snap, NOW);
    expect(rows.map((r) => [r.cells[0], r.cells[1], r.tone, r.pending])).toEqual([['PENDING', 'Laptop', 'warn', true], ['online', 'Desk', undefined, false]]);
    expect(rows[1]!.cells[4]).toBe('since 2m, last 10s');
    expect(clientRows(snap, NOW, 'desk').map((r) => r.cells[1])).toEqual(['Desk']);
  });

  it('summarises for the home screen', () => {
    const snap: Snapshot = { at: '', paused: false, hosts: [], events: [], certs: [], relays: [{ host: 'local', dataDir: '/d', state: 'up', since: '', status: status() }],
      timers: [{ host: 'lab', kind: 'forward', id: 'x', label: '', deadline: '2026-11-24T12:04:03Z', expired: false }] };
    expect(summaryLine(snap, NOW)).toBe('relay up, 1 client(s), 1 pending, next expiry in 4m 03s');
    expect(summaryLine(undefined, NOW)).toBe('monitor: starting…');
  });
});

describe('managed certificates line', () => {
  it('lists them soonest first, flags 30 days or fewer and unreadable ones', async () => {
    const { certLine } = await import('../../src/present/monitor.js');
    expect(certLine({ certs: [] })).toBeUndefined();
    expect(certLine({ certs: [{ host: 'local', dir: '/a', domains: ['relay.example.org'], daysLeft: 84 }] })).toEqual({ text: 'CERTS relay.example.org 84d' });
    expect(certLine({ certs: [
      { host: 'local', dir: '/a', domains: ['a.example.org'], daysLeft: 84 },
      { host: 'lab', dir: '/b', domains: ['b.example.org'], daysLeft: 12 },
    ] })).toEqual({ text: 'CERTS lab:b.example.org 12d RENEW · a.example.org 84d', tone: 'warn' });
    expect(certLine({ certs: [{ host: 'lab', dir: '/c', domains: ['c.example.org'], error: 'no such file' }] })?.tone).toBe('error');
  });
});

describe('hosts that run no relay', () => {
  it('are not relays that are down: listed once as running none, and the summary says no relay running', () => {
    const none = (host: string) => ({ host, dataDir: '/d', state: 'none' as const, since: '' });
    expect(relaysLines([none('c'), none('d')])).toEqual(['RELAY: none runs on c, d (start one in Relay & clients)']);
    const down = { host: 'r', dataDir: '/d', state: 'down' as const, since: '', error: 'connection refused' };
    expect(relaysLines([none('c'), down])).toEqual(['RELAY r: DOWN — connection refused']);
    // Not asked yet: not a relay line of its own (a client host is not a relay that is connecting).
    const asking = (host: string) => ({ host, dataDir: '/d', state: 'connecting' as const, since: '' });
    expect(relaysLines([asking('local'), asking('c')])).toEqual(['RELAY: checking local, c…']);
    expect(relaysLines([down, asking('c')])).toEqual(['RELAY r: DOWN — connection refused']);
    const snap = { relays: [none('c')], timers: [], hosts: [], certs: [], events: [], paused: false } as unknown as Parameters<typeof summaryLine>[0];
    expect(summaryLine(snap, Date.now())).toMatch(/^no relay running, 0 client\(s\)/);
  });
});
