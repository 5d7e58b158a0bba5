// A relay on another host (a test namespace): `clients` and `relay status` reach its admin feed, bound to that
// host's loopback, through an SSH tunnel (direct-tcpip), never over the network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BIN, runCli, runJson } from '../helpers/cli.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { shResult } from '../helpers/proc.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['ip', 'sshd', 'nsenter', 'curl'] });

describe.skipIf(why)(titled('relay on a remote host, managed through an SSH tunnel', why), () => {
  let lab: TestHost;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let relay: ChildProcess | undefined;
  let env: Record<string, string>;
  beforeAll(async () => {
    lab = await TestHost.create();
    tmp = await withTempDir();
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config') };
    await runCli(lab.addArgs('relayhost', 'iptables'), { env });
  }, 30_000);
  afterAll(async () => { relay?.kill(); await lab?.destroy(); await tmp?.cleanup(); });

  it('lists, approves and reports status of a relay that listens only inside the host', async () => {
    const dataDir = path.join(lab.dir, 'relay-data');
    relay = spawn('nsenter', ['-t', String(lab.sshdPid()), '-n', '-m', process.execPath, BIN, 'relay', 'start', '--data-dir', dataDir, '--port', '5000'], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(path.join(dataDir, 'admin.json')); i++) await new Promise((r) => setTimeout(r, 100));
    // The relay and its feed are on the host's loopback: not reachable from here directly.
    expect((await shResult('curl', ['-s', '--max-time', '2', `http://${lab.address}:5000/info`])).code).not.toBe(0);
    lab.nsExec(['curl', '-s', '-X', 'POST', '-H', 'content-type: application/json', '-d', '{"client_id":"far-1","name":"Far client"}', 'http://127.0.0.1:5000/api/authorise']);
    const list = await runJson<{ clients: Array<{ id: string; status: string }> }>(['clients', 'list', '--host', 'relayhost', '--data-dir', dataDir], { env });
    expect(list.code, JSON.stringify(list.json)).toBe(0);
    expect(list.json.clients).toContainEqual(expect.objectContaining({ id: 'far-1', status: 'pending' }));
    const ok = await runJson<{ client: { status: string } }>(['clients', 'approve', 'far-1', '--host', 'relayhost', '--data-dir', dataDir], { env });
    expect(ok.json.client.status).toBe('approved');
    const status = await runJson<{ up: boolean; pending: unknown[]; clients: unknown[] }>(['relay', 'status', '--host', 'relayhost', '--data-dir', dataDir], { env });
    expect(status.json).toMatchObject({ up: true, pending: [] });
    const gone = await runJson<{ error: { message: string } }>(['relay', 'status', '--host', 'relayhost', '--data-dir', path.join(lab.dir, 'nothing')], { env });
    expect(gone.code).toBe(2);
    expect(gone.json.error.message).toMatch(/no relay is running with the data directory/);
  }, 60_000);
});
