// Keys encrypted by the openssl CLI are decrypted; wrong passphrases and bad input write nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, runJson } from '../helpers/cli.js';
import { missing, titled } from '../helpers/needs.js';
import { sh } from '../helpers/proc.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ commands: ['openssl'] });

describe.skipIf(why)(titled('strip-passphrase with keys from the openssl CLI', why), () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await withTempDir()));
  afterAll(async () => cleanup?.());

  const formats: Array<[string, string[]]> = [
    ['legacy PEM (genrsa -aes256 -traditional)', ['genrsa', '-aes256', '-traditional', '-passout', 'pass:s3cret pass', '2048']],
    ['PKCS#8 (genpkey -aes256)', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes256', '-pass', 'pass:s3cret pass']],
    ['EC PKCS#8 (genpkey -aes-128-cbc)', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-aes-128-cbc', '-pass', 'pass:s3cret pass']],
  ];

  it.each(formats)('decrypts %s with the passphrase from a file', async (_name, args) => {
    const enc = path.join(dir, `enc-${args[0]}-${args.length}.pem`);
    sh('openssl', [...args.slice(0, 1), '-out', enc, ...args.slice(1)]);
    const passFile = path.join(dir, 'pass.txt');
    await writeFile(passFile, 's3cret pass\n', { mode: 0o600 });
    const out = `${enc}.plain`;
    const r = await runJson(['cert', 'strip-passphrase', '--in', enc, '--out', out, '--passphrase-file', passFile]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const plain = await readFile(out, 'utf8');
    expect(plain).not.toMatch(/ENCRYPTED/);
    // openssl reads it without a passphrase and finds the same public key as the encrypted original.
    const pubPlain = sh('openssl', ['pkey', '-in', out, '-pubout']);
    const pubEnc = sh('openssl', ['pkey', '-in', enc, '-passin', 'pass:s3cret pass', '-pubout']);
    expect(pubPlain).toBe(pubEnc);
  });

  it('takes the passphrase from the environment, and keeps a backup when writing over the input', async () => {
    const enc = path.join(dir, 'inplace.pem');
    sh('openssl', ['genrsa', '-aes256', '-traditional', '-passout', 'pass:envpass', '-out', enc, '2048']);
    const original = await readFile(enc, 'utf8');
    const r = await runJson(['cert', 'strip-passphrase', '--in', enc, '--out', enc], { env: { COMMBASE_ADMIN_PASSPHRASE: 'envpass' } });
    expect(r.code, r.stdout).toBe(0);
    expect(r.json).toMatchObject({ backup: `${enc}.bak`, wasEncrypted: true });
    expect(await readFile(`${enc}.bak`, 'utf8')).toBe(original);
    expect(await readFile(enc, 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
  });

  it('a wrong passphrase is a clear error and writes nothing', async () => {
    const enc = path.join(dir, 'wrong.pem');
    sh('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes256', '-pass', 'pass:right', '-out', enc]);
    const before = await readdir(dir);
    const r = await runCli(['cert', 'strip-passphrase', '--in', enc, '--out', path.join(dir, 'wrong.plain')], { env: { COMMBASE_ADMIN_PASSPHRASE: 'nope' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ERROR: failed to decrypt the key: wrong passphrase/);
    expect(await readdir(dir)).toEqual(before);
  });

  it('--passphrase-file reads the first line only', async () => {
    const enc = path.join(dir, 'first-line.pem');
    sh('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes256', '-pass', 'pass:line one', '-out', enc]);
    const passFile = path.join(dir, 'two-lines.txt');
    await writeFile(passFile, 'line one\nline two\n', { mode: 0o600 });
    const r = await runJson(['cert', 'strip-passphrase', '--in', enc, '--out', `${enc}.plain`, '--passphrase-file', passFile]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('with no terminal and no passphrase source, says where to put it', async () => {
    const enc = path.join(dir, 'wrong.pem');
    const r = await runCli(['cert', 'strip-passphrase', '--in', enc, '--out', path.join(dir, 'x.plain')], { env: { COMMBASE_ADMIN_PASSPHRASE: '' } });
    // An empty variable is a (wrong) passphrase, not "none given".
    expect(r.stderr).toMatch(/wrong passphrase/);
    const env = { ...process.env };
    delete env.COMMBASE_ADMIN_PASSPHRASE;
    const r2 = await runCli(['cert', 'strip-passphrase', '--in', enc, '--out', path.join(dir, 'x.plain')], { env: env as Record<string, string> });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--passphrase-file FILE or the COMMBASE_ADMIN_PASSPHRASE environment variable/);
  });
});

describe('bad input writes nothing and names the field', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await withTempDir()));
  afterAll(async () => cleanup?.());

  it.each([
    [['cert', 'ca', '--cn', 'X', '--days', '-3'], /invalid days "-3": must be at least 1 day/],
    [['cert', 'ca', '--cn', 'X', '--key-size', '1000'], /invalid key-size "1000": must be one of 2048, 3072, 4096/],
    [['cert', 'ca', '--cn', 'X', '--days', 'ten'], /invalid days "ten"/],
    // Numbers are digits only: nothing the operator did not type is read into them.
    [['cert', 'ca', '--cn', 'X', '--days', '0x16'], /invalid days "0x16": must be a whole number of days/],
    [['cert', 'ca', '--cn', 'X', '--days', '1e3'], /invalid days "1e3"/],
    [['cert', 'ca', '--cn', 'X', '--days', '22.0'], /invalid days "22.0"/],
    [['cert', 'ca', '--cn', 'X', '--days', ' 22 '], /invalid days " 22 "/],
    [['cert', 'ca', '--cn', 'X', '--key-size', '0x800'], /invalid key-size "0x800": must be one of/],
    [['cert', 'ca', '--cn', 'bell\u0007'], /invalid cn "bell\\u0007": must not contain control characters/],
    [['cert', 'ca', '--cn', 'rtl\u202eoverride'], /invalid cn .*must be printable text/],
  ])('%j', async (args, message) => {
    const target = path.join(dir, 'ca-bad');
    const r = await runCli([...args.slice(0, 2), '--dir', target, ...args.slice(2)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await readdir(dir)).not.toContain('ca-bad');
  });

  it.each([['IP:fe80::1%eth0', /zone id/], ['DNS:bad\u0007name', /must be DNS:<host name>/], ['DNS:a b.example', /must be DNS:<host name>/]])('refuses the SAN %j before anything is written', async (value, message) => {
    const r = await runJson<{ error: { field: string; message: string } }>(['cert', 'setup', '--dir', path.join(dir, 'pki-bad'), '--cn', 'relay.test', '--san', value]);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe('san.0');
    expect(r.json.error.message).toMatch(message);
    expect(await readdir(dir)).not.toContain('pki-bad');
  });

  it('a bad SAN in issue', async () => {
    const r = await runJson(['cert', 'issue', '--ca-dir', path.join(dir, 'none'), '--out-dir', path.join(dir, 'out'), '--cn', 'x', '--san', 'IP:300.1.1.1']);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ error: { kind: 'user', field: 'san.0' } });
    expect(await readdir(dir)).not.toContain('out');
  });

  it('a directory that cannot be written', async () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere on a normal directory: a path under a regular file cannot be created by anyone.
      await writeFile(path.join(dir, 'file'), 'x');
      const r = await runCli(['cert', 'ca', '--dir', path.join(dir, 'file', 'ca'), '--cn', 'X']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/failed to create the directory/);
    } else {
      await mkdir(path.join(dir, 'ro'), { mode: 0o500 });
      await chmod(path.join(dir, 'ro'), 0o500);
      const r = await runCli(['cert', 'ca', '--dir', path.join(dir, 'ro'), '--cn', 'X']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot be written/);
    }
  });

  it.skipIf(why)(titled('encodes a non-ASCII common name as UTF8String and an international DNS name in IDNA form', why), async () => {
    const pki = path.join(dir, 'pki-intl');
    const r = await runJson<{ server: { sans: string[] } }>(['cert', 'setup', '--dir', pki, '--cn', 'Relais Bücherstraße', '--san', 'DNS:bücher.example', '--san', 'IP:192.0.2.1']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const cert = path.join(pki, 'server', 'cert.pem');
    expect(sh('openssl', ['x509', '-in', cert, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus'])).toMatch(/CN=Relais Bücherstraße/);
    expect(sh('openssl', ['asn1parse', '-in', cert])).toMatch(/UTF8STRING\s*:Relais B/);
    expect(sh('openssl', ['x509', '-in', cert, '-noout', '-ext', 'subjectAltName'])).toMatch(/DNS:xn--bcher-kva\.example, IP Address:192\.0\.2\.1/);
    sh('openssl', ['verify', '-CAfile', path.join(pki, 'ca', 'ca.pem'), cert]);
  });

  it('usage errors exit 2 and --help exits 0 for every cert command', async () => {
    expect((await runCli(['cert', 'ca'])).code).toBe(2);
    for (const verb of ['ca', 'issue', 'csr', 'import', 'strip-passphrase', 'inspect']) {
      const r = await runCli(['cert', verb, '--help']);
      expect(r.code, verb).toBe(0);
      expect(r.stdout).toMatch(/Usage: commbase-admin cert/);
    }
  });
});
