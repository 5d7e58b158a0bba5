// client setup and client probe as an attacker and an unusual install meet them: a symlinked commbase.conf and
// scripts (here and over SFTP), bytes that are not UTF-8, token-bearing files' modes, CA files that are not one
// certificate (two CAs, a password line, /dev/zero, a FIFO), a planted socketio.py in the operator's directory,
// and a relay answer full of terminal escapes.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runJson } from '../helpers/cli.js';
import { BUNDLE, commbaseMissing, makeAppDir } from '../helpers/commbase.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { freePort } from '../helpers/port.js';
import { RelayProcess } from '../helpers/relay.js';
import { withTempDir } from '../helpers/tmp.js';

const why = commbaseMissing() ?? missing({ root: true, commands: ['ip', 'sshd', 'ssh-keygen', 'mkfifo'], python: ['socketio', 'requests'] });

let tmp: { dir: string; cleanup: () => Promise<void> };
let env: Record<string, string>;
let relay: RelayProcess;
let dataDir: string;
let port: number;
beforeAll(async () => {
  tmp = await withTempDir();
  env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
  if (why) return;
  dataDir = path.join(tmp.dir, 'relay');
  port = await freePort();
  relay = await RelayProcess.start(['--port', String(port)], env, dataDir);
});
afterAll(async () => {
  await relay?.stop();
  await tmp?.cleanup();
});

const CLIENT = path.join('bundles', 'commbase-data-exchange', 'client');

/** An app directory whose commbase.conf and updater are links to files elsewhere, with a 0xE9 byte in each. */
function linkedApp(name: string): { app: string; realConf: string; realUpdater: string } {
  const app = makeAppDir(path.join(tmp.dir, name));
  cpSync(BUNDLE, path.join(app, 'bundles', 'commbase-data-exchange'), { recursive: true });
  const elsewhere = path.join(tmp.dir, `${name}-real`);
  mkdirSync(elsewhere);
  const realConf = path.join(elsewhere, 'commbase.conf');
  const conf = readFileSync(path.join(app, 'config', 'commbase.conf'));
  writeFileSync(realConf, Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(' (Latin-1)\n'), conf]));
  execFileSync('rm', [path.join(app, 'config', 'commbase.conf')]);
  symlinkSync(realConf, path.join(app, 'config', 'commbase.conf'));
  const realUpdater = path.join(elsewhere, 'updater.py');
  const upd = readFileSync(path.join(app, CLIENT, 'updater_http_websocket.py'));
  writeFileSync(realUpdater, Buffer.concat([Buffer.from('# r'), Buffer.from([0xe9, 0xe9]), Buffer.from('sum\n'), upd]), { mode: 0o755 });
  renameSync(path.join(app, CLIENT, 'updater_http_websocket.py'), path.join(app, CLIENT, 'updater_http_websocket.py.orig'));
  symlinkSync(realUpdater, path.join(app, CLIENT, 'updater_http_websocket.py'));
  return { app, realConf, realUpdater };
}

function expectLinkedKept(x: ReturnType<typeof linkedApp>): void {
  // The links are still links, to the same files; those files were written, their backups beside them.
  expect(lstatSync(path.join(x.app, 'config', 'commbase.conf')).isSymbolicLink()).toBe(true);
  expect(readlinkSync(path.join(x.app, 'config', 'commbase.conf'))).toBe(x.realConf);
  expect(lstatSync(path.join(x.app, CLIENT, 'updater_http_websocket.py')).isSymbolicLink()).toBe(true);
  expect(existsSync(`${x.realConf}.bak`)).toBe(true);
  expect(existsSync(`${x.realUpdater}.bak`)).toBe(true);
  const conf = readFileSync(x.realConf);
  const upd = readFileSync(x.realUpdater);
  // Bytes outside the changed values are kept: 0xE9 is still 0xE9 (not U+FFFD's EF BF BD).
  const confHead = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(' (Latin-1)\n')]);
  const updHead = Buffer.concat([Buffer.from('# r'), Buffer.from([0xe9, 0xe9]), Buffer.from('sum\n')]);
  expect(conf.subarray(0, confHead.length)).toEqual(confHead);
  expect(upd.subarray(0, updHead.length)).toEqual(updHead);
  expect(conf.includes(Buffer.from([0xef, 0xbf, 0xbd]))).toBe(false);
  expect(conf.toString('latin1')).toMatch(new RegExp(`COMMBASE_DATA_EXCHANGE_SERVER_PORT="${port}"`));
  expect(upd.toString('latin1')).toMatch(/api_url = 'http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]{43}\/api\/update_json'/);
  // The token-bearing script is 0600 now (it was 0755: the owner keeps x), and so is its backup.
  expect(statSync(x.realUpdater).mode & 0o777).toBe(0o700);
  expect(statSync(path.join(x.app, CLIENT, 'client_http_websocket.py')).mode & 0o077).toBe(0);
}

