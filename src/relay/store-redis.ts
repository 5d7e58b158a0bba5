// Several relays sharing one Redis (`relay start --store redis://HOST:PORT/DB`): the documents (ids 1, 2, 3 … in
// upload order across every relay, from one counter), and the clients' state (tokens as hashes, approvals,
// pending requests) live there; every change is one atomic Lua script that also publishes a notice, on which each
// relay brings its own copy up to date and paces its own fan-out. An upload is acknowledged only once Redis has
// it, and Redis is checked at start to fsync every write to its append-only file (or the operator said
// --store-unsafe). When Redis is unreachable, writes and reads fail with 503 and the sockets stay; everything is
// read again when it is back. Nothing here is a cluster protocol: Redis orders every change.
import { Redis, type RedisOptions } from 'ioredis';
import { UserError } from '../core/errors.js';
import { redactUrlPassword } from '../core/validate.js';
import { storeUrlProblem } from './options.js';
import type { AuthBackend } from './auth.js';
import { StoreDownError, type RelayPresence, type StoreState } from './store-state.js';

/** The keys a relay keeps in Redis (relay store migrate writes and reads them too). */
export const REDIS_KEYS = {
  docs: 'cbr:docs',
  lastId: 'cbr:docs:last',
  docsVersion: 'cbr:docs:v',
  auth: 'cbr:auth',
  authVersion: 'cbr:auth:v',
  changes: 'cbr:changes',
  relays: 'cbr:relays',
  rate: 'cbr:rate:',
} as const;
const KEYS = REDIS_KEYS;

/** A relay that has not said it is there for this long is gone (killed, or cut off from Redis). */
const PRESENCE_STALE_MS = 10_000;

// Each change and its notice in one script: Redis runs it whole, so two relays never interleave, and a relay
// that sees version v+1 after v has missed nothing. The notice carries the one document changed (never the
// array), so a relay applies it without asking Redis again.
const SAVE = `local id = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], id, ARGV[1])
local v = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', KEYS[4], 'docs ' .. v .. ' ' .. id .. ' ' .. ARGV[1])
return {id, v}`;
const UPDATE = `if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return {0, 0} end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local v = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', KEYS[4], 'docs ' .. v .. ' ' .. ARGV[1] .. ' ' .. ARGV[2])
return {1, v}`;
const AUTH_CAS = `local cur = redis.call('GET', KEYS[2]) or '0'
if cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
local v = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', KEYS[3], 'auth ' .. v)
return v`;

