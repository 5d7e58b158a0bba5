// The Relay & clients screen under tmux: start the relay from the console (it outlives the console), issue a
// token, approve a Python client's request with a chosen scope, rotate and revoke with the name typed, list an
// approved client that is not connected, and stop the relay with its port typed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runJson } from '../helpers/cli.js';
import { missing, titled } from '../helpers/needs.js';
import { freePort } from '../helpers/port.js';
import { PyClient, RelayProcess } from '../helpers/relay.js';
import { withTempDir } from '../helpers/tmp.js';
import { TmuxSession } from '../helpers/tmux.js';

const why = missing({ commands: ['tmux'], python: ['socketio', 'requests'] });

describe.skipIf(why)(titled('console under tmux: the relay and its clients', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let session: TmuxSession | undefined;
  const pys: PyClient[] = [];
  let env: Record<string, string>;
  const adminFile = () => path.join(env.XDG_DATA_HOME!, 'commbase-admin', 'relay', 'admin.json');
  beforeAll(async () => {
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
  });
  afterAll(async () => {
    session?.kill();
    for (const p of pys) p.kill();
    // The relay was started to outlive the console: stop it whatever happened.
    try { process.kill((JSON.parse(readFileSync(adminFile(), 'utf8')) as { pid: number }).pid, 'SIGTERM'); } catch { /* not started */ }
    await tmp?.cleanup();
  });

  it('starts the relay, issues, approves with a scope, rotates, revokes and stops, each confirmed', async () => {
    const port = await freePort();
    session = TmuxSession.start('relay', [process.execPath, BIN], env, { cols: 130, rows: 40 });
    await session.waitFor('Relay & clients');
    await session.openFromHome('7', /No relay runs with[\s\S]*Press s to start one/); // Relay & clients
    await session.key('s');
    await session.waitFor('Address to listen on');
    await session.key('Enter'); // 127.0.0.1
    await session.waitFor('Port');
    await session.paste('0x1388'); // refused where typed, by field and value
    await session.key('Enter');
    await session.waitFor(/port "0x1388": must be a whole number/);
    await session.key('C-u');
    await session.paste(String(port));
    for (const next of ['TLS certificate', 'Its key', 'A reverse proxy to trust', 'Share a Redis with other relays', 'Let Commbase\'s own scripts on this machine in']) { await session.key('Enter'); await session.waitFor(next); }
    await session.key('Enter');
    await session.waitFor('Start the relay on this machine?');
    await session.key('y');
    await session.waitFor(/relay started \(pid \d+\)/, 20_000);
    await session.waitFor(new RegExp(`RELAY local: UP .*http://127\\.0\\.0\\.1:${port}`));

    // A token issued from the console: shown once.
    await session.key('i');
    await session.waitFor('A name for the client');
    await session.paste('board');
    await session.key('Enter');
    await session.waitFor('What it may do');
    await session.key('Enter'); // read
    await session.waitFor('Issue a token for board?');
    await session.key('y');
    await session.waitFor(/token \(shown once\): \S{20,}/);
    await session.waitFor(/approved, not connected\s+board\s+issued-[0-9a-f]{8}\s+read/);

    // A client asks; approving asks for the scope (what it asked for is suggested) and a confirmation.
    const asker = PyClient.start(['authorise', `http://127.0.0.1:${port}`, 'kiosk-9', 'Kiosk'], {});
    pys.push(asker);
    await session.waitFor(/pending\s+Kiosk\s+kiosk-9/, 15_000);
    await session.key('a');
    await session.waitFor('Approve with which scope');
    await session.paste('upload');
    await session.key('Enter');
    await session.waitFor('Approve Kiosk (kiosk-9)?');
    await session.key('y');
    await session.waitFor('approved Kiosk (upload)');
    await asker.waitFor((e) => e.event === 'authorise' && e.state === 'approved', 15_000);

    // Rotate and revoke, each by typing the client's name (the selected row is the first: Kiosk or board).
    const row = (screen: string) => (/› \S+(?:, not connected)?\s+(Kiosk|board)\s/.exec(screen)?.[1]);
    const first = row(session.capture()) ?? 'board';
    await session.key('r');
    await session.waitFor(`New token for ${first}?`);
    await session.paste('wrong');
    await session.key('Enter');
    await session.waitFor(`That is not ${first}; nothing was changed.`);
    await session.key('C-u');
    await session.paste(first);
    await session.key('Enter');
    await session.waitFor(`new token for ${first} (shown once)`);
    await session.key('x');
    await session.waitFor(`Revoke ${first}?`);
    await session.paste(first);
    await session.key('Enter');
    await session.waitFor(`revoked ${first}`);
    await session.waitFor(new RegExp(`revoked\\s+${first}`));

    // Stop: type the port.
    await session.key('t');
    await session.waitFor('Stop the relay?');
    await session.paste(String(port));
    await session.key('Enter');
    const stopped = await session.waitFor(/relay stopped \(pid \d+\)/, 15_000);
    const pid = Number(/relay stopped \(pid (\d+)\)/.exec(stopped)![1]);
    expect(() => process.kill(pid, 0)).toThrow(); // the process is gone
    await session.waitFor(/No relay runs with/);
  }, 120_000);

  it('shows a 28-character client name whole in a 160-column Monitor', async () => {
    const dataDir = path.join(tmp.dir, 'wide-relay');
    const relay = await RelayProcess.start(['--port', String(await freePort())], env, dataDir);
    try {
      const name = 'warehouse-kiosk-north-wing-3'; // 28 characters
      expect(name).toHaveLength(28);
      const issued = await runJson<{ urls: Record<string, string> }>(['clients', 'issue', '--name', name, '--scope', 'read', '--data-dir', dataDir], { env });
      expect(issued.code, issued.stderr).toBe(0);
      const listener = PyClient.start(['listen', issued.json.urls.get_url!, issued.json.urls.socketio_url!, '60'], {});
      pys.push(listener);
      await listener.waitFor((e) => e.event === 'connected', 20_000);
      const wide = TmuxSession.start('wide', [process.execPath, BIN, 'monitor', '--data-dir', dataDir], env, { cols: 160, rows: 30 });
      try {
        const screen = await wide.waitFor(new RegExp(`online\\s+${name}\\s+issued-[0-9a-f]{8}\\s+127\\.0\\.0\\.1`), 20_000);
        expect(screen.split('\n').find((l) => l.includes(name))).not.toContain('…');
        expect(screen.match(/commbase-admin · Monitor/g)).toHaveLength(1); // one frame on screen, no leftovers
      } finally {
        wide.kill();
      }
    } finally {
      await relay.stop();
    }
  }, 60_000);
});
