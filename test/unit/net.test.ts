// core/net.ts's hand-written address arithmetic, checked against Node's own parser (BlockList) on random
// IPv4 and IPv6 networks: host bits, same network, and how an address is written (compressed, embedded v4).
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostBitsSet, hostCidr, ipToBigInt, isCidr, isIP, normaliseCidr, sameNetwork } from '../../src/core/net.js';

const v6Text = (n: bigint) => Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');

describe('address arithmetic', () => {
  it('reads IPv6 in every notation to the same number', () => {
    expect(ipToBigInt('::1')).toBe(1n);
    expect(ipToBigInt('2001:db8::')).toBe(ipToBigInt('2001:0db8:0000:0000:0000:0000:0000:0000'));
    expect(ipToBigInt('::ffff:192.0.2.1')).toBe((0xffffn << 32n) | ipToBigInt('192.0.2.1'));
    expect(ipToBigInt('10.0.0.1')).toBe(0x0a000001n);
  });

  it('agrees with BlockList on which addresses are in a network (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 }), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (a, bits, b) => {
      const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
      const net = v6Text(a & mask);
      const list = new BlockList();
      list.addSubnet(net, bits, 'ipv6');
      const inside = list.check(v6Text(b), 'ipv6');
      expect(hostBitsSet(`${net}/${bits}`)).toBe(false);
      expect(sameNetwork(`${v6Text(b & mask)}/${bits}`, `${net}/${bits}`)).toBe(inside);
    }), { numRuns: 2000 });
  });

  it('v4 likewise, and a host bit set is found (property)', () => {
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (addr, bits) => {
      const n = ipToBigInt(addr);
      const host = bits === 32 ? 0n : n & ((1n << BigInt(32 - bits)) - 1n);
      expect(hostBitsSet(`${addr}/${bits}`)).toBe(host !== 0n);
    }), { numRuns: 2000 });
  });

  it('refuses zone ids and malformed prefixes', () => {
    for (const bad of ['fe80::1%eth0', 'fe80::1%eth0/64', '10.0.0.0/33', '10.0.0.0/8/8', '10.0.0.0/-1', '10.0.0.0/ 8']) expect(isCidr(bad), bad).toBe(false);
    expect(isIP('fe80::1%eth0')).toBe(0);
    expect(normaliseCidr('2001:db8::1')).toBe('2001:db8::1/128');
  });

  it('hostCidr: one host\'s address as a source of just it; names, zones and nothing give none', () => {
    expect(hostCidr('10.213.5.2')).toBe('10.213.5.2/32');
    expect(hostCidr('2001:db8::7')).toBe('2001:db8::7/128');
    for (const bad of [undefined, '', 'relay.lan', 'fe80::1%eth0', '10.0.0.0/8', '999.1.1.1']) expect(hostCidr(bad), String(bad)).toBeUndefined();
  });
});