/** Parsed --store: a Redis URL with no password in it (a password in argv is visible to every user in ps). */
export function redisTarget(url: string, password: string | undefined): { options: RedisOptions; where: string } {
  // The one check of a store URL (options.ts): here too, for `relay store migrate`, which takes one directly.
  const problem = storeUrlProblem(url);
  if (problem) throw new UserError(`invalid store ${JSON.stringify(redactUrlPassword(url.slice(0, 300)))}: ${problem}`, [], 'store');
  const u = new URL(url);
  const db = u.pathname === '' || u.pathname === '/' ? 0 : Number(u.pathname.slice(1));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = u.port ? Number(u.port) : 6379;
  const where = `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}/${db}`;
  return {
    where,
    options: {
      host, port, db,
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(password ? { password } : {}),
      ...(u.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
      // Fail at once when Redis is not there (503), never queue an upload for later.
      enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 3000, connectTimeout: 3000, lazyConnect: true,
      retryStrategy: (n: number) => Math.min(200 * n, 2000),
    },
  };
}

/**
 * The documents in Redis, with this relay's copy of them (the array's JSON built once per change, as the local
 * store does) kept current from the change notices.
 */
export class RedisStore {
  private parts: string[] = [];
  private encoded: string | undefined;
  private version = 0;
  private authVersion = '0';
  /** Notices are applied one at a time, in order. */
  private applying: Promise<void> = Promise.resolve();
  private readonly listeners: Array<(what: 'docs' | 'auth') => void> = [];
  readonly status: StoreState;
  private infoTimer?: NodeJS.Timeout;

  private constructor(private readonly cmd: Redis, private readonly sub: Redis, where: string, unsafe: boolean) {
    this.status = { kind: 'redis', where, state: 'up', since: new Date().toISOString(), ...(unsafe ? { unsafe: true } : {}) };
  }

  /** Connect, check that Redis keeps what it acknowledges, read everything, and follow the notices. */
  static async open(url: string, opts: { password?: string; unsafe: boolean }): Promise<RedisStore> {
    const { options, where } = redisTarget(url, opts.password);
    const cmd = new Redis(options);
    const sub = new Redis({ ...options, enableOfflineQueue: true });
    // Until open() is done an error is thrown from it; after that, the status says what happened.
    cmd.on('error', () => undefined);
    sub.on('error', () => undefined);
    try {
      await cmd.connect();
      await sub.connect();
    } catch (err) {
      cmd.disconnect(); sub.disconnect();
      throw new UserError(`failed to reach the store ${where}: ${(err as Error).message}`, ['start Redis there, or check the address, the port and the password (--store-password-file or COMMBASE_RELAY_REDIS_PASSWORD)'], 'store');
    }
    const s = new RedisStore(cmd, sub, where, opts.unsafe);
    try {
      s.status.durability = await s.checkDurability(opts.unsafe);
      await s.reload();
    } catch (err) {
      cmd.disconnect(); sub.disconnect();
      throw err;
    }
    await s.follow();
    return s;
  }

  /** appendonly yes and appendfsync always: an acknowledged write is on Redis's disk. */
  private async checkDurability(unsafe: boolean): Promise<string> {
    const get = async (k: string) => ((await this.cmd.config('GET', k)) as string[])[1];
    let aof: string | undefined;
    let fsync: string | undefined;
    try { [aof, fsync] = [await get('appendonly'), await get('appendfsync')]; } catch (err) {
      if (unsafe) return `unknown (CONFIG GET refused: ${(err as Error).message})`;
      throw new UserError(`failed to check the store ${this.status.where}: CONFIG GET is refused (${(err as Error).message}), so whether Redis keeps what it acknowledges cannot be read`, ['allow CONFIG GET for the relay\'s user, or accept the risk with --store-unsafe (the status line then says so)'], 'store');
    }
    const said = `appendonly ${aof ?? '?'}, appendfsync ${fsync ?? '?'}`;
    if ((aof !== 'yes' || fsync !== 'always') && !unsafe) {
      throw new UserError(`failed to use the store ${this.status.where}: it would lose acknowledged uploads on a crash (${said})`, [
        'set in redis.conf: appendonly yes and appendfsync always (then restart Redis, or CONFIG SET both and CONFIG REWRITE)',
        'or accept losing the last second of uploads with --store-unsafe (the status line then says so)',
      ], 'store');
    }
    return said;
  }

  /** Everything read again (at start, after a notice was missed, when Redis is back). */
  private async reload(): Promise<void> {
    const r = await this.cmd.multi().hgetall(KEYS.docs).get(KEYS.docsVersion).exec();
    if (!r || r.some(([e]: [Error | null, unknown]) => e)) throw new StoreDownError('failed to read the documents from the store');
    const all = r[0]![1] as Record<string, string>;
    const ids = Object.keys(all).map(Number).sort((a, b) => a - b);
    this.parts = ids.map((id) => all[String(id)]!);
    this.version = Number(r[1]![1] ?? 0);
    this.encoded = undefined;
  }

  private async follow(): Promise<void> {
    this.sub.on('message', (_channel: string, message: string) => {
      // "docs V ID JSON" or "auth V".
      const m = /^(docs|auth) (\d+)(?: (\d+) ([\s\S]*))?$/.exec(message);
      if (!m) return;
      this.applying = this.applying.then(() => this.apply(m[1]!, Number(m[2]), Number(m[3]), m[4])).catch(() => undefined);
    });
    await this.sub.subscribe(KEYS.changes);
    const down = (err?: Error) => {
      if (this.status.state === 'down' || this.closing) return;
      Object.assign(this.status, { state: 'down', since: new Date().toISOString(), error: err?.message ?? 'connection closed' });
      process.stderr.write(`relay: the store ${this.status.where} is unreachable (${this.status.error}): uploads get 503 until it is back\n`);
    };
    this.cmd.on('error', (err: Error) => down(err));
    this.cmd.on('close', () => down());
    this.cmd.on('ready', () => {
      // Back: what changed meanwhile is read whole before the relay says it is up.
      this.applying = this.applying.then(async () => {
        await this.reload();
        Object.assign(this.status, { state: 'up', since: new Date().toISOString() });
        delete this.status.error;
        process.stderr.write(`relay: the store ${this.status.where} is back\n`);
        this.emit('docs');
        this.emit('auth');
      }).catch(() => undefined);
    });
    this.infoTimer = setInterval(() => void this.readInfo(), 10_000);
    this.infoTimer.unref();
    await this.readInfo();
  }

  private async readInfo(): Promise<void> {
    try {
      const text = await this.cmd.info();
      const field = (k: string) => new RegExp(`^${k}:(.*)$`, 'm').exec(text)?.[1]?.trim();
      this.status.redisVersion = field('redis_version');
      this.status.memory = field('used_memory_human');
      this.status.aof = `${field('aof_enabled') === '1' ? 'on' : 'off'}, last write ${field('aof_last_write_status') ?? '?'}`;
    } catch { /* down: the status says so already */ }
  }

  private async apply(what: string, v: number, id: number, json: string | undefined): Promise<void> {
    if (what === 'auth') return this.emit('auth');
    if (what !== 'docs' || !Number.isInteger(v) || v <= this.version) return;
    if (v === this.version + 1 && Number.isInteger(id) && id >= 1 && id <= this.parts.length + 1 && json !== undefined) {
      this.parts[id - 1] = json;
      this.version = v;
      this.encoded = undefined;
    } else {
      await this.reload();
    }
    this.emit('docs');
  }

  /** Called when another relay (or this one) changed the documents or the clients. */
  onChange(fn: (what: 'docs' | 'auth') => void): void {
    this.listeners.push(fn);
  }

  private emit(what: 'docs' | 'auth'): void {
    for (const fn of this.listeners) fn(what);
  }

  private down(err: unknown): StoreDownError {
    return new StoreDownError(`the store ${this.status.where} is unreachable${this.status.state === 'down' ? ` since ${this.status.since}` : ''} (${(err as Error).message}): the upload may not be stored; send it again`);
  }

  json(): string {
    if (this.status.state === 'down') throw new StoreDownError(`the store ${this.status.where} is unreachable since ${this.status.since}: the documents cannot be read now`);
    this.encoded ??= `[${this.parts.join(',')}]`;
    return this.encoded;
  }

  /** For a socket's first snapshot while Redis is away: the last state this relay read. */
  lastJson(): string {
    this.encoded ??= `[${this.parts.join(',')}]`;
    return this.encoded;
  }

  count(): number {
    return this.parts.length;
  }

  all(): unknown[] {
    return this.parts.map((p) => JSON.parse(p) as unknown);
  }

  /** The new document's id, once Redis has it (on its disk, when it fsyncs every write). */
  async save(doc: unknown): Promise<number> {
    const json = JSON.stringify(doc);
    let r: [number, number];
    try { r = (await this.cmd.eval(SAVE, 4, KEYS.lastId, KEYS.docs, KEYS.docsVersion, KEYS.changes, json)) as [number, number]; } catch (err) { throw this.down(err); }
    await this.caughtUp(r[1], r[0], json);
    return r[0];
  }

  async update(id: number, doc: unknown): Promise<boolean> {
    if (!Number.isInteger(id) || id < 1) return false;
    const json = JSON.stringify(doc);
    let r: [number, number];
    try { r = (await this.cmd.eval(UPDATE, 4, KEYS.lastId, KEYS.docs, KEYS.docsVersion, KEYS.changes, String(id), json)) as [number, number]; } catch (err) { throw this.down(err); }
    if (r[0] === 0) return false;
    await this.caughtUp(r[1], id, json);
    return true;
  }

  /** This relay's copy holds its own change before it answers (the notice may still be on its way). */
  private caughtUp(v: number, id: number, json: string): Promise<void> {
    this.applying = this.applying.then(async () => {
      if (v <= this.version) return;
      if (v === this.version + 1 && id <= this.parts.length + 1) { this.parts[id - 1] = json; this.version = v; this.encoded = undefined; } else await this.reload();
    }).catch(() => undefined);
    return this.applying;
  }

  /** The clients' state, shared by every relay (auth.ts writes it only over the version it read). */
  authBackend(): AuthBackend {
    return {
      load: async () => {
        let r: Array<string | null>;
        try { r = await this.cmd.mget(KEYS.auth, KEYS.authVersion); } catch (err) { throw this.down(err); }
        this.authVersion = r[1] ?? '0';
        const text = r[0];
        return text === null || text === undefined ? undefined : { text, version: this.authVersion };
      },
      write: async (text: string, version: string) => {
        let v: number;
        try { v = (await this.cmd.eval(AUTH_CAS, 3, KEYS.auth, KEYS.authVersion, KEYS.changes, version, text)) as number; } catch (err) { throw this.down(err); }
        return v === 0 ? undefined : String(v);
      },
      onChange: (fn: () => void) => this.onChange((what) => { if (what === 'auth') fn(); }),
    };
  }

  /** Connections for Socket.IO's Redis adapter (revoke and rotate reach a client on whichever relay holds it). */
  adapterClients(): { pub: Redis; sub: Redis } {
    const pub = this.cmd.duplicate({ enableOfflineQueue: true, lazyConnect: false });
    const sub = this.cmd.duplicate({ enableOfflineQueue: true, lazyConnect: false });
    pub.on('error', () => undefined);
    sub.on('error', () => undefined);
    this.extra.push(pub, sub);
    return { pub, sub };
  }

  private readonly extra: Redis[] = [];
  private presence: RelayPresence[] = [];
  private presenceTimer?: NodeJS.Timeout;

  /**
   * Every 2 s this relay says it is there (what it serves, its clients) and reads what the others said: the
   * cluster that relay status and the Monitor show. A relay silent for 10 s is gone and its entry removed.
   */
  announce(me: () => RelayPresence): void {
    const beat = async () => {
      const self = me();
      try {
        await this.cmd.hset(KEYS.relays, self.id, JSON.stringify(self));
        const all = await this.cmd.hgetall(KEYS.relays);
        const now = Date.now();
        const seen: RelayPresence[] = [];
        for (const [id, text] of Object.entries(all)) {
          let p: RelayPresence | undefined;
          try { p = JSON.parse(text) as RelayPresence; } catch { p = undefined; }
          if (!p || now - new Date(p.at).getTime() > PRESENCE_STALE_MS) await this.cmd.hdel(KEYS.relays, id);
          else seen.push(p);
        }
        this.presence = seen.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      } catch {
        this.presence = [self];
      }
    };
    void beat();
    this.presenceTimer = setInterval(() => void beat(), 2000);
    this.presenceTimer.unref();
  }

  private rateTimer?: NodeJS.Timeout;

  /**
   * The rate limit across relays: every second each relay adds the requests it counted per client (token or
   * address) to this second's counters in Redis and reads this second's and the last one's; a client over its
   * allowance across all the relays (3 × rate in those two seconds: the burst and a second's refill) is refused by
   * every relay until the next reading. Each relay's own limit still holds between readings; with Redis away, only
   * that one.
   */
  shareRates(limiter: { rate: number; drain(): Map<string, number>; block(keys: Set<string>): void }): void {
    const tick = async () => {
      const counts = [...limiter.drain()].sort((a, b) => b[1] - a[1]).slice(0, 1000);
      const second = Math.floor(Date.now() / 1000);
      const [now, before] = [`${KEYS.rate}${second}`, `${KEYS.rate}${second - 1}`];
      try {
        const m = this.cmd.multi();
        for (const [k, n] of counts) m.hincrby(now, k, n);
        m.expire(now, 5).hgetall(now).hgetall(before);
        const r = await m.exec();
        if (!r) return;
        const [cur, prev] = [r[r.length - 2]![1] as Record<string, string>, r[r.length - 1]![1] as Record<string, string>];
        const over = new Set<string>();
        for (const k of new Set([...Object.keys(cur), ...Object.keys(prev)])) if (Number(cur[k] ?? 0) + Number(prev[k] ?? 0) > 3 * limiter.rate) over.add(k);
        limiter.block(over);
      } catch {
        limiter.block(new Set());
      }
    };
    this.rateTimer = setInterval(() => void tick(), 1000);
    this.rateTimer.unref();
  }

  /** The relays on this store, as last read (this one included). */
  cluster(): RelayPresence[] {
    return this.presence;
  }

  private closing = false;

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.infoTimer);
    clearInterval(this.presenceTimer);
    clearInterval(this.rateTimer);
    await this.applying;
    for (const c of [this.cmd, this.sub, ...this.extra]) c.disconnect();
  }
}
