// The relay: Commbase's wire protocol (POST /api/save_json, GET /api/get_saved_data, PUT /api/update_json/<id>,
// Socket.IO `update_saved_data`) with authorisation, limits, durable storage, and an admin feed on loopback.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { isIP, type AddressInfo, type Socket as NetSocket } from 'node:net';
import os from 'node:os';
import { Server as IoServer, type Socket } from 'socket.io';
import type { z } from 'zod';
import { UserError } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import { LocalRunner } from '../runners/local.js';
import { AuthStore, allows, type ClientRecord } from './auth.js';
import { DEFAULT_GATE, HandshakeGate } from './handshake-gate.js';
import { HttpError, RateLimiter, bearer, readBody, sendJson, sendRawJson } from './http-util.js';
import { Meter, type ConnectedClient } from './metrics.js';
import { relayInput, type RelayOptions } from './options.js';
import { SourcePolicy, plainAddress } from './sources.js';
import { Fanout } from './fanout.js';
import { secureDataDir } from './data-dir.js';
import { DocumentStore, StoreWriteError } from './store.js';
import { StoreDownError, type RelayPresence, type StoreState } from './store-state.js';
import { openSharedStore, type SharedStore } from './shared.js';
import { relayUrls } from './urls.js';
import { authoriseBody, decodeSegment, handshakeToken, parseJsonBody, parseTarget } from './wire.js';

/**
 * A process that serves the network never exits on a client's input: whatever escapes a handler is logged
 * (once per kind) and the process goes on. Installed by `relay start`, the only entry point that serves.
 */
export function keepServingOnErrors(relay: Relay): void {
  process.on('uncaughtException', (err) => relay.logOnce(err));
  process.on('unhandledRejection', (err) => relay.logOnce(err));
}

/** What the relay keeps documents in: the local log (store.ts) or Redis (store-redis.ts). */
export interface Documents {
  json(): string;
  /** The last state read, even when the store is away (for sockets). */
  lastJson?(): string;
  count(): number;
  all(): unknown[];
  save(doc: unknown): Promise<number>;
  update(id: number, doc: unknown): Promise<boolean>;
  close(): Promise<void>;
}

const roomOf = (clientId: string) => `client:${clientId}`;

export class Relay {
  readonly uploads = new Meter();
  readonly deliveries = new Meter();
  readonly errors = new Meter();
  /** Snapshots replaced before they were sent (a busy socket got the newer one instead). */
  readonly superseded = new Meter();
  /** Connections the relay lost without the client or the operator closing them, by reason (bounded). */
  readonly dropped = new Map<string, number>();
  private readonly fanout: Fanout;
  readonly startedAt = new Date();
  readonly connected = new Map<string, ConnectedClient & { socket: Socket }>();
  readonly limiter: RateLimiter;
  readonly gate: HandshakeGate;
  private readonly sources: SourcePolicy;
  /** Sources that used the relay without a token under --open-from, shown as anonymous clients. */
  readonly anonymous = new Map<string, ClientRecord & { lastSeen: string; requests: number }>();
  private readonly logged = new Map<string, number>();
  /** --on-save: idle, running, or running with saves since it started (one more run follows). */
  private onSave: 'idle' | 'running' | 'again' = 'idle';
  /** How many times --on-save has run (for the test that bounds it). */
  onSaveRuns = 0;
  private closing = false;
  private io!: IoServer;
  private readonly sockets = new Set<NetSocket>();
  private server!: http.Server | https.Server;
  private ticker!: NodeJS.Timeout;
  /** What else serves with the relay (the admin feed, serve.ts): closed first when the relay closes. */
  private readonly attached: Array<{ close(): Promise<void> }> = [];
  tls?: { fingerprint: string; notAfter: Date };

  private constructor(readonly opts: RelayOptions, readonly store: Documents, readonly auth: AuthStore, private readonly shared?: SharedStore) {
    this.limiter = new RateLimiter(opts.rate);
    // A socket gets the last state this relay read, even while a shared store is away (its GET gets 503).
    this.fanout = new Fanout(this.connected, () => this.store.lastJson?.() ?? this.store.json(), { deliveries: this.deliveries, superseded: this.superseded });
    // Another relay's change: this relay's own sockets get it, paced as for its own.
    shared?.store.onChange((what) => { if (what === 'docs') this.fanout.changed(); else void this.dropInvalid(); });
    this.gate = new HandshakeGate({ ...DEFAULT_GATE, perWindow: opts['max-per-source'], openPerSource: opts['max-per-source'] });
    this.sources = new SourcePolicy(opts);
  }

