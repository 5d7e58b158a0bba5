// The Forwards screen in tmux against a router namespace over SSH: add through the form (preview, confirm),
// watch the countdown, and see an expired forward reaped while the console watches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, runCli } from '../helpers/cli.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { TmuxSession } from '../helpers/tmux.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['tmux', 'ip', 'sshd', 'iptables-restore'] });

describe.skipIf(why)(titled('console under tmux: timed forwards', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let router: TestHost;
  let session: TmuxSession | undefined;
  beforeAll(async () => { tmp = await withTempDir(); router = await TestHost.create(); }, 30_000);
  afterAll(async () => { session?.kill(); await router?.destroy(); await tmp?.cleanup(); });

  it('adds with a preview, counts down, and reaps after expiry', async () => {
    const existedBefore = existsSync('/usr/local/sbin/commbase-admin-reap');
    const env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
    expect((await runCli(router.addArgs('router', 'iptables'), { env })).code).toBe(0);
    session = TmuxSession.start('fwd', [process.execPath, BIN], env);
    await session.waitFor('Certificates');
    await session.openFromHome('4', 'commbase-admin · Forwards'); // Forwards
    await session.key('Tab');
    await session.waitFor('no timed forwards on this host');
    await session.key('a');
    await session.waitFor('Source allowed');
    await session.type('203.0.113.9');
    await session.key('Enter');
    for (const _ of [0, 1, 2]) await session.key('Enter'); // port 8080, 192.168.1.50:80, tcp
    await session.waitFor('How long');
    await session.repeat('BSpace', 5);
    await session.type('12s');
    await session.key('Enter');
    const preview = await session.waitFor('Add this forward?');
    expect(preview).toMatch(/-m time --datestop/);
    await session.key('y');
    const listed = await session.waitFor(/[0-9a-f]{8}\s+203\.0\.113\.9\/32\s+8080\/tcp\s+192\.168\.1\.50:80\s+\d+s/);
    const id = /([0-9a-f]{8})\s+203\.0\.113\.9/.exec(listed)![1]!;
    expect(router.nsExec(['iptables-save', '-t', 'nat'])).toContain(id);
    await session.waitFor(new RegExp(`${id}.*\\s[1-9]s\\s`), 15_000);
    // Expired, then reaped by the console that watches this host.
    await session.waitFor(`reaped while watching: ${id}`, 20_000);
    expect(router.nsExec(['iptables-save', '-t', 'nat'])).not.toContain(id);
    // The screen reads the host every 5 s over one kept SSH connection, not a new login each time.
    const logins = () => (readFileSync(router.sshdLog, 'utf8').match(/Accepted publickey/g) ?? []).length;
    const before = logins();
    await new Promise((r) => setTimeout(r, 11_000));
    expect(logins() - before).toBe(0);

    // The cron reaper, from the screen: previewed, confirmed, then in root's crontab on that host.
    await session.key('c');
    const cron = await session.waitFor('Install the cron reaper?');
    expect(cron).toMatch(/root's crontab gets: .*commbase-admin-reap/);
    await session.key('y');
    await session.waitFor(/cron reaper: (installed|already installed)/, 15_000);
    expect(router.nsExec(['crontab', '-l'])).toMatch(/commbase-admin-reap/);
    expect(router.nsExec(['test', '-x', '/usr/local/sbin/commbase-admin-reap']).length).toBe(0); // the host's (private) sbin
    expect(existsSync('/usr/local/sbin/commbase-admin-reap') && !existedBefore).toBe(false); // never this machine's
    await session.key('p');
    await session.waitFor(/Remove the expired forwards\?[\s\S]*nothing to reap/);
  }, 120_000);
});
