// The relay's data directory as an attacker and a full disk meet it: "2xx means on disk" at ENOSPC on a small
// tmpfs (mounted by this test, unmounted even when it fails), and a data directory others can write, another
// user's, or holding planted links, refused before anything is written through it.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runJson } from '../helpers/cli.js';
import { missing, titled } from '../helpers/needs.js';
import { freePort } from '../helpers/port.js';
import { RelayProcess } from '../helpers/relay.js';
import { withTempDir } from '../helpers/tmp.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let env: Record<string, string>;
const relays: RelayProcess[] = [];
beforeAll(async () => {
  tmp = await withTempDir();
  env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data') };
});
afterAll(async () => {
  for (const r of relays) await r.stop('SIGKILL');
  await tmp?.cleanup();
});
const start = async (args: string[], dataDir: string) => { const r = await RelayProcess.start(args, env, dataDir); relays.push(r); return r; };

const why = missing({ root: true, commands: ['mount', 'umount'] });

describe.skipIf(why)(titled('a full disk (a 1 MiB tmpfs)', why), () => {
  it('answers 507 (never 200, never 500) for an upload that did not reach the disk, keeps every acknowledged one, and goes on once space returns', async () => {
    const mnt = path.join(tmp.dir, 'small');
    mkdirSync(mnt, { mode: 0o700 });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mnt]);
    try {
      const dataDir = path.join(mnt, 'relay');
      const port = await freePort();
      let relay = await start(['--port', String(port), '--rate', '100000'], dataDir);
      const token = (await runJson<{ token: string }>(['clients', 'issue', '--name', 'up', '--scope', 'both', '--data-dir', dataDir], { env })).json.token;
      const url = `http://127.0.0.1:${port}/t/${token}/api`;
      // Leave a little room, then upload 7 KiB documents until the disk refuses (several uploads end mid-record).
      writeFileSync(path.join(mnt, 'filler'), Buffer.alloc(1024 * 1024 - 150 * 1024));
      const acked: number[] = [];
      const statuses = new Map<number, number>();
      let refusedBody = '';
      for (let n = 0; n < 80; n++) {
        const r = await fetch(`${url}/save_json`, { method: 'POST', body: JSON.stringify({ n, pad: 'x'.repeat(7 * 1024 + (n % 13) * 97) }) });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 200) acked.push(n);
        else refusedBody = await r.text();
      }
      expect([...statuses.keys()].sort(), JSON.stringify([...statuses])).toEqual([200, 507]);
      expect(JSON.parse(refusedBody)).toEqual({ error: expect.stringMatching(/disk is full: the upload was not stored/) });
      expect(relay.output.text).not.toMatch(/unexpected error|at .*\.js:\d+/);
      expect(relay.output.text.match(/uploads are not being stored/g)).toHaveLength(1);
      // The log holds no NUL bytes and no partial record: what was refused was cut back.
      const log = readFileSync(path.join(dataDir, 'documents.log'));
      expect(log.includes(0)).toBe(false);
      expect(log.at(-1)).toBe(10);
      // Space returns: the same relay stores again, without a restart.
      rmSync(path.join(mnt, 'filler'));
      const again = await fetch(`${url}/save_json`, { method: 'POST', body: JSON.stringify({ n: 1000 }) });
      expect(again.status).toBe(200);
      acked.push(1000);
      expect(relay.output.text).toMatch(/takes writes again/);
      // After kill -9 and a restart, exactly the acknowledged uploads are there.
      await relay.stop('SIGKILL');
      relay = await start(['--port', String(port), '--rate', '100000'], dataDir);
      const docs = (await (await fetch(`${url}/get_saved_data`)).json()) as Array<{ n: number }>;
      expect(docs.map((d) => d.n)).toEqual(acked);
      await relay.stop();
    } finally {
      execFileSync('umount', ['-l', mnt]);
    }
  }, 60_000);
});

describe('a data directory others could change', () => {
  const victim = () => { const v = path.join(tmp.dir, 'victim.txt'); writeFileSync(v, 'precious\n'); return v; };
  const refused = async (dataDir: string, message: RegExp) => {
    const r = await runCli(['relay', 'start', '--port', String(await freePort()), '--data-dir', dataDir], { env, timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/bug|at .*\.js:\d+/);
    return r;
  };

  it('refuses a directory anyone can write (0777) with a planted link in it, and writes nothing through the link', async () => {
    const v = victim();
    const dir = path.join(tmp.dir, 'open');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    symlinkSync(v, path.join(dir, 'documents.log'));
    await refused(dir, /invalid data-dir .*can be written by anyone \(mode 0777\)/);
    // Made private, the link someone left there is still refused, never followed.
    chmodSync(dir, 0o700);
    await refused(dir, /documents\.log is a symbolic link: the relay never follows links/);
    expect(readFileSync(v, 'utf8')).toBe('precious\n');
  });

  it.skipIf(why)('refuses a directory another user owns', async () => {
    const dir = path.join(tmp.dir, 'theirs');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    await refused(dir, /is owned by uid 65534/);
  });

  it('refuses a dangling auth.json link with a clear message (no "this is a bug")', async () => {
    const dir = path.join(tmp.dir, 'dangling');
    mkdirSync(dir, { mode: 0o700 });
    symlinkSync(path.join(tmp.dir, 'nowhere.json'), path.join(dir, 'auth.json'));
    await refused(dir, /auth\.json is a symbolic link/);
    // And a link to a real file is refused the same way, the file untouched.
    rmSync(path.join(dir, 'auth.json'));
    const v = victim();
    symlinkSync(v, path.join(dir, 'auth.json'));
    await refused(dir, /auth\.json is a symbolic link/);
    expect(readFileSync(v, 'utf8')).toBe('precious\n');
  });
});
