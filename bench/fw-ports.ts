// Opening and closing 100 ports on one host over one SSH connection (iptables backend, in a test
// namespace), against the same 100 bare `iptables -I`/`-D` commands over the same connection (the seeds'
// way: no check first, no read-back, no IPv6). Needs root, sshd and iptables.
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { TestHost } from '../test/helpers/lab.js';
import { report, timeMsAsync } from './lib.js';

const N = Number(process.env.BENCH_PORTS ?? 100);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cba-bench-fw-'));
process.env.XDG_CONFIG_HOME = tmp;
const { addHost, openRunner } = await import('../src/services/hosts.js');
const { shared } = await import('../src/runners/types.js');
const { openPort, closePort } = await import('../src/firewall/service.js');

const lab = await TestHost.create();
try {
  addHost({ name: 'bench', address: lab.address, port: lab.sshPort, identity: lab.clientKey, backend: 'iptables', 'trust-fingerprint': lab.fingerprint });
  const runner = await openRunner('bench');
  const deps = { connect: async () => shared(runner) };
  const ports = Array.from({ length: N }, (_, i) => 20000 + i);

  const oursOpen = await timeMsAsync(async () => { for (const port of ports) await openPort({ host: 'bench', port, proto: 'tcp' }, deps); });
  const oursClose = await timeMsAsync(async () => { for (const port of ports) await closePort({ host: 'bench', port, proto: 'tcp' }, deps); });
  const rawOpen = await timeMsAsync(async () => { for (const port of ports) await runner.run(['iptables', '-I', 'INPUT', '-p', 'tcp', '--dport', String(port), '-j', 'ACCEPT']); });
  const rawClose = await timeMsAsync(async () => { for (const port of ports) await runner.run(['iptables', '-D', 'INPUT', '-p', 'tcp', '--dport', String(port), '-j', 'ACCEPT']); });
  await runner.close();
  report(`${N} ports opened then closed over one SSH connection (iptables in a test namespace)`, [
    ['commbase-admin fw open / close, total ms', `${oursOpen.toFixed(0)} / ${oursClose.toFixed(0)}`],
    ['  per port ms (check, v4+v6, read back)', `${(oursOpen / N).toFixed(1)} / ${(oursClose / N).toFixed(1)}`],
    ['bare iptables -I / -D, same connection, total ms', `${rawOpen.toFixed(0)} / ${rawClose.toFixed(0)}`],
    ['ratio (ours / bare)', `${(oursOpen / rawOpen).toFixed(1)} / ${(oursClose / rawClose).toFixed(1)}`],
  ]);
} finally {
  await lab.destroy();
  rmSync(tmp, { recursive: true, force: true });
}
