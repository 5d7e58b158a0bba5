// Client authorisation in the OpenMFD seed's spirit: the relay has a persistent id; a client asks with its
// own id and a name and is given a random collection secret; the operator approves or denies; the client
// then collects a time-limited random token, once, by presenting that secret (so nobody who merely repeats
// the client_id gets it). The token is minted at collection, so nothing but hashes is ever stored, and an
// approval made before a restart is still collectable after it. Tokens expire, rotate and are revoked.
// State lives in auth.json (0600), or, for several relays on one Redis, in Redis (store-redis.ts): each change is
// then written only over the version it was made from, and made again from the newer state when another relay
// changed it first.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { MODE_SECRET, writeFileAtomic } from '../core/files.js';
import { UserError } from '../core/errors.js';
import { displayName } from '../core/names.js';
import { ipToBigInt, isIP } from '../core/net.js';
import { readNoFollow, secureDataDir } from './data-dir.js';

export const SCOPES = ['upload', 'read', 'both'] as const;
export type Scope = (typeof SCOPES)[number];
/** Tokens live 30 days unless the operator says otherwise: long enough not to nag, short enough to age out. */
export const DEFAULT_TOKEN_TTL_S = 30 * 86_400;

const clientSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(SCOPES),
  status: z.enum(['pending', 'approved', 'denied', 'revoked']),
  address: z.string().optional(),
  requestedAt: z.string(),
  decidedAt: z.string().optional(),
  tokenHash: z.string().optional(),
  expiresAt: z.string().optional(),
  /** SHA-256 of the collection secret handed to the requester with its first answer. */
  collectHash: z.string().optional(),
  /** Approved but not yet collected: the lifetime the token will get when it is. */
  collectTtlS: z.number().int().positive().optional(),
  /**
   * Pending: when its requester last asked with its secret, written at most every ASKED_WRITE_MS, so a relay that
   * shares the store judges it idle by what any relay heard, not only by its own memory.
   */
  lastAskedAt: z.iso.datetime().optional(),
});
export type ClientRecord = z.infer<typeof clientSchema>;
const stateSchema = z.object({ serverId: z.string().uuid(), name: z.string(), clients: z.array(clientSchema) });

/** A client id as clients send it: what OpenMFD suggests (a UUID) or any short printable name-like string. */
export const clientIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, . _ : -');
/** A client's name as it arrives (from the network or a person): printable text only (core/names.ts). */
export const clientNameSchema = displayName;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
/** At most this many requests wait for the operator from one source address, one network (/24, /64), and in all. */
export const MAX_PENDING_PER_SOURCE = 5;
export const MAX_PENDING_PER_NETWORK = 20;
export const MAX_PENDING = 200;
/**
 * The last quarter of the slots is kept for sources that have no request waiting yet: many addresses that each
 * filled their share cannot keep a new client from asking.
 */
export const SHARED_PENDING = 150;
/** A request nobody decided on is forgotten after a day (its requester may ask again). */
export const PENDING_TTL_MS = 86_400_000;
/**
 * A waiting client asks again with its secret until the operator decides; a request whose requester stopped asking
 * for this long is forgotten (its slot is not held for a day by someone who walked away, or never meant it).
 */
export const PENDING_IDLE_MS = 15 * 60_000;

/** How often a pending requester's asking is written into its record (a poll every few seconds is not a write each). */
export const ASKED_WRITE_MS = 60_000;

/** The network a source belongs to, for the per-network bound: IPv4 /24, IPv6 /64. */
export function sourceNetwork(address: string): string {
  const fam = isIP(address);
  if (fam === 0) return address;
  return `${fam}:${(ipToBigInt(address) >> (fam === 4 ? 8n : 64n)).toString(16)}`;
}

export type AuthorisationAnswer =
  | { status: 'pending'; secret?: string }
  | { status: 'approved'; token?: string; expiresAt?: string }
  | { status: 'denied' | 'revoked' }
  | { status: 'refused'; reason: 'secret' | 'too-many'; held?: ClientRecord['status'] };
export const newToken = () => randomBytes(32).toString('base64url');

