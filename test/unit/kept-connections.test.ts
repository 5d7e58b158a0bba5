// A screen that reads a host every few seconds keeps one connection to it: close() on what it is handed does
// nothing, a failed connection is not kept, forget() and closeAll() end them.
import { describe, expect, it } from 'vitest';
import { keepConnections } from '../../src/services/hosts.js';
import type { HostEntry } from '../../src/services/hosts.js';
import { FakeRunner } from '../helpers/fake-runner.js';

const host = (name: string) => ({ name, address: '192.0.2.1', port: 22, user: 'ops', backend: 'iptables' }) as unknown as HostEntry;

describe('kept connections', () => {
  it('opens one connection per host, ignores close(), reopens after forget(), and closes all at the end', async () => {
    const opened: Array<{ name: string; runner: FakeRunner; closed: number }> = [];
    let failNext = false;
    const kept = keepConnections(async (h) => {
      if (failNext) { failNext = false; throw new Error(`failed to reach ${h.name}`); }
      const runner = new FakeRunner(() => ({ stdout: h.name }));
      const rec = { name: h.name, runner, closed: 0 };
      runner.close = async () => { rec.closed += 1; };
      opened.push(rec);
      return runner;
    });
    for (let i = 0; i < 3; i++) {
      const r = await kept.connect(host('lab'));
      expect((await r.run(['hostname'])).stdout).toBe('lab');
      await r.close();
    }
    await kept.connect(host('edge'));
    expect(opened.map((o) => [o.name, o.closed])).toEqual([['lab', 0], ['edge', 0]]);
    expect(opened[0]!.runner.commands()).toEqual(['hostname', 'hostname', 'hostname']);

    kept.forget('lab');
    await new Promise((r) => setTimeout(r, 0));
    expect(opened[0]!.closed).toBe(1);
    failNext = true;
    await expect(kept.connect(host('lab'))).rejects.toThrow(/failed to reach lab/);
    await kept.connect(host('lab')); // the failure was not kept: a new connection
    expect(opened.map((o) => o.name)).toEqual(['lab', 'edge', 'lab']);

    await kept.closeAll();
    expect(opened.map((o) => o.closed)).toEqual([1, 1, 1]);
  });
});
