// Certificates made by commbase-admin, checked by the real tools: openssl, a Node TLS handshake, curl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runCli, runJson } from '../helpers/cli.js';
import { missing, titled } from '../helpers/needs.js';
import { sh, shResult } from '../helpers/proc.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ commands: ['openssl', 'curl'] });

describe.skipIf(why)(titled('certificates against openssl, Node TLS and curl', why), () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let ca: string;
  let srv: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await withTempDir());
    ca = path.join(dir, 'ca');
    srv = path.join(dir, 'srv');
    const a = await runJson(['cert', 'ca', '--dir', ca, '--cn', 'Test Relay CA', '--key-size', '2048']);
    expect(a.code, a.stderr).toBe(0);
    const b = await runJson(['cert', 'issue', '--ca-dir', ca, '--out-dir', srv, '--cn', 'relay.test', '--san', 'DNS:localhost', '--san', 'IP:127.0.0.1']);
    expect(b.code, b.stderr).toBe(0);
  });
  afterAll(async () => cleanup?.());

  it('writes the CA as a real CA: openssl sees CA:TRUE critical, keyCertSign, a subject key id', async () => {
    const text = sh('openssl', ['x509', '-in', path.join(ca, 'ca.pem'), '-noout', '-text']);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+.*Certificate Sign, CRL Sign/);
    expect(text).toMatch(/X509v3 Subject Key Identifier/);
    expect(text).toMatch(/Public-Key: \(2048 bit\)/);
    expect((await stat(path.join(ca, 'ca-key.pem'))).mode & 0o077).toBe(0);
  });

  it('issues a server certificate that openssl verifies strictly, with SANs and serverAuth', async () => {
    expect(sh('openssl', ['verify', '-x509_strict', '-CAfile', path.join(ca, 'ca.pem'), path.join(srv, 'cert.pem')])).toMatch(/OK/);
    const text = sh('openssl', ['x509', '-in', path.join(srv, 'cert.pem'), '-noout', '-text']);
    expect(text).toMatch(/DNS:relay\.test, DNS:localhost, IP Address:127\.0\.0\.1/);
    expect(text).toMatch(/TLS Web Server Authentication/);
    expect(text).toMatch(/CA:FALSE/);
    expect(text).toMatch(/Authority Key Identifier/);
    expect((await stat(path.join(srv, 'key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(srv, 'ca.pem'), 'utf8')).toBe(await readFile(path.join(ca, 'ca.pem'), 'utf8'));
  });

  it('issues a client certificate with clientAuth', async () => {
    const out = path.join(dir, 'client');
    const r = await runJson(['cert', 'issue', '--ca-dir', ca, '--out-dir', out, '--cn', 'uploader-1', '--client']);
    expect(r.code, r.stderr).toBe(0);
    const text = sh('openssl', ['x509', '-in', path.join(out, 'cert.pem'), '-noout', '-text']);
    expect(text).toMatch(/TLS Web Client Authentication/);
    expect(sh('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', path.join(ca, 'ca.pem'), path.join(out, 'cert.pem')])).toMatch(/OK/);
  });

  describe('TLS with the issued certificate', () => {
    let server: https.Server;
    let port: number;
    beforeAll(async () => {
      server = https.createServer({ cert: await readFile(path.join(srv, 'cert.pem')), key: await readFile(path.join(srv, 'key.pem')) }, (_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const get = (host: string, servername?: string) => new Promise<string>((resolve, reject) => {
      https.get({ host, port, path: '/', ca: sh('cat', [path.join(srv, 'ca.pem')]), ...(servername ? { servername, headers: { host: servername } } : {}),
        ...(servername ? { lookup: (_h: string, _o: unknown, cb: (e: null, a: string, f: number) => void) => cb(null, '127.0.0.1', 4) } : {}) }, (res) => {
        let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => resolve(body));
      }).on('error', reject);
    });

    it('a Node client trusting only ca.pem accepts it by DNS name and by IP', async () => {
      expect(await get('localhost')).toBe('ok');
      expect(await get('127.0.0.1')).toBe('ok');
    });

    it('curl --cacert accepts it, and rejects a name not in the SANs', async () => {
      const ok = await shResult('curl', ['-sS', '--cacert', path.join(srv, 'ca.pem'), `https://localhost:${port}/`]);
      expect(ok.stdout).toBe('ok');
      const bad = await shResult('curl', ['-sS', '--cacert', path.join(srv, 'ca.pem'), '--resolve', `other.test:${port}:127.0.0.1`, `https://other.test:${port}/`]);
      expect(bad.code).toBe(60);
      expect(bad.stderr).toMatch(/does not match|no alternative certificate subject name/i);
    });

    it('a Node client rejects a name not in the SANs', async () => {
      await expect(get('127.0.0.1', 'other.test')).rejects.toThrow(/altnames|Hostname\/IP does not match/);
    });
  });

  it('makes a CSR with SANs that openssl verifies, and imports what a CA signed only with the matching key', async () => {
    const out = path.join(dir, 'public');
    const r = await runJson(['cert', 'csr', '--out-dir', out, '--cn', 'relay.example.org', '--san', 'DNS:www.example.org']);
    expect(r.code, r.stderr).toBe(0);
    const csr = path.join(out, 'request.csr');
    expect((await shResult('openssl', ['req', '-in', csr, '-noout', '-verify'])).stderr + sh('openssl', ['req', '-in', csr, '-noout', '-verify'])).toMatch(/verify OK|Certificate request self-signature verify OK/);
    expect(sh('openssl', ['req', '-in', csr, '-noout', '-text'])).toMatch(/DNS:relay\.example\.org, DNS:www\.example\.org/);

    // The "public CA": an intermediate under a root, both made by the openssl CLI.
    const pca = path.join(dir, 'pca');
    sh('mkdir', ['-p', pca]);
    sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${pca}/root.key`, '-out', `${pca}/root.pem`, '-subj', '/CN=Root', '-days', '30',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    sh('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${pca}/int.key`, '-out', `${pca}/int.csr`, '-subj', '/CN=Intermediate']);
    await writeFile(`${pca}/int.ext`, 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
    sh('openssl', ['x509', '-req', '-in', `${pca}/int.csr`, '-CA', `${pca}/root.pem`, '-CAkey', `${pca}/root.key`, '-CAcreateserial', '-out', `${pca}/int.pem`, '-days', '30', '-extfile', `${pca}/int.ext`]);
    sh('openssl', ['x509', '-req', '-in', csr, '-CA', `${pca}/int.pem`, '-CAkey', `${pca}/int.key`, '-CAcreateserial', '-out', `${pca}/signed.pem`, '-days', '30', '-copy_extensions', 'copy']);

    const wrongKey = path.join(dir, 'srv', 'key.pem');
    const bad = await runJson(['cert', 'import', '--key', wrongKey, '--cert', `${pca}/signed.pem`, '--chain', `${pca}/int.pem`, '--out', path.join(dir, 'wrong.pem')]);
    expect(bad.code).toBe(2);
    expect(bad.json).toMatchObject({ error: { kind: 'user', field: 'cert' } });
    expect(String((bad.json as { error: { message: string } }).error.message)).toMatch(/was not issued for the key/);
    expect(await readdir(dir)).not.toContain('wrong.pem');

    const badChain = await runJson(['cert', 'import', '--key', path.join(out, 'key.pem'), '--cert', `${pca}/signed.pem`, '--chain', `${pca}/root.pem`]);
    expect(badChain.code).toBe(2);
    expect(badChain.json).toMatchObject({ error: { field: 'chain' } });

    const ok = await runJson(['cert', 'import', '--key', path.join(out, 'key.pem'), '--cert', `${pca}/signed.pem`, '--chain', `${pca}/int.pem`]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ cert: path.join(out, 'cert.pem'), chainLength: 1 });
    expect(sh('openssl', ['verify', '-CAfile', `${pca}/root.pem`, '-untrusted', path.join(out, 'cert.pem'), path.join(out, 'cert.pem')])).toMatch(/OK/);
  });

  it('inspects: names, fingerprint matching openssl, chain and host checks, exit 4 on a problem', async () => {
    const r = await runJson<Record<string, unknown>>(['cert', 'inspect', path.join(srv, 'cert.pem'), '--ca', path.join(ca, 'ca.pem'), '--host', '127.0.0.1']);
    expect(r.code).toBe(0);
    const fp = sh('openssl', ['x509', '-in', path.join(srv, 'cert.pem'), '-noout', '-fingerprint', '-sha256']).trim().split('=')[1];
    expect(r.json).toMatchObject({ sans: ['DNS:relay.test', 'DNS:localhost', 'IP:127.0.0.1'], chainsToCa: true, validForHost: { host: '127.0.0.1', ok: true }, fingerprintSha256: fp, keyType: 'rsa', keyBits: 2048, isCa: false });
    expect(r.json.daysLeft).toBeGreaterThanOrEqual(824);

    const other = await withTempDir();
    try {
      await runJson(['cert', 'ca', '--dir', other.dir, '--cn', 'Other CA', '--key-size', '2048']);
      const bad = await runJson(['cert', 'inspect', path.join(srv, 'cert.pem'), '--ca', path.join(other.dir, 'ca.pem'), '--host', 'evil.test']);
      expect(bad.code).toBe(4);
      expect(bad.json).toMatchObject({ chainsToCa: false, validForHost: { ok: false } });
      expect((bad.json.warnings as string[]).join(' ')).toMatch(/does not chain.*not valid for evil\.test/);
    } finally {
      await other.cleanup();
    }
  });

  it('cert setup makes DIR/ca and DIR/server in one step, then reuses that CA; bad input writes nothing', async () => {
    const root = path.join(dir, 'setup');
    const bad = await runJson<{ error: { field: string; message: string } }>(['cert', 'setup', '--dir', root, '--cn', 'relay.test', '--san', 'IP:300.1.1.1']);
    expect(bad.code).toBe(2);
    expect(bad.json.error.field).toBe('san.0');
    expect(bad.json.error.message).toContain('"IP:300.1.1.1"');
    await expect(readdir(root)).rejects.toThrow(/ENOENT/);

    const first = await runJson<{ ca?: { cert: string }; server: { cert: string; key: string; ca: string; sans: string[] } }>(['cert', 'setup', '--dir', root, '--cn', 'relay.test', '--san', 'IP:127.0.0.1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json.ca?.cert).toBe(path.join(root, 'ca', 'ca.pem'));
    expect(first.json.server.sans).toEqual(['DNS:relay.test', 'IP:127.0.0.1']);
    const caPem = path.join(root, 'ca', 'ca.pem');
    expect(sh('openssl', ['verify', '-x509_strict', '-CAfile', caPem, first.json.server.cert])).toMatch(/OK/);
    expect(sh('openssl', ['x509', '-in', caPem, '-noout', '-text'])).toMatch(/Public-Key: \(3072 bit\)[\s\S]*CA:TRUE/);
    expect(sh('openssl', ['x509', '-in', first.json.server.cert, '-noout', '-text'])).toMatch(/Public-Key: \(2048 bit\)/);
    expect((await stat(first.json.server.key)).mode & 0o777).toBe(0o600);

    const again = await runJson<{ ca?: unknown; server: { cert: string } }>(['cert', 'setup', '--dir', root, '--cn', 'relay.test', '--san', 'IP:127.0.0.1']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.ca).toBeUndefined(); // the CA already there is used, not replaced
    expect(sh('openssl', ['verify', '-CAfile', caPem, again.json.server.cert])).toMatch(/OK/);
  });

  it('refuses to replace a CA without --force, and keeps a backup with it', async () => {
    const before = await readFile(path.join(ca, 'ca.pem'), 'utf8');
    const refused = await runCli(['cert', 'ca', '--dir', ca, '--cn', 'Again']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already holds a CA/);
    expect(await readFile(path.join(ca, 'ca.pem'), 'utf8')).toBe(before);

    const forced = await runJson(['cert', 'ca', '--dir', ca, '--cn', 'Again', '--force', '--key-size', '2048']);
    expect(forced.code).toBe(0);
    const backups = (forced.json as { backups: string[] }).backups;
    expect(backups).toHaveLength(2);
    const certBackup = backups.find((b) => b.includes('ca.pem.'))!;
    expect(await readFile(certBackup, 'utf8')).toBe(before);
    expect((await stat(backups.find((b) => b.includes('ca-key.pem.'))!)).mode & 0o077).toBe(0);
  });

  it('encrypts a CA key with --encrypt (openssl reads it with the passphrase) and signs with it only when given the passphrase', async () => {
    const dir2 = path.join(dir, 'enc');
    const pass = { COMMBASE_ADMIN_PASSPHRASE: 'long enough secret' };
    const made = await runJson(['cert', 'ca', '--dir', path.join(dir2, 'ca'), '--cn', 'Locked CA', '--key-size', '2048', '--days', '400', '--encrypt'], { env: pass });
    expect(made.code, made.stderr).toBe(0);
    const keyPem = await readFile(path.join(dir2, 'ca', 'ca-key.pem'), 'utf8');
    expect(keyPem).toMatch(/BEGIN ENCRYPTED PRIVATE KEY/);
    expect((await shResult('openssl', ['pkey', '-in', path.join(dir2, 'ca', 'ca-key.pem'), '-passin', 'pass:long enough secret', '-noout'])).code).toBe(0);
    expect(sh('openssl', ['x509', '-in', path.join(dir2, 'ca', 'ca.pem'), '-noout', '-enddate'])).toMatch(/notAfter=/);
    const issueArgs = ['cert', 'issue', '--ca-dir', path.join(dir2, 'ca'), '--out-dir', path.join(dir2, 'srv'), '--cn', 'relay.test'];
    const without = await runCli(issueArgs);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/passphrase/);
    const wrong = await runCli(issueArgs, { env: { COMMBASE_ADMIN_PASSPHRASE: 'not the one at all' } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/wrong passphrase/);
    expect((await readdir(dir2)).sort()).toEqual(['ca']); // nothing issued
    const ok = await runJson(issueArgs, { env: pass });
    expect(ok.code, ok.stderr).toBe(0);
    expect(sh('openssl', ['verify', '-CAfile', path.join(dir2, 'ca', 'ca.pem'), path.join(dir2, 'srv', 'cert.pem')])).toMatch(/OK/);
    const short = await runCli(['cert', 'ca', '--dir', path.join(dir2, 'ca2'), '--cn', 'X', '--encrypt'], { env: { COMMBASE_ADMIN_PASSPHRASE: 'short' } });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/passphrase.*at least 8/s);
  }, 60_000);
});
