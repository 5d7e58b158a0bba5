// The Hosts screen as a new operator meets it (#23): a host added from the form is selected (so the c the result
// suggests checks it), the host-key question can stay open 30 s while fingerprints are compared and y still pins
// (the connect timeout counts the network, not the person), the row says pinned at once, adding and pinning are
// in History, and this machine's (local) backend can be changed with e.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runJson } from '../helpers/cli.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { TmuxSession } from '../helpers/tmux.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['tmux', 'ip', 'sshd', 'ssh-keygen'] });

describe.skipIf(why)(titled('console under tmux: adding a host and pinning its key slowly', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let lab: TestHost;
  let session: TmuxSession | undefined;
  beforeAll(async () => { tmp = await withTempDir(); lab = await TestHost.create(); }, 30_000);
  afterAll(async () => { session?.kill(); await lab?.destroy(); await tmp?.cleanup(); });

  it('selects the new host, pins after a 30 s look at the fingerprint, records it, and edits local\'s backend', async () => {
    const env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
    session = TmuxSession.start('hostkey', [process.execPath, BIN], env, { cols: 120, rows: 40 });
    await session.waitFor('Certificates');
    await session.openFromHome('2', 'commbase-admin · Hosts'); // Hosts
    await session.key('a');
    await session.waitFor('Name (used with --host)');
    await session.paste('desk');
    await session.key('Enter');
    await session.paste(lab.address);
    await session.key('Enter');
    await session.repeat('BSpace', 4);
    await session.paste(String(lab.sshPort));
    await session.key('Enter');
    await session.key('Enter'); // root
    await session.paste(lab.clientKey);
    await session.key('Enter');
    await session.key('Enter'); // iptables
    const preview = await session.waitFor('Add desk to the inventory?'); // previewed before it is written
    expect(preview).toContain(`root@${lab.address}:${lab.sshPort}, firewall iptables`);
    await session.key('y'); // adds desk, selects it and connects to pin its key
    const question = await session.waitFor('Trust it and pin it?');
    expect(question).toContain(lab.fingerprint);
    expect(question).toMatch(/desk/);
    await new Promise((r) => setTimeout(r, 30_000)); // reading the fingerprint
    expect(session.capture()).not.toMatch(/Timed out|timed out|no answer within/);
    await session.key('y');
    await session.waitFor(/reached root@.* as uid 0/, 20_000);
    const row = session.capture().split('\n').find((l) => /desk/.test(l) && /10\.213\./.test(l)) ?? '';
    expect(row).toContain(lab.fingerprint.slice(0, 17)); // pinned, shown at once

    // local's backend, from iptables to ufw and back.
    await session.key('Up');
    await session.key('e');
    await session.waitFor('Firewall backend (iptables or ufw)');
    await session.waitFor('[iptables]'); // a choice, not free text
    await session.paste('ufw');
    await session.key('Enter');
    await session.waitFor('local (this machine): firewall backend ufw');
    session.kill();

    const audit = await runJson<{ records: Array<{ action: string; host: string; outcome: string }> }>(['audit', '--limit', '20'], { env });
    const actions = audit.json.records.map((r) => `${r.action} ${r.host}`);
    expect(actions).toEqual(expect.arrayContaining(['hosts.add desk', 'hosts.pin desk', 'hosts.edit local']));
  }, 120_000);
});