describe.skipIf(why)(titled('client setup keeps what it does not change', why), () => {
  it('here: writes through links (the links stay), byte for byte outside the values, token files 0600', async () => {
    const x = linkedApp('app-local');
    const r = await runJson<{ backups: string[] }>(['client', 'setup', '--app-dir', x.app, '--relay-url', `http://127.0.0.1:${port}`, '--name', 'desk', '--data-dir', dataDir], { env });
    expect(r.code, r.stderr + JSON.stringify(r.json)).toBe(0);
    expectLinkedKept(x);
  });

  it('a dry run says when no relay is there to issue the token (the real run would fail), changing nothing', async () => {
    const app = makeAppDir(path.join(tmp.dir, 'app-norelay'));
    cpSync(BUNDLE, path.join(app, 'bundles', 'commbase-data-exchange'), { recursive: true });
    const before = readFileSync(path.join(app, 'config', 'commbase.conf'));
    const nowhere = path.join(tmp.dir, 'no-relay-here');
    const r = await runJson<{ error: { message: string } }>(['client', 'setup', '--app-dir', app, '--relay-url', `http://127.0.0.1:${port}`, '--name', 'x', '--data-dir', nowhere, '--dry-run'], { env });
    expect(r.code).toBe(2);
    expect(r.json.error.message).toMatch(/no relay is running with the data directory .*no-relay-here/);
    expect(readFileSync(path.join(app, 'config', 'commbase.conf'))).toEqual(before);
    // With the relay that is there, the same dry run works.
    expect((await runJson(['client', 'setup', '--app-dir', app, '--relay-url', `http://127.0.0.1:${port}`, '--name', 'x', '--data-dir', dataDir, '--dry-run'], { env })).code).toBe(0);
  });

  it('over SFTP: the same', async () => {
    const lab = await TestHost.create();
    try {
      expect((await runCli(lab.addArgs('desk-host', 'iptables'), { env })).code).toBe(0);
      const x = linkedApp('app-remote');
      const r = await runJson<{ backups: string[] }>(['client', 'setup', '--host', 'desk-host', '--app-dir', x.app, '--relay-url', `http://127.0.0.1:${port}`, '--name', 'desk2', '--data-dir', dataDir], { env });
      expect(r.code, r.stderr + JSON.stringify(r.json)).toBe(0);
      expectLinkedKept(x);
    } finally {
      await lab.destroy();
    }
  }, 60_000);

  it('--ca must be exactly one CA certificate in a regular file of sane size', async () => {
    const pki = path.join(tmp.dir, 'pki');
    expect((await runJson(['cert', 'setup', '--dir', pki, '--cn', 'relay.test'], { env })).code).toBe(0);
    const other = path.join(tmp.dir, 'pki2');
    expect((await runJson(['cert', 'ca', '--dir', other, '--cn', 'Other CA'], { env })).code).toBe(0);
    const ca = readFileSync(path.join(pki, 'ca', 'ca.pem'), 'utf8');
    const two = path.join(tmp.dir, 'two.pem');
    writeFileSync(two, ca + readFileSync(path.join(other, 'ca.pem'), 'utf8'));
    const pass = path.join(tmp.dir, 'pass.pem');
    writeFileSync(pass, `password=hunter2\n${ca}`);
    const fifo = path.join(tmp.dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const app = makeAppDir(path.join(tmp.dir, 'app-ca'));
    cpSync(BUNDLE, path.join(app, 'bundles', 'commbase-data-exchange'), { recursive: true });
    const before = readFileSync(path.join(app, 'config', 'commbase.conf'));
    for (const [file, message] of [[two, /2 PEM blocks; give exactly one/], [pass, /other text besides the certificate/], ['/dev/zero', /not a regular file/], [fifo, /not a regular file/], [path.join(tmp.dir, 'none.pem'), /no such file/]] as const) {
      const started = Date.now();
      const r = await runJson<{ error: { field: string; message: string } }>(['client', 'setup', '--app-dir', app, '--relay-url', `https://127.0.0.1:${port}`, '--ca', file, '--name', 'x', '--data-dir', dataDir], { env, timeoutMs: 10_000 });
      expect(r.code, file).toBe(2);
      expect(r.json.error).toMatchObject({ field: 'ca', message: expect.stringMatching(message) });
      expect(Date.now() - started).toBeLessThan(8000);
    }
    expect(readFileSync(path.join(app, 'config', 'commbase.conf'))).toEqual(before);
    const clients = (await runJson<{ clients: Array<{ name: string }> }>(['clients', 'list', '--data-dir', dataDir], { env })).json.clients;
    expect(clients.map((c) => c.name)).not.toContain('x');
  });
});

describe.skipIf(why)(titled('client probe with hostile surroundings', why), () => {
  it('never imports a socketio.py from the operator\'s directory, and shows a hostile answer with its escapes visible', async () => {
    // A "relay" that answers with terminal escapes that would erase the ✗ and set the window title.
    const server = http.createServer((_req, res) => { res.writeHead(500); res.end('\u001b]0;pwned\u0007\u001b[2K\r\u2713 all fine\u202e'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const evil = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const app = makeAppDir(path.join(tmp.dir, 'app-probe'));
      cpSync(BUNDLE, path.join(app, 'bundles', 'commbase-data-exchange'), { recursive: true });
      const setup = await runJson(['client', 'setup', '--app-dir', app, '--relay-url', `http://127.0.0.1:${port}`, '--name', 'probe', '--data-dir', dataDir], { env });
      expect(setup.code).toBe(0);
      const listener = path.join(app, CLIENT, 'client_http_websocket.py');
      writeFileSync(listener, readFileSync(listener, 'utf8').replace(/api_url = '[^']*'/, `api_url = '${evil}/api/get_saved_data'`));
      const planted = path.join(tmp.dir, 'cwd');
      mkdirSync(planted);
      const marker = path.join(tmp.dir, 'planted-ran');
      for (const mod of ['socketio.py', 'requests.py', 'json.py']) writeFileSync(path.join(planted, mod), `open(${JSON.stringify(marker)}, 'w').write('ran')\n`);
      const r = await runCli(['client', 'probe', '--app-dir', app], { env, cwd: planted });
      expect(existsSync(marker)).toBe(false);
      expect(r.code, r.stdout + r.stderr).toBe(4);
      // eslint-disable-next-line no-control-regex
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
      expect(r.stdout).toMatch(/\\u001b\]0;pwned\\u0007/);
      expect(r.stdout).toMatch(/✗ .*GET/);
    } finally {
      server.close();
    }
  }, 60_000);
});
