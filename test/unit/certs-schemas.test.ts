import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { parseInput } from '../../src/core/validate.js';
import { UserError } from '../../src/core/errors.js';
import { caInput, issueInput } from '../../src/certs/service.js';
import { san, sansWithCommonName } from '../../src/certs/schemas.js';
import { isCidr } from '../../src/core/net.js';

describe('SAN parsing', () => {
  it('accepts DNS:, IP: and bare values, inferring the kind', () => {
    expect(san.parse('DNS:Relay.Example.org')).toEqual({ type: 'dns', value: 'relay.example.org' });
    expect(san.parse('IP:192.0.2.10')).toEqual({ type: 'ip', value: '192.0.2.10' });
    expect(san.parse('ip:2001:db8::1')).toEqual({ type: 'ip', value: '2001:db8::1' });
    expect(san.parse('10.0.0.1')).toEqual({ type: 'ip', value: '10.0.0.1' });
    expect(san.parse('*.example.org')).toEqual({ type: 'dns', value: '*.example.org' });
  });

  it.each(['IP:999.1.1.1', 'DNS:bad_name', 'DNS:-x.org', 'DNS:a..b', 'DNS:', 'x;rm -rf /', 'DNS:a b', '$(id)'])('rejects %s', (value) => {
    expect(san.safeParse(value).success).toBe(false);
  });

  it('adds an IP or host name given as CN to the SANs once', () => {
    expect(sansWithCommonName('192.0.2.7', [])).toEqual([{ type: 'ip', value: '192.0.2.7' }]);
    expect(sansWithCommonName('relay', [{ type: 'dns', value: 'relay' }])).toEqual([{ type: 'dns', value: 'relay' }]);
    expect(sansWithCommonName('My Relay', [])).toEqual([]);
  });
});

describe('input errors name the field, the value and what is allowed', () => {
  const message = (schema: z.ZodType, input: unknown): string => {
    try {
      parseInput(schema, input);
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      return (err as Error).message;
    }
    throw new Error('expected a UserError');
  };

  it('negative --days', () => {
    expect(message(caInput, { dir: '/x', cn: 'CA', days: '-5' })).toBe('invalid days "-5": must be at least 1 day');
  });
  it('unknown key size', () => {
    expect(message(caInput, { dir: '/x', cn: 'CA', 'key-size': '1024' })).toBe('invalid key-size "1024": must be one of 2048, 3072, 4096');
  });
  it('leaf validity above 825 days', () => {
    expect(message(issueInput, { 'ca-dir': '/a', 'out-dir': '/b', cn: 'x', days: 900 })).toBe('invalid days 900: must be at most 825 days');
  });
  it('a bad SAN, by position', () => {
    expect(message(issueInput, { 'ca-dir': '/a', 'out-dir': '/b', cn: 'x', san: ['DNS:ok', 'IP:1.2.3'] })).toMatch(/^invalid san\.1 "IP:1\.2\.3": IP: must be followed by an IPv4 or IPv6 address/);
  });
  it('a common name with control characters', () => {
    expect(message(caInput, { dir: '/x', cn: 'a\nb' })).toMatch(/^invalid cn "a\\nb": must not contain control characters/);
  });
});

describe('CIDR', () => {
  it.each(['10.0.0.0/8', '203.0.113.7', '2001:db8::/48', '::1/128'])('accepts %s', (v) => expect(isCidr(v)).toBe(true));
  it.each(['10.0.0.0/33', '10.0.0/8', '1.2.3.4/', '1.2.3.4/8/8', 'any', '::1/129'])('rejects %s', (v) => expect(isCidr(v)).toBe(false));
});

describe('a CSR for a public CA', () => {
  it('warns about private addresses and LAN-only names in its SANs', async () => {
    const { privateSanWarnings } = await import('../../src/certs/service.js');
    expect(privateSanWarnings([{ type: 'dns', value: 'relay.example.org' }])).toEqual([]);
    const w = privateSanWarnings([{ type: 'ip', value: '192.168.1.10' }, { type: 'dns', value: 'relay.lan' }, { type: 'dns', value: 'relay' }, { type: 'ip', value: '203.0.113.5' }]);
    expect(w).toHaveLength(4);
    expect(w[0]).toMatch(/IP:192\.168\.1\.10: .*private or loopback/);
    expect(w[1]).toMatch(/DNS:relay\.lan: .*only on a LAN/);
    expect(w[3]).toMatch(/IP:203\.0\.113\.5: .*IP addresses/);
  });
});
