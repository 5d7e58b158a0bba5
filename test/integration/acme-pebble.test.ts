// `cert acme` and `cert renew` against Debian's pebble (a real ACME server) with pebble-challtestsrv as its DNS:
// http-01 answered by commbase-admin's own listener, or by files in a webroot served by a web server (Python's
// http.server here; nginx in proxy-nginx.test.ts). The issued chain verifies with openssl against pebble's root.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, runJson } from '../helpers/cli.js';
import { TmuxSession } from '../helpers/tmux.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { Pebble } from '../helpers/pebble.js';
import { freePort, listening } from '../helpers/port.js';
import { shResult } from '../helpers/proc.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ commands: ['pebble', 'pebble-challtestsrv', 'openssl', 'tmux'] });

describe.skipIf(why)(titled('ACME certificates from pebble', why), () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let pebble: Pebble;
  let env: Record<string, string>;
  const base = () => ['--email', 'ops@example.org', '--directory', pebble.directory, '--directory-ca', pebble.directoryCa];

  beforeAll(async () => {
    ({ dir, cleanup } = await withTempDir());
    env = { XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_DATA_HOME: path.join(dir, 'data') };
    pebble = await Pebble.start(dir, await freePort(), env);
  }, 30_000);
  afterAll(async () => { await pebble?.stop(); await cleanup?.(); });

  const verify = async (out: string) => {
    const root = path.join(dir, 'root.pem');
    await writeFile(root, await pebble.root());
    return shResult('openssl', ['verify', '-CAfile', root, '-untrusted', path.join(out, 'chain.pem'), path.join(out, 'cert.pem')]);
  };

  it('orders a certificate for two names, answering http-01 itself; the chain verifies against pebble\'s root', async () => {
    const out = path.join(dir, 'le');
    const r = await runJson<{ domains: string[]; accountCreated: boolean; summary: { sans: string[] } }>(['cert', 'acme', '--domain', 'relay.test', '--domain', 'www.relay.test', ...base(), '--http-port', String(pebble.httpPort), '--out-dir', out, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.summary.sans).toEqual(expect.arrayContaining(['DNS:relay.test', 'DNS:www.relay.test']));
    expect(r.json.accountCreated).toBe(true);
    expect(r.stderr).toMatch(/… relay\.test: validation/); // progress on stderr, step by step
    const v = await verify(out);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    for (const f of ['key.pem', 'account-key.pem', 'acme.json']) expect((await stat(path.join(out, f))).mode & 0o077, f).toBe(0);
    // cert.pem is the leaf followed by its chain, so a client given only it can verify.
    expect((await readFile(path.join(out, 'cert.pem'), 'utf8')).match(/BEGIN CERTIFICATE/g)?.length).toBeGreaterThanOrEqual(2);
    const modulus = async (args: string[]) => (await shResult('openssl', args)).stdout;
    expect(await modulus(['pkey', '-in', path.join(out, 'key.pem'), '-pubout'])).toBe(await modulus(['x509', '-in', path.join(out, 'cert.pem'), '-noout', '-pubkey']));
    // The Monitor lists the certificates cert acme made, with their days left (pebble's last 5 years).
    const session = TmuxSession.start('acme-mon', [process.execPath, BIN, 'monitor'], { ...env, NO_COLOR: '1' }, { cols: 120, rows: 30 });
    try {
      await session.waitFor(/CERTS relay\.test 18\d\dd/, 20_000);
      expect(session.capture().match(/CERTS /g), session.capture()).toHaveLength(1); // one line, not two
    } finally {
      session.kill();
    }
  }, 60_000);

  it('renews only when due; --force renews, keeps the previous files and runs the reload hook (argv, dashes included)', async () => {
    const out = path.join(dir, 'renew');
    expect((await runJson(['cert', 'acme', '--domain', 'renew.test', ...base(), '--http-port', String(pebble.httpPort), '--out-dir', out, '--json'], { env })).code).toBe(0);
    const before = await readFile(path.join(out, 'cert.pem'), 'utf8');
    const quiet = await runJson<{ renewed: boolean; daysLeft: number }>(['cert', 'renew', '--dir', out, '--before', '30d', '--json'], { env });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.json.renewed).toBe(false);
    expect(await readFile(path.join(out, 'cert.pem'), 'utf8')).toBe(before);
    const hook = path.join(dir, 'hook-ran');
    const forced = await runJson<{ renewed: boolean; result: { accountCreated: boolean; backups: string[] }; hook: { exitCode: number } }>(['cert', 'renew', '--dir', out, '--force', '--json', '--on-renew', '/bin/sh', '-c', `echo reloaded > ${hook}`], { env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json.renewed).toBe(true);
    expect(forced.json.result.accountCreated).toBe(false); // the account key is reused
    expect(forced.json.hook.exitCode).toBe(0);
    expect(await readFile(hook, 'utf8')).toBe('reloaded\n');
    expect(await readFile(path.join(out, 'cert.pem'), 'utf8')).not.toBe(before);
    expect(forced.json.result.backups).toHaveLength(3);
    expect(await readFile(forced.json.result.backups.find((b) => b.includes('cert.pem'))!, 'utf8')).toBe(before);
    expect((await verify(out)).code).toBe(0);
    // A hook that fails is reported with exit 3; the certificate is still renewed.
    const failing = await runCli(['cert', 'renew', '--dir', out, '--force', '--on-renew', '/bin/false'], { env });
    expect(failing.code).toBe(3);
    expect(failing.stdout).toMatch(/reload hook failed \(exit 1\)/);
  }, 90_000);

  it('answers through a webroot that a web server serves, and says which step failed when nothing serves it', async () => {
    const webroot = path.join(dir, 'www');
    await mkdir(webroot, { recursive: true });
    const out = path.join(dir, 'webroot-cert');
    // No web server yet: pebble's validation fails and the error names the step and pebble's answer.
    const bad = await runCli(['cert', 'acme', '--domain', 'web.test', ...base(), '--webroot', webroot, '--out-dir', out], { env });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/ACME web\.test: validation failed: .*(connection refused|Connection refused)/);
    expect(existsSync(path.join(out, 'cert.pem'))).toBe(false);
    expect(await readdir(path.join(webroot, '.well-known', 'acme-challenge'))).toEqual([]); // the token file was removed
    let server: ChildProcess | undefined;
    try {
      server = spawn('/usr/bin/python3', ['-m', 'http.server', '--bind', '127.0.0.1', '--directory', webroot, String(pebble.httpPort)], { stdio: 'ignore' });
      await listening(pebble.httpPort);
      const ok = await runJson(['cert', 'acme', '--domain', 'web.test', ...base(), '--webroot', webroot, '--out-dir', out, '--json'], { env });
      expect(ok.code, ok.stderr).toBe(0);
      expect((await verify(out)).code).toBe(0);
    } finally {
      server?.kill();
    }
  }, 60_000);

  it('the console\'s certificate wizard orders one too: domains, email, challenge port, directory and its CA, then the files', async () => {
    const home = path.join(dir, 'wizard-data');
    const session = TmuxSession.start('acme-wiz', [process.execPath, BIN], { ...env, XDG_DATA_HOME: home, NO_COLOR: '1' }, { cols: 120, rows: 40 });
    try {
      await session.waitFor('Certificates');
      await session.openFromHome('1', 'What do you need?');
      await session.key('Down');
      await session.key('Down');
      await session.key('Enter');
      await session.waitFor('Domain names');
      await session.type('bad_host!');
      await session.key('Enter');
      await session.waitFor(/domain "bad_host!": must be a DNS name/);
      await session.key('C-u');
      await session.type('wizard.test');
      await session.key('Enter');
      await session.waitFor('Contact email');
      await session.paste('ops@example.org');
      await session.key('Enter');
      await session.waitFor('How to answer the http-01 challenge');
      await session.paste(String(pebble.httpPort));
      await session.key('Enter');
      await session.waitFor('ACME directory');
      await session.paste(pebble.directory);
      await session.key('Enter');
      await session.waitFor('CA of the ACME server');
      await session.paste(pebble.directoryCa);
      await session.key('Enter');
      await session.waitFor('Directory to write to');
      await session.key('Enter');
      const summary = await session.waitFor('Write these files?');
      expect(summary).toMatch(/domains:\s+wizard\.test/);
      expect(summary).toMatch(new RegExp(`commbase-admin listens on port ${pebble.httpPort}`));
      await session.key('y');
      const done = await session.waitFor('Done. Files written', 30_000);
      expect(done).toMatch(/cert renew --dir/);
    } finally {
      session.kill();
    }
    const out = path.join(home, 'commbase-admin', 'certificates', 'acme');
    expect((await verify(out)).code).toBe(0);
  }, 90_000);

  it('refuses bad input by field and value, before contacting anything or writing a file', async () => {
    const out = path.join(dir, 'never');
    const cases: [string[], RegExp][] = [
      [['--domain', 'bad_host!', '--http-port', '80'], /domain.*bad_host!.*DNS name/s],
      [['--domain', '192.0.2.1', '--http-port', '80'], /domain.*192\.0\.2\.1.*not an IP address/s],
      [['--domain', '*.relay.test', '--http-port', '80'], /domain.*wildcard/s],
      [['--domain', 'a.test', '--http-port', '0x50'], /http-port.*0x50.*whole number/s],
      [['--domain', 'a.test', '--http-port', '80', '--webroot', '/var/www'], /either --http-port or --webroot/],
      [['--domain', 'a.test', '--webroot', 'relative/dir'], /webroot.*absolute/s],
      [['--domain', 'a.test'], /--http-port N .* or --webroot DIR/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['cert', 'acme', ...args, '--email', 'ops@example.org', '--directory', pebble.directory, '--out-dir', out], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    const badMail = await runCli(['cert', 'acme', '--domain', 'a.test', '--email', 'ops@example.org;rm -rf /', '--http-port', '80', '--out-dir', out], { env });
    expect(badMail.code).toBe(2);
    expect(badMail.stderr).toMatch(/email/);
    const badDir = await runCli(['cert', 'acme', '--domain', 'a.test', '--email', 'ops@example.org', '--directory', 'file:///etc/passwd', '--http-port', '80', '--out-dir', out], { env });
    expect(badDir.code).toBe(2);
    expect(badDir.stderr).toMatch(/directory.*http\(s\) URL/s);
    const relOut = await runCli(['cert', 'renew', '--dir', 'rel', '--before', '1e3d'], { env });
    expect(relOut.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

const whyRemote = missing({ root: true, commands: ['pebble', 'pebble-challtestsrv', 'openssl', 'ip', 'sshd', 'nsenter'], python: ['http.server'] });

describe.skipIf(whyRemote)(titled('ACME on a host over SSH', whyRemote), () => {
  let lab: TestHost;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let pebble: Pebble;
  let env: Record<string, string>;
  beforeAll(async () => {
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
    lab = await TestHost.create();
    expect((await runCli(lab.addArgs('web', 'iptables'), { env })).code).toBe(0);
    // pebble's DNS answers the host's address for every name: its validation goes to the host, over the veth.
    pebble = await Pebble.start(tmp.dir, await freePort(), env, lab.address);
  }, 40_000);
  afterAll(async () => { await pebble?.stop(); await lab?.destroy(); await tmp?.cleanup(); });

  it('--host with --http-port answers on that host (a short-lived python3 listener) and writes the files there', async () => {
    const out = path.join(lab.dir, 'acme-out');
    const r = await runJson<{ cert: string }>(['cert', 'acme', '--host', 'web', '--domain', 'far.test', '--email', 'ops@example.org', '--directory', pebble.directory, '--directory-ca', pebble.directoryCa, '--http-port', String(pebble.httpPort), '--out-dir', out, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/starting a challenge listener on root@/);
    // Written through the SSH session (the namespace shares this filesystem, so it is visible here too).
    expect(lab.nsExec(['sh', '-c', `ls ${out}`]).split('\n').filter(Boolean).sort()).toEqual(['account-key.pem', 'acme.json', 'cert.pem', 'chain.pem', 'key.pem']);
    // The listener is gone and its temporary webroot removed.
    expect(lab.nsExec(['sh', '-c', 'ls -d /tmp/commbase-admin-acme.* 2>/dev/null || true']).trim()).toBe('');
    expect(lab.nsExec(['sh', '-c', `ss -ltn 'sport = :${pebble.httpPort}' | tail -n +2`]).trim()).toBe('');
    const root = path.join(tmp.dir, 'root.pem');
    await writeFile(root, await pebble.root());
    expect((await shResult('openssl', ['verify', '-CAfile', root, '-untrusted', path.join(out, 'chain.pem'), path.join(out, 'cert.pem')])).code).toBe(0);
  }, 60_000);

  it('cert renew --install-timer adds one daily line to the crontab (in the host\'s private cron spool), replaced not repeated', async () => {
    // Run inside the test host's mount namespace, where /var/spool/cron is a private copy: this machine's
    // crontab is never touched.
    const inNs = ['nsenter', '-t', String(lab.sshdPid()), '-m'];
    const dir = path.join(lab.dir, 'acme-out');
    const base = ['cert', 'renew', '--dir', dir, '--install-timer', '--before', '20d'];
    const hook = ['--on-renew', '/bin/sh', '-c', 'echo 100% reloaded'];
    const dry = await runJson<{ line: string; dryRun: boolean }>([...base, '--dry-run', '--json', ...hook], { env, prefix: inNs });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json.dryRun).toBe(true);
    expect(lab.nsExec(['sh', '-c', 'crontab -l 2>/dev/null || true'])).not.toContain('commbase-admin-renew');
    for (let i = 0; i < 2; i++) {
      const r = await runJson<{ line: string }>([...base, '--json', ...hook], { env, prefix: inNs });
      expect(r.code, r.stderr).toBe(0);
    }
    const lines = lab.nsExec(['crontab', '-l']).split('\n').filter((l) => l.includes(`# commbase-admin-renew ${dir}`));
    expect(lines).toHaveLength(1);
    // Daily at 03:MM; argv quoted for the shell cron runs it with; % escaped (cron reads a bare one as a newline).
    expect(lines[0]).toMatch(/^\d{1,2} 3 \* \* \* /);
    expect(lines[0]).toContain(`cert renew --dir ${dir} --before 20d --on-renew /bin/sh -c 'echo 100\\% reloaded'`);
  }, 60_000);
});
