// The admin feed: a second listener, on 127.0.0.1 only, for the console (`clients …`, `relay status`,
// the Monitor). Authenticated by a random token kept with the feed's address in DATA_DIR/admin.json (0600).
// A remote relay's feed is reached through an SSH tunnel, never exposed.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { MODE_SECRET, writeFileAtomic } from '../core/files.js';
import { SCOPES, clientNameSchema, type ClientRecord } from './auth.js';
import { HttpError, bearer, readBody, sendJson } from './http-util.js';
import type { Relay } from './server.js';
import type { RelayPresence, StoreState } from './store-state.js';

export const ADMIN_FILE = 'admin.json';

export interface AdminInfo {
  url: string;
  token: string;
  pid: number;
  startedAt: string;
  /** The process's start time in clock ticks since boot (/proc/PID/stat, field 22): with pid, names this process only. */
  procStart?: string;
}

/** Field 22 of /proc/PID/stat (after the command name, which may hold spaces and parentheses). */
export function procStartOf(stat: string): string | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[19];
}

export interface RelayStatus {
  up: true;
  name: string;
  serverId: string;
  publicUrl: string;
  bind: string;
  port: number;
  tls: { enabled: boolean; fingerprint?: string; notAfter?: string; daysLeft?: number };
  uptimeS: number;
  documents: number;
  /** Where the documents are and whether that store answers; absent from relays older than this. */
  store?: StoreState;
  /** Several relays on one store: each of them as it last said, with its clients; absent for the local log. */
  cluster?: RelayPresence[];
  uploads: { total: number; perSecond: number; history: number[] };
  deliveries: { total: number; perSecond: number; history: number[] };
  errors: { total: number; perSecond: number; history: number[] };
  /** Snapshots a busy client got a newer one instead of (latest wins); absent from relays older than this. */
  superseded?: { total: number; perSecond: number; history: number[] };
  /** Connections lost to a timeout or a transport failure, by reason; absent from relays older than this. */
  dropped?: { total: number; reasons: Record<string, number> };
  connected: Array<{ socketId: string; clientId: string; name: string; address: string; connectedAt: string; lastActivity: string; messages: number }>;
  pending: PublicClient[];
  clients: PublicClient[];
}

export type PublicClient = Omit<ClientRecord, 'tokenHash' | 'collectHash'>;
const publicClient = ({ tokenHash: _h, collectHash: _c, ...rest }: ClientRecord): PublicClient => rest;

export class AdminFeed {
  private constructor(private readonly relay: Relay, private readonly server: http.Server, private readonly token: string, readonly file: string) {}

  static async start(relay: Relay): Promise<AdminFeed> {
    const token = randomBytes(32).toString('base64url');
    const holder: { feed?: AdminFeed } = {};
    const server = http.createServer((req, res) => void holder.feed!.handle(req, res));
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(relay.opts['admin-port'], '127.0.0.1', () => resolve()); });
    const file = path.join(relay.opts['data-dir'], ADMIN_FILE);
    const feed = new AdminFeed(relay, server, token, file);
    holder.feed = feed;
    const procStart = await fs.readFile('/proc/self/stat', 'utf8').then(procStartOf, () => undefined);
    const info: AdminInfo = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token, pid: process.pid, startedAt: relay.startedAt.toISOString(), ...(procStart ? { procStart } : {}) };
    await writeFileAtomic(file, JSON.stringify(info, null, 2), { mode: MODE_SECRET });
    return feed;
  }

  status(): RelayStatus {
    const r = this.relay;
    const meter = (m: Relay['uploads']) => ({ total: m.total, perSecond: m.perSecond, history: [...m.history] });
    // Anonymous sources (--open-from) are listed with the others, by their address.
    const clients = [...r.auth.clients().map(publicClient), ...[...r.anonymous.values()].map(({ lastSeen: _l, requests: _n, ...c }) => c)];
    return {
      up: true, name: r.auth.name, serverId: r.auth.serverId, publicUrl: r.publicBase, bind: r.opts.bind, port: r.port,
      tls: r.tls ? { enabled: true, fingerprint: r.tls.fingerprint, notAfter: r.tls.notAfter.toISOString(), daysLeft: Math.floor((r.tls.notAfter.getTime() - Date.now()) / 86_400_000) } : { enabled: false },
      uptimeS: Math.floor((Date.now() - r.startedAt.getTime()) / 1000),
      documents: r.store.count(),
      store: r.storeState(),
      ...(r.cluster().length ? { cluster: r.cluster() } : {}),
      uploads: meter(r.uploads), deliveries: meter(r.deliveries), errors: meter(r.errors), superseded: meter(r.superseded),
      dropped: { total: [...r.dropped.values()].reduce((a, b) => a + b, 0), reasons: Object.fromEntries(r.dropped) },
      connected: [...r.connected.values()].map(({ socket: _s, ...c }) => c),
      pending: clients.filter((c) => c.status === 'pending'),
      clients,
    };
  }

  private authorised(req: IncomingMessage): boolean {
    const given = Buffer.from(bearer(req) ?? '');
    const want = Buffer.from(this.token);
    return given.length === want.length && timingSafeEqual(given, want);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!this.authorised(req)) throw new HttpError(401, 'admin token required');
      const url = new URL(req.url ?? '/', 'http://admin');
      const r = this.relay;
      if (req.method === 'GET' && url.pathname === '/status') return sendJson(res, 200, this.status());
      const body = req.method === 'POST' ? parseBody(await readBody(req, 64 * 1024)) : {};
      if (req.method === 'POST' && url.pathname === '/tokens') {
        const input = z.object({ name: clientNameSchema, scope: z.enum(SCOPES), ttlS: z.number().int().min(60).optional() }).parse(body);
        const { client, token } = await r.auth.issue(input.name, input.scope, input.ttlS);
        return sendJson(res, 200, { id: client.id, name: client.name, scope: client.scope, expiresAt: client.expiresAt, token, urls: r.urlsFor(token) });
      }
      const m = /^\/clients\/([A-Za-z0-9._:-]{1,64})\/(approve|deny|revoke|rotate)$/.exec(url.pathname);
      if (req.method === 'POST' && m) {
        const [, id, verb] = m as unknown as [string, string, 'approve' | 'deny' | 'revoke' | 'rotate'];
        if (verb === 'approve') {
          const input = z.object({ scope: z.enum(SCOPES).optional(), ttlS: z.number().int().min(60).optional() }).parse(body);
          const { client } = await r.auth.approve(id, input);
          return sendJson(res, 200, { client: publicClient(client) });
        }
        if (verb === 'deny' || verb === 'revoke') {
          const { result, dropped } = await r.dropClient(id, () => (verb === 'deny' ? r.auth.deny(id) : r.auth.revoke(id)));
          return sendJson(res, 200, { client: publicClient(result), dropped });
        }
        const { client, token } = await r.auth.rotate(id);
        const notified = await r.tellClient(id, 'token_rotated', { token, expires_at: client.expiresAt });
        return sendJson(res, 200, { client: publicClient(client), token, urls: r.urlsFor(token), notified });
      }
      throw new HttpError(404, 'not found');
    } catch (err) {
      const status = err instanceof HttpError ? err.status : err instanceof z.ZodError ? 400 : (err as { kind?: string }).kind === 'user' ? 404 : 500;
      sendJson(res, status, { error: err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (err as Error).message });
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await fs.rm(this.file, { force: true });
  }
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  try { return JSON.parse(raw.toString('utf8')); } catch { throw new HttpError(400, 'Malformed JSON'); }
}
