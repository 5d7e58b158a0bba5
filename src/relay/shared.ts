// Several relays on one Redis, put together for the relay (server.ts): the store (store-redis.ts), the clients'
// state shared through it (auth.ts), and Socket.IO's Redis adapter. Loaded only with --store, so a relay on its
// own log never loads the Redis client.
import type { Adapter } from 'socket.io-adapter';
import { UserError } from '../core/errors.js';
import { readSmallFile } from '../core/files.js';
import { AuthStore } from './auth.js';
import type { RelayOptions } from './options.js';
import type { RedisStore } from './store-redis.js';
import { promises as fs } from 'node:fs';

export interface SharedStore {
  store: RedisStore;
  auth: AuthStore;
  /** Socket.IO's Redis adapter, for io.adapter(). */
  adapter: (nsp: unknown) => Adapter;
}

/** Redis's password: from a file only its owner may read, or COMMBASE_RELAY_REDIS_PASSWORD; never from argv. */
export async function storePassword(file: string | undefined): Promise<string | undefined> {
  if (!file) return process.env.COMMBASE_RELAY_REDIS_PASSWORD || undefined;
  const st = await fs.stat(file).catch(() => undefined);
  if (st && (st.mode & 0o077) !== 0) throw new UserError(`invalid store-password-file ${JSON.stringify(file)}: others may read it (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`, [], 'store-password-file');
  const text = (await readSmallFile(file, 'store-password-file', 4096)).toString('utf8').replace(/\r?\n$/, '');
  if (!text || /[\r\n]/.test(text)) throw new UserError(`invalid store-password-file ${JSON.stringify(file)}: it must hold the password on one line`, [], 'store-password-file');
  return text;
}

export async function openSharedStore(opts: RelayOptions): Promise<SharedStore> {
  const [{ RedisStore }, adapterModule] = await Promise.all([import('./store-redis.js'), import('@socket.io/redis-adapter')]);
  // A CommonJS module: its exports are named, or under default, depending on who loads it (tsx, the bundle).
  const { createAdapter } = ('createAdapter' in adapterModule ? adapterModule : (adapterModule as { default: typeof adapterModule }).default);
  const pw = await storePassword(opts['store-password-file']);
  const store = await RedisStore.open(opts.store!, { ...(pw ? { password: pw } : {}), unsafe: opts['store-unsafe'] });
  try {
    const auth = await AuthStore.openShared(store.authBackend(), opts.name);
    const { pub, sub } = store.adapterClients();
    return { store, auth, adapter: createAdapter(pub, sub, { key: 'cbr:io', requestsTimeout: 2000 }) as never };
  } catch (err) {
    await store.close();
    throw err;
  }
}