  static async start(raw: z.input<typeof relayInput>): Promise<Relay> {
    const opts = parseInput(relayInput, raw);
    await secureDataDir(opts['data-dir']);
    if (opts.store) {
      const shared = await openSharedStore(opts);
      try {
        const relay = new Relay(opts, shared.store, shared.auth, shared);
        await relay.listen();
        shared.store.announce(() => relay.presence());
        shared.store.shareRates(relay.limiter);
        return relay;
      } catch (err) {
        await shared.store.close();
        throw err;
      }
    }
    const store = await DocumentStore.open(opts['data-dir'], opts.keep ?? Number.POSITIVE_INFINITY);
    const auth = await AuthStore.open(opts['data-dir'], opts.name);
    const relay = new Relay(opts, store, auth);
    await relay.listen();
    return relay;
  }

  /** What this relay tells the others on a shared store (and relay status shows for each). */
  presence(): RelayPresence {
    return {
      id: `${os.hostname()}:${this.port}:${process.pid}`, host: os.hostname(), publicUrl: this.publicBase, pid: process.pid, startedAt: this.startedAt.toISOString(), at: new Date().toISOString(),
      uploadsPerSecond: this.uploads.perSecond, deliveriesPerSecond: this.deliveries.perSecond,
      clients: [...this.connected.values()].map((c) => ({ clientId: c.clientId, name: c.name, address: c.address })),
    };
  }

  /** The relays sharing this relay's store (none for the local log). */
  cluster(): RelayPresence[] {
    return this.shared?.store.cluster() ?? [];
  }

  /** Where the documents are, and whether that store answers (the status line and the Monitor show it). */
  storeState(): StoreState {
    return this.shared?.store.status ?? { kind: 'log', where: this.opts['data-dir'], state: 'up', since: this.startedAt.toISOString() };
  }

