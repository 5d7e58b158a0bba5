// The relay's HTTP plumbing: JSON answers, bodies read with a size cap, bearer tokens, and the per-source rate limiter.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendRawJson(res, status, JSON.stringify(body), headers);
}

/** JSON already encoded (the relay's array, built once per change). */
export function sendRawJson(res: ServerResponse, status: number, data: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'cache-control': 'no-store', ...headers });
  res.end(data);
}

/** The body, refusing more than `limit` bytes (413) without reading it all into memory. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) { req.resume(); return reject(new HttpError(413, `payload too large (limit ${limit} bytes)`)); }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) { req.removeAllListeners('data'); req.resume(); reject(new HttpError(413, `payload too large (limit ${limit} bytes)`)); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

/** A token bucket per key: `rate` requests a second, bursts up to twice that. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Requests per key since the last drain (several relays on one Redis add theirs up: store-redis.ts). */
  private counts = new Map<string, number>();
  /** Keys the relays together found over the limit: refused here until the next reading. */
  private blocked = new Set<string>();
  /** Counting starts with the first drain (only a relay that shares its counts drains them). */
  private counting = false;
  constructor(readonly rate: number) {}

  take(key: string): boolean {
    if (this.counting && (this.counts.size < 10_000 || this.counts.has(key))) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (this.blocked.has(key)) return false;
    const now = Date.now();
    const b = this.buckets.get(key) ?? { tokens: this.rate * 2, at: now };
    b.tokens = Math.min(this.rate * 2, b.tokens + ((now - b.at) / 1000) * this.rate);
    b.at = now;
    if (this.buckets.size > 10_000) this.buckets.clear(); // bounded memory under a flood of sources
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** The requests counted since the last call, and a fresh count. */
  drain(): Map<string, number> {
    this.counting = true;
    const c = this.counts;
    this.counts = new Map();
    return c;
  }

  /** What every relay together found over the limit (replaces the previous set). */
  block(keys: Set<string>): void {
    this.blocked = keys;
  }
}
