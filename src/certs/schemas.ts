// Inputs to the certificate commands, parsed once at the edge.
import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { isDnsSanName, isIP } from '../core/net.js';
import { wholeNumber } from '../core/validate.js';

/** Key sizes we offer. 2048 is the floor for RSA today (NIST SP 800-57); 4096 costs ~2 s to generate. */
export const KEY_SIZES = [2048, 3072, 4096] as const;
export type KeySize = (typeof KEY_SIZES)[number];

/** CA default: 3072-bit, good past 2030 by NIST SP 800-57. Leaves: 2048-bit, they are replaced often. */
export const DEFAULT_CA_KEY_SIZE: KeySize = 3072;
export const DEFAULT_LEAF_KEY_SIZE: KeySize = 2048;
/** CA: 10 years; the operator replaces it deliberately, not by surprise. */
export const DEFAULT_CA_DAYS = 3650;
/** Leaves: 825 days, the longest validity Apple platforms accept for TLS server certificates (HT210176). */
export const MAX_LEAF_DAYS = 825;
export const MAX_CA_DAYS = 3650 * 3;

export const keySize = wholeNumber(`must be one of ${KEY_SIZES.join(', ')}`)
  .refine((n): n is KeySize => (KEY_SIZES as readonly number[]).includes(n), { message: `must be one of ${KEY_SIZES.join(', ')}` });

const days = (max: number) =>
  wholeNumber('must be a whole number of days').pipe(z.number().min(1, 'must be at least 1 day').max(max, `must be at most ${max} days`));

export const caDays = days(MAX_CA_DAYS);
export const leafDays = days(MAX_LEAF_DAYS);

// Common name: printable, no control characters, at most 64 characters (RFC 5280 ub-common-name).
export const commonName = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters (RFC 5280)')
  .refine((v) => !/[\p{Cc}]/u.test(v), { message: 'must not contain control characters' })
  .refine((v) => !/[\p{Cf}\p{Co}\p{Cs}\u2028\u2029]/u.test(v), { message: 'must be printable text: no format (e.g. right-to-left override) or private-use characters' })
  .refine((v) => v === v.trim(), { message: 'must not begin or end with spaces' });

export type San = { type: 'dns'; value: string } | { type: 'ip'; value: string };

/** "DNS:name", "IP:addr", or a bare name or address (the kind is inferred). */
export const san = z.string().transform((raw, ctx): San => {
  const m = /^(DNS|IP):(.*)$/i.exec(raw);
  const kind = m ? m[1]!.toUpperCase() : isIP(raw) ? 'IP' : 'DNS';
  const value = m ? m[2]! : raw;
  if (kind === 'IP') {
    if (isIP(value) === 0) {
      ctx.addIssue({ code: 'custom', message: value.includes('%') ? 'IP: a zone id (%eth0) names an interface of one host and cannot be in a certificate; give the address alone' : 'IP: must be followed by an IPv4 or IPv6 address, e.g. IP:192.0.2.10' });
      return z.NEVER;
    }
    return { type: 'ip', value };
  }
  const ascii = dnsToAscii(value);
  if (!ascii || !isDnsSanName(ascii)) {
    ctx.addIssue({ code: 'custom', message: 'must be DNS:<host name> or IP:<address>, e.g. DNS:relay.example.org (an international name is written in its IDNA form)' });
    return z.NEVER;
  }
  return { type: 'dns', value: ascii };
});

/**
 * A DNS name as a certificate carries it: IA5String, so an international name goes in its IDNA (punycode) form,
 * `bücher.example` → `xn--bcher-kva.example`, lower case. Undefined when it is no host name at all.
 */
export function dnsToAscii(value: string): string | undefined {
  if (/^[\x21-\x7e]*$/.test(value)) return value.toLowerCase();
  if (/[\p{Cc}\s]/u.test(value)) return undefined;
  const wild = value.startsWith('*.');
  const ascii = domainToASCII(wild ? value.slice(2) : value);
  return ascii ? `${wild ? '*.' : ''}${ascii}` : undefined;
}

/** Every name and address the clients will use. An IP or host name given as CN alone is added too. */
export function sansWithCommonName(cn: string, sans: San[]): San[] {
  const out = [...sans];
  const cnDns = isIP(cn) === 0 ? dnsToAscii(cn) : undefined;
  const fromCn: San | undefined = isIP(cn) !== 0 ? { type: 'ip', value: cn } : cnDns && isDnsSanName(cnDns) ? { type: 'dns', value: cnDns } : undefined;
  if (fromCn && !out.some((s) => s.type === fromCn.type && s.value === fromCn.value)) out.unshift(fromCn);
  return out;
}

export function formatSan(s: San): string {
  return `${s.type === 'ip' ? 'IP' : 'DNS'}:${s.value}`;
}