  get scheme(): 'https' | 'http' {
    return this.tls ? 'https' : 'http';
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** How clients reach us: --public-host, else the bind address, else (0.0.0.0) this host's name. */
  get publicBase(): string {
    const host = this.opts['public-host'] ?? (this.opts.bind === '0.0.0.0' || this.opts.bind === '::' ? os.hostname() : this.opts.bind);
    return `${this.scheme}://${isIP(host) === 6 ? `[${host}]` : host}:${this.port}`;
  }

  urlsFor(token: string): Record<string, string> {
    return relayUrls(this.publicBase, token);
  }

  private async listen(): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    if (this.opts['tls-cert']) {
      let cert: Buffer;
      let key: Buffer;
      try {
        cert = readFileSync(this.opts['tls-cert']);
        key = readFileSync(this.opts['tls-key']!);
      } catch (err) {
        throw new UserError(`failed to read the TLS files: ${(err as Error).message}`, [], 'tls-cert');
      }
      const x = new X509Certificate(cert);
      this.tls = { fingerprint: x.fingerprint256, notAfter: new Date(x.validTo) };
      this.server = https.createServer({ cert, key, minVersion: 'TLSv1.2' }, handler);
    } else {
      this.server = http.createServer(handler);
    }
    // Every connection, upgraded ones too, so close() can end those a stalled client would hold open.
    this.server.on('connection', (c: NetSocket) => { this.sockets.add(c); c.once('close', () => this.sockets.delete(c)); });
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    const origins = this.opts['cors-origin'];
    this.io = new IoServer(this.server, {
      cors: origins.length ? { origin: origins, credentials: false } : { origin: false },
      maxHttpBufferSize: this.opts['max-body'],
      transports: ['polling', 'websocket'],
      // A session that never connects to the namespace (never shows a token) is closed after 10 s, not 45.
      connectTimeout: 10_000,
      // Before authentication: handshakes bounded per source (relay/handshake-gate.ts); refused with a 403 that says why.
      allowRequest: (req, done) => {
        const why = this.sources.allowed(this.sources.of(req)) ? this.gate.admit(this.sources.of(req) ?? '?') : 'source address not allowed';
        done(why ?? null, why === undefined);
      },
    });
    // Several relays: revoke and rotate reach a client's sockets on whichever relay holds them.
    if (this.shared) this.io.adapter(this.shared.adapter);
    this.io.engine.on('connection', (conn: { request: IncomingMessage; once(ev: 'close', fn: () => void): void }) => {
      const source = this.sources.of(conn.request) ?? '?';
      this.gate.opened(source);
      conn.once('close', () => this.gate.closed(source));
    });
    this.io.use((socket, next) => {
      // Whatever a handshake carries, it is refused or accepted here: nothing it sends can throw past this.
      try {
        const from = this.sources.from(socket.handshake.address, socket.handshake.headers['x-forwarded-for']);
        (socket.data as { address?: string }).address = from.address;
        if (!this.sources.allowed(from.address)) return next(new Error('source address not allowed'));
        const client = this.auth.check(handshakeToken(socket.handshake.auth, socket.handshake.query)) ?? (from.proxied ? undefined : this.openClient(from.address));
        if (!client) return next(new Error('unauthorised: a valid token is needed (?token=… or auth: {token})'));
        if (!allows(client.scope, 'read')) return next(new Error('forbidden: this token may not read'));
        (socket.data as { client: ClientRecord }).client = client;
        next();
      } catch (err) {
        this.errors.add();
        next(new Error(err instanceof HttpError ? err.message : 'refused'));
      }
    });
    this.io.on('connection', (socket) => {
      try { this.onSocket(socket); } catch (err) { this.logOnce(err); socket.disconnect(true); }
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE'
        ? new UserError(`failed to start the relay: ${this.opts.bind}:${this.opts.port} is already in use`, ['choose another --port, or stop what listens there'], 'port')
        : err));
      this.server.listen(this.opts.port, this.opts.bind, () => resolve());
    });
    this.ticker = setInterval(() => { this.uploads.tick(); this.deliveries.tick(); this.errors.tick(); this.superseded.tick(); }, 1000);
    this.ticker.unref();
  }

  /** Something that serves beside the relay and closes with it. */
  attach(part: { close(): Promise<void> }): void {
    this.attached.push(part);
  }

  /** --open-from: a source in these networks needs no token (scope both), as Commbase's own server never asked. */
  private openClient(address: string | undefined): ClientRecord | undefined {
    if (!address || !this.sources.open(address)) return undefined;
    const a = plainAddress(address);
    const now = new Date().toISOString();
    const known = this.anonymous.get(a);
    if (known) return known;
    if (this.anonymous.size >= 1000) this.anonymous.delete(this.anonymous.keys().next().value!);
    const c = { id: `open:${a}`, name: `anonymous ${a}`, scope: 'both' as const, status: 'approved' as const, address: a, requestedAt: now, lastSeen: now, requests: 0 };
    this.anonymous.set(a, c);
    return c;
  }

  /**
   * A connection lost to a timeout or a transport failure, not closed by the client (transport close, client
   * disconnect) or by us (revocation, shutdown): counted by reason for relay status, e.g. "transport error: poll
   * connection closed prematurely".
   */
  private noteDrop(reason: string, description: unknown): void {
    if (!['ping timeout', 'transport error', 'parse error'].includes(reason)) return;
    // Socket.IO passes an Error, or an object whose `description` is one (or a string).
    const inner = description instanceof Error ? description : (description as { description?: unknown } | undefined)?.description;
    const detail = inner instanceof Error ? inner.message : typeof inner === 'string' ? inner : '';
    const key = detail ? `${reason}: ${detail.slice(0, 80)}` : reason;
    if (this.dropped.size < 50 || this.dropped.has(key)) this.dropped.set(key, (this.dropped.get(key) ?? 0) + 1);
  }

  private noteOpenUse(client: ClientRecord): void {
    const c = client.address ? this.anonymous.get(client.address) : undefined;
    if (c && c.id === client.id) { c.lastSeen = new Date().toISOString(); c.requests += 1; }
  }

  /** An error we did not expect: one line with its stack the first time, a count after that (never a flood). */
  logOnce(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    const key = `${e.name}: ${e.message}`.slice(0, 300);
    const n = (this.logged.get(key) ?? 0) + 1;
    if (this.logged.size < 1000 || this.logged.has(key)) this.logged.set(key, n);
    if (n === 1) process.stderr.write(`relay: unexpected error (the relay goes on): ${e.stack ?? key}\n`);
    else if ((n & (n - 1)) === 0) process.stderr.write(`relay: the same error again (${n} times): ${key}\n`);
  }

  private onSocket(socket: Socket): void {
    const client = (socket.data as { client: ClientRecord }).client;
    const now = new Date().toISOString();
    this.connected.set(socket.id, { socket, socketId: socket.id, clientId: client.id, name: client.name, address: plainAddress((socket.data as { address?: string }).address ?? 'unknown (forwarded)'), connectedAt: now, lastActivity: now, messages: 0 });
    socket.on('disconnect', (reason, description) => {
      this.connected.delete(socket.id);
      this.fanout.forget(socket.id);
      this.noteDrop(reason, description);
    });
    socket.onAny(() => { const c = this.connected.get(socket.id); if (c) c.lastActivity = new Date().toISOString(); });
    void socket.join(roomOf(client.id));
    this.fanout.deliver([socket]);
  }

  /** Sockets of a client on this relay. */
  socketsOf(clientId: string): Socket[] {
    return [...this.connected.values()].filter((c) => c.clientId === clientId).map((c) => c.socket);
  }

  /**
   * A client's sockets on every relay (one relay: its own) counted, then `change` made (its revocation), then those
   * sockets dropped: counted first, since the other relays drop theirs as soon as they hear of the change.
   */
  async dropClient<T>(clientId: string, change: () => Promise<T>): Promise<{ result: T; dropped: number }> {
    const room = this.io.in(roomOf(clientId));
    const dropped = await room.fetchSockets().then((all) => all.length, () => this.socketsOf(clientId).length);
    const result = await change();
    room.disconnectSockets(true);
    return { result, dropped };
  }

  /** Tell a client's sockets on every relay something (its new token); how many there were. */
  async tellClient(clientId: string, event: string, payload: unknown): Promise<number> {
    const room = this.io.to(roomOf(clientId));
    const n = await this.io.in(roomOf(clientId)).fetchSockets().then((all) => all.length, () => this.socketsOf(clientId).length);
    room.emit(event, payload);
    return n;
  }

  /** After another relay changed the clients: this relay's sockets whose token no longer holds are dropped. */
  private async dropInvalid(): Promise<void> {
    // The clients' state is read again on the same notice: judge by what it says once read.
    await this.auth.settled();
    for (const c of [...this.connected.values()]) {
      const client = (c.socket.data as { client: ClientRecord }).client;
      if (client.id.startsWith('open:')) continue;
      const now = this.auth.find(client.id);
      if (!now || now.status !== 'approved') c.socket.disconnect(true);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const from = this.sources.from(req.socket.remoteAddress, req.headers['x-forwarded-for']);
      if (!this.sources.allowed(from.address)) throw new HttpError(403, 'source address not allowed');
      const cors = this.corsHeaders(req);
      if (req.method === 'OPTIONS') { res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, POST, PUT', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' }); res.end(); return; }
      const target = parseTarget(req.url);
      const token = target.token ?? bearer(req);
      // A request an untrusted proxy forwarded is not "from loopback" even when the proxy is.
      const client = this.auth.check(token) ?? (token === undefined && !from.proxied ? this.openClient(from.address) : undefined);
      if (!this.limiter.take(client?.id ?? from.address ?? '?')) throw new HttpError(429, 'too many requests: slow down');
      const route = `${req.method} ${target.path}`;
      if (route === 'GET /info') return sendJson(res, 200, { server_id: this.auth.serverId, name: this.auth.name, tls_fingerprint: this.tls?.fingerprint ?? null }, cors);
      if (route === 'POST /api/authorise') return await this.authorise(req, res, cors, from.address);
      const need = route === 'GET /api/get_saved_data' ? 'read' : route === 'POST /api/save_json' || /^PUT \/api\/update_json\//.test(route) ? 'upload' : undefined;
      if (!need) throw new HttpError(404, 'not found');
      if (!client) throw new HttpError(401, 'unauthorised: a valid token is needed (?token=…, /t/TOKEN/api/…, or Authorization: Bearer …)');
      if (!allows(client.scope, need)) throw new HttpError(403, `forbidden: this token may not ${need}`);
      this.noteOpenUse(client);
      if (need === 'read') return sendRawJson(res, 200, this.store.json(), cors);
      const body = await this.jsonBody(req);
      if (req.method === 'POST') {
        if (!body) throw new HttpError(400, 'Empty JSON payload');
        const id = await this.store.save(body);
        this.uploads.add();
        sendJson(res, 200, { message: 'JSON data saved successfully', filename: `json_${id}.json` }, cors);
        this.fanout.changed();
        this.afterSave();
        return;
      }
      const idText = decodeSegment(target.path.slice('/api/update_json/'.length), 'document id');
      const id = /^\d{1,9}$/.test(idText) ? Number(idText) : NaN;
      if (!body) throw new HttpError(400, 'Empty JSON payload');
      if (!(await this.store.update(id, body))) throw new HttpError(404, `JSON file with ID ${idText.slice(0, 40)} not found`);
      this.uploads.add();
      sendJson(res, 200, { message: `JSON data updated successfully for ID ${id}`, filename: `json_${id}.json` }, cors);
      this.fanout.changed();
    } catch (err) {
      // A write that did not reach the disk is the disk's state, not a bug: 507 (full) or 503, nothing stored.
      const known = err instanceof HttpError ? err : err instanceof StoreWriteError ? new HttpError(err.full ? 507 : 503, err.message) : err instanceof StoreDownError ? new HttpError(503, err.message) : undefined;
      this.errors.add();
      if (!res.headersSent) sendJson(res, known?.status ?? 500, { error: known?.message ?? 'internal error' });
      if (!known) this.logOnce(err);
    }
  }

  private corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    return origin && this.opts['cors-origin'].includes(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
  }

  /** Flask's get_json(): a falsy document ({}, [], null, "", 0, false) counts as empty. */
  private async jsonBody(req: IncomingMessage): Promise<unknown> {
    const raw = await readBody(req, this.opts['max-body']);
    if (raw.length === 0) return undefined;
    const doc = parseJsonBody(raw);
    const empty = !doc || (Array.isArray(doc) && doc.length === 0) || (typeof doc === 'object' && Object.keys(doc as object).length === 0);
    return empty ? undefined : doc;
  }

  private async authorise(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>, address: string | undefined): Promise<void> {
    const body = await this.jsonBody(req);
    const parsed = authoriseBody.safeParse(body ?? {});
    if (!parsed.success) throw new HttpError(400, `give {"client_id", "name"} (and "client_secret" when asking again): ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
    const { client_id: id, name, client_secret: secret } = parsed.data;
    const r = await this.auth.request(id, name, address ? plainAddress(address) : '?', secret);
    const base = { server_id: this.auth.serverId };
    if (r.status === 'refused') {
      if (r.reason === 'too-many') throw new HttpError(429, 'too many requests are waiting for the operator: ask again later');
      return sendJson(res, 403, { ...base, status: r.held, error: `client_id ${id} was asked for with a client_secret; ask again with that secret (a repeated client_id alone gets nothing)` }, cors);
    }
    if (r.status === 'pending') return sendJson(res, 202, { ...base, status: r.status, ...(r.secret ? { client_secret: r.secret } : {}) }, cors);
    if (r.status === 'approved') return sendJson(res, 200, { ...base, status: r.status, ...(r.token ? { token: r.token, expires_at: r.expiresAt, urls: this.urlsFor(r.token) } : { expires_at: r.expiresAt }) }, cors);
    sendJson(res, 403, { ...base, status: r.status }, cors);
  }

  /**
   * --on-save after a save: one run at a time. Saves that arrive while it runs are folded into one more run when it
   * ends (the command reads the saved state, so it sees them all), so a burst of uploads never starts a process
   * per upload.
   */
  private afterSave(): void {
    const argv = this.opts['on-save'];
    if (argv.length === 0) return;
    if (this.onSave === 'running' || this.onSave === 'again') { this.onSave = 'again'; return; }
    this.onSave = 'running';
    this.onSaveRuns++;
    // argv, never a shell: the operator's command and its arguments exactly as given.
    new LocalRunner().run(argv, { timeoutMs: 60_000, allowFailure: true }).then((r) => {
      if (r.exitCode !== 0) { this.errors.add(); process.stderr.write(`relay: on-save ${argv[0]} exited ${r.exitCode}: ${r.stderr.trim().slice(-300)}\n`); }
    }, (err: Error) => { this.errors.add(); process.stderr.write(`relay: on-save failed: ${err.message}\n`); }).finally(() => {
      const again = this.onSave === 'again';
      this.onSave = 'idle';
      if (again && !this.closing) this.afterSave();
    });
  }

  /**
   * Stop serving: no new connections, every socket told, the uploads already read written, then whatever is
   * still open (a stalled websocket, a waiting long poll, an idle keep-alive) cut, so SIGTERM ends the process
   * at once rather than when the slowest client lets go.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.ticker);
    this.fanout.close();
    for (const part of this.attached) await part.close();
    this.io.disconnectSockets(true);
    const closed = new Promise<void>((resolve) => this.io.close(() => resolve()));
    await this.store.close();
    for (const c of this.sockets) c.destroy();
    await closed;
  }
}
