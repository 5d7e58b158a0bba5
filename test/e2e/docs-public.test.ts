// docs/public.md, run as written. Every ```sh block is executed in order on four test hosts (network namespaces): the
// operator's machine `op` (where commbase-admin runs, with a private crontab spool), `web` (nginx with private
// /etc/nginx, /run, /var/www; a private /root; the relay), `router` and `kiosk-3` (a stock Commbase in a private /opt).
// The doc's example values are replaced by the test's own: the 192.168.1.x addresses and the example fingerprints by
// the hosts' own, /tmp/boot and /etc/commbase-admin by temporary directories, and Let's Encrypt by Debian's pebble
// (`--directory … --directory-ca …` after the doc's --email; pebble resolves relay.example.org to web). A block that
// starts with `# on web` runs on web. After each block, what the text says happens is checked.
//
// As in docs-commbase.test.ts, each block is pinned by its hash: a block changed without this test fails.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { BUNDLE, commbaseMissing, makeAppDir } from '../helpers/commbase.js';
import { blockCommands, pins, shellBlocks } from '../helpers/docs.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { Pebble } from '../helpers/pebble.js';
import { shResult } from '../helpers/proc.js';
import { withTempDir } from '../helpers/tmp.js';

const why = commbaseMissing() ?? missing({ root: true, commands: ['ip', 'sshd', 'iptables', 'nsenter', 'curl', 'nginx', 'pebble', 'pebble-challtestsrv', 'crontab'] });
const DOC = path.join(ROOT, 'docs', 'public.md');
const EXAMPLE = { web: 'SHA256:s5vfXDkPI2QK/PuJ2FwatTlRIzUpPw4XfJpsl4D85mY', router: 'SHA256:chRVOYPFjdlHqwol9fQn6LeCzmYd/mhaS1/G3ndUw1g', kiosk: 'SHA256:z8VozN4fdk182cM56y/WXhgs5AU1lWJ690V/e/CuL+Q' };

/** Each block's hash, in order: change a block and its check below together, then the hash here. */
const PINNED = ['2bc97344810a', '1a8c4eb4d2e2', '63c4bb901d31', '48b678ac3d21', '734b71fb96c9', '1da81af598d7', 'a3d6aa1aaabf', 'dfae0d4fcf41'];

