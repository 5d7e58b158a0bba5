// `relay store migrate --from DIR --to redis://…` and back: a relay's documents and clients moved between its
// own log (store.ts, auth.json) and Redis (store-redis.ts), into an empty destination only, with nothing running
// on either side, then read back and checked by count and content before it says done.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { UserError } from '../core/errors.js';
import { MODE_SECRET, writeFileAtomic } from '../core/files.js';
import { ADMIN_FILE } from './admin.js';
import { readNoFollow, secureDataDir } from './data-dir.js';
import { DocumentStore } from './store.js';
import { REDIS_KEYS, redisTarget } from './store-redis.js';

export interface MigrateResult { from: string; to: string; documents: number; clients: number; checked: string; dryRun: boolean }

const isRedis = (v: string) => /^rediss?:\/\//.test(v);

/** Nothing may serve from a directory being moved: its admin file says a relay runs there. */
function refuseRunning(dir: string): void {
  if (existsSync(path.join(dir, ADMIN_FILE))) throw new UserError(`failed to migrate: a relay is running with ${dir} (${ADMIN_FILE} is there)`, [`stop it first: commbase-admin relay stop --data-dir ${dir}`], 'from');
}

async function connect(url: string, password: string | undefined): Promise<{ redis: Redis; where: string }> {
  const { options, where } = redisTarget(url, password);
  const redis = new Redis({ ...options, enableOfflineQueue: true });
  redis.on('error', () => undefined);
  try { await redis.connect(); } catch (err) {
    redis.disconnect();
    throw new UserError(`failed to reach the store ${where}: ${(err as Error).message}`, [], 'store');
  }
  return { redis, where };
}

/** What a relay's directory holds: its documents (the log replayed) and its clients' state (auth.json). */
async function readDir(dir: string): Promise<{ docs: string[]; auth: string | undefined }> {
  if (!existsSync(path.join(dir, 'documents.log')) && !existsSync(path.join(dir, 'documents.json'))) {
    throw new UserError(`failed to migrate: ${dir} holds no relay documents (no documents.log or documents.json)`, ['name the relay\'s data directory (relay status shows it)'], 'from');
  }
  const store = await DocumentStore.open(dir);
  try {
    return { docs: store.all().map((d) => JSON.stringify(d)), auth: await readNoFollow(path.join(dir, 'auth.json')) };
  } finally {
    await store.close();
  }
}

export async function migrateStore(opts: { from: string; to: string; password?: string; dryRun?: boolean }): Promise<MigrateResult> {
  if (isRedis(opts.from) === isRedis(opts.to)) throw new UserError(`invalid to ${JSON.stringify(opts.to.slice(0, 80))}: one side is a relay's data directory, the other a redis:// URL`, [], 'to');
  return isRedis(opts.to) ? toRedis(opts.from, opts.to, opts) : fromRedis(opts.from, opts.to, opts);
}

async function toRedis(dir: string, url: string, opts: { password?: string; dryRun?: boolean }): Promise<MigrateResult> {
  refuseRunning(dir);
  const { docs, auth } = await readDir(dir);
  const clients = auth ? (JSON.parse(auth) as { clients: unknown[] }).clients.length : 0;
  const { redis, where } = await connect(url, opts.password);
  try {
    const held = await redis.exists(REDIS_KEYS.docs, REDIS_KEYS.lastId, REDIS_KEYS.auth);
    if (held) throw new UserError(`failed to migrate into ${where}: it already holds a relay's documents or clients`, ['migrate into an empty database (another /DB number), or empty this one first'], 'to');
    if (opts.dryRun) return { from: dir, to: where, documents: docs.length, clients, checked: 'not checked (dry run: nothing written)', dryRun: true };
    const m = redis.multi();
    if (docs.length) m.hset(REDIS_KEYS.docs, Object.fromEntries(docs.map((d, i) => [String(i + 1), d])));
    m.set(REDIS_KEYS.lastId, String(docs.length)).set(REDIS_KEYS.docsVersion, String(docs.length));
    if (auth) m.set(REDIS_KEYS.auth, auth).set(REDIS_KEYS.authVersion, '1');
    await m.exec();
    // Read back and compare, document by document.
    const back = await redis.hgetall(REDIS_KEYS.docs);
    const same = Object.keys(back).length === docs.length && docs.every((d, i) => back[String(i + 1)] === d) && (auth === undefined || (await redis.get(REDIS_KEYS.auth)) === auth);
    if (!same) throw new UserError(`failed to migrate into ${where}: what was read back differs from ${dir}`, ['nothing in the relay\'s directory was changed; empty the database and try again'], 'to');
    return { from: dir, to: where, documents: docs.length, clients, checked: `${docs.length} documents and the clients read back, equal`, dryRun: false };
  } finally {
    redis.disconnect();
  }
}

async function fromRedis(url: string, dir: string, opts: { password?: string; dryRun?: boolean }): Promise<MigrateResult> {
  refuseRunning(dir);
  // A relay's directory holds data when it has clients, or documents in its snapshot or its log (a relay that never
  // compacted has only the log).
  const hasDocuments = existsSync(path.join(dir, 'documents.json')) || existsSync(path.join(dir, 'documents.log'));
  if (existsSync(path.join(dir, 'auth.json')) || (hasDocuments && (await readDir(dir)).docs.length > 0)) {
    throw new UserError(`failed to migrate into ${dir}: it already holds a relay's documents or clients`, ['migrate into an empty directory'], 'to');
  }
  const { redis, where } = await connect(url, opts.password);
  try {
    const r = await redis.multi().hgetall(REDIS_KEYS.docs).get(REDIS_KEYS.auth).exec();
    const all = (r?.[0]?.[1] ?? {}) as Record<string, string>;
    const auth = (r?.[1]?.[1] ?? null) as string | null;
    const ids = Object.keys(all).map(Number).sort((a, b) => a - b);
    if (ids.some((id, i) => id !== i + 1)) throw new UserError(`failed to migrate from ${where}: its document ids are not 1…${ids.length} (a gap at ${ids.find((id, i) => id !== i + 1)})`, [], 'from');
    const docs = ids.map((id) => JSON.parse(all[String(id)]!) as unknown);
    const clients = auth ? (JSON.parse(auth) as { clients: unknown[] }).clients.length : 0;
    if (opts.dryRun) return { from: where, to: dir, documents: docs.length, clients, checked: 'not checked (dry run: nothing written)', dryRun: true };
    await secureDataDir(dir);
    // The layout the relay reads: a snapshot of generation 1 and a log that starts at it.
    await writeFileAtomic(path.join(dir, 'documents.json'), JSON.stringify({ v: 2, gen: 1, docs }), { mode: MODE_SECRET });
    await writeFileAtomic(path.join(dir, 'documents.log'), `${JSON.stringify({ t: 'gen', g: 1 })}\n`, { mode: MODE_SECRET });
    if (auth) await writeFileAtomic(path.join(dir, 'auth.json'), auth, { mode: MODE_SECRET });
    const back = await readDir(dir);
    const same = back.docs.length === ids.length && back.docs.every((d, i) => d === JSON.stringify(JSON.parse(all[String(i + 1)]!))) && back.auth === (auth ?? undefined);
    if (!same) throw new UserError(`failed to migrate into ${dir}: what was read back differs from ${where}`, ['Redis was not changed; remove what was written in the directory and try again'], 'to');
    return { from: where, to: dir, documents: docs.length, clients, checked: `${docs.length} documents and the clients read back, equal`, dryRun: false };
  } finally {
    redis.disconnect();
  }
}
