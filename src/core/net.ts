// Address and name schemas shared by certificates, firewall rules, forwards, relay and config.
import { isIP as nodeIsIP, isIPv4 } from 'node:net';
import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { wholeNumber } from './validate.js';

/**
 * 4 or 6 for an IP address, else 0. Unlike node's isIP, an IPv6 zone id (`fe80::1%eth0`) is not an address:
 * it names an interface of one host, means nothing in a certificate, a rule or a URL given to another host.
 */
export function isIP(value: string): 0 | 4 | 6 {
  if (value.includes('%')) return 0;
  // Without a colon it is no IPv6 address: node's IPv6 pattern, compiled on first use, costs ~8 ms of a command's start.
  if (!value.includes(':')) return isIPv4(value) ? 4 : 0;
  return nodeIsIP(value) as 0 | 4 | 6;
}

// RFC 1123 host name: labels of letters, digits and hyphens, 1-63 chars, not starting or ending with '-'.
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isHostName(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return name.split('.').every((label) => LABEL.test(label));
}

/** A DNS name for a certificate: a host name, optionally with one leading wildcard label. */
export function isDnsSanName(value: string): boolean {
  return isHostName(value.startsWith('*.') ? value.slice(2) : value) && !value.endsWith('.');
}

export const hostName = z.string().refine(isHostName, { message: 'must be a host name (letters, digits, hyphens and dots)' });
export const hostOrIp = z.string().refine((v) => isIP(v) !== 0 || isHostName(v), {
  message: 'must be an IP address or a host name (letters, digits, hyphens and dots)',
});
export const port = wholeNumber('must be a whole number between 1 and 65535').pipe(z.number().min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535'));

/** CIDR v4 or v6, or a bare address (taken as /32 or /128). */
export const cidr = z
  .string()
  .refine(isCidr, { message: 'must be an IPv4/IPv6 address or CIDR such as 203.0.113.7/32 or 2001:db8::/48', abort: true })
  .refine((v) => !hostBitsSet(v), { message: 'has bits set beyond its prefix length; give the network address (e.g. 10.0.0.0/8)' });

export function isCidr(value: string): boolean {
  const [addr, bits, extra] = value.split('/');
  if (extra !== undefined || addr === undefined) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  return n >= 0 && n <= (family === 4 ? 32 : 128);
}

/** One host's address as a CIDR of just it (/32 or /128), for a firewall source; undefined for a name or nothing. */
export function hostCidr(address: string | undefined): string | undefined {
  const family = address ? isIP(address) : 0;
  return family ? `${address}/${family === 6 ? 128 : 32}` : undefined;
}

export function normaliseCidr(value: string): string {
  if (value.includes('/')) return value;
  return isIP(value) === 6 ? `${value}/128` : `${value}/32`;
}

/** An address as a number (IPv4: 32 bits, IPv6: 128 bits). */
export function ipToBigInt(addr: string): bigint {
  if (isIP(addr) === 4) return addr.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  const [rawHead, tail] = addr.includes('::') ? (addr.split('::') as [string, string]) : [addr, undefined];
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const v4 = (s: string) => s.replace(/(\d+\.\d+\.\d+\.\d+)$/, (m) => { const n = ipToBigInt(m); return `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`; });
  const head = v4(rawHead);
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? v4(tail).split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** Is the address inside the network (a CIDR or a bare address)? Families must agree. */
export function inCidr(address: string, cidr: string): boolean {
  const [net, bits] = normaliseCidr(cidr).split('/');
  const fam = isIP(net!);
  if (fam === 0 || fam !== isIP(address)) return false;
  const shift = BigInt((fam === 6 ? 128 : 32) - Number(bits));
  return (ipToBigInt(address) >> shift) === (ipToBigInt(net!) >> shift);
}

/** Host bits set (10.0.0.5/8) are almost always a typing mistake; say so instead of guessing. */
export function hostBitsSet(value: string): boolean {
  if (!isCidr(value)) return false;
  const [addr, bits] = value.split('/');
  if (!addr || bits === undefined) return false;
  const width = isIP(addr) === 6 ? 128n : 32n;
  const host = width - BigInt(Number(bits));
  return (ipToBigInt(addr) & ((1n << host) - 1n)) !== 0n;
}

/** Two CIDRs (or "any") denote the same network, however each is written. */
export function sameNetwork(a: string, b: string): boolean {
  if (a === b) return true;
  if (a === 'any' || b === 'any') return false;
  const [na, pa] = normaliseCidr(a).split('/');
  const [nb, pb] = normaliseCidr(b).split('/');
  if (isIP(na!) !== isIP(nb!) || pa !== pb) return false;
  return ipToBigInt(na!) === ipToBigInt(nb!);
}

/**
 * A DNS name a public CA can prove and a web server can be named by: IDNA (ASCII) form, lower case, no trailing
 * dot; never an IP address or a wildcard (http-01 proves neither).
 */
export const dnsName = z.string().transform((v, ctx) => {
  // URL syntax (# / ? \ @ : %) would make domainToASCII return another name (relay.example.org#x → relay.example.org).
  const ascii = isIP(v) !== 0 || /[\s\0#/?\\@:%]/.test(v) ? '' : domainToASCII(v).replace(/\.$/, '');
  if (!ascii || ascii.startsWith('*.') || !isHostName(ascii)) {
    ctx.addIssue({ code: 'custom', message: 'must be a DNS name such as relay.example.org (not an IP address or a wildcard)' });
    return z.NEVER;
  }
  return ascii;
});