describe.skipIf(why)(titled('docs/public.md, run as written on four test hosts with pebble as the ACME CA', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let op: TestHost;
  let web: TestHost;
  let router: TestHost;
  let kiosk: TestHost;
  let pebble: Pebble;
  const procs: ChildProcess[] = [];
  let opEnv: Record<string, string> = {};
  let webEnv: Record<string, string> = {};
  let etc = '';
  let boot = '';
  const blocks = shellBlocks(readFileSync(DOC, 'utf8'));

  beforeAll(async () => {
    tmp = await withTempDir();
    op = await TestHost.create();
    web = await TestHost.create({ nginx: true, port22: true });
    router = await TestHost.create({ port22: true });
    kiosk = await TestHost.create({ port22: true });
    for (const h of [web, router, kiosk]) op.link(h);
    // One operator key, accepted by every host (as ~/.ssh/id_ed25519 is in the doc).
    const home = path.join(tmp.dir, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(home, '.ssh', 'id_ed25519')]);
    for (const h of [web, router, kiosk]) appendFileSync(path.join(h.dir, 'authorized_keys'), readFileSync(path.join(home, '.ssh', 'id_ed25519.pub')));
    // web's root home is its own (the relay's data lives there); kiosk-3 has Commbase in /opt/commbase.
    const webRoot = path.join(tmp.dir, 'web-root');
    mkdirSync(webRoot, { mode: 0o700 });
    web.bind(webRoot, '/root');
    const opt = path.join(tmp.dir, 'kiosk-opt');
    cpSync(BUNDLE, path.join(makeAppDir(path.join(opt, 'commbase')), 'bundles', 'commbase-data-exchange'), { recursive: true });
    kiosk.bind(opt, '/opt');
    etc = path.join(tmp.dir, 'etc-commbase-admin');
    boot = path.join(tmp.dir, 'boot');
    mkdirSync(etc);
    const bin = path.join(tmp.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'commbase-admin'), `#!/bin/sh\nexec ${process.execPath} ${BIN} "$@"\n`, { mode: 0o755 });
    const base = { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, NO_COLOR: '1', LANG: 'C.UTF-8' };
    opEnv = { ...base, HOME: home, XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
    webEnv = { ...base, HOME: '/root' };
    // Pebble on op's side of its link to this machine, every name resolving to web, validating on web's port 80.
    pebble = await Pebble.start(tmp.dir, 80, opEnv, web.address, op.hostSide);
  }, 90_000);

  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await pebble?.stop();
    for (const h of [op, web, router, kiosk]) await h?.destroy();
    await tmp?.cleanup();
  });

  const localise = (text: string) => text
    .replaceAll('192.168.1.50', web.address).replaceAll('192.168.1.60', kiosk.address).replaceAll('192.168.1.1', router.address)
    .replaceAll(EXAMPLE.web, web.fingerprint).replaceAll(EXAMPLE.router, router.fingerprint).replaceAll(EXAMPLE.kiosk, kiosk.fingerprint)
    .replaceAll('/tmp/boot', boot).replaceAll('/etc/commbase-admin', etc)
    .replaceAll('--email ops@example.org', `--email ops@example.org --directory ${pebble.directory} --directory-ca ${pebble.directoryCa}`);
  const commands = (text: string) => blockCommands(localise(text));

  const argvIn = (h: TestHost, cmd: string) => ['nsenter', '-t', String(h.sshdPid()), '-n', '-m', '--', 'env', '-i', ...Object.entries(h === web ? webEnv : opEnv).map(([k, v]) => `${k}=${v}`), 'bash', '-c', cmd];
  const run = (h: TestHost, cmd: string) => { const a = argvIn(h, cmd); return shResult(a[0]!, a.slice(1)); };
  const until = async (what: () => string, ok: () => Promise<boolean>, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  };

  /** Run block i; every command must succeed but those `failing` names (the doc says they fail, and how). */
  const runBlock = async (i: number, failing: Record<string, RegExp> = {}) => {
    const b = blocks[i]!;
    const host = b.on === 'web' ? web : op;
    const out: Array<{ cmd: string; code: number; stdout: string; stderr: string }> = [];
    for (const cmd of commands(b.text)) {
      if (/^commbase-admin relay start\b/.test(cmd)) {
        const a = argvIn(host, cmd);
        const p = spawn(a[0]!, a.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        p.stdout!.on('data', (d: Buffer) => (text += d.toString()));
        p.stderr!.on('data', (d: Buffer) => (text += d.toString()));
        procs.push(p);
        await until(() => `the relay: ${cmd}\n${text}`, async () => (await run(host, 'commbase-admin relay status')).code === 0);
        continue;
      }
      const res = await run(host, cmd);
      const expected = Object.entries(failing).find(([k]) => cmd.includes(k));
      if (expected) {
        expect(res.code, `${cmd}\n${res.stdout}${res.stderr}`).not.toBe(0);
        expect(res.stdout + res.stderr).toMatch(expected[1]);
      } else {
        expect(res.code, `${b.heading}: ${cmd}\n${res.stdout}\n${res.stderr}`).toBe(0);
      }
      out.push({ cmd, ...res });
    }
    return out;
  };

  it('pins every block of the doc (a block changed without its check here fails)', () => {
    const { hashes, shown } = pins(blocks);
    expect(hashes, shown).toEqual(PINNED);
  });

  it('runs every block in order, and what the doc says after each is what happens', async () => {
    // 1. The hosts, pinned from the first contact.
    await runBlock(0);
    const hosts = await run(op, 'commbase-admin hosts list --json');
    expect(hosts.stdout).toContain(web.fingerprint);

    // 2. The relay on web, on its loopback, trusting nginx's X-Forwarded-For.
    await runBlock(1);

    // 3. The router's 80 and 443, permanent; persisting says what to install where netfilter-persistent is missing.
    const [, , list] = await runBlock(2, { 'forward persist': /iptables-persistent/ });
    expect(list!.stdout.match(/permanent/g)?.length).toBeGreaterThanOrEqual(2);

    // 4. nginx with the bootstrap certificate: 80 redirects, 443 reaches the relay (401 without a token).
    await runBlock(3);
    const [dry] = await runBlock(4);
    expect(dry!.stdout).toMatch(/listen 443 ssl/);
    expect((await run(op, `curl -s -o /dev/null -w '%{http_code}' --resolve relay.example.org:80:${web.address} http://relay.example.org/anything`)).stdout).toBe('301');
    expect((await run(op, `curl -sk -o /dev/null -w '%{http_code}' --resolve relay.example.org:443:${web.address} https://relay.example.org/api/get_saved_data`)).stdout).toBe('401');
    expect(statSync(path.join(web.dir, 'etc-nginx', 'commbase-admin', 'relay.example.org', 'key.pem')).mode & 0o777).toBe(0o600);

    // 5. The certificate from the ACME CA (pebble), through nginx's webroot: key 0600, the account key reused later.
    await runBlock(5);
    expect(statSync(path.join(etc, 'acme', 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(etc, 'acme', 'account-key.pem')).mode & 0o777).toBe(0o600);

    // 6. The real certificate into nginx (verified against pebble's root), and the renewal timer in op's crontab.
    await runBlock(6);
    const root = path.join(tmp.dir, 'pebble-root.pem');
    writeFileSync(root, await pebble.root());
    const verified = await run(op, `curl -s -o /dev/null -w '%{http_code}' --cacert ${root} --resolve relay.example.org:443:${web.address} https://relay.example.org/api/get_saved_data`);
    expect(verified.stdout).toBe('401');
    expect((await run(op, 'crontab -l')).stdout).toMatch(/commbase-admin.*cert renew/);

    // 7. A token by hand, and kiosk-3 set up with a token issued by the relay on web over SSH.
    const [issued] = await runBlock(7);
    expect(issued!.stdout).toMatch(/token/i);
    expect(readFileSync(path.join(tmp.dir, 'kiosk-opt', 'commbase', 'config', 'commbase.conf'), 'utf8')).toContain('COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="relay.example.org"');
  }, 300_000);
});
