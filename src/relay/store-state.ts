// What the relay says of its store (the local log, or Redis shared by several relays: store-redis.ts), and the
// error a request gets when that store cannot be reached; kept apart so the relay names them without loading
// the Redis client.
export interface StoreState {
  kind: 'log' | 'redis';
  /** Where (a directory, or a Redis URL without any password). */
  where: string;
  state: 'up' | 'down';
  since: string;
  error?: string;
  /** Redis's own durability, as read at start ("appendonly yes, appendfsync always"). */
  durability?: string;
  /** The operator accepted a Redis that may lose acknowledged writes (--store-unsafe). */
  unsafe?: boolean;
  redisVersion?: string;
  memory?: string;
  aof?: string;
}

/** One relay of several on one store, as it last said (every 2 s). */
export interface RelayPresence {
  id: string;
  host: string;
  publicUrl: string;
  pid: number;
  startedAt: string;
  /** When it last said so. */
  at: string;
  uploadsPerSecond: number;
  deliveriesPerSecond: number;
  /** The clients connected to it. */
  clients: Array<{ clientId: string; name: string; address: string }>;
}

/** The store is unreachable: the request is refused with 503 and nothing is acknowledged. */
export class StoreDownError extends Error {
  readonly status = 503;
}
