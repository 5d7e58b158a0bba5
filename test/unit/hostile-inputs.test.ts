// Every value a person types into a flag or a form field goes through a zod schema at the edge. Thrown at with
// malformed, oversized and wrong-typed values, each is refused with a UserError that names the field and the
// value, and what is accepted is exactly what it claims to be.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UserError } from '../../src/core/errors.js';
import { cidr, isIP, port } from '../../src/core/net.js';
import { parseInput, wholeNumber } from '../../src/core/validate.js';
import { commonName, leafDays, san } from '../../src/certs/schemas.js';
import { forwardInput, ttl } from '../../src/firewall/forwards.js';
import { portRuleInput } from '../../src/firewall/model.js';
import { relayInput } from '../../src/relay/options.js';

/** Either it parses, or it is a UserError naming the field and showing the value. */
function refusedOrOk<S extends z.ZodType>(schema: S, field: string, value: unknown): z.output<S> | undefined {
  try {
    return parseInput(z.object({ [field]: schema }), { [field]: value })[field] as z.output<S>;
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(`invalid ${field}`);
    expect((err as UserError).field?.startsWith(field)).toBe(true);
    return undefined;
  }
}

const anyValue = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object());

describe('numbers are digits, nothing else', () => {
  it.each(['0x16', '1e3', '22.0', ' 22 ', '+22', '22 ', '0b101', 'Infinity', 'NaN', '', '٢٢'])('refuses %j as a port', (v) => {
    expect(refusedOrOk(port, 'port', v)).toBeUndefined();
  });

  it('accepts a port only when it is 1-65535 written in digits (property)', () => {
    fc.assert(fc.property(anyValue, (v) => {
      const got = refusedOrOk(port, 'port', v);
      if (got !== undefined) {
        expect(Number.isInteger(got) && got >= 1 && got <= 65535).toBe(true);
        expect(String(v)).toMatch(/^\d+$/);
      }
    }), { numRuns: 3000 });
  });

  it('days, sizes and counts likewise (property)', () => {
    fc.assert(fc.property(fc.string(), (v) => {
      const got = refusedOrOk(leafDays, 'days', v);
      if (got !== undefined) expect(v).toMatch(/^\d+$/);
      const n = refusedOrOk(wholeNumber(), 'n', v);
      if (n !== undefined) expect(v).toMatch(/^-?\d+$/);
    }), { numRuns: 2000 });
  });
});

describe('addresses', () => {
  it('a CIDR is an address with a prefix in range and no host bits, never with a zone or shell text (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.ipV4().map((a) => `${a}/${Math.floor(Math.random() * 40)}`), fc.ipV6(), fc.ipV6().map((a) => `${a}%eth0`)), (v) => {
      const got = refusedOrOk(cidr, 'from', v);
      if (got !== undefined) expect(isIP(got.split('/')[0]!)).not.toBe(0);
    }), { numRuns: 3000 });
  });

  it('a firewall rule input refuses every wrong-typed field', () => {
    for (const [field, value] of [['port', '22;reboot'], ['port', 0], ['port', [22]], ['proto', 'icmp'], ['from', '10.0.0.0/33'], ['from', 'fe80::1%eth0'], ['backend', 'nft'], ['host', '../etc'], ['dry-run', 'yes']] as const) {
      expect(() => parseInput(portRuleInput, { port: 5000, [field]: value }), `${field}=${JSON.stringify(value)}`).toThrow(new RegExp(`invalid ${field.replace('-', '.')}`));
    }
  });

  it('a forward refuses sources wider than a /8 unless asked, and TTLs that are not digits and a unit', () => {
    const base = { from: '203.0.113.7', port: 8080, to: '192.168.1.2:80', ttl: '1m' };
    for (const from of ['0.0.0.0/0', '0.0.0.0/1', '64.0.0.0/2', '10.0.0.0/7']) expect(() => parseInput(forwardInput, { ...base, from })).toThrow(/wider than a \/8/);
    expect(parseInput(forwardInput, { ...base, from: '10.0.0.0/8' }).from).toBe('10.0.0.0/8');
    expect(parseInput(forwardInput, { ...base, from: '0.0.0.0/1', 'allow-any-source': true }).from).toBe('0.0.0.0/1');
    fc.assert(fc.property(fc.string(), (v) => {
      const got = refusedOrOk(ttl, 'ttl', v);
      if (got !== undefined) expect(v).toMatch(/^\d{1,7}[smhd]$/);
    }), { numRuns: 2000 });
  });
});

describe('certificate names', () => {
  it('a SAN is an address without a zone or a host name in ASCII (IDNA for international names) (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.domain(), fc.ipV4().map((a) => `IP:${a}`), fc.string().map((x) => `DNS:${x}`), fc.constantFrom('IP:fe80::1%eth0', 'DNS:bücher.de', 'DNS:*.bücher.de', 'DNS:a\u202eb.de')), (v) => {
      const got = refusedOrOk(san, 'san', v);
      if (got?.type === 'dns') expect(got.value).toMatch(/^(\*\.)?[a-z0-9.-]+$/);
      if (got?.type === 'ip') expect(got.value).not.toContain('%');
    }), { numRuns: 3000 });
    expect(refusedOrOk(san, 'san', 'DNS:bücher.de')).toEqual({ type: 'dns', value: 'xn--bcher-kva.de' });
  });

  it('a common name is printable text of at most 64 characters (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (v) => {
      const got = refusedOrOk(commonName, 'cn', v);
      if (got !== undefined) {
        expect(got.length).toBeLessThanOrEqual(64);
        expect(got).not.toMatch(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u);
      }
    }), { numRuns: 3000 });
  });
});

describe('relay options', () => {
  it('refuses odd numbers, open sources beyond loopback without TLS, and wrong types', () => {
    for (const [field, value, message] of [
      ['port', '0x1388', /whole number/], ['max-body', '1e6', /whole number of bytes/], ['rate', '2.5', /whole number/], ['keep', ' 5', /whole number/],
      ['open-from', ['10.0.0.0/8'], /without a token over plain HTTP/], ['open-from', ['127.0.0.1/33'], /CIDR/], ['bind', 'fe80::1%eth0', /IP address/],
      ['public-host', 'evil.example/x?a=', /host name/], ['public-host', 'a'.repeat(254), /host name/], ['public-host', 'fd00::1', /in brackets/], ['public-host', 'x y', /host name/], ['public-host', 5, /string/],
      ['store', 'redis://u:topsecret@10.0.0.5:6379/0', /"redis:\/\/u:\*\*\*@10\.0\.0\.5:6379\/0": holds a password/], ['store', 'http://10.0.0.5/0', /redis:\/\//], ['store', 'redis://h:6379/0?x=1', /query/], ['store', 'redis://h:6379/-1', /database/],
    ] as const) {
      expect(() => parseInput(relayInput, { 'data-dir': '/tmp/x', [field]: value }), field).toThrow(message);
    }
    expect(parseInput(relayInput, { 'data-dir': '/tmp/x', 'open-from': ['127.0.0.1/32', '::1'] })['open-from']).toEqual(['127.0.0.1/32', '::1']);
    for (const h of ['relay.example.org', '10.0.0.5', '[fd00::1]', 'localhost']) expect(parseInput(relayInput, { 'data-dir': '/tmp/x', 'public-host': h })['public-host']).toBe(h);
  });
});
