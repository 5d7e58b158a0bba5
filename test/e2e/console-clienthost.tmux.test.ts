// The Client host screen in tmux, as an operator walks it: the form, the dry-run preview with every diff, the
// change (a token from the running relay, Commbase's listener and updater pointed at it), then the probe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN } from '../helpers/cli.js';
import { BUNDLE, commbaseMissing, makeAppDir } from '../helpers/commbase.js';
import { missing, titled } from '../helpers/needs.js';
import { freePort } from '../helpers/port.js';
import { RelayProcess } from '../helpers/relay.js';
import { TmuxSession } from '../helpers/tmux.js';
import { withTempDir } from '../helpers/tmp.js';

const why = commbaseMissing() ?? missing({ commands: ['tmux'], python: ['socketio', 'requests'] });

describe.skipIf(why)(titled('console under tmux: setting up a Commbase client host', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let relay: RelayProcess | undefined;
  let session: TmuxSession | undefined;
  beforeAll(async () => { tmp = await withTempDir(); });
  afterAll(async () => { session?.kill(); await relay?.stop(); await tmp?.cleanup(); });

  it('walks the form, previews every change, applies it with a token from the relay, and probes the host', async () => {
    const env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
    const dataDir = path.join(tmp.dir, 'data', 'commbase-admin', 'relay');
    const port = await freePort();
    relay = await RelayProcess.start(['--port', String(port)], env, dataDir);
    const app = makeAppDir(path.join(tmp.dir, 'app'));
    cpSync(BUNDLE, path.join(app, 'bundles', 'commbase-data-exchange'), { recursive: true });

    session = TmuxSession.start('cs', [process.execPath, BIN], env, { cols: 110, rows: 40 });
    await session.waitFor('Client host');
    await session.openFromHome('8', 'Client host (from the inventory)'); // Client host
    await session.key('Enter'); // local
    await session.waitFor('Commbase\'s directory on that host');
    await session.type('relative/path');
    await session.waitFor('must be an absolute path');
    await session.repeat('BSpace', 13);
    await session.type(app);
    await session.key('Enter');
    await session.waitFor('The relay as the client reaches it');
    await session.type(`http://127.0.0.1:${port}/x`);
    await session.waitFor(/nothing after the\s+port/);
    await session.repeat('BSpace', 2);
    await session.key('Enter');
    await session.waitFor('A name for this client');
    await session.type('desk');
    await session.key('Enter');
    await session.waitFor('CA certificate');
    await session.key('Enter'); // none: plain http on loopback
    await session.waitFor('[websocket]');
    await session.key('Enter');
    await session.waitFor('trust store?');
    await session.key('Enter');
    await session.waitFor('data directory on this machine');
    await session.key('Enter');
    const preview = await session.waitFor(/Set up local as a client of/);
    expect(preview).toMatch(/\+api_url = 'http:\/\/127\.0\.0\.1:\d+\/t\/TOKEN-ISSUED-ON-APPLY\/api\/get_saved_data'/);
    expect(readFileSync(path.join(app, 'config', 'commbase.conf'), 'utf8')).toContain('COMMBASE_DATA_EXCHANGE_SERVER_PORT="5000"');
    await session.key('y');
    const applied = await session.waitFor(/is set up as client issued-[0-9a-f]{8}; 4 previous/);
    // Each step was shown as it ran, with its time.
    expect(applied).toMatch(/\d+\.\d s {2}issuing a token for desk from the relay/);
    expect(applied).toMatch(/\d+\.\d s {2}writing .*commbase\.conf/);
    const total = Number(/(\d+\.\d) s {2}done/.exec(applied)?.[1]);
    process.stdout.write(`client setup apply on a test host: ${total} s\n`);
    expect(total).toBeLessThan(5);
    expect(readFileSync(path.join(app, 'config', 'commbase.conf'), 'utf8')).toContain(`COMMBASE_DATA_EXCHANGE_SERVER_PORT="${port}"`);
    await session.key('p');
    const probed = await session.waitFor(/Commbase's clients can use the relay from local|A step Commbase's clients need failed/, 60_000);
    expect(probed).toMatch(/✓ Socket\.IO over websocket/);
    expect(probed).toContain('Commbase\'s clients can use the relay from local.');
    // What to run there, exactly: the listener commbase.conf names, with the app directory Commbase reads.
    expect(probed).toMatch(/Run Commbase's client on local/);
    expect(probed.replace(/\s+/g, ' ')).toContain(`COMMBASE_APP_DIR=${app} /usr/bin/python3 ${app}/bundles/commbase-data-exchange/client/client_http_websocket.py`);
    await session.key('q');
    await session.waitFor('Certificates');
  }, 120_000);
});
