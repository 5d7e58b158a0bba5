// client setup's pure parts: the literal rewriter keeps every byte but the literals' contents, and every flag
// refuses hostile values before anything is read or issued.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInput } from '../../src/core/validate.js';
import { clientSetupInput, probeLine } from '../../src/clientsetup/service.js';
import { rewriteLiterals } from '../../src/clientsetup/literals.js';

const LISTENER = `import requests
# Define the API endpoint to retrieve saved JSON data
api_url = 'https://127.0.0.1:5000/api/get_saved_data'

# Define the WebSocket endpoint
socketio_url = 'ws://127.0.0.1:5000'
# socketio_url = 'https://127.0.0.1:5000'
def main():
    response = requests.get(api_url)
`;

describe('literal rewriting', () => {
  it('changes the contents of uncommented api_url / socketio_url literals only', () => {
    const r = rewriteLiterals(LISTENER, { api_url: 'https://relay:5000/t/T/api/get_saved_data', socketio_url: 'https://relay:5000?token=T' });
    expect(r.missing).toEqual([]);
    expect(r.changes.map((c) => c.line)).toEqual([3, 6]);
    expect(r.text).toBe(LISTENER.replace("'https://127.0.0.1:5000/api/get_saved_data'", "'https://relay:5000/t/T/api/get_saved_data'").replace("socketio_url = 'ws://127.0.0.1:5000'", "socketio_url = 'https://relay:5000?token=T'"));
    expect(rewriteLiterals('x = 1\n', { api_url: 'u' }).missing).toEqual(['api_url']);
  });

  it('refuses a value a Python literal could not carry verbatim (property)', () => {
    fc.assert(fc.property(fc.string(), (v) => {
      try {
        const r = rewriteLiterals(LISTENER, { api_url: v });
        expect(v).not.toMatch(/['"\\\n\r]/);
        expect(r.text.split('\n').filter((l, i) => l !== LISTENER.split('\n')[i])).toEqual(r.changes.length ? [`api_url = '${v}'`] : []);
      } catch (err) {
        expect((err as Error).message).toMatch(/refusing to write api_url/);
      }
    }), { numRuns: 1000 });
  });
});

describe('the literal through Python\'s own parser', () => {
  it('every accepted value is, to python3, exactly that string (fast-check, one interpreter for all)', () => {
    const accepted: string[] = [];
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (v) => {
      try { rewriteLiterals(LISTENER, { api_url: v }); accepted.push(v); } catch { /* refused: a quote, backslash or line break */ }
    }), { numRuns: 400 });
    expect(accepted.length).toBeGreaterThan(100);
    const sources = accepted.map((v) => rewriteLiterals(LISTENER, { api_url: v }).text);
    const check = 'import ast, json, sys\nsrcs, want = json.load(sys.stdin)\nfor s, w in zip(srcs, want):\n    tree = ast.parse(s)\n    got = [n.value.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "api_url"]\n    assert got == [w], (got, w)\nprint(len(srcs))\n';
    const out = execFileSync('/usr/bin/python3', ['-I', '-c', check], { input: JSON.stringify([sources, accepted]), encoding: 'utf8' });
    expect(Number(out.trim())).toBe(accepted.length);
  });
});

describe('client setup input', () => {
  const base = { 'app-dir': '/opt/commbase', 'relay-url': 'https://relay.lan:5000', name: 'desk', ca: '/tmp/ca.pem' };
  it.each([
    ['relay-url', 'https://relay.lan:5000/api', /nothing after the port/],
    ['relay-url', 'https://relay.lan:5000?token=x', /nothing after the port/],
    ['relay-url', 'https://user:pw@relay.lan:5000', /nothing after the port/],
    ['relay-url', "https://rel'ay:5000", /URL|nothing after/],
    ['relay-url', 'ftp://relay.lan', /nothing after the port/],
    ['relay-url', 'relay.lan:5000', /URL|nothing after/],
    ['app-dir', 'opt/commbase', /absolute path/],
    ['app-dir', '/opt/x\nrm -rf /', /line breaks/],
    ['name', 'desk\u0007', /control characters/],
    ['listener', 'sse', /websocket or polling/],
  ])('refuses %s %j', (field, value, message) => {
    expect(() => parseInput(clientSetupInput, { ...base, [field]: value })).toThrow(message);
  });

  it('needs the CA for --trust-system, and has no use for it over plain http', () => {
    expect(() => parseInput(clientSetupInput, { ...base, ca: undefined, 'trust-system': true })).toThrow(/invalid ca/);
    expect(() => parseInput(clientSetupInput, { ...base, 'relay-url': 'http://relay.lan:5000', 'trust-system': true })).toThrow(/invalid trust-system/);
    expect(parseInput(clientSetupInput, { ...base, 'relay-url': 'https://[2001:db8::1]:5443' })['relay-url']).toEqual({ scheme: 'https', host: '2001:db8::1', port: 5443, base: 'https://[2001:db8::1]:5443' });
  });
});

describe('the probe\'s output, read as remote text', () => {
  it('skips a line that starts with { but is not a probe step, and never throws (fast-check)', () => {
    for (const l of ['{', '{"step":1}', '{not json', '{"step":"x","ok":"yes"}', '{"__proto__":{"ok":true}}', `{"step":"${'x'.repeat(500)}","ok":true}`]) expect(probeLine(l), l).toBeUndefined();
    fc.assert(fc.property(fc.string(), (l) => { probeLine(`{${l}`); }));
  });

  it('makes every text printable, and a skipped step is never ok', () => {
    const s = probeLine(JSON.stringify({ step: '\u001b[2KGET', ok: true, detail: 'a\rb\u202e', fix: '\u0007', needed: false, skipped: true }))!;
    expect(s).toEqual({ step: '\\u001b[2KGET', ok: false, detail: 'a\\rb\\u202e', fix: '\\u0007', needed: false, skipped: true });
  });
});
