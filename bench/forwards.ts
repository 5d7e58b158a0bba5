// Adding 1,000 timed forwards on one host over one SSH connection: commbase-admin's `forward add` (one
// iptables-restore transaction per forward, then a read-back) against the seed's way (ownline: one
// `iptables -t nat -I PREROUTING … -j DNAT` per forward, here plus its FORWARD accept, no deadline, no
// check), and against all 1,000 in a single iptables-restore batch. Needs root, sshd and iptables.
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { TestHost } from '../test/helpers/lab.js';
import { report, timeMsAsync } from './lib.js';

const N = Number(process.env.BENCH_FORWARDS ?? 1000);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cba-bench-fwd-'));
process.env.XDG_CONFIG_HOME = tmp;
const { addHost, openRunner } = await import('../src/services/hosts.js');
const { shared } = await import('../src/runners/types.js');
const { addForward } = await import('../src/firewall/forward-service.js');
const { RESTORE_ARGV, addBatch, newForwardId, renderBatch } = await import('../src/firewall/forwards.js');

const lab = await TestHost.create();
try {
  addHost({ name: 'bench', address: lab.address, port: lab.sshPort, identity: lab.clientKey, 'trust-fingerprint': lab.fingerprint });
  const runner = await openRunner('bench');
  const deps = { connect: async () => shared(runner) };
  const src = (i: number) => `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const flush = () => runner.run(['sh', '-c', 'iptables -t nat -F PREROUTING && iptables -F FORWARD']);

  const ours = await timeMsAsync(async () => {
    for (let i = 0; i < N; i++) await addForward({ host: 'bench', from: src(i), port: 10000 + i, to: '192.168.1.50:80', ttl: '1h' }, deps);
  });
  await flush();
  const seed = await timeMsAsync(async () => {
    for (let i = 0; i < N; i++) {
      await runner.run(['iptables', '-t', 'nat', '-I', 'PREROUTING', '-s', `${src(i)}/32`, '-p', 'tcp', '-m', 'tcp', '--dport', String(10000 + i), '-j', 'DNAT', '--to-destination', '192.168.1.50:80']);
      await runner.run(['iptables', '-I', 'FORWARD', '-s', `${src(i)}/32`, '-d', '192.168.1.50/32', '-p', 'tcp', '--dport', '80', '-j', 'ACCEPT']);
    }
  });
  await flush();
  const batched = await timeMsAsync(async () => {
    const deadline = new Date(Date.now() + 3600_000);
    const all = { nat: [] as string[], filter: [] as string[] };
    for (let i = 0; i < N; i++) {
      const b = addBatch({ id: newForwardId(), from: src(i), port: 10000 + i, proto: 'tcp', to: { address: '192.168.1.50', port: 80 }, deadline });
      all.nat.push(...b.nat);
      all.filter.push(...b.filter);
    }
    await runner.run(RESTORE_ARGV, { input: renderBatch(all) });
  });
  await runner.close();
  report(`${N} timed forwards on one host over one SSH connection`, [
    ['commbase-admin forward add, one by one: total s', (ours / 1000).toFixed(1)],
    ['  per forward ms (restore + read back)', (ours / N).toFixed(1)],
    ['seed way, 2 iptables -I per forward: total s', (seed / 1000).toFixed(1)],
    ['  per forward ms (no deadline, no check)', (seed / N).toFixed(1)],
    ['one iptables-restore batch of all: total s', (batched / 1000).toFixed(2)],
    ['ratio ours / seed', (ours / seed).toFixed(2)],
  ]);
} finally {
  await lab.destroy();
  rmSync(tmp, { recursive: true, force: true });
}
