// The Certificates screen's tools under tmux: a client certificate from the local CA (openssl verifies it, with
// clientAuth), the certificate a CA signed for a CSR imported (openssl x509 -req plays the CA), and a live server's
// certificate inspected (openssl s_server serves it): chain, names, expiry and trust.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runJson } from '../helpers/cli.js';
import { missing, titled } from '../helpers/needs.js';
import { freePort, listening } from '../helpers/port.js';
import { sh } from '../helpers/proc.js';
import { withTempDir } from '../helpers/tmp.js';
import { TmuxSession } from '../helpers/tmux.js';

const why = missing({ commands: ['tmux', 'openssl'] });

describe.skipIf(why)(titled('console under tmux: certificate tools', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let session: TmuxSession | undefined;
  let server: ChildProcess | undefined;
  let env: Record<string, string>;
  let pki: string;
  beforeAll(async () => {
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
    pki = path.join(tmp.dir, 'pki');
    expect((await runJson(['cert', 'setup', '--dir', pki, '--cn', 'localhost', '--san', 'IP:127.0.0.1'], { env })).code).toBe(0);
  });
  afterAll(async () => { session?.kill(); server?.kill(); await tmp?.cleanup(); });

  const open = async (downs: number) => {
    await session!.waitFor('What do you need?');
    await session!.repeat('Down', downs);
    await session!.key('Enter');
  };

  it('makes a client certificate, imports a signed one, and inspects a live server', async () => {
    session = TmuxSession.start('tools', [process.execPath, BIN], env, { cols: 130, rows: 45 });
    await session.waitFor('Certificates');
    await session.openFromHome('1', 'What do you need?');

    // A client certificate signed by the local CA.
    await open(3);
    await session.waitFor('The CA to sign with');
    await session.paste(path.join(pki, 'ca'));
    await session.key('Enter');
    await session.waitFor('The client\'s name');
    await session.paste('kiosk-3');
    await session.key('Enter');
    await session.waitFor('Directory for the client');
    await session.paste(path.join(tmp.dir, 'clients'));
    await session.key('Enter');
    await session.waitFor('Done. Files written', 20_000);
    const client = path.join(tmp.dir, 'clients', 'kiosk-3');
    expect(sh('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', path.join(pki, 'ca', 'ca.pem'), path.join(client, 'cert.pem')])).toMatch(/OK/);

    // Import what a CA signed for a CSR (openssl plays the public CA, with the local CA's key).
    const csrDir = path.join(tmp.dir, 'csr');
    expect((await runJson(['cert', 'csr', '--out-dir', csrDir, '--cn', 'relay.example.org'], { env })).code).toBe(0);
    const signed = path.join(tmp.dir, 'signed.pem');
    sh('openssl', ['x509', '-req', '-in', path.join(csrDir, 'request.csr'), '-CA', path.join(pki, 'ca', 'ca.pem'), '-CAkey', path.join(pki, 'ca', 'ca-key.pem'), '-CAcreateserial', '-out', signed, '-days', '30', '-copy_extensions', 'copy']);
    await session.key('a');
    await open(4);
    await session.waitFor('The key the CSR was made with');
    await session.paste(path.join(csrDir, 'key.pem'));
    await session.key('Enter');
    await session.waitFor('The certificate the CA signed');
    await session.paste(signed);
    await session.key('Enter');
    await session.waitFor('Intermediate certificates');
    await session.key('Enter');
    const imported = await session.waitFor(/certificate with its chain/, 20_000);
    expect(imported).toMatch(/relay\.example\.org/);
    expect(existsSync(path.join(csrDir, 'cert.pem'))).toBe(true);

    // A live server: openssl s_server with the server certificate.
    const port = await freePort();
    server = spawn('openssl', ['s_server', '-accept', String(port), '-cert', path.join(pki, 'server', 'cert.pem'), '-key', path.join(pki, 'server', 'key.pem'), '-quiet'], { stdio: ['pipe', 'ignore', 'ignore'] });
    await listening(port);
    await session.key('a');
    await open(5);
    await session.waitFor('A certificate file, or a live server');
    await session.paste(`127.0.0.1:${port}`);
    await session.key('Enter');
    await session.waitFor('Check that it chains to this CA');
    await session.paste(path.join(pki, 'ca', 'ca.pem'));
    await session.key('Enter');
    await session.waitFor('Check that it is valid for this name');
    await session.key('Enter');
    const live = await session.waitFor(/trusted:\s+yes/, 20_000);
    expect(live).toMatch(new RegExp(`server:\\s+127\\.0\\.0\\.1:${port}`));
    expect(live).toMatch(/chains to CA: yes/);
    expect(live).toMatch(/valid for 127\.0\.0\.1: yes/);
    expect(live).toMatch(/chain sent:\s+CN=localhost/);
    // The same from the command line; without the CA the system store does not trust it (exit 4).
    const cli = await runJson<{ trusted: boolean; chain: string[]; validForHost: { ok: boolean } }>(['cert', 'inspect', `127.0.0.1:${port}`, '--ca', path.join(pki, 'ca', 'ca.pem'), '--json'], { env });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.json).toMatchObject({ trusted: true, validForHost: { ok: true } });
    const untrusted = await runJson<{ trusted: boolean; trustError: string }>(['cert', 'inspect', `127.0.0.1:${port}`, '--json'], { env });
    expect(untrusted.code).toBe(4);
    expect(untrusted.json.trusted).toBe(false);
  }, 120_000);
});
