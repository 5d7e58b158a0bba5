// The nginx site and the relay's reading of X-Forwarded-For: pure functions, hostile input included.
import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseInput } from '../../src/core/validate.js';
import { renderSite, siteInput } from '../../src/proxy/nginx.js';
import { clientAddress } from '../../src/relay/sources.js';

const trusted = () => { const b = new BlockList(); b.addSubnet('127.0.0.1', 32, 'ipv4'); return b; };

describe('clientAddress (--trusted-proxy)', () => {
  it('takes the right-most untrusted hop from a trusted proxy, and ignores the header from anyone else', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7', trusted())).toEqual({ address: '203.0.113.7', proxied: false });
    expect(clientAddress('::ffff:127.0.0.1', '198.51.100.1, 203.0.113.7', trusted())).toEqual({ address: '203.0.113.7', proxied: false });
    expect(clientAddress('127.0.0.1', '203.0.113.7, 127.0.0.1', trusted())).toEqual({ address: '203.0.113.7', proxied: false });
    // A client that sends its own X-Forwarded-For straight to the relay is not believed, and is marked proxied.
    expect(clientAddress('198.51.100.9', '127.0.0.1', trusted())).toEqual({ address: '198.51.100.9', proxied: true });
    expect(clientAddress('127.0.0.1', '203.0.113.7', undefined)).toEqual({ address: '127.0.0.1', proxied: true });
    expect(clientAddress('127.0.0.1', undefined, trusted())).toEqual({ address: '127.0.0.1', proxied: false });
  });

  it('establishes no address for any header from a trusted proxy that is not a list of addresses (fast-check), never throwing', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(fc.string()), fc.string({ minLength: 3000, maxLength: 5000 })), (h) => {
      const r = clientAddress('127.0.0.1', h, trusted());
      // Never the proxy's own address (that would put every such client inside --open-from 127.0.0.1/32) …
      if (r.address === undefined) expect(r.proxied).toBe(true);
      // … and when an address is taken, it is one the header named.
      else expect(r.address).toMatch(/^[0-9a-fA-F.:]+$/);
    }));
    for (const h of ['unknown', 'evil, <script>', '', ' ', '1.2.3.4, unknown', 'unknown, 1.2.3.4', '_hidden', `${'1.2.3.4,'.repeat(400)}1.2.3.4`, ['1.2.3.4', 'x']]) {
      expect(clientAddress('127.0.0.1', h, trusted()), JSON.stringify(h)).toEqual({ address: undefined, proxied: true });
    }
  });
});

describe('the nginx site', () => {
  const input = (over: Record<string, unknown> = {}) => parseInput(siteInput, { domain: 'relay.example.org', upstream: '127.0.0.1:5000', ...over });

  it('redirects 80 to https except the ACME path, and proxies 443 with the websocket and forwarding headers', () => {
    const text = renderSite(input());
    expect(text).toMatch(/listen 80;[\s\S]*location \^~ \/\.well-known\/acme-challenge\/ \{\s*root \/var\/www\/commbase-admin-acme;/);
    expect(text).toMatch(/return 301 https:\/\/\$host\$request_uri;/);
    expect(text).toMatch(/listen 443 ssl;/);
    expect(text).toMatch(/proxy_pass http:\/\/127\.0\.0\.1:5000;/);
    expect(text).toMatch(/proxy_set_header Connection \$commbase_admin_upgrade_relay_example_org;/);
    expect(text).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(text).toMatch(/proxy_read_timeout 75s;/);
    expect(renderSite(input({ 'https-port': '8443', upstream: '[::1]:5000' }))).toMatch(/return 301 https:\/\/\$host:8443\$request_uri;[\s\S]*proxy_pass http:\/\/\[::1\]:5000;/);
    expect(text).not.toMatch(/upstream |ip_hash|proxy_next_upstream/);
  });

  it('several relays on one Redis: one upstream group, sticky by client address, a failing relay taken out, uploads never retried', () => {
    const text = renderSite(input({ upstream: ['10.0.0.1:5000', '10.0.0.2:5000', '[fd00::3]:5000'] }));
    expect(text).toMatch(/upstream commbase_admin_relay_example_org \{\s*ip_hash;\s*server 10\.0\.0\.1:5000 max_fails=1 fail_timeout=10s;\s*server 10\.0\.0\.2:5000 max_fails=1 fail_timeout=10s;\s*server \[fd00::3\]:5000 max_fails=1 fail_timeout=10s;\s*\}/);
    expect(text).toMatch(/proxy_pass http:\/\/commbase_admin_relay_example_org;/);
    expect(text).toMatch(/proxy_next_upstream error timeout http_502 http_503;/);
    expect(text).not.toMatch(/non_idempotent/);
    // A comma-separated list (the console's one field) is the same.
    expect(renderSite(input({ upstream: '10.0.0.1:5000, 10.0.0.2:5000,[fd00::3]:5000' }))).toBe(text);
  });

  it('refuses names, upstreams, ports and paths that could change the configuration, naming the field', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ domain: 'relay.test; include /etc/passwd' }, /domain/],
      [{ domain: 'a b' }, /domain/],
      [{ domain: '203.0.113.1' }, /domain/],
      [{ domain: 'x'.repeat(300) }, /domain/],
      [{ upstream: '127.0.0.1' }, /upstream/],
      [{ upstream: '127.0.0.1:5000; return 200' }, /upstream/],
      [{ upstream: 'host:0x50' }, /upstream/],
      [{ upstream: [] }, /upstream.*1 to 16/],
      [{ upstream: Array.from({ length: 17 }, (_, i) => `10.0.0.${i + 1}:5000`) }, /upstream.*1 to 16/],
      [{ upstream: ['10.0.0.1:5000', '10.0.0.1:5000'] }, /upstream.*twice/],
      [{ upstream: ['10.0.0.1:5000', 'x;y:1'] }, /upstream/],
      [{ upstream: [5000] }, /upstream/],
      [{ 'http-port': '80 ssl' }, /http-port/],
      [{ 'https-port': '80' }, /https-port.*differ/],
      [{ webroot: '/var/www/x;y' }, /webroot/],
      [{ webroot: 'relative' }, /webroot/],
      [{ webroot: '/var/www/../../etc' }, /webroot/],
      [{ domain: 42 }, /domain/],
    ];
    for (const [over, field] of bad) expect(() => input(over), JSON.stringify(over)).toThrow(field);
  });
});
