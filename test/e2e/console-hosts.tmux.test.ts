// The Hosts screen in tmux against sshd in a test namespace, with an identity file encrypted by ssh-keygen:
// connecting asks for the passphrase in a dialog (masked), a wrong one is refused and not kept, the right one
// connects and is kept for the session, so the next connection asks nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { BIN, runCli } from '../helpers/cli.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { sh } from '../helpers/proc.js';
import { TmuxSession } from '../helpers/tmux.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['tmux', 'ip', 'sshd', 'ssh-keygen'] });
const PASSPHRASE = 'correct horse';

describe.skipIf(why)(titled('console under tmux: hosts with an encrypted identity file', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let lab: TestHost;
  let session: TmuxSession | undefined;
  beforeAll(async () => { tmp = await withTempDir(); lab = await TestHost.create(); }, 30_000);
  afterAll(async () => { session?.kill(); await lab?.destroy(); await tmp?.cleanup(); });

  it('asks for the passphrase once, refuses a wrong one, and keeps the right one for the session', async () => {
    const env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
    const key = path.join(tmp.dir, 'id_encrypted');
    copyFileSync(lab.clientKey, key);
    chmodSync(key, 0o600);
    sh('ssh-keygen', ['-q', '-p', '-P', '', '-N', PASSPHRASE, '-f', key]);
    const args = lab.addArgs('lab', 'iptables');
    args[args.indexOf('--identity') + 1] = key;
    expect((await runCli(args, { env })).code).toBe(0);

    session = TmuxSession.start('hosts', [process.execPath, BIN], env);
    await session.waitFor('Certificates');
    await session.openFromHome('2', 'commbase-admin · Hosts'); // Hosts
    await session.key('Down');
    await session.key('c');
    let screen = await session.waitFor(`The identity file ${key} is encrypted`);
    expect(screen).toMatch(/Enter unlock/);
    await session.key('Escape'); // cancel: nothing connects
    await session.waitFor(/no passphrase was\s+given/);
    expect(session.capture()).toContain('commbase-admin · Hosts');

    await session.key('c');
    await session.waitFor(`The identity file ${key} is encrypted`);
    await session.type('wrong');
    expect(session.capture()).not.toContain('wrong'); // masked
    await session.key('Enter');
    await session.waitFor(/wrong\s+passphrase/);
    expect(lab.logins()).toBe(0);

    await session.key('c');
    await session.waitFor(`The identity file ${key} is encrypted`);
    await session.type(PASSPHRASE);
    await session.key('Enter');
    screen = await session.waitFor(/reached root@.* as uid 0/);
    expect(screen).not.toContain(PASSPHRASE);
    expect(lab.logins()).toBe(1);

    // Kept for the session: the next connection logs in without asking.
    await session.key('c');
    const start = Date.now();
    while (lab.logins() < 2 && Date.now() - start < 15_000) {
      expect(session.capture()).not.toContain('is encrypted');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(lab.logins()).toBe(2);
    await session.waitFor(/reached root@.* as uid 0/);
    session.kill();
  }, 90_000);

  it('monitor --host asks for the passphrase on the terminal before it starts, then watches the host', async () => {
    const env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
    const key = path.join(tmp.dir, 'id_encrypted');
    session = TmuxSession.start('mon', [process.execPath, BIN, 'monitor', '--host', 'lab'], env, { cols: 100, rows: 30 });
    await session.waitFor(`passphrase for ${key}:`);
    await session.type('nope');
    expect(session.capture()).not.toContain('nope'); // not echoed
    await session.key('Enter');
    await session.waitFor('wrong passphrase, try again');
    await session.type(PASSPHRASE);
    await session.key('Enter');
    const screen = await session.waitFor(/HOSTS lab: ok/, 20_000);
    expect(screen).not.toContain(PASSPHRASE);
  }, 60_000);

  it('shows both fingerprints when a host key changed, re-pins it after the name is typed, and edits a host keeping its pin', async () => {
    session?.kill();
    const env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config-changed'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
    // Pinned to another key (as after a reinstall, or an interception): the real one no longer matches.
    const args = lab.addArgs('moved', 'iptables');
    const old = `SHA256:${'A'.repeat(43)}`;
    args[args.indexOf('--trust-fingerprint') + 1] = old;
    expect((await runCli(args, { env })).code).toBe(0);
    session = TmuxSession.start('hosts2', [process.execPath, BIN], env, { cols: 130, rows: 40 });
    await session.waitFor('Certificates');
    await session.openFromHome('2', /› local[\s\S]*moved +root@/); // Hosts, its list read (an arrow before that moves nothing)
    await session.key('Down');
    await session.key('c');
    const changed = await session.waitFor('The host key of moved has changed', 20_000);
    expect(changed).toContain(`pinned:  ${old}`);
    expect(changed).toContain(`offered: ${lab.fingerprint}`);
    await session.key('k');
    await session.waitFor('Trust the new host key of moved?');
    await session.paste('moved');
    await session.key('Enter');
    await session.waitFor(`pinned ${lab.fingerprint} for moved`);
    await session.key('c');
    await session.waitFor(/reached root@/, 20_000);
    // Edit: the values shown are the host's own; the pin stays.
    await session.key('e');
    await session.waitFor(new RegExp(`› ${lab.address.replace(/\./g, '\\.')}`));
    for (const next of ['SSH port', 'User', 'Identity file', 'Firewall backend']) { await session.key('Enter'); await session.waitFor(next); }
    await session.key('C-u');
    await session.paste('ufw');
    await session.key('Enter');
    await session.waitFor(`host key still pinned: ${lab.fingerprint}`);
    const list = await runCli(['hosts', 'list', '--json'], { env });
    expect(JSON.parse(list.stdout)).toContainEqual(expect.objectContaining({ name: 'moved', backend: 'ufw', pinned: lab.fingerprint }));
  }, 90_000);
});
