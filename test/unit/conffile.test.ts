import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { commbaseFindings, schemaFindings } from '../../src/conffile/check.js';
import { renderAssignment, setValues } from '../../src/conffile/edit.js';
import { getValue, parseConf, printConf } from '../../src/conffile/parse.js';

const SEED = `COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="127.0.0.1"
COMMBASE_DATA_EXCHANGE_SERVER_PORT="5000"
COMMBASE_DATA_EXCHANGE_SERVER_CONNECTION_FILE_PATH="$COMMBASE_APP_DIR/bundles/commbase-data-exchange/server/server_http_websocket.py"
COMMBASE_DATA_EXCHANGE_SERVER_UPLOADER_FILE_PATH="$COMMBASE_APP_DIR/bundles/commbase-data-exchange/server/uploader_http_websocket.py"
COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH="$COMMBASE_APP_DIR/bundles/commbase-data-exchange/client/client_http_websocket.py"
COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH="$COMMBASE_APP_DIR/bundles/commbase-data-exchange/client/updater_http_websocket.py"
CLIENT_POLLING_INTERVAL_IN_SECS="5"
CERTS_AND_KEYS_SERVER_CRT_FILE="/certificates/server.crt"
CERTS_AND_KEYS_SERVER_KEY_FILE="/certificates/server.key"
CERTS_AND_KEYS_CERT_PEM_FILE="/certificates/cert.pem"
CERTS_AND_KEYS_KEY_PEM_FILE="/certificates/key.pem"
CERTS_AND_KEYS_CA_PEM_FILE="/certificates/ca.pem"
MESSAGING_FILE="/data/.messages.json"
`;

