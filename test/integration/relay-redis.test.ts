// Several relays on one Redis (#24), against Debian's redis-server (own port and directory, loopback): Commbase's
// own listener on relay A receives what its own uploader posts to relay B; a revoke on C drops a client held by A
// within a second, a rotate on B reaches it; Redis stopped for 10 s during uploads: no 200 without the document
// stored, every relay recovers by itself; kill -9 of A during uploads: every acknowledged upload is there through B
// and C, once; a Redis that does not fsync every write is refused unless --store-unsafe, which the status shows.
import { type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, runJson } from '../helpers/cli.js';
import { TmuxSession } from '../helpers/tmux.js';
import { BUNDLE, commbaseMissing, commbaseScript, finished, makeAppDir } from '../helpers/commbase.js';
import { missing, titled } from '../helpers/needs.js';
import { freePort, until } from '../helpers/port.js';
import { RedisServer } from '../helpers/redis.js';
import { PyClient, RelayProcess } from '../helpers/relay.js';
import { withTempDir } from '../helpers/tmp.js';

const why = commbaseMissing() ?? missing({ commands: ['redis-server', 'tmux'], python: ['socketio', 'requests'] });

describe.skipIf(why)(titled('several relays on one Redis (redis-server)', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  let redis: RedisServer;
  const relays: RelayProcess[] = [];
  const others: RedisServer[] = [];
  const procs: ChildProcess[] = [];
  const pys: PyClient[] = [];
  let a: RelayProcess, b: RelayProcess, c: RelayProcess;
  let token: string;
  const start = async (name: string, extra: string[] = []) => {
    // Three uploaders share one token here: the per-client rate limit is lifted (it is tested elsewhere).
    const r = await RelayProcess.start(['--port', '0', '--store', redis.url, '--rate', '100000', ...extra], env, path.join(tmp.dir, name));
    relays.push(r);
    return r;
  };
  const base = (r: RelayProcess) => `http://127.0.0.1:${r.port}`;
  const read = async (r: RelayProcess) => (await (await fetch(`${base(r)}/api/get_saved_data?token=${token}`)).json()) as unknown[];

  beforeAll(async () => {
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
    redis = await RedisServer.start(path.join(tmp.dir, 'redis'));
    [a, b, c] = [await start('a'), await start('b'), await start('c')];
    const issued = await runJson<{ token: string }>(['clients', 'issue', '--data-dir', a.dataDir, '--name', 'tester', '--scope', 'both', '--json'], { env });
    expect(issued.code, issued.stderr).toBe(0);
    token = issued.json.token;
  }, 60_000);
  afterAll(async () => {
    for (const p of pys) p.kill();
    for (const p of procs) p.kill('SIGKILL');
    for (const r of relays) await r.stop('SIGKILL');
    await redis?.stop('SIGKILL');
    for (const o of others) await o.stop('SIGKILL');
    await tmp?.cleanup();
  });

  it('one set of documents and clients: Commbase\'s own listener on A gets what its own uploader posts to B', async () => {
    // Each relay says which store it uses and that it is up.
    const st = await runJson<{ store: { kind: string; state: string; durability: string } }>(['relay', 'status', '--data-dir', b.dataDir, '--json'], { env });
    expect(st.json.store).toMatchObject({ kind: 'redis', state: 'up', durability: 'appendonly yes, appendfsync always' });
    // A token issued on A works on B and C (one set of clients), and the ids run 1, 2, 3 across relays.
    const post = async (r: RelayProcess, doc: unknown) => (await fetch(`${base(r)}/api/save_json?token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) })).json() as Promise<{ filename: string }>;
    expect((await post(b, { n: 1 })).filename).toBe('json_1.json');
    expect((await post(c, { n: 2 })).filename).toBe('json_2.json');
    expect(await read(a)).toEqual([{ n: 1 }, { n: 2 }]);

    // Commbase's own scripts, set up as an operator does (client setup writes the relay's URL and a token into their
    // literals, nothing else): the listener's app points at A, the uploader's at B.
    const appFor = async (name: string, r: RelayProcess) => {
      const app = makeAppDir(path.join(tmp.dir, name));
      cpSync(BUNDLE, path.join(app, 'bundles', 'commbase-data-exchange'), { recursive: true });
      const setup = await runJson(['client', 'setup', '--app-dir', app, '--relay-url', base(r), '--name', name, '--data-dir', r.dataDir, '--json'], { env });
      expect(setup.code, JSON.stringify(setup.json)).toBe(0);
      return path.join(app, 'bundles', 'commbase-data-exchange');
    };
    const [listenApp, uploadApp] = [await appFor('app-a', a), await appFor('app-b', b)];
    const listener = commbaseScript(path.join(listenApp, 'client', 'client_http_websocket.py'), path.dirname(path.dirname(listenApp)), procs);
    await until(() => /Initial Saved JSON data:/.test(listener.out.text), 'the listener on A to read the documents', 20_000);
    const uploader = commbaseScript(path.join(uploadApp, 'server', 'uploader_http_websocket.py'), path.dirname(path.dirname(uploadApp)), procs);
    await finished(uploader.proc);
    expect(uploader.out.text).toMatch(/JSON data saved successfully[\s\S]*json_3\.json/);
    await until(() => /Updated Saved JSON data:[\s\S]*current_request/.test(listener.out.text), 'the listener on A to get the upload posted to B', 10_000);
    // Any relay's status shows the cluster: every relay, and which one the listener is on.
    type Cluster = { cluster?: Array<{ publicUrl: string; clients: Array<{ name: string }> }> };
    let seen: Cluster = {};
    await until(async () => {
      seen = (await runJson<Cluster>(['relay', 'status', '--data-dir', c.dataDir, '--json'], { env })).json;
      return seen.cluster?.length === 3 && seen.cluster.find((p) => p.publicUrl === base(a))?.clients.some((x) => x.name === 'app-a') === true;
    }, 'relay status to show three relays and the listener on A', 10_000);
    expect(seen.cluster!.filter((p) => p.publicUrl !== base(a)).flatMap((p) => p.clients)).toEqual([]);
    const text = await runCli(['relay', 'status', '--data-dir', b.dataDir], { env });
    expect(text.stdout).toMatch(new RegExp(`relays on this store: 3[\\s\\S]*${base(a).replace(/[.:/]/g, '.')} .*1 client\\(s\\) \\[app-a\\]`));
    listener.proc.kill();
  }, 60_000);

  it('a revoke on C drops the client\'s socket held by A within a second; a rotate on B tells it its new token', async () => {
    const issued = await runJson<{ id: string; token: string }>(['clients', 'issue', '--data-dir', c.dataDir, '--name', 'board', '--scope', 'read', '--json'], { env });
    const py = PyClient.start(['listen', `${base(a)}/api/get_saved_data?token=${issued.json.token}`, `${base(a)}?token=${issued.json.token}`, '60']);
    pys.push(py);
    await py.waitFor((e) => e.event === 'connected');
    const rotated = await runJson<{ token: string; notified: number }>(['clients', 'rotate', issued.json.id, '--data-dir', b.dataDir, '--json'], { env });
    expect(rotated.json.notified).toBe(1);
    await py.waitFor((e) => e.event === 'token_rotated' && e.token === rotated.json.token, 5000);
    // Timed from the revoke reaching C's admin feed (what `clients revoke` sends) to the socket on A closing.
    const admin = c.adminInfo();
    const at = Date.now();
    const revoking = fetch(`${admin.url}/clients/${encodeURIComponent(issued.json.id)}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' }, body: '{}' });
    await py.waitFor((e) => e.event === 'disconnect', 5000);
    const took = Date.now() - at;
    expect(((await (await revoking).json()) as { dropped: number }).dropped).toBe(1);
    process.stdout.write(`revoke on C → disconnect on A: ${took} ms\n`);
    expect(took).toBeLessThan(1000);
  }, 30_000);

  it('Redis stopped for 10 s during uploads: 503 and never a 200 without the document stored; every relay recovers by itself', async () => {
    const acked: string[] = [];
    const statuses = new Map<number, number>();
    let stop = false;
    const uploader = async (name: string, r: RelayProcess) => {
      for (let i = 0; !stop; i++) {
        const tag = `${name}-${i}`;
        const res = await fetch(`${base(r)}/api/save_json?token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tag }) }).catch(() => undefined);
        if (!res) continue;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) acked.push(tag);
        else expect((await res.json() as { error: string }).error).toMatch(/the store redis:\/\/127\.0\.0\.1:\d+\/0 is unreachable/);
        await new Promise((x) => setTimeout(x, 20));
      }
    };
    const running = [uploader('a', a), uploader('b', b), uploader('c', c)];
    await new Promise((x) => setTimeout(x, 300));
    await redis.stop();
    const downAt = Date.now();
    // While it is away: reads say so, the status line says since when.
    await until(async () => (await fetch(`${base(b)}/api/get_saved_data?token=${token}`)).status === 503, 'a read to get 503', 5000);
    const st = await runJson<{ store: { state: string; since: string } }>(['relay', 'status', '--data-dir', c.dataDir, '--json'], { env });
    expect(st.json.store.state).toBe('down');
    await new Promise((x) => setTimeout(x, Math.max(0, 10_000 - (Date.now() - downAt))));
    await redis.run();
    await until(async () => (await Promise.all([a, b, c].map(async (r) => (await fetch(`${base(r)}/api/get_saved_data?token=${token}`)).status))).every((s) => s === 200), 'every relay to read again', 15_000);
    await new Promise((x) => setTimeout(x, 500));
    stop = true;
    await Promise.all(running);
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    process.stdout.write(`uploads during a 10 s Redis outage: ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    const docs = (await read(a)) as Array<{ tag?: string }>;
    const tags = docs.map((d) => d.tag).filter(Boolean);
    for (const t of acked) expect(tags, t).toContain(t);
    expect(await read(b)).toEqual(docs);
    expect(await read(c)).toEqual(docs);
  }, 60_000);

  it('kill -9 of A during uploads from three uploaders: every acknowledged upload is found through B and C, none twice', async () => {
    const acked: string[] = [];
    let stop = false;
    const targets = [a, b, c];
    const uploader = async (name: string) => {
      for (let i = 0; !stop; i++) {
        const r = targets[i % 3]!;
        const tag = `k-${name}-${i}`;
        const res = await fetch(`${base(r)}/api/save_json?token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tag }) }).catch(() => undefined);
        if (res?.status === 200) acked.push(tag);
      }
    };
    const running = ['u1', 'u2', 'u3'].map(uploader);
    await new Promise((x) => setTimeout(x, 400));
    await a.stop('SIGKILL');
    await new Promise((x) => setTimeout(x, 600));
    stop = true;
    await Promise.all(running);
    // Each relay hears the others' last uploads through Redis's notices, a moment after they were acknowledged:
    // B and C serve the same documents once those have arrived.
    let viaB: Array<{ tag?: string }> = [];
    await until(async () => { viaB = (await read(b)) as typeof viaB; return JSON.stringify(await read(c)) === JSON.stringify(viaB); }, 'B and C serve the same documents', 5000);
    const tags = viaB.map((d) => d.tag).filter((t): t is string => Boolean(t?.startsWith('k-')));
    process.stdout.write(`kill -9 during uploads: ${acked.length} acknowledged, ${tags.length} stored\n`);
    for (const t of acked) expect(tags.filter((x) => x === t), t).toHaveLength(1);
    expect(new Set(tags).size).toBe(tags.length);
  }, 30_000);

  it('from the console: the start form takes the store, and the relay it starts serves the shared documents', async () => {
    const port = await freePort();
    const session = TmuxSession.start('redis-console', [process.execPath, BIN], { ...env, NO_COLOR: '1' }, { cols: 130, rows: 40 });
    try {
      await session.waitFor('Relay & clients');
      await session.openFromHome('7', /No relay runs with/);
      await session.key('s');
      await session.waitFor('Address to listen on');
      await session.key('Enter');
      await session.waitFor('Port');
      await session.key('C-u');
      await session.paste(String(port));
      for (const next of ['TLS certificate', 'Its key', 'A reverse proxy to trust', 'Share a Redis with other relays']) { await session.key('Enter'); await session.waitFor(next); }
      await session.paste('redis://u:pw@127.0.0.1:1/0');
      await session.key('Enter');
      await session.waitFor(/store "redis:\/\/u:\*\*\*@127\.0\.0\.1:1\/0": holds a password/);
      await session.key('C-u');
      await session.paste(redis.url);
      await session.key('Enter');
      await session.waitFor('Let Commbase');
      await session.key('Enter');
      await session.waitFor(new RegExp(`documents and clients in ${redis.url.replace(/[./]/g, '\\$&')}, shared with the relays there`));
      await session.key('y');
      await session.waitFor(new RegExp(`RELAY local: UP .*http://127\\.0\\.0\\.1:${port}`), 20_000);
      await session.waitFor(/store: redis redis:\/\/127\.0\.0\.1:\d+\/0 up/);
      expect(await (await fetch(`http://127.0.0.1:${port}/api/get_saved_data?token=${token}`)).json()).toEqual(await read(b));
      await session.key('t');
      await session.waitFor('Stop the relay?');
      await session.type(String(port));
      await session.key('Enter');
      await session.waitFor(/relay stopped/, 15_000);
    } finally {
      session.kill();
    }
  }, 90_000);

  it('one rate limit across the relays: a client that used up its allowance on one is refused by another until it has waited', async () => {
    const [x, y] = [await start('rx', ['--rate', '5']), await start('ry', ['--rate', '5'])];
    const get = async (r: RelayProcess) => (await fetch(`${base(r)}/api/get_saved_data?token=${token}`)).status;
    const burst = await Promise.all(Array.from({ length: 20 }, () => get(x)));
    expect(burst.filter((s) => s === 429).length).toBeGreaterThan(0); // X's own limit: 10 at once, then 5 a second
    // Y never saw this client, yet refuses it once the relays have added up their counts (within 2 s)…
    await until(async () => (await get(y)) === 429, 'Y to refuse the client X saw too much of', 3000);
    // …and lets it in again once the last two seconds hold no more than its allowance.
    await until(async () => { await new Promise((w) => setTimeout(w, 400)); return (await get(y)) === 200; }, 'Y to let it in again', 6000);
    await x.stop();
    await y.stop();
  }, 30_000);

  it('relay store migrate: a relay\'s log into an empty Redis database and back, checked, the same documents and tokens on the other side; never into one that holds data or from a running relay', async () => {
    const dir = path.join(tmp.dir, 'alone');
    const alone = await RelayProcess.start(['--port', '0'], env, dir);
    relays.push(alone);
    const issued = await runJson<{ token: string }>(['clients', 'issue', '--data-dir', dir, '--name', 'mover', '--scope', 'both', '--json'], { env });
    for (const n of [1, 2, 3]) await fetch(`http://127.0.0.1:${alone.port}/api/save_json?token=${issued.json.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ moved: n, text: 'ünïcode ✓' }) });
    const running = await runCli(['relay', 'store', 'migrate', '--from', dir, '--to', `redis://127.0.0.1:${redis.port}/1`], { env });
    expect(running.code).toBe(2);
    expect(running.stderr).toMatch(/a relay is running with [\s\S]*stop it first/);
    await alone.stop();
    const full = await runCli(['relay', 'store', 'migrate', '--from', dir, '--to', redis.url], { env });
    expect(full.stderr).toMatch(/it already holds a relay's documents or clients/);
    const dry = await runJson<{ documents: number; clients: number; dryRun: boolean }>(['relay', 'store', 'migrate', '--from', dir, '--to', `redis://127.0.0.1:${redis.port}/1`, '--dry-run', '--json'], { env });
    expect(dry.json).toMatchObject({ documents: 3, clients: 1, dryRun: true });
    const moved = await runJson<{ documents: number; checked: string }>(['relay', 'store', 'migrate', '--from', dir, '--to', `redis://127.0.0.1:${redis.port}/1`, '--json'], { env });
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.json).toMatchObject({ documents: 3, checked: expect.stringMatching(/read back, equal/) });
    const onRedis = await RelayProcess.start(['--port', '0', '--store', `redis://127.0.0.1:${redis.port}/1`], env, path.join(tmp.dir, 'on-redis'));
    relays.push(onRedis);
    const get = async (r: RelayProcess) => (await fetch(`http://127.0.0.1:${r.port}/api/get_saved_data?token=${issued.json.token}`)).json();
    const expected = [1, 2, 3].map((n) => ({ moved: n, text: 'ünïcode ✓' }));
    expect(await get(onRedis)).toEqual(expected);
    await onRedis.stop();
    const back = path.join(tmp.dir, 'back');
    const returned = await runJson<{ documents: number }>(['relay', 'store', 'migrate', '--from', `redis://127.0.0.1:${redis.port}/1`, '--to', back, '--json'], { env });
    expect(returned.code, returned.stderr).toBe(0);
    const again = await runCli(['relay', 'store', 'migrate', '--from', `redis://127.0.0.1:${redis.port}/1`, '--to', back], { env });
    expect(again.stderr).toMatch(/it already holds a relay's documents or clients/);
    // A directory whose documents are only in its log (a relay that never compacted) holds data too.
    const logOnly = path.join(tmp.dir, 'log-only');
    mkdirSync(logOnly, { mode: 0o700 });
    cpSync(path.join(dir, 'documents.log'), path.join(logOnly, 'documents.log'));
    const intoLog = await runCli(['relay', 'store', 'migrate', '--from', `redis://127.0.0.1:${redis.port}/1`, '--to', logOnly], { env });
    expect(intoLog.code).toBe(2);
    expect(intoLog.stderr).toMatch(/it already holds a relay's documents or clients/);
    expect(readFileSync(path.join(logOnly, 'documents.log'))).toEqual(readFileSync(path.join(dir, 'documents.log')));
    const secret = await runCli(['relay', 'store', 'migrate', '--from', `redis://u:hunter2@127.0.0.1:${redis.port}/1`, '--to', path.join(tmp.dir, 'y')], { env });
    expect(secret.stderr).toMatch(/invalid store "redis:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/1": holds a password/);
    expect(secret.stderr).not.toContain('hunter2');
    const onLog = await RelayProcess.start(['--port', '0'], env, back);
    relays.push(onLog);
    expect(await get(onLog)).toEqual(expected);
    const both = await runCli(['relay', 'store', 'migrate', '--from', back, '--to', path.join(tmp.dir, 'x')], { env });
    expect(both.stderr).toMatch(/invalid to .*one side is a relay's data directory, the other a redis:\/\/ URL/);
  }, 60_000);

  it('refuses a Redis that would lose acknowledged uploads unless --store-unsafe, which the status then shows; and refuses bad store values', async () => {
    const lossy = await RedisServer.start(path.join(tmp.dir, 'redis-lossy'), { fsync: 'everysec' });
    others.push(lossy);
    const refused = await runCli(['relay', 'start', '--port', '0', '--data-dir', path.join(tmp.dir, 'd'), '--store', lossy.url], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/would lose acknowledged uploads on a crash \(appendonly yes, appendfsync everysec\)[\s\S]*appendfsync always[\s\S]*--store-unsafe/);
    const redisSaved = redis;
    redis = lossy;
    const unsafe = await start('d', ['--store-unsafe']);
    redis = redisSaved;
    const st = await runCli(['relay', 'status', '--data-dir', unsafe.dataDir], { env });
    expect(st.stdout).toMatch(/store: redis redis:\/\/127\.0\.0\.1:\d+\/0 up .*UNSAFE: may lose acknowledged uploads/);

    const pw = path.join(tmp.dir, 'redis.pw');
    writeFileSync(pw, 'secret\n');
    chmodSync(pw, 0o644);
    const cases: Array<[string[], RegExp]> = [
      [['--store', 'redis://user:s3cr3t@127.0.0.1:6379/0'], /invalid store "redis:\/\/user:\*\*\*@127\.0\.0\.1:6379\/0": holds a password/],
      [['--store', 'http://127.0.0.1:6379/0'], /invalid store/],
      [['--store', 'redis://127.0.0.1:6379/x'], /the database after the port must be a number/],
      [['--store', `redis://127.0.0.1:6379/0 ${'x'.repeat(400)}`], /invalid store/],
      [['--store', redis.url, '--keep', '5'], /invalid keep .*cannot be used with --store/],
      [['--store-unsafe'], /invalid store-unsafe .*give --store/],
      [['--store', redis.url, '--store-password-file', pw], /invalid store-password-file .*others may read it/],
      [['--store', 'redis://127.0.0.1:1/0'], /failed to reach the store redis:\/\/127\.0\.0\.1:1\/0/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['relay', 'start', '--port', '0', '--data-dir', path.join(tmp.dir, 'e'), ...args], { env, timeoutMs: 20_000 });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toContain('s3cr3t');
    }
  }, 60_000);
});
