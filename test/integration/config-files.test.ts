// config get/set/validate on real files, locally and on a test host over SFTP; settings that are broken by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, chown, lstat, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, runJson } from '../helpers/cli.js';
import { REAL_CONF, commbaseMissing } from '../helpers/commbase.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { withTempDir } from '../helpers/tmp.js';
import { sh } from '../helpers/proc.js';
import { readConf, setConf } from '../../src/conffile/service.js';
import { LocalRunner } from '../../src/runners/local.js';

const SEED = `# Commbase settings (a comment Commbase itself would choke on, kept byte for byte)
COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="127.0.0.1"
COMMBASE_DATA_EXCHANGE_SERVER_PORT="5000"
CLIENT_POLLING_INTERVAL_IN_SECS="5"
UNKNOWN_KEY='kept as is'
CERTS_AND_KEYS_CERT_PEM_FILE="/certificates/cert.pem"
CERTS_AND_KEYS_KEY_PEM_FILE="/certificates/key.pem"
CERTS_AND_KEYS_CA_PEM_FILE="/certificates/ca.pem"
MESSAGING_FILE="/data/.messages.json"
`;

describe('config on local files', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let file: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'xdg') };
    await mkdir(path.join(tmp.dir, 'app', 'config'), { recursive: true });
    file = path.join(tmp.dir, 'app', 'config', 'commbase.conf');
  });
  afterAll(async () => tmp?.cleanup());

  it('edits beside a harmless single-quoted $ on another line; keeps export, indentation and a trailing comment on the line it edits; bash agrees', async () => {
    const text = `${SEED}FOO='a \${B} c $(not run)'\n  export CB_EXTRA="old" # why it is here\nexport COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="127.0.0.1" # the relay\n`;
    await writeFile(file, text);
    const r = await runJson<{ changes: unknown[] }>(['config', 'set', '--file', file, 'CB_EXTRA', 'new', 'COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS', '10.0.0.5'], { env });
    expect(r.code, JSON.stringify(r.json)).toBe(0);
    const after = await readFile(file, 'utf8');
    expect(after).toBe(text.replace('  export CB_EXTRA="old" # why', '  export CB_EXTRA="new" # why').replace('export COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="127.0.0.1" # the relay', 'export COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="10.0.0.5" # the relay'));
    // bash: FOO is what it was (nothing ran), the edited ones are exported to a child process.
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync('env', ['-i', 'bash', '--norc', '--noprofile', '-c', '. "$1"; printf "%s|" "$FOO"; bash -c \'printf "%s|%s" "$CB_EXTRA" "$COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS"\'', 'bash', file], { encoding: 'utf8' });
    expect(out).toBe('a ${B} c $(not run)|new|10.0.0.5');
    // The value being written is still held to what bash would run.
    const bad = await runJson<{ error: { message: string } }>(['config', 'set', '--file', file, 'CB_EXTRA', '$(id)'], { env });
    expect(bad.code).toBe(2);
    expect(await readFile(file, 'utf8')).toBe(after);
    const v = await runJson<{ errors: number }>(['config', 'validate', '--file', file], { env });
    expect(v.json.errors).toBe(0);
  });

  it('get on this machine (read without the inventory or schemas) answers as the full reading does; a device, a FIFO or a directory is refused before reading', async () => {
    const app = path.join(tmp.dir, 'app');
    await writeFile(file, `${SEED}COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH="$COMMBASE_APP_DIR/bundles/u.py"\n`);
    const doc = await readConf({ file, host: 'local' }, { connect: async () => new LocalRunner() });
    const { getValue } = await import('../../src/conffile/parse.js');
    for (const key of ['COMMBASE_DATA_EXCHANGE_SERVER_PORT', 'UNKNOWN_KEY', 'COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH']) {
      const r = await runJson<{ value: string }>(['config', 'get', key, '--file', file, '--json'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json.value).toBe(getValue(doc.file, key));
    }
    expect((await runJson<{ value: string }>(['config', 'get', 'COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH', '--file', file, '--json'], { env })).json.value).toBe(`${app}/bundles/u.py`);
    const fifo = path.join(tmp.dir, 'fifo');
    sh('mkfifo', [fifo]);
    for (const bad of ['/dev/zero', fifo, tmp.dir]) {
      for (const verb of [['get', 'COMMBASE_DATA_EXCHANGE_SERVER_PORT'], ['show']]) {
        const r = await runCli(['config', ...verb, '--file', bad], { env, timeoutMs: 20_000 });
        expect(r.code, `${verb[0]} ${bad}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/not a regular file/);
      }
    }
    const missingFile = await runCli(['config', 'get', 'X', '--file', path.join(tmp.dir, 'none.conf')], { env });
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toMatch(/none\.conf on local: no such file/);
  });

  it('validate reports a CRLF file (bash reads every value with a carriage return)', async () => {
    await writeFile(file, SEED.replace(/\n/g, '\r\n'));
    const v = await runJson<{ errors: number; findings: Array<{ message: string }> }>(['config', 'validate', '--file', file], { env });
    expect(v.code).toBe(4);
    expect(v.json.findings.map((f) => f.message).join('\n')).toMatch(/Windows line endings \(CRLF\)/);
  });

  it('set changes one line, keeps mode and owner, keeps the old file as .bak; get reads it back', async () => {
    await writeFile(file, SEED);
    await chmod(file, 0o640);
    if (process.getuid?.() === 0) await chown(file, 1234, 2345);
    const r = await runJson<{ changes: unknown[]; backup: string; diff: string[] }>(['config', 'set', '--file', file, 'COMMBASE_DATA_EXCHANGE_SERVER_PORT', '5050'], { env });
    expect(r.code, JSON.stringify(r.json)).toBe(0);
    expect(r.json.diff).toEqual([`--- ${file}`, `+++ ${file} (new)`, '@@ line 3 @@', '-COMMBASE_DATA_EXCHANGE_SERVER_PORT="5000"', '+COMMBASE_DATA_EXCHANGE_SERVER_PORT="5050"']);
    expect(await readFile(file, 'utf8')).toBe(SEED.replace('"5000"', '"5050"'));
    expect(await readFile(`${file}.bak`, 'utf8')).toBe(SEED);
    const st = await stat(file);
    expect(st.mode & 0o777).toBe(0o640);
    if (process.getuid?.() === 0) expect([st.uid, st.gid]).toEqual([1234, 2345]);
    const get = await runJson<{ value: string }>(['config', 'get', '--file', file, 'COMMBASE_DATA_EXCHANGE_SERVER_PORT'], { env });
    expect(get.json.value).toBe('5050');
    const undo = await runJson(['config', 'undo', '--file', file], { env });
    expect(undo.code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(SEED);
  });

  it.each([
    [['COMMBASE_DATA_EXCHANGE_SERVER_PORT', '70000'], /COMMBASE_DATA_EXCHANGE_SERVER_PORT "70000": must be between 1 and 65535/],
    [['COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS', ';rm -rf /'], /COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS ";rm -rf \/": must be an IP address or a host name/],
    [['MESSAGING_FILE', ''], /MESSAGING_FILE "": must not be empty/],
    [['MESSAGING_FILE', '/a=b'], /contains "="/],
    [['CB_CUSTOM', '$(touch pwned)'], /invalid value for CB_CUSTOM "\$\(touch pwned\)": contains "\$" \(bash expands it/],
    [['COMMBASE_DATA_EXCHANGE_SERVER_CONNECTION_FILE_PATH', '`touch pwned`'], /contains a backtick/],
    [['MESSAGING_FILE', '/data/\\x'], /contains a backslash \(bash reads it as an escape\) at character 7/],
    [['MESSAGING_FILE', '/data/"x'], /contains a double quote/],
    [['MESSAGING_FILE', '/data/x\ny'], /contains a newline/],
    [['MESSAGING_FILE', '/data/$HOME'], /contains "\$"/],
  ])('refuses %j, naming key and value, and leaves the file as it was', async (pair, message) => {
    await writeFile(file, SEED);
    const r = await runJson<{ error: { message: string } }>(['config', 'set', '--file', file, ...pair], { env });
    expect(r.code).toBe(2);
    expect(r.json.error.message).toMatch(message);
    expect(await readFile(file, 'utf8')).toBe(SEED);
  });

  it('keeps $COMMBASE_APP_DIR values byte for byte and accepts that one form in a new value; nothing runs', async () => {
    const text = 'COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH="$COMMBASE_APP_DIR/bundles/a.py"\nCOMMBASE_DATA_EXCHANGE_SERVER_PORT="5000"\n';
    await writeFile(file, text);
    const r = await runJson(['config', 'set', '--file', file, 'COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH', '$COMMBASE_APP_DIR/bundles/b.py', 'COMMBASE_DATA_EXCHANGE_SERVER_PORT', '5001'], { env });
    expect(r.code, r.stdout).toBe(0);
    expect(await readFile(file, 'utf8')).toBe('COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH="$COMMBASE_APP_DIR/bundles/a.py"\nCOMMBASE_DATA_EXCHANGE_SERVER_PORT="5001"\nCOMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH="$COMMBASE_APP_DIR/bundles/b.py"\n');
    expect(await readdir(path.dirname(file))).not.toContain('pwned');
  });

  it('refuses to rewrite a file with bytes that are not UTF-8, and leaves them as they were', async () => {
    const bytes = Buffer.concat([Buffer.from('CB_NOTE="caf'), Buffer.from([0xe9]), Buffer.from('"\nCOMMBASE_DATA_EXCHANGE_SERVER_PORT="5000"\n')]);
    await writeFile(file, bytes);
    const r = await runJson<{ error: { message: string } }>(['config', 'set', '--file', file, 'COMMBASE_DATA_EXCHANGE_SERVER_PORT', '5001'], { env });
    expect(r.code).toBe(2);
    expect(r.json.error.message).toMatch(/line 1 holds bytes that are not UTF-8/);
    expect((await readFile(file)).equals(bytes)).toBe(true);
  });

  it('edits the file a symbolic link names, keeps the link, backs up beside the target, and sweeps stray temp files', async () => {
    const real = path.join(tmp.dir, 'real.conf');
    const link = path.join(tmp.dir, 'app', 'config', 'linked.conf');
    await writeFile(real, SEED);
    await rm(link, { force: true });
    await symlink(real, link);
    const stray = path.join(tmp.dir, '.real.conf.0123456789ab.tmp');
    await writeFile(stray, 'half a write');
    const r = await runJson(['config', 'set', '--file', link, 'COMMBASE_DATA_EXCHANGE_SERVER_PORT', '5050'], { env });
    expect(r.code, r.stdout).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toBe(SEED.replace('"5000"', '"5050"'));
    expect(await readFile(`${real}.bak`, 'utf8')).toBe(SEED);
    expect(await readdir(tmp.dir)).not.toContain('.real.conf.0123456789ab.tmp');
  });

  it('creates the settings directory 0700', async () => {
    const xdg = path.join(tmp.dir, 'fresh-xdg');
    const r = await runJson(['hosts', 'list'], { env: { XDG_CONFIG_HOME: xdg } });
    expect(r.code, r.stdout).toBe(0);
    expect((await stat(path.join(xdg, 'commbase-admin'))).mode & 0o777).toBe(0o700);
  });

  it.skipIf(commbaseMissing())('check-files resolves Commbase\'s real commbase.conf under the app directory and names the full path of what is missing', async () => {
    const real = REAL_CONF;
    const app = path.join(tmp.dir, 'commbase-app');
    await mkdir(path.join(app, 'config'), { recursive: true });
    await mkdir(path.join(app, 'certificates'), { recursive: true });
    await mkdir(path.join(app, 'bundles', 'commbase-data-exchange', 'client'), { recursive: true });
    await writeFile(path.join(app, 'config', 'commbase.conf'), await readFile(real));
    await writeFile(path.join(app, 'bundles', 'commbase-data-exchange', 'client', 'client_http_websocket.py'), '# stand-in\n');
    await writeFile(path.join(app, 'certificates', 'ca.pem'), 'not a certificate');
    const conf = path.join(app, 'config', 'commbase.conf');
    type Report = { errors: number; findings: Array<{ key?: string; severity: string; message: string }> };
    const r = await runJson<Report>(['config', 'validate', '--file', conf, '--check-files'], { env });
    expect(r.code).toBe(4);
    const byKey = Object.fromEntries(r.json.findings.map((f) => [f.key, f]));
    // Only the variables commbase-admin manages are checked; Commbase's other ~110 are its own business.
    expect(new Set(r.json.findings.map((f) => f.key))).toEqual(new Set([
      'COMMBASE_DATA_EXCHANGE_SERVER_CONNECTION_FILE_PATH', 'COMMBASE_DATA_EXCHANGE_SERVER_UPLOADER_FILE_PATH', 'COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH',
      'CERTS_AND_KEYS_SERVER_CRT_FILE', 'CERTS_AND_KEYS_SERVER_KEY_FILE', 'CERTS_AND_KEYS_CERT_PEM_FILE', 'CERTS_AND_KEYS_KEY_PEM_FILE', 'CERTS_AND_KEYS_CA_PEM_FILE', 'MESSAGING_FILE',
    ]));
    expect(byKey.COMMBASE_DATA_EXCHANGE_SERVER_CONNECTION_FILE_PATH!.message).toBe(`COMMBASE_DATA_EXCHANGE_SERVER_CONNECTION_FILE_PATH: ${app}/bundles/commbase-data-exchange/server/server_http_websocket.py is missing`);
    expect(byKey.CERTS_AND_KEYS_CERT_PEM_FILE!.message).toBe(`CERTS_AND_KEYS_CERT_PEM_FILE: ${app}/certificates/cert.pem is missing`);
    expect(byKey.CERTS_AND_KEYS_CA_PEM_FILE!.message).toMatch(new RegExp(`${app}/certificates/ca.pem: .*holds no PEM certificate`));
    expect(byKey.MESSAGING_FILE).toMatchObject({ severity: 'warning', message: `MESSAGING_FILE: ${app}/data/.messages.json does not exist yet` });
    // --app-dir and then COMMBASE_APP_DIR say where the app is, before the file's location does.
    const other = path.join(tmp.dir, 'elsewhere');
    const viaFlag = await runJson<Report>(['config', 'validate', '--file', conf, '--check-files', '--app-dir', other], { env });
    expect(viaFlag.json.findings.find((f) => f.key === 'CERTS_AND_KEYS_CA_PEM_FILE')!.message).toContain(`${other}/certificates/ca.pem is missing`);
    const viaEnv = await runJson<Report>(['config', 'validate', '--file', conf, '--check-files'], { env: { ...env, COMMBASE_APP_DIR: other } });
    expect(viaEnv.json.findings.find((f) => f.key === 'CERTS_AND_KEYS_CA_PEM_FILE')!.message).toContain(`${other}/certificates/ca.pem is missing`);
    // A value that works only as an absolute path of this machine is flagged, with what Commbase really reads.
    const abs = path.join(tmp.dir, 'pki', 'ca.pem');
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, 'x');
    await writeFile(conf, (await readFile(real, 'utf8')).replace('CERTS_AND_KEYS_CA_PEM_FILE="/certificates/ca.pem"', `CERTS_AND_KEYS_CA_PEM_FILE="${abs}"`).replace('"$COMMBASE_APP_DIR/bundles/commbase-data-exchange/client/client_http_websocket.py"', `"${path.join(tmp.dir, 'client.py')}"`));
    const flagged = await runJson<Report>(['config', 'validate', '--file', conf, '--check-files'], { env });
    expect(flagged.json.findings.find((f) => f.key === 'CERTS_AND_KEYS_CA_PEM_FILE')!.message).toContain(`there is a file at ${abs}, but Commbase reads ${app}${abs}`);
    expect(flagged.json.findings.find((f) => f.key === 'COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH' && f.severity === 'warning')!.message).toMatch(/an absolute path of this machine, outside .*write it as \$COMMBASE_APP_DIR/);
  });

  it('detects an edit made since the file was read, and writes nothing', async () => {
    await writeFile(file, SEED);
    const deps = { connect: async () => new LocalRunner() };
    const doc = await readConf({ file }, deps);
    await writeFile(file, SEED.replace('"5"', '"10"'));
    await expect(setConf({ file, pairs: [['COMMBASE_DATA_EXCHANGE_SERVER_PORT', '6000']], expectHash: doc.hash }, deps)).rejects.toThrow(/changed since it was read/);
    expect(await readFile(file, 'utf8')).toBe(SEED.replace('"5"', '"10"'));
  });

  it('validate: warnings by default, errors with --strict; finds the file through COMMBASE_APP_DIR', async () => {
    await writeFile(file, SEED);
    const appEnv = { ...env, COMMBASE_APP_DIR: path.join(tmp.dir, 'app') };
    const lax = await runJson<{ errors: number; warnings: number; findings: Array<{ line: number; message: string }> }>(['config', 'validate'], { env: appEnv });
    expect(lax.code).toBe(0);
    expect(lax.json.findings.map((f) => f.line)).toEqual([1, 5]);
    const strict = await runJson<{ errors: number }>(['config', 'validate', '--strict'], { env: appEnv });
    expect(strict.code).toBe(4);
    expect(strict.json.errors).toBe(2);
  });

  const why = missing({ commands: ['openssl'] });
  it.skipIf(why)(titled('validate --check-files: certificates are certificates and keys match them', why), async () => {
    const app = path.join(tmp.dir, 'app');
    await runCli(['cert', 'ca', '--dir', path.join(tmp.dir, 'ca'), '--cn', 'CA', '--key-size', '2048'], { env });
    await runCli(['cert', 'issue', '--ca-dir', path.join(tmp.dir, 'ca'), '--out-dir', path.join(app, 'certificates'), '--cn', 'relay.test'], { env });
    await writeFile(file, SEED);
    const ok = await runJson<{ errors: number; findings: Array<{ message: string }> }>(['config', 'validate', '--file', file, '--check-files'], { env });
    expect(ok.json.findings.filter((f) => /CERTS_AND_KEYS/.test(f.message))).toEqual([]);
    // A key that is not the certificate's:
    await runCli(['cert', 'issue', '--ca-dir', path.join(tmp.dir, 'ca'), '--out-dir', path.join(tmp.dir, 'other'), '--cn', 'other.test'], { env });
    await writeFile(path.join(app, 'certificates', 'key.pem'), await readFile(path.join(tmp.dir, 'other', 'key.pem')));
    const bad = await runJson<{ errors: number; findings: Array<{ message: string }> }>(['config', 'validate', '--file', file, '--check-files'], { env });
    expect(bad.code).toBe(4);
    expect(bad.json.findings.map((f) => f.message).join('\n')).toMatch(/CERTS_AND_KEYS_KEY_PEM_FILE is not the key of CERTS_AND_KEYS_CERT_PEM_FILE/);
  });

  it('a hand-broken settings file is reported with its path and field, and kept', async () => {
    const dir = path.join(tmp.dir, 'broken', 'commbase-admin');
    await mkdir(dir, { recursive: true });
    const settings = path.join(dir, 'settings.json');
    const broken = JSON.stringify({ hosts: { r1: { address: 'x;y', port: 22 } } });
    await writeFile(settings, broken);
    const r = await runJson<{ error: { message: string } }>(['hosts', 'list'], { env: { XDG_CONFIG_HOME: path.join(tmp.dir, 'broken') } });
    expect(r.code).toBe(2);
    expect(r.json.error.message).toMatch(new RegExp(`${settings.replace(/[/.]/g, '\\$&')} is invalid at hosts\\.r1\\.address: must be an IP address or a host name`));
    expect(await readFile(settings, 'utf8')).toBe(broken);
    await writeFile(settings, '{ not json');
    const r2 = await runJson<{ error: { message: string } }>(['hosts', 'list'], { env: { XDG_CONFIG_HOME: path.join(tmp.dir, 'broken') } });
    expect(r2.json.error.message).toMatch(/failed to read the settings file .*settings\.json/);
    expect(await readFile(settings, 'utf8')).toBe('{ not json');
  });
});

const whyRemote = missing({ root: true, commands: ['ip', 'sshd'] });
describe.skipIf(whyRemote)(titled('config over SFTP on a test host', whyRemote), () => {
  let lab: TestHost;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  beforeAll(async () => {
    lab = await TestHost.create();
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'xdg') };
    await runCli(lab.addArgs('relayhost', 'iptables'), { env });
  }, 30_000);
  afterAll(async () => { await lab?.destroy(); await tmp?.cleanup(); });

  it('edits the remote file atomically, keeping mode, owner and a .bak', async () => {
    const file = path.join(lab.dir, 'commbase.conf');
    await writeFile(file, SEED);
    await chmod(file, 0o600);
    await chown(file, 4321, 4321);
    const r = await runJson<{ backup: string }>(['config', 'set', '--host', 'relayhost', '--file', file, 'COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS', '0.0.0.0'], { env });
    expect(r.code, JSON.stringify(r.json)).toBe(0);
    expect(lab.nsExec(['cat', file])).toBe(SEED.replace('"127.0.0.1"', '"0.0.0.0"'));
    expect(lab.nsExec(['cat', `${file}.bak`])).toBe(SEED);
    expect(lab.nsExec(['stat', '-c', '%a %u %g', file]).trim()).toBe('600 4321 4321');
    const v = await runJson<{ findings: Array<{ severity: string; message: string }> }>(['config', 'validate', '--host', 'relayhost', '--file', file], { env });
    expect(v.json.findings.some((f) => f.severity === 'note' && /every interface/.test(f.message))).toBe(true);
  });
});

describe.skipIf(whyRemote)(titled('config validate --check-files on a client host over SSH', whyRemote), () => {
  let lab: TestHost;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  let app = '';
  beforeAll(async () => {
    tmp = await withTempDir();
    // Commbase outside the <app>/config layout: only the host's own COMMBASE_APP_DIR (its login environment) says where.
    app = path.join(tmp.dir, 'remote-app');
    await mkdir(path.join(app, 'settings'), { recursive: true });
    lab = await TestHost.create({ env: { COMMBASE_APP_DIR: app } });
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'xdg'), COMMBASE_APP_DIR: '/nowhere/operators-own' };
    await runCli(lab.addArgs('desk', 'iptables'), { env });
  }, 30_000);
  afterAll(async () => { await lab?.destroy(); await tmp?.cleanup(); });

  it('takes the app directory from the host\'s login shell, not the operator\'s, and does not ask a client host for the server\'s certificate', async () => {
    const file = path.join(app, 'settings', 'commbase.conf');
    await mkdir(path.join(app, 'certificates'), { recursive: true });
    await writeFile(path.join(app, 'certificates', 'ca.pem'), 'not checked here\n');
    await writeFile(file, ['COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="relay.lan"', 'COMMBASE_DATA_EXCHANGE_SERVER_PORT="5000"',
      'CERTS_AND_KEYS_CERT_PEM_FILE="/certificates/cert.pem"', 'CERTS_AND_KEYS_KEY_PEM_FILE="/certificates/key.pem"', 'CERTS_AND_KEYS_CA_PEM_FILE="/certificates/ca.pem"'].join('\n') + '\n');
    const v = await runJson<{ findings: Array<{ severity: string; key?: string; message: string }> }>(['config', 'validate', '--host', 'desk', '--file', file, '--check-files'], { env });
    const byKey = (k: string) => v.json.findings.filter((f) => f.key === k);
    expect(byKey('CERTS_AND_KEYS_CERT_PEM_FILE')).toEqual([expect.objectContaining({ severity: 'note', message: expect.stringMatching(new RegExp(`${app}/certificates/cert\\.pem is not here, and not needed: this host is a client of the server at relay\\.lan`)) })]);
    expect(byKey('CERTS_AND_KEYS_KEY_PEM_FILE')[0]?.severity).toBe('note');
    expect(JSON.stringify(v.json)).not.toContain('/nowhere/operators-own');
    // The same file naming this host as the server: the missing certificate is an error again.
    await writeFile(file, (await readFile(file, 'utf8')).replace('"relay.lan"', `"${lab.address}"`));
    const server = await runJson<{ findings: Array<{ severity: string; key?: string }> }>(['config', 'validate', '--host', 'desk', '--file', file, '--check-files'], { env });
    expect(server.json.findings.find((f) => f.key === 'CERTS_AND_KEYS_CERT_PEM_FILE')?.severity).toBe('error');
  });
});
