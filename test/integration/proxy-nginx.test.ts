// `proxy nginx` against Debian's nginx on a test-namespace host over SSH, with private /etc/nginx, /var/lib/nginx,
// /run, /var/log/nginx and /var/www (this machine's nginx is never touched): https through nginx to a relay that
// trusts it (--trusted-proxy), the 80 → 443 redirect with ACME's path left alone, a websocket-only Python
// Socket.IO client through the proxy, and a broken change refused by nginx -t with the running proxy intact.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, runJson } from '../helpers/cli.js';
import { TmuxSession } from '../helpers/tmux.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { shResult } from '../helpers/proc.js';
import { PyClient, RelayProcess } from '../helpers/relay.js';
import { RedisServer } from '../helpers/redis.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['ip', 'sshd', 'nsenter', 'curl', 'nginx', 'tmux', 'redis-server'], python: ['socketio'] });

describe.skipIf(why)(titled('nginx in front of the relay on a namespace host', why), () => {
  let lab: TestHost;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let relay: ChildProcess | undefined;
  let env: Record<string, string>;
  let pki: string;
  const pys: PyClient[] = [];
  beforeAll(async () => {
    lab = await TestHost.create({ nginx: true });
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
    expect((await runCli(lab.addArgs('web', 'iptables'), { env })).code).toBe(0);
    pki = path.join(tmp.dir, 'pki');
    const made = await runJson(['cert', 'setup', '--dir', pki, '--cn', 'relay.test', '--san', `IP:${lab.address}`], { env });
    expect(made.code, made.stderr).toBe(0);
    const dataDir = path.join(lab.dir, 'relay-data');
    relay = spawn('nsenter', ['-t', String(lab.sshdPid()), '-n', '-m', process.execPath, BIN, 'relay', 'start', '--data-dir', dataDir, '--port', '5000', '--trusted-proxy', '127.0.0.1'], { stdio: 'ignore', env: { ...process.env, ...env } });
    for (let i = 0; i < 100 && !existsSync(path.join(dataDir, 'admin.json')); i++) await new Promise((r) => setTimeout(r, 100));
  }, 40_000);
  const cluster: RelayProcess[] = [];
  let redis: RedisServer | undefined;
  afterAll(async () => {
    for (const p of pys) p.kill();
    relay?.kill();
    for (const r of cluster) await r.stop('SIGKILL');
    await redis?.stop('SIGKILL');
    await lab?.destroy();
    await tmp?.cleanup();
  });

  const proxyArgs = () => ['proxy', 'nginx', '--host', 'web', '--domain', 'relay.test', '--cert', path.join(pki, 'server', 'cert.pem'), '--key', path.join(pki, 'server', 'key.pem'), '--upstream', '127.0.0.1:5000'];
  const curl = (args: string[]) => shResult('curl', ['-s', '--max-time', '5', ...args]);

  it('--dry-run prints the site and changes nothing', async () => {
    const r = await runCli([...proxyArgs(), '--dry-run'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/would write on root@/);
    expect(r.stdout).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(r.stdout).toMatch(/return 301 https:\/\/\$host\$request_uri;/);
    expect(lab.nsExec(['sh', '-c', 'ls /etc/nginx/sites-enabled/'])).not.toMatch(/commbase-admin/);
  });

  it('starts nginx: https reaches the relay, 80 redirects except ACME\'s path, websockets go through, the relay sees the client\'s address', async () => {
    const r = await runJson<{ action: string }>([...proxyArgs(), '--json'], { env });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.json.action).toBe('started'); // nginx was not running in the namespace
    const ca = path.join(pki, 'ca', 'ca.pem');
    const info = await curl(['--cacert', ca, '--resolve', `relay.test:443:${lab.address}`, 'https://relay.test/info']);
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toHaveProperty('server_id');
    const redirect = await curl(['-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', '--resolve', `relay.test:80:${lab.address}`, 'http://relay.test/api/get_saved_data?x=1']);
    expect(redirect.stdout).toBe('301 https://relay.test/api/get_saved_data?x=1');
    lab.nsExec(['sh', '-c', 'mkdir -p /var/www/commbase-admin-acme/.well-known/acme-challenge && printf tok.key > /var/www/commbase-admin-acme/.well-known/acme-challenge/tok']);
    const challenge = await curl(['-w', ' %{http_code}', '--resolve', `relay.test:80:${lab.address}`, 'http://relay.test/.well-known/acme-challenge/tok']);
    expect(challenge.stdout).toBe('tok.key 200');
    // A token and a websocket-only Socket.IO client, through nginx.
    const issued = await runJson<{ token: string }>(['clients', 'issue', '--name', 'through-proxy', '--scope', 'both', '--host', 'web', '--data-dir', path.join(lab.dir, 'relay-data')], { env });
    expect(issued.code, issued.stderr).toBe(0);
    const base = `https://${lab.address}`;
    const py = PyClient.start(['listen', `${base}/t/${issued.json.token}/api/get_saved_data`, `${base}?token=${issued.json.token}`, '30'], { COMMBASE_TRANSPORTS: 'websocket', REQUESTS_CA_BUNDLE: ca, SSL_CERT_FILE: ca, WEBSOCKET_CLIENT_CA_BUNDLE: ca });
    pys.push(py);
    const connected = await py.waitFor((e) => e.event === 'connected' || e.event === 'refused', 20_000);
    expect(connected).toMatchObject({ event: 'connected', transport: 'websocket' });
    await curl(['--cacert', ca, '--resolve', `relay.test:443:${lab.address}`, '-H', 'content-type: application/json', '-d', '{"via":"nginx"}', `https://relay.test/t/${issued.json.token}/api/save_json`]);
    const update = await py.waitFor((e) => e.event === 'update_saved_data' && (e as { last?: { via?: string } }).last?.via === 'nginx');
    expect(update).toBeTruthy();
    const status = await runJson<{ connected: Array<{ address: string }> }>(['relay', 'status', '--host', 'web', '--data-dir', path.join(lab.dir, 'relay-data')], { env });
    // Through the trusted proxy the relay records the client's address (this side of the veth), not nginx's 127.0.0.1.
    expect(status.json.connected.map((c) => c.address)).toContain(lab.hostSide);
  }, 60_000);

  it('refuses a broken change at nginx -t, puts the previous files back and leaves the running proxy serving', async () => {
    const ca = path.join(pki, 'ca', 'ca.pem');
    const siteBefore = lab.nsExec(['cat', '/etc/nginx/sites-available/commbase-admin-relay.test.conf']);
    const bad = await runCli([...proxyArgs(), '--https-port', '8443', '--webroot', '/var/www/x;y'], { env });
    expect(bad.code).toBe(2); // a webroot with ; never reaches nginx
    expect(bad.stderr).toMatch(/webroot/);
    // Something nginx -t rejects (a broken file beside the site, as an operator's typo would be) makes the change
    // fail at the test step: the new site (https on 8443) must not stay, and the proxy on 443 must go on.
    lab.nsExec(['sh', '-c', 'echo "this is not nginx syntax" > /etc/nginx/conf.d/broken.conf']);
    const refused = await runCli([...proxyArgs(), '--https-port', '8443'], { env });
    lab.nsExec(['rm', '-f', '/etc/nginx/conf.d/broken.conf']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/nginx -t refused the configuration/);
    expect(lab.nsExec(['cat', '/etc/nginx/sites-available/commbase-admin-relay.test.conf'])).toBe(siteBefore);
    const still = await curl(['--cacert', ca, '--resolve', `relay.test:443:${lab.address}`, 'https://relay.test/info']);
    expect(still.code, still.stderr).toBe(0);
    expect((await curl(['--resolve', `relay.test:8443:${lab.address}`, '-k', 'https://relay.test:8443/info'])).code).not.toBe(0);
    // A key that does not match the certificate is refused before anything is written.
    const otherKey = path.join(tmp.dir, 'other');
    await runJson(['cert', 'csr', '--out-dir', otherKey, '--cn', 'relay.test'], { env });
    const mismatch = await runCli(['proxy', 'nginx', '--host', 'web', '--domain', 'relay.test', '--cert', path.join(pki, 'server', 'cert.pem'), '--key', path.join(otherKey, 'key.pem'), '--upstream', '127.0.0.1:5000'], { env });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/does not match/);
    const wrongName = await runCli(['proxy', 'nginx', '--host', 'web', '--domain', 'other.test', '--cert', path.join(pki, 'server', 'cert.pem'), '--key', path.join(pki, 'server', 'key.pem'), '--upstream', '127.0.0.1:5000'], { env });
    expect(wrongName.code).toBe(2);
    expect(wrongName.stderr).toMatch(/not valid for other\.test/);
  }, 60_000);

  it('never replaces a hand-written file in sites-enabled, and reports a reload whose new site is not live (a port another program holds), with everything put back', async () => {
    const ca = path.join(pki, 'ca', 'ca.pem');
    // A hand-written file where our link would go (for another domain's name): refused, byte for byte kept.
    const mine = '/etc/nginx/sites-enabled/commbase-admin-hand.test.conf';
    lab.nsExec(['sh', '-c', `printf '# the operator wrote this\\n' > ${mine}`]);
    const handPki = path.join(tmp.dir, 'hand');
    expect((await runJson(['cert', 'issue', '--ca-dir', path.join(pki, 'ca'), '--out-dir', handPki, '--cn', 'hand.test'], { env })).code).toBe(0);
    const hand = await runCli(['proxy', 'nginx', '--host', 'web', '--domain', 'hand.test', '--cert', path.join(handPki, 'cert.pem'), '--key', path.join(handPki, 'key.pem'), '--upstream', '127.0.0.1:5000'], { env });
    expect(hand.code, hand.stderr).toBe(2);
    expect(hand.stderr).toMatch(/is not commbase-admin's link/);
    expect(lab.nsExec(['cat', mine])).toBe('# the operator wrote this\n');
    expect(lab.nsExec(['sh', '-c', 'ls /etc/nginx/sites-available/'])).not.toMatch(/hand\.test/);
    lab.nsExec(['rm', '-f', mine]);

    // Port 9443 held by another program: nginx -t passes, nginx -s reload returns 0, the new listener never binds.
    const holder = spawn('nsenter', ['-t', String(lab.sshdPid()), '-n', '-m', '/usr/bin/python3', '-c', 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 9443)); s.listen(); time.sleep(60)'], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !lab.nsExec(['sh', '-c', "ss -ltn 'sport = :9443' | tail -n +2"]).trim(); i++) await new Promise((r) => setTimeout(r, 100));
      const siteBefore = lab.nsExec(['cat', '/etc/nginx/sites-available/commbase-admin-relay.test.conf']);
      const r = await runCli([...proxyArgs(), '--https-port', '9443'], { env });
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(r.stderr).toMatch(/the new site is not live on port 9443/);
      expect(lab.nsExec(['cat', '/etc/nginx/sites-available/commbase-admin-relay.test.conf'])).toBe(siteBefore);
      // The proxy that was there goes on serving, and nginx still passes its own test (the next start works).
      const still = await curl(['--cacert', ca, '--resolve', `relay.test:443:${lab.address}`, 'https://relay.test/info']);
      expect(still.code, still.stderr).toBe(0);
      expect(lab.nsExec(['sh', '-c', 'nginx -t 2>&1; echo rc=$?'])).toMatch(/rc=0/);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 60_000);

  it('the console\'s Proxy screen does the same: a form, the preview with the files and the site, then nginx reloaded', async () => {
    // The site exists from the tests above: the screen replaces it (https on 8443 this time) and reloads.
    const session = TmuxSession.start('proxy', [process.execPath, BIN], { ...env, NO_COLOR: '1' }, { cols: 120, rows: 45 });
    try {
      await session.waitFor('Proxy');
      await session.openFromHome('6', 'Host where nginx runs'); // Proxy
      await session.paste('web');
      await session.key('Enter');
      await session.waitFor('The name clients use');
      await session.paste('relay.test');
      await session.key('Enter');
      await session.waitFor('Certificate with its chain');
      await session.paste(path.join(pki, 'server', 'cert.pem'));
      await session.key('Enter');
      await session.waitFor('Its key');
      await session.paste(path.join(pki, 'server', 'key.pem'));
      await session.key('Enter');
      await session.waitFor('Where the relay listens');
      await session.key('Enter'); // the suggested 127.0.0.1:5000
      await session.waitFor('Port for http');
      await session.key('Enter');
      await session.waitFor('Port for https');
      await session.paste('8443');
      await session.key('Enter');
      const preview = await session.waitFor('Put nginx in front of the relay', 20_000);
      expect(preview).toMatch(/replace \/etc\/nginx\/sites-available\/commbase-admin-relay\.test\.conf/);
      expect(preview).toMatch(/listen 8443 ssl;/);
      await session.key('y');
      await session.waitFor(/nginx reloaded on root@/, 20_000);
    } finally {
      session.kill();
    }
    const ca = path.join(pki, 'ca', 'ca.pem');
    const info = await curl(['--cacert', ca, '--resolve', `relay.test:8443:${lab.address}`, 'https://relay.test:8443/info']);
    expect(info.code, info.stderr).toBe(0);
  }, 90_000);

  it('in front of three relays on one Redis: a polling client keeps its session (sticky by address), a relay that stops answering is taken out', async () => {
    const inNs = ['nsenter', '-t', String(lab.sshdPid()), '-n', '-m'];
    redis = await RedisServer.start(path.join(lab.dir, 'redis'), { prefix: inNs, port: 6391 });
    for (const n of [1, 2, 3]) cluster.push(await RelayProcess.start(['--port', String(5100 + n), '--store', 'redis://127.0.0.1:6391/0', '--trusted-proxy', '127.0.0.1'], env, path.join(lab.dir, `relay-${n}`), inNs));
    const r = await runJson<{ action: string }>(['proxy', 'nginx', '--host', 'web', '--domain', 'relay.test', '--cert', path.join(pki, 'server', 'cert.pem'), '--key', path.join(pki, 'server', 'key.pem'), '--upstream', '127.0.0.1:5101', '--upstream', '127.0.0.1:5102', '--upstream', '127.0.0.1:5103', '--json'], { env });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(lab.nsExec(['cat', '/etc/nginx/sites-available/commbase-admin-relay.test.conf'])).toMatch(/upstream commbase_admin_relay_test \{\s*ip_hash;/);
    const ca = path.join(pki, 'ca', 'ca.pem');
    const issued = await runJson<{ token: string }>(['clients', 'issue', '--name', 'poller', '--scope', 'both', '--host', 'web', '--data-dir', cluster[0]!.dataDir, '--json'], { env });
    expect(issued.code, issued.stderr).toBe(0);
    const base = `https://${lab.address}`;
    const post = (via: string) => curl(['-w', ' %{http_code}', '--cacert', ca, '--resolve', `relay.test:443:${lab.address}`, '-H', 'content-type: application/json', '-d', JSON.stringify({ via }), `https://relay.test/t/${issued.json.token}/api/save_json`]);
    // Long polling: every request of the session must reach the relay that holds it, or the session is unknown.
    const py = PyClient.start(['listen', `${base}/t/${issued.json.token}/api/get_saved_data`, `${base}?token=${issued.json.token}`, '40'], { COMMBASE_TRANSPORTS: 'polling', REQUESTS_CA_BUNDLE: ca, SSL_CERT_FILE: ca });
    pys.push(py);
    expect(await py.waitFor((e) => e.event === 'connected' || e.event === 'refused', 20_000)).toMatchObject({ event: 'connected', transport: 'polling' });
    for (const n of [1, 2, 3, 4, 5]) {
      expect((await post(`poll-${n}`)).stdout).toMatch(/ 200$/);
      await py.waitFor((e) => e.event === 'update_saved_data' && (e as { last?: { via?: string } }).last?.via === `poll-${n}`, 10_000);
    }
    expect(py.events.some((e) => e.event === 'disconnect')).toBe(false);
    // The relay this client is on, from any relay's status: the one nginx sends this address to.
    type Cluster = { cluster: Array<{ publicUrl: string; clients: Array<{ name: string }> }> };
    let holder = -1;
    for (let i = 0; i < 50 && holder < 0; i++) {
      const st = await runJson<Cluster>(['relay', 'status', '--host', 'web', '--data-dir', cluster[1]!.dataDir, '--json'], { env });
      holder = cluster.findIndex((c) => st.json.cluster?.find((p) => p.publicUrl.endsWith(`:${c.port}`))?.clients.some((x) => x.name === 'poller'));
      if (holder < 0) await new Promise((x) => setTimeout(x, 200));
    }
    expect(holder).toBeGreaterThanOrEqual(0);
    // That relay stops answering: nginx takes it out, uploads from the same address go on (to another relay).
    await cluster[holder]!.stop('SIGKILL');
    const after = await post('after-kill');
    expect(after.stdout).toMatch(/ 200$/);
    const docs = await curl(['--cacert', ca, '--resolve', `relay.test:443:${lab.address}`, `https://relay.test/t/${issued.json.token}/api/get_saved_data`]);
    expect((JSON.parse(docs.stdout) as Array<{ via?: string }>).map((d) => d.via)).toEqual(['poll-1', 'poll-2', 'poll-3', 'poll-4', 'poll-5', 'after-kill']);
  }, 90_000);
});