/** Where the clients' state lives when several relays share it (store-redis.ts). */
export interface AuthBackend {
  load(): Promise<{ text: string; version: string } | undefined>;
  /** Written when the state is still at `version`: the new version, or undefined when another relay changed it first. */
  write(text: string, version: string): Promise<string | undefined>;
  /** Another relay (or this one) changed it. */
  onChange(fn: () => void): void;
}

/** Another relay changed the shared state first: the change is made again from the newer state. */
class Conflict extends Error {}

export class AuthStore {
  private state!: z.infer<typeof stateSchema>;
  private version = '0';
  /** Shared changes and the reads after a notice, one at a time. */
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(private readonly file: string, private readonly shared?: AuthBackend) {}

  /** The clients' state, shared by several relays through Redis: read now, and again on every notice. */
  static async openShared(backend: AuthBackend, name: string): Promise<AuthStore> {
    const a = new AuthStore('(redis)', backend);
    if (!(await a.refresh())) {
      a.state = { serverId: randomUUID(), name, clients: [] };
      // Two relays starting at once: the second one's write loses, and it reads the first one's.
      if (!(await backend.write(JSON.stringify(a.state), '0'))) await a.refresh();
      else await a.refresh();
    }
    backend.onChange(() => { a.turn = a.turn.then(() => a.refresh()).catch(() => undefined); });
    return a;
  }

  /** Once the changes and readings already asked for are done (a notice's reading included). */
  settled(): Promise<void> {
    return this.turn.then(() => undefined);
  }

  /** Read the shared state again; false when there is none yet. */
  private async refresh(): Promise<boolean> {
    const r = await this.shared!.load();
    if (!r) return false;
    let json: unknown;
    try { json = JSON.parse(r.text); } catch { json = undefined; }
    const parsed = stateSchema.safeParse(json);
    if (!parsed.success) throw new UserError(`failed to read the relay's clients from the store: they are invalid at ${parsed.error.issues[0]?.path.join('.')}`, ['restore the cbr:auth key from a backup of Redis'], 'store');
    this.state = parsed.data;
    this.version = r.version;
    return true;
  }

  /** A change: as it is, for one relay's file; for a shared state, from its newest version, made again on a conflict. */
  private atomically<T>(op: () => Promise<T>): Promise<T> {
    if (!this.shared) return op();
    const run = async (): Promise<T> => {
      for (let attempt = 0; attempt < 20; attempt++) {
        await this.refresh();
        try { return await op(); } catch (err) { if (!(err instanceof Conflict)) throw err; }
      }
      throw new Error('failed to change the clients: other relays kept changing them (20 attempts)');
    };
    const next = this.turn.then(run);
    this.turn = next.catch(() => undefined);
    return next;
  }

