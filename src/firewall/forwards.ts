// Timed port forwards, the ownline idea done safely: a DNAT rule in nat/PREROUTING and its FORWARD accept,
// both with an iptables time match that ends at the deadline (the kernel stops matching them even if
// nothing ever removes them) and a comment carrying the forward's id and deadline (so any console, or a
// cron job with only iptables, can list, extend, revoke and reap them). Pure: argv, batches and parsers.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isIP, cidr, ipToBigInt, normaliseCidr, port } from '../core/net.js';
import { hostNameKey } from '../core/names.js';
import { splitRuleLine } from './iptables.js';
import { PROTOCOLS, TAG, type Protocol } from './model.js';

export const FWD_TAG = `${TAG}:fwd`;
/** Shortest and longest lifetimes: a forward without a deadline is never made. */
export const MIN_TTL_S = 5;
export const MAX_TTL_S = 7 * 86_400;

const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

export function parseTtl(value: string): number | undefined {
  const m = /^(\d{1,7})([smhd])$/.exec(value);
  return m ? Number(m[1]) * UNIT_S[m[2]!]! : undefined;
}

export { formatDuration } from '../core/duration.js';

export const ttl = z.string().transform((v, ctx) => {
  const s = parseTtl(v);
  if (s === undefined) { ctx.addIssue({ code: 'custom', message: 'must be a number with a unit: 90s, 30m, 2h or 1d' }); return z.NEVER; }
  if (s < MIN_TTL_S || s > MAX_TTL_S) { ctx.addIssue({ code: 'custom', message: `must be between ${MIN_TTL_S}s and 7d` }); return z.NEVER; }
  return s;
});

/** RFC 1918 and RFC 6598 (carrier-grade NAT) space: where a LAN device lives. */
export function isPrivateV4(addr: string): boolean {
  if (isIP(addr) !== 4) return false;
  const n = ipToBigInt(addr);
  const inNet = (net: string, bits: number) => (n >> BigInt(32 - bits)) === (ipToBigInt(net) >> BigInt(32 - bits));
  return inNet('10.0.0.0', 8) || inNet('172.16.0.0', 12) || inNet('192.168.0.0', 16) || inNet('100.64.0.0', 10);
}

const destination = z.string().transform((v, ctx) => {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(v);
  const p = m ? port.safeParse(m[2]) : undefined;
  if (!m || isIP(m[1]!) !== 4 || !p?.success) {
    ctx.addIssue({ code: 'custom', message: 'must be LAN_IPv4:PORT, e.g. 192.168.1.50:80 (IPv6 forwards are not supported)' });
    return z.NEVER;
  }
  return { address: m[1]!, port: p.data };
});

/** Each field alone, for forms that check as you type. */
export const forwardFields = {
  from: cidr.refine((v) => isIP(v.split('/')[0]!) === 4, { message: 'must be an IPv4 address or network (IPv6 forwards are not supported)' }),
  port,
  to: destination,
  proto: z.enum(PROTOCOLS, { message: 'must be tcp or udp' }),
  ttl,
};

/** Wider than a /8 (0.0.0.0/1 is half the internet): counted as "from anywhere". */
export const WIDEST_SOURCE_PREFIX = 8;
export function isFromAnywhere(from: string): boolean {
  return Number(normaliseCidr(from).split('/')[1]) < WIDEST_SOURCE_PREFIX;
}

export const forwardInput = z.object({
  host: hostNameKey.default('local'),
  ...forwardFields,
  ttl: ttl.optional(),
  /** No deadline: the router's 80/443 to a web host, kept until revoked (offered to persist across reboots). */
  permanent: z.boolean().default(false),
  /** With --permanent: a source wider than a /8 (the whole internet), said out loud. */
  public: z.boolean().default(false),
  proto: forwardFields.proto.default('tcp'),
  'dry-run': z.boolean().default(false),
  'allow-any-source': z.boolean().default(false),
  'allow-public-destination': z.boolean().default(false),
}).superRefine((v, ctx) => {
  if (v.permanent === (v.ttl !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['ttl'], message: v.permanent ? 'give --ttl or --permanent, not both' : 'is needed: how long the forward lasts (90s, 30m, 2h, 1d), or --permanent for one kept until revoked' });
  }
  if (v.public && !v.permanent) ctx.addIssue({ code: 'custom', path: ['public'], message: 'goes with --permanent (a timed forward from anywhere takes --allow-any-source)' });
  if (isFromAnywhere(v.from) && v.permanent && !v.public) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: `is wider than a /8 (${normaliseCidr(v.from)}): the whole internet. For a public service (80/443 to a web host) add --public` });
  } else if (isFromAnywhere(v.from) && !v.permanent && !v['allow-any-source']) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: `is wider than a /8 (${normaliseCidr(v.from)}): that is as good as the whole internet, and a timed forward is for one known source. Give that address, or add --allow-any-source if you really mean everyone` });
  }
  if (!isPrivateV4(v.to.address) && !v['allow-public-destination']) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'is not a private (LAN) address; forwarding to a public address turns this router into an open relay for that source. Add --allow-public-destination if that is intended' });
  }
});
export type ForwardInput = z.output<typeof forwardInput>;