// ---- generated files ------------------------------------------------------------------------------
const KEYS = ['CB_A', 'CB_B', 'CB_C', 'CB_PATH_X', 'COMMBASE_DATA_EXCHANGE_SERVER_PORT'];
const safe = fc.stringMatching(/^[A-Za-z0-9_./:@%+,-]{1,8}$/);
const dqChar = fc.oneof(fc.stringMatching(/^[A-Za-z0-9 _./:=#;|&<>()'*?~-]$/), fc.constantFrom('\\$', '\\"', '\\\\', '\\`', '\\n'));
const ref = fc.constantFrom(...KEYS, 'COMMBASE_APP_DIR', 'CB_UNSET').chain((k) => fc.constantFrom(`$${k}`, `\${${k}}`));
const segment = fc.oneof(
  safe,
  fc.array(fc.oneof(dqChar, ref), { maxLength: 6 }).map((parts) => `"${parts.join('')}"`),
  fc.stringMatching(/^[A-Za-z0-9 "$`\\=#;]{0,8}$/).map((t) => `'${t}'`),
  ref,
);
const assignment = fc.record({
  exp: fc.boolean(),
  key: fc.constantFrom(...KEYS),
  value: fc.array(segment, { minLength: 0, maxLength: 3 }).map((s) => s.join('')),
  comment: fc.option(fc.stringMatching(/^[ a-z0-9]{0,10}$/), { nil: undefined }),
}).map(({ exp, key, value, comment }) => `${exp ? 'export ' : ''}${key}=${value}${comment !== undefined ? ` # ${comment}` : ''}`);
const line = fc.oneof({ arbitrary: assignment, weight: 6 }, fc.constantFrom('', '   ', '# a comment', '#', '  # indented = comment'));
const confText = fc.tuple(fc.array(line, { maxLength: 12 }), fc.boolean()).map(([lines, nl]) => lines.join('\n') + (nl && lines.length ? '\n' : ''));

describe('commbase.conf parser and editor', () => {
  it('prints back the same bytes it parsed (property)', () => {
    fc.assert(fc.property(confText, (text) => { expect(printConf(parseConf(text))).toBe(text); }), { numRuns: 400 });
  });

  it('set then get gives the value, and set changes one line only (property)', () => {
    fc.assert(fc.property(confText, fc.constantFrom(...KEYS.slice(0, 4)), fc.stringMatching(/^[A-Za-z0-9 _./:'-]{0,12}$/), (text, key, value) => {
      const before = parseConf(text, { COMMBASE_APP_DIR: '/app' });
      const { file, changes } = setValues(before, [[key, value]], { COMMBASE_APP_DIR: '/app' });
      expect(getValue(file, key)).toBe(value);
      const lines = (t: string) => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));
      const a = lines(text);
      const b = lines(printConf(file));
      const changed = b.filter((l, i) => a[i] !== l);
      expect(b.length - a.length).toBeLessThanOrEqual(1);
      expect(changed.length).toBeLessThanOrEqual(1);
      expect(changes.length).toBeLessThanOrEqual(1);
    }), { numRuns: 300 });
  });

  describe('agrees with a real shell', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cba-conf-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a value is refused, naming the key and the character, or bash reads it back exactly and runs nothing (property)', () => {
      const hostile = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 16 }),
        fc.constantFrom('$(touch pwned)', '`touch pwned`', '${HOME}', '$HOME', '\\$(touch pwned)', '"; touch pwned; "', 'a\ntouch pwned', 'a\u0000b', '$COMMBASE_APP_DIR/x', '${COMMBASE_APP_DIR}/y', 'x$COMMBASE_APP_DIR/z'),
      );
      let n = 0;
      fc.assert(fc.property(fc.constantFrom('CB_A', 'MESSAGING_FILE', 'COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS'), hostile, (key, value) => {
        const work = path.join(dir, `h${n++}`);
        mkdirSync(work);
        let file;
        try {
          file = setValues(parseConf(SEED), [[key, value]], { COMMBASE_APP_DIR: '/opt/commbase' }).file;
        } catch (err) {
          expect((err as Error).message).toContain(`invalid value for ${key} ${JSON.stringify(value)}`);
          return;
        }
        expect(value).not.toMatch(/[`"\\\n\r\0]/);
        writeFileSync(path.join(work, 'commbase.conf'), printConf(file));
        const out = execFileSync('env', ['-i', 'COMMBASE_APP_DIR=/opt/commbase', 'bash', '--norc', '--noprofile', '-c', 'set -a; . ./commbase.conf; env -0', 'bash'], { cwd: work, encoding: 'utf8' });
        const env = new Map(out.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
        expect(readdirSync(work)).toEqual(['commbase.conf']); // nothing ran
        expect(env.get(key)).toBe(getValue(file, key));
      }), { numRuns: 300 });
    });

    it('bash -c "set -a; . FILE; env" yields the values get reports (property)', () => {
      let n = 0;
      fc.assert(fc.property(confText, (text) => {
        const file = path.join(dir, `f${n++}.conf`);
        writeFileSync(file, text);
        const out = execFileSync('env', ['-i', 'COMMBASE_APP_DIR=/opt/commbase', 'bash', '--norc', '--noprofile', '-c', 'set -a; . "$1"; env -0', 'bash', file], { encoding: 'utf8' });
        const env = new Map(out.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
        const parsed = parseConf(text, { COMMBASE_APP_DIR: '/opt/commbase' });
        for (const key of KEYS) expect(getValue(parsed, key), `${key} in:\n${text}`).toBe(env.get(key));
      }), { numRuns: 120 });
    });
  });

  it('keeps lines it cannot read, reports them with their number, never drops them', () => {
    const text = 'A="1"\nB=$(id)\nC=`date`\nD=1; E=2\nF="unterminated\n';
    const f = parseConf(text);
    expect(printConf(f)).toBe(text);
    expect(f.lines.filter((l) => l.kind === 'unparsed').map((l) => l.n)).toEqual([2, 3, 4, 5]);
    expect(commbaseFindings(f).filter((x) => /not understood/.test(x.message)).map((x) => x.line)).toEqual([2, 3, 4, 5]);
  });

  it('validates the seed block and reports what Commbase\'s Python readers would do', () => {
    const seed = parseConf(SEED);
    expect(schemaFindings(seed)).toEqual([]);
    expect(commbaseFindings(seed)).toEqual([]);
    const bad = parseConf(`${SEED}\n# note\nX=a=b\nexport COMMBASE_DATA_EXCHANGE_SERVER_PORT=5000\nMESSAGING_FILE='data/m.json'\n`);
    const msgs = [...commbaseFindings(bad), ...schemaFindings(bad)].map((f) => `${f.line}:${f.severity}:${f.message}`);
    expect(msgs.join('\n')).toMatch(/14:warning:blank line/);
    expect(msgs.join('\n')).toMatch(/15:warning:comment line/);
    expect(msgs.join('\n')).toMatch(/16:warning:"=" inside the value/);
    expect(msgs.join('\n')).toMatch(/17:warning:"export " prefix/);
    expect(msgs.join('\n')).toMatch(/17:warning:not written as COMMBASE_DATA_EXCHANGE_SERVER_PORT="value": .* read "00"/);
    expect(msgs.join('\n')).toMatch(/18:error:MESSAGING_FILE "data\/m.json": must start with '\/'/);
    const zero = parseConf('COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="0.0.0.0"\n');
    expect(schemaFindings(zero)[0]).toMatchObject({ severity: 'note', message: expect.stringMatching(/every interface/) });
  });

  it('writes NAME="value" for Commbase keys and refuses what Commbase cannot read', () => {
    expect(renderAssignment('COMMBASE_DATA_EXCHANGE_SERVER_PORT', '5050')).toBe('COMMBASE_DATA_EXCHANGE_SERVER_PORT="5050"');
    expect(() => renderAssignment('MESSAGING_FILE', '/a=b')).toThrow(/contains "=" \(Commbase's Python readers split every line on "="\)/);
    expect(() => renderAssignment('MESSAGING_FILE', '/a"b')).toThrow(/would read the escape character literally/);
    expect(renderAssignment('OTHER', 'a "$b"')).toBe('OTHER="a \\"\\$b\\""');
    expect(() => setValues(parseConf(SEED), [['COMMBASE_DATA_EXCHANGE_SERVER_PORT', '70000']])).toThrow(/invalid value for COMMBASE_DATA_EXCHANGE_SERVER_PORT "70000": must be between 1 and 65535/);
    expect(() => setValues(parseConf(SEED), [['COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS', ';rm -rf /']])).toThrow(/must be an IP address or a host name/);
    expect(() => setValues(parseConf(SEED), [['CERTS_AND_KEYS_CA_PEM_FILE', '']])).toThrow(/CERTS_AND_KEYS_CA_PEM_FILE "": must not be empty/);
    expect(() => setValues(parseConf(SEED), [['1BAD', 'x']])).toThrow(/invalid key "1BAD"/);
  });
});
