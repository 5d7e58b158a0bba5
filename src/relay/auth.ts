// Client authorisation in the OpenMFD seed's spirit: the relay has a persistent id; a client asks with its
// own id and a name; the operator approves or denies; the client then gets a time-limited random token.
// Tokens are stored only as SHA-256 hashes (the plaintext of an approved request waits in memory until the
// client collects it, once); they expire, rotate and are revoked. State lives in auth.json (0600).
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MODE_SECRET, exists, writeFileAtomic } from '../core/files.js';
import { UserError } from '../core/errors.js';

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
});
export type ClientRecord = z.infer<typeof clientSchema>;
const stateSchema = z.object({ serverId: z.string().uuid(), name: z.string(), clients: z.array(clientSchema) });

/** A client id as clients send it: what OpenMFD suggests (a UUID) or any short printable name-like string. */
export const clientIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, . _ : -');
export const clientNameSchema = z.string().min(1).max(64).refine((v) => !/[\p{Cc}]/u.test(v), { message: 'must not contain control characters' });

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const newToken = () => randomBytes(32).toString('base64url');

export class AuthStore {
  private state!: z.infer<typeof stateSchema>;
  /** Plaintext tokens of approved requests, until the client collects them. Never written to disk. */
  private readonly undelivered = new Map<string, string>();

  private constructor(private readonly file: string) {}

  static async open(dir: string, name: string): Promise<AuthStore> {
    const a = new AuthStore(path.join(dir, 'auth.json'));
    if (await exists(a.file)) {
      const parsed = stateSchema.safeParse(JSON.parse(await fs.readFile(a.file, 'utf8')));
      if (!parsed.success) throw new UserError(`the relay's ${a.file} is invalid at ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, ['restore it from a backup, or move it aside to start over (all clients will have to ask again)'], 'data-dir');
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

  private async persist(): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(this.state, null, 2), { mode: MODE_SECRET });
  }

  find(id: string): ClientRecord | undefined {
    return this.state.clients.find((c) => c.id === id);
  }

  /** POST /api/authorise: a new request waits as pending; a decided one answers with its outcome. */
  async request(id: string, name: string, address: string): Promise<{ status: ClientRecord['status']; token?: string; expiresAt?: string }> {
    let c = this.find(id);
    if (!c) {
      c = { id, name, scope: 'read', status: 'pending', address, requestedAt: new Date().toISOString() };
      this.state.clients.push(c);
      await this.persist();
    }
    if (c.status === 'approved') {
      const token = this.undelivered.get(id);
      this.undelivered.delete(id);
      return { status: c.status, ...(token ? { token } : {}), ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}) };
    }
    return { status: c.status };
  }

  private mustFind(id: string): ClientRecord {
    const c = this.find(id);
    if (!c) throw new UserError(`there is no client ${JSON.stringify(id)}`, ['see them: commbase-admin clients list'], 'id');
    return c;
  }

  /** Approve (or re-issue): a fresh token, held for the client to collect; returns it for the operator too. */
  async approve(id: string, opts: { scope?: Scope; ttlS?: number } = {}): Promise<{ client: ClientRecord; token: string }> {
    // An operator may change their mind: a denied or revoked client can be approved again, with a new token.
    const c = this.mustFind(id);
    const token = newToken();
    c.status = 'approved';
    c.scope = opts.scope ?? c.scope;
    c.tokenHash = hashToken(token);
    c.expiresAt = new Date(Date.now() + (opts.ttlS ?? DEFAULT_TOKEN_TTL_S) * 1000).toISOString();
    c.decidedAt = new Date().toISOString();
    this.undelivered.set(id, token);
    await this.persist();
    return { client: c, token };
  }

  async deny(id: string): Promise<ClientRecord> {
    const c = this.mustFind(id);
    c.status = 'denied';
    c.decidedAt = new Date().toISOString();
    delete c.tokenHash;
    this.undelivered.delete(id);
    await this.persist();
    return c;
  }

  async revoke(id: string): Promise<ClientRecord> {
    const c = this.mustFind(id);
    c.status = 'revoked';
    c.decidedAt = new Date().toISOString();
    delete c.tokenHash;
    this.undelivered.delete(id);
    await this.persist();
    return c;
  }

  /** A new token for an approved client; the old one stops working at once. */
  async rotate(id: string): Promise<{ client: ClientRecord; token: string }> {
    const c = this.mustFind(id);
    if (c.status !== 'approved') throw new UserError(`client ${id} is ${c.status}, not approved: there is no token to rotate`, [], 'id');
    const left = c.expiresAt ? Math.max(60, Math.floor((new Date(c.expiresAt).getTime() - Date.now()) / 1000)) : DEFAULT_TOKEN_TTL_S;
    const r = await this.approve(id, { scope: c.scope, ttlS: left });
    this.undelivered.delete(id); // delivered over its socket instead
    return r;
  }

  /** The operator issues a token directly (for an unmodified Commbase client that cannot ask). */
  async issue(name: string, scope: Scope, ttlS = DEFAULT_TOKEN_TTL_S): Promise<{ client: ClientRecord; token: string }> {
    const id = `issued-${randomBytes(4).toString('hex')}`;
    this.state.clients.push({ id, name, scope, status: 'pending', requestedAt: new Date().toISOString() });
    const r = await this.approve(id, { scope, ttlS });
    this.undelivered.delete(id);
    return r;
  }

  /** The client a token belongs to, if it is valid now (constant-time comparison of the hashes). */
  check(token: string | undefined): ClientRecord | undefined {
    if (!token || token.length > 200) return undefined;
    const h = Buffer.from(hashToken(token), 'hex');
    const now = Date.now();
    for (const c of this.state.clients) {
      if (c.status !== 'approved' || !c.tokenHash) continue;
      if (timingSafeEqual(Buffer.from(c.tokenHash, 'hex'), h) && (!c.expiresAt || new Date(c.expiresAt).getTime() > now)) return c;
    }
    return undefined;
  }
}

export function allows(scope: Scope, need: 'upload' | 'read'): boolean {
  return scope === 'both' || scope === need;
}