  static async open(dir: string, name: string): Promise<AuthStore> {
    await secureDataDir(dir);
    const a = new AuthStore(path.join(dir, 'auth.json'));
    const text = await readNoFollow(a.file);
    if (text !== undefined) {
      let json: unknown;
      try { json = JSON.parse(text); } catch { json = undefined; }
      const parsed = stateSchema.safeParse(json);
      if (!parsed.success) throw new UserError(`failed to read the relay's clients: ${a.file} is invalid at ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, ['restore it from a backup, or move it aside to start over (all clients will have to ask again)'], 'data-dir');
      a.state = parsed.data;
    } else {
      a.state = { serverId: randomUUID(), name, clients: [] };
      await a.persist();
    }
    return a;
  }

  get serverId(): string { return this.state.serverId; }
  get name(): string { return this.state.name; }
  clients(): ClientRecord[] { return this.state.clients; }

  private writes: Promise<void> = Promise.resolve();

  /** One write at a time, each of the state as it is when its turn comes; shared: over the version it was made from. */
  private async persist(): Promise<void> {
    if (this.shared) {
      const v = await this.shared.write(JSON.stringify(this.state), this.version);
      if (v === undefined) throw new Conflict();
      this.version = v;
      return;
    }
    const next = this.writes.then(() => writeFileAtomic(this.file, JSON.stringify(this.state, null, 2), { mode: MODE_SECRET }).then(() => undefined));
    this.writes = next.catch(() => undefined);
    return next;
  }

  find(id: string): ClientRecord | undefined {
    return this.state.clients.find((c) => c.id === id);
  }

  /**
   * POST /api/authorise. A new client_id waits as pending and its requester gets a collection secret; every
   * later request for that id must carry it. Once approved, the first request with the secret mints the token.
   */
  request(id: string, name: string, address: string, secret: string | undefined): Promise<AuthorisationAnswer> {
    return this.atomically(() => this.requestNow(id, name, address, secret));
  }

  private async requestNow(id: string, name: string, address: string, secret: string | undefined): Promise<AuthorisationAnswer> {
    await this.expirePending();
    let c = this.find(id);
    if (!c) {
      const pending = this.state.clients.filter((x) => x.status === 'pending' && x.collectHash);
      const fromSource = pending.filter((x) => x.address === address).length;
      const net = sourceNetwork(address);
      const full = pending.length >= MAX_PENDING
        || fromSource >= MAX_PENDING_PER_SOURCE
        || pending.filter((x) => x.address !== undefined && sourceNetwork(x.address) === net).length >= MAX_PENDING_PER_NETWORK
        || (pending.length >= SHARED_PENDING && fromSource > 0);
      if (full) return { status: 'refused', reason: 'too-many' };
      const fresh = newToken();
      c = { id, name, scope: 'read', status: 'pending', address, requestedAt: new Date().toISOString(), collectHash: hashToken(fresh) };
      this.state.clients.push(c);
      await this.persist();
      return { status: 'pending', secret: fresh };
    }
    if (!c.collectHash || !secret || !sameHash(c.collectHash, hashToken(secret))) return { status: 'refused', reason: 'secret', held: c.status };
    const now = Date.now();
    this.askedAt.set(c.id, now);
    if (c.status === 'pending' && now - Date.parse(c.lastAskedAt ?? c.requestedAt) >= ASKED_WRITE_MS) {
      c.lastAskedAt = new Date(now).toISOString();
      await this.persist();
    }
    if (c.status === 'approved') {
      if (c.collectTtlS === undefined) return { status: 'approved', ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}) };
      const token = this.mint(c, c.collectTtlS);
      delete c.collectTtlS;
      await this.persist();
      return { status: 'approved', token, expiresAt: c.expiresAt! };
    }
    return { status: c.status };
  }

  /**
   * When each pending requester last asked this relay (in memory: after a restart, the restart counts as asking);
   * the record's lastAskedAt carries it, a minute behind at most, to the other relays sharing the store.
   */
  private readonly askedAt = new Map<string, number>();
  private readonly openedAt = Date.now();

  private async expirePending(now = Date.now()): Promise<void> {
    const before = this.state.clients.length;
    const stale = (c: ClientRecord) => {
      const requested = new Date(c.requestedAt).getTime();
      const lastHeard = Math.max(requested, this.askedAt.get(c.id) ?? 0, c.lastAskedAt ? Date.parse(c.lastAskedAt) : 0, this.openedAt);
      return requested < now - PENDING_TTL_MS || lastHeard < now - PENDING_IDLE_MS;
    };
    this.state.clients = this.state.clients.filter((c) => !(c.status === 'pending' && c.collectHash && stale(c)));
    for (const id of this.askedAt.keys()) if (!this.find(id)) this.askedAt.delete(id);
    if (this.state.clients.length !== before) await this.persist();
  }

  private mint(c: ClientRecord, ttlS: number): string {
    const token = newToken();
    c.tokenHash = hashToken(token);
    c.expiresAt = new Date(Date.now() + ttlS * 1000).toISOString();
    return token;
  }

  private mustFind(id: string): ClientRecord {
    const c = this.find(id);
    if (!c) throw new UserError(`failed to find the client ${JSON.stringify(id)}: there is no such client`, ['see them: commbase-admin clients list'], 'id');
    return c;
  }

  /**
   * Approve: the client collects a fresh token on its next request with its secret (any earlier token stops
   * working now). A client that was never given a secret cannot collect: issue it a token instead.
   */
  approve(id: string, opts: { scope?: Scope; ttlS?: number } = {}): Promise<{ client: ClientRecord }> {
    return this.atomically(() => this.approveNow(id, opts));
  }

  private async approveNow(id: string, opts: { scope?: Scope; ttlS?: number }): Promise<{ client: ClientRecord }> {
    // An operator may change their mind: a denied or revoked client can be approved again.
    const c = this.mustFind(id);
    if (!c.collectHash) throw new UserError(`failed to approve client ${id}: it has no way to collect a token (it never asked with POST /api/authorise)`, ['issue it one instead: commbase-admin clients issue --name NAME --scope read|upload|both'], 'id');
    c.status = 'approved';
    c.scope = opts.scope ?? c.scope;
    delete c.tokenHash;
    delete c.expiresAt;
    c.collectTtlS = opts.ttlS ?? DEFAULT_TOKEN_TTL_S;
    c.decidedAt = new Date().toISOString();
    await this.persist();
    return { client: c };
  }

  async deny(id: string): Promise<ClientRecord> {
    return this.close(id, 'denied');
  }

  async revoke(id: string): Promise<ClientRecord> {
    return this.close(id, 'revoked');
  }

  private close(id: string, status: 'denied' | 'revoked'): Promise<ClientRecord> {
    return this.atomically(() => this.closeNow(id, status));
  }

  private async closeNow(id: string, status: 'denied' | 'revoked'): Promise<ClientRecord> {
    const c = this.mustFind(id);
    c.status = status;
    c.decidedAt = new Date().toISOString();
    delete c.tokenHash;
    delete c.collectTtlS;
    await this.persist();
    return c;
  }

  /** A new token for an approved client; the old one stops working at once. */
  rotate(id: string): Promise<{ client: ClientRecord; token: string }> {
    return this.atomically(() => this.rotateNow(id));
  }

  private async rotateNow(id: string): Promise<{ client: ClientRecord; token: string }> {
    const c = this.mustFind(id);
    if (c.status !== 'approved') throw new UserError(`failed to rotate the token of client ${id}: it is ${c.status}, not approved, so there is no token to rotate`, [], 'id');
    const left = c.expiresAt ? Math.max(60, Math.floor((new Date(c.expiresAt).getTime() - Date.now()) / 1000)) : c.collectTtlS ?? DEFAULT_TOKEN_TTL_S;
    const token = this.mint(c, left);
    delete c.collectTtlS; // delivered over its sockets instead
    c.decidedAt = new Date().toISOString();
    await this.persist();
    return { client: c, token };
  }

  /** The operator issues a token directly (for an unmodified Commbase client that cannot ask). */
  issue(name: string, scope: Scope, ttlS = DEFAULT_TOKEN_TTL_S): Promise<{ client: ClientRecord; token: string }> {
    return this.atomically(() => this.issueNow(name, scope, ttlS));
  }

  private async issueNow(name: string, scope: Scope, ttlS: number): Promise<{ client: ClientRecord; token: string }> {
    const now = new Date().toISOString();
    const c: ClientRecord = { id: `issued-${randomBytes(4).toString('hex')}`, name, scope, status: 'approved', requestedAt: now, decidedAt: now };
    const token = this.mint(c, ttlS);
    this.state.clients.push(c);
    await this.persist();
    return { client: c, token };
  }

  /** The client a token belongs to, if it is valid now (constant-time comparison of the hashes). */
  check(token: unknown): ClientRecord | undefined {
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
    const h = Buffer.from(hashToken(token), 'hex');
    const now = Date.now();
    for (const c of this.state.clients) {
      if (c.status !== 'approved' || !c.tokenHash) continue;
      if (sameHash(c.tokenHash, h) && (!c.expiresAt || new Date(c.expiresAt).getTime() > now)) return c;
    }
    return undefined;
  }
}

function sameHash(storedHex: string, h: Buffer | string): boolean {
  const a = Buffer.from(storedHex, 'hex');
  const b = typeof h === 'string' ? Buffer.from(h, 'hex') : h;
  return a.length === b.length && timingSafeEqual(a, b);
}

export function allows(scope: Scope, need: 'upload' | 'read'): boolean {
  return scope === 'both' || scope === need;
}
