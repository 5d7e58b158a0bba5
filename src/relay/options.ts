// `relay start` options, parsed once. Secure by default: loopback, and TLS before anything else is exposed.
import { z } from 'zod';
import { isIP, cidr, normaliseCidr } from '../core/net.js';
import { defaultRelayDataDir } from '../core/paths.js';
import { wholeNumber } from '../core/validate.js';

const origin = z.string().refine((v) => v !== '*' && /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(v), {
  message: 'must be an origin such as https://console.example.org (scheme, host, optional port); "*" is never allowed',
});

export const relayInput = z.object({
  bind: z.string().refine((v) => isIP(v) !== 0, { message: 'must be an IP address to listen on (127.0.0.1, 0.0.0.0, ::, or one of this host\'s)' }).default('127.0.0.1'),
  // 0: any free port (tests, benchmarks); the one chosen is printed and recorded for the admin feed.
  port: wholeNumber('must be a whole number between 0 and 65535').pipe(z.number().max(65535, 'must be between 0 and 65535')).default(5000),
  'tls-cert': z.string().min(1).optional(),
  'tls-key': z.string().min(1).optional(),
  'data-dir': z.string().min(1).default(defaultRelayDataDir()),
  'cors-origin': z.array(origin).default([]),
  'allow-from': z.array(cidr).default([]),
  /** Sources that need no token (scope both): Commbase's unmodified scripts beside the relay. Off by default. */
  'open-from': z.array(cidr).default([]),
  /** Reverse proxies (nginx) whose X-Forwarded-For names the real client, for --allow-from, --open-from, limits and the Monitor. */
  'trusted-proxy': z.array(cidr.refine((c) => !tooWide(c), { message: 'is wider than a /16 (IPv6: /48): every client there could name any address it likes. Give the proxy\'s own address, e.g. 127.0.0.1' })).max(64).default([]),
  /** Engine.IO sessions one source may open per 5 s and hold at once, before it has shown a token. */
  'max-per-source': wholeNumber('must be a whole number of connections').pipe(z.number().min(1, 'must be at least 1').max(100_000, 'must be at most 100000')).default(64),
  'insecure-http': z.boolean().default(false),
  'on-save': z.array(z.string()).default([]),
  keep: wholeNumber().pipe(z.number().min(1, 'must be at least 1')).optional(),
  'max-body': wholeNumber('must be a whole number of bytes').pipe(z.number().min(2, 'must be at least 2 bytes').max(64 * 1024 * 1024, 'must be at most 64 MiB')).default(1024 * 1024),
  rate: wholeNumber('must be a whole number of requests a second').pipe(z.number().min(1, 'must be at least 1 request a second')).default(20),
  name: z.string().min(1).max(64).default('commbase relay'),
  // Written into every URL the relay hands out: a DNS name, an IPv4 address or a bracketed IPv6 one, nothing else.
  'public-host': z.string().regex(/^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]{2,45}\])$/, 'must be a host name, an IPv4 address or an IPv6 address in brackets').optional(),
  /** Several relays on one Redis (store-redis.ts): redis://HOST:PORT/DB or rediss:// (TLS); no password in it. */
  store: z.string().superRefine((v, ctx) => { const why = storeUrlProblem(v); if (why) ctx.addIssue({ code: 'custom', message: why }); }).optional(),
  /** A file holding Redis's password (only its owner may read it), instead of argv. */
  'store-password-file': z.string().min(1).optional(),
  /** Accept a Redis that does not fsync every write (shown on the status line). */
  'store-unsafe': z.boolean().default(false),
  'admin-port': wholeNumber('must be a whole number between 0 and 65535').pipe(z.number().max(65535, 'must be between 0 and 65535')).default(0),
}).superRefine((v, ctx) => {
  if (Boolean(v['tls-cert']) !== Boolean(v['tls-key'])) ctx.addIssue({ code: 'custom', path: ['tls-key'], message: 'give both --tls-cert and --tls-key, or neither' });
  const loopback = v.bind === '127.0.0.1' || v.bind === '::1' || v.bind.startsWith('127.');
  const beyondLoopback = v['open-from'].find((c) => !isLoopbackCidr(c));
  if (beyondLoopback && !v['tls-cert']) {
    ctx.addIssue({ code: 'custom', path: ['open-from'], message: `lets ${beyondLoopback} in without a token over plain HTTP: give --tls-cert and --tls-key, or limit --open-from to loopback (127.0.0.1/32)` });
  }
  if (v.store && v.keep !== undefined) ctx.addIssue({ code: 'custom', path: ['keep'], message: 'cannot be used with --store redis://… yet: every relay would drop documents on its own' });
  if (!v.store && (v['store-password-file'] || v['store-unsafe'])) ctx.addIssue({ code: 'custom', path: [v['store-unsafe'] ? 'store-unsafe' : 'store-password-file'], message: 'is for a Redis store: give --store redis://HOST:PORT/DB too' });
  if (!loopback && !v['tls-cert'] && !v['insecure-http']) {
    ctx.addIssue({ code: 'custom', path: ['bind'], message: 'listens beyond this machine without TLS: tokens and data would cross the network in clear text. Give --tls-cert and --tls-key (commbase-admin cert issue makes them), or --insecure-http if the network is already protected' });
  }
});
/** What is wrong with a --store URL, if anything: redis:// or rediss://, a host, a database number, no password. */
export function storeUrlProblem(v: string): string | undefined {
  if (!/^rediss?:\/\/[^\s]{1,300}$/.test(v)) return 'must be redis://HOST:PORT/DB or rediss://HOST:PORT/DB (TLS)';
  let u: URL;
  try { u = new URL(v); } catch { return 'must be redis://HOST:PORT/DB or rediss://HOST:PORT/DB (TLS)'; }
  if (u.password) return 'holds a password, which every user of this machine can read in the process list: give --store-password-file FILE or COMMBASE_RELAY_REDIS_PASSWORD';
  if (!u.hostname) return 'must name the Redis host: redis://HOST:PORT/DB';
  if (u.search || u.hash) return 'must not have a ?query or #fragment';
  const db = u.pathname === '' || u.pathname === '/' ? 0 : Number(u.pathname.slice(1));
  if (!Number.isInteger(db) || db < 0 || db > 1000) return 'the database after the port must be a number from 0 (redis://HOST:PORT/0)';
  return undefined;
}

function tooWide(c: string): boolean {
  const [addr, bits] = normaliseCidr(c).split('/');
  return Number(bits) < (isIP(addr!) === 6 ? 48 : 16);
}

function isLoopbackCidr(c: string): boolean {
  const [addr, bits] = normaliseCidr(c).split('/');
  if (isIP(addr!) === 6) return addr === '::1' && bits === '128';
  return addr!.startsWith('127.') && Number(bits) >= 8;
}
export type RelayOptions = z.output<typeof relayInput>;
