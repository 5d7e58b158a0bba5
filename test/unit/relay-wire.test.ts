// What arrives from the network is parsed before use: request targets, the Socket.IO handshake's token,
// JSON bodies. Thrown at with hostile values: every refusal is an HttpError with a 4xx status, never a throw
// of anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/relay/http-util.js';
import { commbaseLiterals, relayUrls } from '../../src/relay/urls.js';
import { MAX_JSON_DEPTH, handshakeToken, jsonDepthExceeds, parseJsonBody, parseTarget } from '../../src/relay/wire.js';

const only4xx = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBeGreaterThanOrEqual(400);
    expect((err as HttpError).status).toBeLessThan(500);
  }
};

describe('request targets', () => {
  it('takes the token from a /t/<token>/ prefix, else from ?token=', () => {
    expect(parseTarget('/t/abc_-9/api/update_json/1')).toEqual({ path: '/api/update_json/1', token: 'abc_-9' });
    expect(parseTarget('/api/get_saved_data?token=q1')).toEqual({ path: '/api/get_saved_data', token: 'q1' });
    expect(parseTarget('/t/p1/api/get_saved_data?token=q1')).toEqual({ path: '/api/get_saved_data', token: 'p1' });
    expect(parseTarget('/info')).toEqual({ path: '/info', token: undefined });
  });

  it('refuses malformed escapes and empty or oversized path tokens with 4xx', () => {
    expect(() => parseTarget('/t/%ZZ/api/get_saved_data')).toThrow(/malformed %-escape/);
    expect(() => parseTarget('/t//api/get_saved_data')).toThrow(/empty or too long/);
    expect(() => parseTarget(`/t/${'a'.repeat(201)}/api/get_saved_data`)).toThrow(/empty or too long/);
  });

  it('never throws anything but a 4xx for any string (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.webPath(), fc.string().map((s) => `/t/${s}`), fc.string().map((s) => `/api/update_json/${s}`)), (raw) => only4xx(() => parseTarget(raw))), { numRuns: 2000 });
  });
});

describe('JSON bodies', () => {
  it('refuses nesting deeper than the limit before parsing, counting only outside strings', () => {
    expect(jsonDepthExceeds('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds('['.repeat(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ s: '[[[[[[[[[[\\"{{{{'.repeat(100) }))).toBe(false);
    expect(() => parseJsonBody(Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)))).toThrow(/nested deeper than 64/);
    expect(() => parseJsonBody(Buffer.from('{"a":'))).toThrow(/Malformed JSON/);
  });

  it('parses what JSON.stringify makes, and refuses garbage with 4xx (property)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 10 }), (v) => { expect(parseJsonBody(Buffer.from(JSON.stringify(v)))).toEqual(JSON.parse(JSON.stringify(v))); }), { numRuns: 500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => only4xx(() => parseJsonBody(Buffer.from(bytes)))), { numRuns: 2000 });
  });
});

describe('the Socket.IO handshake', () => {
  it('accepts a string token from auth or the query, and refuses every other type in auth.token', () => {
    expect(handshakeToken({ token: 'T' }, {})).toBe('T');
    expect(handshakeToken(undefined, { token: 'Q' })).toBe('Q');
    expect(handshakeToken({}, { token: ['Q1', 'Q2'] })).toBe('Q1');
    expect(handshakeToken(null, {})).toBeUndefined();
    for (const bad of [1, 0, true, null, {}, { a: 1 }, [], ['t'], 'x'.repeat(201)]) {
      expect(() => handshakeToken({ token: bad }, {}), JSON.stringify(bad)).toThrow(/invalid auth\.token/);
    }
    for (const bad of ['str', 5, [1]]) expect(() => handshakeToken(bad, {})).toThrow(HttpError);
  });

  it('never throws anything but an HttpError for any auth and query (property)', () => {
    fc.assert(fc.property(fc.anything(), fc.anything(), (auth, query) => only4xx(() => handshakeToken(auth, query))), { numRuns: 3000 });
  });
});

describe('the URLs a client is given', () => {
  it('put the token in the path for the API (the updater appends /1) and in the query for Socket.IO', () => {
    const u = relayUrls('https://relay.lan:5000', 'T0k-_');
    expect(u).toEqual({
      api_url: 'https://relay.lan:5000/t/T0k-_/api/save_json',
      get_url: 'https://relay.lan:5000/t/T0k-_/api/get_saved_data',
      update_url: 'https://relay.lan:5000/t/T0k-_/api/update_json',
      socketio_url: 'https://relay.lan:5000?token=T0k-_',
    });
    expect(parseTarget(new URL(`${u.update_url}/1`).pathname)).toEqual({ path: '/api/update_json/1', token: 'T0k-_' });
    expect(commbaseLiterals(u)).toEqual({
      listener: { api_url: u.get_url, socketio_url: u.socketio_url },
      uploader: { api_url: u.api_url },
      updater: { api_url: u.update_url },
    });
  });
});
