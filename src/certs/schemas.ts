// Inputs to the certificate commands, parsed once at the edge.
import { isIP } from 'node:net';
import { z } from 'zod';
import { isDnsSanName } from '../core/net.js';

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

export const keySize = z.coerce
  .number()
  .refine((n): n is KeySize => (KEY_SIZES as readonly number[]).includes(n), { message: `must be one of ${KEY_SIZES.join(', ')}` });

const days = (max: number) =>
  z.coerce.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(max, `must be at most ${max} days`);

export const caDays = days(MAX_CA_DAYS);
export const leafDays = days(MAX_LEAF_DAYS);

// Common name: printable, no control characters, at most 64 characters (RFC 5280 ub-common-name).
export const commonName = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters (RFC 5280)')
  .refine((v) => !/[\p{Cc}]/u.test(v), { message: 'must not contain control characters' });

export type San = { type: 'dns'; value: string } | { type: 'ip'; value: string };

/** "DNS:name", "IP:addr", or a bare name or address (the kind is inferred). */
export const san = z.string().transform((raw, ctx): San => {
  const m = /^(DNS|IP):(.*)$/i.exec(raw);
  const kind = m ? m[1]!.toUpperCase() : isIP(raw) ? 'IP' : 'DNS';
  const value = m ? m[2]! : raw;
  if (kind === 'IP') {
    if (isIP(value) === 0) {
      ctx.addIssue({ code: 'custom', message: 'IP: must be followed by an IPv4 or IPv6 address, e.g. IP:192.0.2.10' });
      return z.NEVER;
    }
    return { type: 'ip', value };
  }
  if (!isDnsSanName(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be DNS:<host name> or IP:<address>, e.g. DNS:relay.example.org' });
    return z.NEVER;
  }
  return { type: 'dns', value: value.toLowerCase() };
});

/** Every name and address the clients will use. An IP or host name given as CN alone is added too. */
export function sansWithCommonName(cn: string, sans: San[]): San[] {
  const out = [...sans];
  const fromCn: San | undefined = isIP(cn) !== 0 ? { type: 'ip', value: cn } : isDnsSanName(cn) ? { type: 'dns', value: cn.toLowerCase() } : undefined;
  if (fromCn && !out.some((s) => s.type === fromCn.type && s.value === fromCn.value)) out.unshift(fromCn);
  return out;
}

export function formatSan(s: San): string {
  return `${s.type === 'ip' ? 'IP' : 'DNS'}:${s.value}`;
}
