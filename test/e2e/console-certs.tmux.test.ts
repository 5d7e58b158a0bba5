// The whole console in an 80x24 tmux pane: walk the certificate wizard with keystrokes, find the files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BIN } from '../helpers/cli.js';
import { missing, titled } from '../helpers/needs.js';
import { sh } from '../helpers/proc.js';
import { TmuxSession } from '../helpers/tmux.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ commands: ['tmux', 'openssl'] });

describe.skipIf(why)(titled('console under tmux: certificate wizard', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let session: TmuxSession | undefined;
  beforeAll(async () => { tmp = await withTempDir(); });
  afterAll(async () => { session?.kill(); await tmp?.cleanup(); });

  it('walks the wizard in 80x24 with NO_COLOR and writes a CA-signed server certificate', async () => {
    const env = { XDG_DATA_HOME: path.join(tmp.dir, 'data'), XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), NO_COLOR: '1', TERM: 'xterm-256color' };
    session = TmuxSession.start('certs', [process.execPath, BIN], env);
    const home = await session.waitFor('Certificates');
    expect(home).toMatch(/q\/Esc back/);
    expect(home.split('\n').every((l) => l.length <= 80)).toBe(true);
    // NO_COLOR: not one colour sequence, including those of @inkjs/ui's own widgets.
    expect(session.captureEscapes()).not.toMatch(new RegExp(`${String.fromCharCode(27)}\\[(3\\d|9\\d|38)[;m]`));
    await session.openFromHome('Enter', 'What do you need?');
    await session.key('Enter');
    await session.waitFor('Server name');
    // Replace the pre-filled name with our own.
    await session.repeat('BSpace', 64);
    await session.type('relay.lan');
    await session.key('Enter');
    await session.waitFor('Names and addresses');
    await session.repeat('BSpace', 200);
    await session.type('DNS:relay.lan,IP:127.0.0.1');
    await session.key('Enter');
    await session.waitFor('Directory to write to');
    await session.key('Enter');
    await session.waitFor('How long the new CA is valid');
    await session.key('Enter'); // 3650
    await session.waitFor('A passphrase for the CA key');
    await session.paste('correct horse battery'); // masked, and the CA key is written encrypted
    await session.waitFor(/› •{21}/);
    await session.key('Enter');
    await session.waitFor('Write these files?');
    await session.key('y');
    await session.waitFor('Done. Files written', 30_000);
    const server = path.join(env.XDG_DATA_HOME, 'commbase-admin', 'certificates', 'server');
    expect(await readFile(path.join(env.XDG_DATA_HOME, 'commbase-admin', 'certificates', 'ca', 'ca-key.pem'), 'utf8')).toMatch(/BEGIN ENCRYPTED PRIVATE KEY/);
    expect((await readdir(server)).sort()).toEqual(['ca.pem', 'cert.pem', 'key.pem']);
    expect(sh('openssl', ['verify', '-CAfile', path.join(server, 'ca.pem'), path.join(server, 'cert.pem')])).toMatch(/OK/);
    expect(sh('openssl', ['x509', '-in', path.join(server, 'cert.pem'), '-noout', '-ext', 'subjectAltName'])).toMatch(/DNS:relay\.lan, IP Address:127\.0\.0\.1/);
    await session.key('q');
    await session.waitFor('Monitor');
    await session.key('q');
    const start = Date.now();
    while (session.alive() && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 100));
    expect(session.alive()).toBe(false); // the console exited, which ends the tmux session
  }, 120_000);
});