export interface ForwardSpec {
  id: string;
  from: string;
  port: number;
  proto: Protocol;
  to: { address: string; port: number };
  /** undefined: permanent (no time match; kept until revoked). */
  deadline: Date | undefined;
}

export function newForwardId(): string {
  return randomBytes(4).toString('hex');
}

/** iptables' --datestop takes UTC (without --kerneltz) as YYYY-MM-DDThh:mm:ss. */
export function datestop(d: Date): string {
  return d.toISOString().slice(0, 19);
}

export const PERMANENT = 'permanent';

export function commentFor(spec: Pick<ForwardSpec, 'id' | 'deadline'>): string {
  return `${FWD_TAG}:${spec.id}:${spec.deadline ? Math.floor(spec.deadline.getTime() / 1000) : PERMANENT}`;
}

function timeMatch(spec: ForwardSpec): string[] {
  const comment = ['-m', 'comment', '--comment', commentFor(spec)];
  return spec.deadline ? ['-m', 'time', '--datestop', datestop(spec.deadline), ...comment] : comment;
}

export function dnatRule(spec: ForwardSpec): string[] {
  return ['-s', normaliseCidr(spec.from), '-p', spec.proto, '-m', spec.proto, '--dport', String(spec.port), ...timeMatch(spec), '-j', 'DNAT', '--to-destination', `${spec.to.address}:${spec.to.port}`];
}

export function forwardRule(spec: ForwardSpec): string[] {
  return ['-s', normaliseCidr(spec.from), '-d', `${spec.to.address}/32`, '-p', spec.proto, '-m', spec.proto, '--dport', String(spec.to.port), ...timeMatch(spec), '-j', 'ACCEPT'];
}

/** A line of an iptables-restore file: words joined, quoting what needs it the way iptables-save does. */
export function restoreLine(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_.:/,=+-]+$/.test(w) ? w : `"${w.replace(/(["\\])/g, '\\$1')}"`)).join(' ');
}

export interface Batch {
  nat: string[];
  filter: string[];
}

/**
 * One iptables-restore --noflush input. iptables-nft-restore commits each table at its COMMIT line (measured
 * here: a failure in the second table leaves the first committed), so the filter half goes first: if anything
 * ever stopped between the two commits, what is left is a FORWARD accept without its DNAT, which lets nothing
 * in. The service rolls such a half back (docs/forwards.md).
 */
export function renderBatch(b: Batch): string {
  const parts: string[] = [];
  if (b.filter.length) parts.push('*filter', ...b.filter, 'COMMIT');
  if (b.nat.length) parts.push('*nat', ...b.nat, 'COMMIT');
  return parts.join('\n') + '\n';
}

export function addBatch(spec: ForwardSpec): Batch {
  return { nat: [restoreLine(['-I', 'PREROUTING', '1', ...dnatRule(spec)])], filter: [restoreLine(['-I', 'FORWARD', '1', ...forwardRule(spec)])] };
}

/** Delete by the exact saved text: iptables-save's `-A CHAIN …` becomes `-D CHAIN …`. */
export function removeBatch(forwards: readonly Forward[]): Batch {
  const b: Batch = { nat: [], filter: [] };
  for (const f of forwards) {
    for (const line of f.natLines) b.nat.push(line.replace(/^-A /, '-D '));
    for (const line of f.filterLines) b.filter.push(line.replace(/^-A /, '-D '));
  }
  return b;
}

/** `iptables -C` for each half: a read-back that costs the same however many rules the host has. */
export function checkArgvs(spec: ForwardSpec): string[][] {
  return [['iptables', '-w', '5', '-t', 'nat', '-C', 'PREROUTING', ...dnatRule(spec)], ['iptables', '-w', '5', '-C', 'FORWARD', ...forwardRule(spec)]];
}

export const RESTORE_ARGV = ['iptables-restore', '-w', '5', '--noflush'];
export const SAVE_NAT_ARGV = ['iptables-save', '-t', 'nat'];
/** Every table at once: one process where reading the two tables took two (the Monitor reads them every 10 s). */
export const SAVE_ALL_ARGV = ['iptables-save'];

/** One table's part of `iptables-save` output (from `*table` to its COMMIT), or '' when the table is not there. */
export function saveSection(save: string, table: 'nat' | 'filter'): string {
  const start = save.indexOf(`\n*${table}\n`);
  const from = save.startsWith(`*${table}\n`) ? 0 : start < 0 ? -1 : start + 1;
  if (from < 0) return '';
  const end = save.indexOf('\nCOMMIT', from);
  return save.slice(from, end < 0 ? undefined : end);
}

export interface Forward {
  id: string;
  from: string;
  port?: number;
  proto: string;
  to?: string;
  /** ISO time; '' for a permanent forward. */
  deadline: string;
  /** Seconds to the deadline; for a permanent forward, the largest safe integer (sorts last, never expires). */
  secondsLeft: number;
  expired: boolean;
  permanent: boolean;
  /** Both halves present (a half alone is reported, and reaped like any other). */
  complete: boolean;
  natLines: string[];
  filterLines: string[];
}

const COMMENT_RE = new RegExp(`^${FWD_TAG}:([0-9a-f]{8}):(\\d{1,12}|${PERMANENT})$`);

interface OwnHalf { id: string; deadline: Date | undefined; spec: ForwardSpec }

/**
 * A rule is one of ours only if it is, word for word, what addBatch writes: the DNAT half in nat/PREROUTING or the
 * accept half in filter/FORWARD, with the comment and the time match agreeing. A tag on any other rule (copied
 * into INPUT beside the router's only SSH allow, say) is forged: never listed as a forward, never removed.
 */
function ownHalf(words: string[], table: 'nat' | 'filter'): OwnHalf | undefined {
  const get = (flag: string) => { const i = words.indexOf(flag); return i >= 0 ? words[i + 1] : undefined; };
  const m = COMMENT_RE.exec(get('--comment') ?? '');
  if (!m) return undefined;
  const proto = get('-p');
  // iptables-save leaves out `-s 0.0.0.0/0` (a permanent forward from anywhere).
  const from = get('-s') ?? '0.0.0.0/0';
  if ((proto !== 'tcp' && proto !== 'udp') || !isCidrText(from)) return undefined;
  const deadline = m[2] === PERMANENT ? undefined : new Date(Number(m[2]) * 1000);
  let to: { address: string; port: number } | undefined;
  let dport: number;
  if (table === 'nat') {
    const t = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(get('--to-destination') ?? '');
    if (!t || isIP(t[1]!) !== 4) return undefined;
    to = { address: t[1]!, port: Number(t[2]) };
    dport = Number(get('--dport'));
  } else {
    const d = /^(\d{1,3}(?:\.\d{1,3}){3})\/32$/.exec(get('-d') ?? '');
    if (!d || isIP(d[1]!) !== 4) return undefined;
    dport = Number(get('--dport'));
    to = { address: d[1]!, port: dport };
  }
  if (!Number.isInteger(dport) || dport < 1 || dport > 65535) return undefined;
  const spec: ForwardSpec = { id: m[1]!, from, port: dport, proto, to, deadline };
  const written = table === 'nat' ? ['-A', 'PREROUTING', ...dnatRule(spec)] : ['-A', 'FORWARD', ...forwardRule(spec)];
  const expected = get('-s') === undefined && normaliseCidr(from) === '0.0.0.0/0' ? written.filter((w, i) => !(w === '-s' && written[i + 1] === '0.0.0.0/0') && !(w === '0.0.0.0/0' && written[i - 1] === '-s')) : written;
  return expected.length === words.length && expected.every((w, i) => w === words[i]) ? { id: m[1]!, deadline, spec } : undefined;
}

function isCidrText(v: string): boolean {
  const [a, bits] = v.split('/');
  return isIP(a ?? '') === 4 && (bits === undefined || /^\d{1,2}$/.test(bits));
}

/** Rules that carry our forward tag but are not of our own shape (see ownHalf): shown as a warning, left alone. */
export function forgedTagLines(natSave: string, filterSave: string): string[] {
  const out: string[] = [];
  for (const [save, table] of [[natSave, 'nat'], [filterSave, 'filter']] as const) {
    for (const line of save.split('\n')) {
      if (!line.startsWith('-A ') || !line.includes(FWD_TAG)) continue;
      if (!ownHalf(splitRuleLine(line), table)) out.push(`${table}: ${line.trim()}`);
    }
  }
  return out;
}

/** Read forwards back from `iptables-save -t nat` and `-t filter` output: the firewall is the source of truth. */
export function parseForwards(natSave: string, filterSave: string, now = new Date()): Forward[] {
  const byId = new Map<string, Forward>();
  const take = (save: string, table: 'nat' | 'filter') => {
    for (const line of save.split('\n')) {
      if (!line.startsWith('-A ')) continue;
      const own = ownHalf(splitRuleLine(line), table);
      if (!own) continue;
      const { id, deadline, spec } = own;
      const permanent = deadline === undefined;
      const secondsLeft = deadline ? Math.floor((deadline.getTime() - now.getTime()) / 1000) : Number.MAX_SAFE_INTEGER;
      const f = byId.get(id) ?? { id, from: spec.from === '0.0.0.0/0' ? 'any' : spec.from, proto: spec.proto, deadline: deadline?.toISOString() ?? '', secondsLeft, expired: secondsLeft <= 0, permanent, complete: false, natLines: [], filterLines: [] };
      if (table === 'nat') {
        f.natLines.push(line.trim());
        f.port = spec.port;
        f.to = `${spec.to.address}:${spec.to.port}`;
      } else {
        f.filterLines.push(line.trim());
        f.to ??= `${spec.to.address}:${spec.to.port}`;
      }
      byId.set(id, f);
    }
  };
  take(natSave, 'nat');
  take(filterSave, 'filter');
  const all = [...byId.values()];
  for (const f of all) f.complete = f.natLines.length > 0 && f.filterLines.length > 0;
  return all.sort((a, b) => a.secondsLeft - b.secondsLeft);
}
