// The relay's small gates, each with its hostile case: handshakes bounded per source before authentication, a
// trusted proxy that is everyone refused, identity files read as OpenSSH reads them, and the console's stop that
// signals only the relay that wrote admin.json (pid and start time), never another process with the same words.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInput } from '../../src/core/validate.js';
import { procStartOf } from '../../src/relay/admin.js';
import { relayRunning } from '../../src/relay/control.js';
import { HandshakeGate } from '../../src/relay/handshake-gate.js';
import { relayInput } from '../../src/relay/options.js';
import { readIdentity } from '../../src/runners/ssh.js';
import { withTempDir } from '../helpers/tmp.js';
import { until } from '../helpers/port.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => { tmp = await withTempDir(); });
afterAll(async () => { await tmp?.cleanup(); });

describe('HandshakeGate', () => {
  it('bounds the rate and the open sessions of one source, and of all sources, without touching the others', () => {
    let now = 0;
    const gate = new HandshakeGate({ perWindow: 3, windowMs: 1000, openPerSource: 4, openTotal: 6 }, () => now);
    for (let i = 0; i < 3; i++) expect(gate.admit('a')).toBeUndefined();
    expect(gate.admit('a')).toMatch(/too many connection attempts/);
    expect(gate.admit('b')).toBeUndefined(); // another source is not held back by a
    now = 1500;
    expect(gate.admit('a')).toBeUndefined(); // the window moved on
    for (let i = 0; i < 4; i++) gate.opened('a');
    now = 3000;
    expect(gate.admit('a')).toMatch(/too many open connections/);
    gate.closed('a');
    expect(gate.admit('a')).toBeUndefined();
    gate.opened('b'); gate.opened('c'); gate.opened('d');
    expect(gate.admit('e')).toMatch(/as many connections as it takes/);
    expect(gate.refused).toBe(3);
  });
});

describe('--trusted-proxy', () => {
  it('refuses a network so wide that every client could claim any address', () => {
    for (const c of ['0.0.0.0/0', '10.0.0.0/8', '::/0', '2001:db8::/32']) expect(() => parseInput(relayInput, { 'trusted-proxy': [c] }), c).toThrow(/wider than a \/16/);
    expect(parseInput(relayInput, { 'trusted-proxy': ['127.0.0.1', '10.1.0.0/16', '2001:db8:1::/48'] })['trusted-proxy']).toHaveLength(3);
  });
});

describe('identity files', () => {
  it('refuses one others can read, a FIFO and /dev/zero, at once', async () => {
    const key = path.join(tmp.dir, 'id_test');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    await expect(readIdentity(key)).resolves.toBeInstanceOf(Buffer);
    chmodSync(key, 0o644);
    await expect(readIdentity(key)).rejects.toThrow(/can be read by others \(mode 0644\)/);
    const fifo = path.join(tmp.dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await expect(readIdentity(fifo)).rejects.toThrow(/not a regular file/);
    await expect(readIdentity('/dev/zero')).rejects.toThrow(/not a regular file/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('the console\'s relay stop', () => {
  it('does not take a process for the relay because its command line says relay start --data-dir DIR', async () => {
    const dir = tmp.dir;
    const impostor = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'relay', 'start', '--data-dir', dir], { stdio: 'ignore' });
    try {
      await until(() => { try { return readFileSync(`/proc/${impostor.pid}/cmdline`, 'utf8').includes('relay'); } catch { return false; } }, 'the impostor to run');
      const real = procStartOf(readFileSync(`/proc/${impostor.pid}/stat`, 'utf8'))!;
      expect(real).toMatch(/^\d+$/);
      writeFileSync(path.join(dir, 'admin.json'), JSON.stringify({ pid: impostor.pid }));
      expect(await relayRunning(dir)).toBeUndefined(); // no start time recorded: not provably ours
      writeFileSync(path.join(dir, 'admin.json'), JSON.stringify({ pid: impostor.pid, procStart: String(Number(real) - 1) }));
      expect(await relayRunning(dir)).toBeUndefined(); // the pid was reused by another process
      writeFileSync(path.join(dir, 'admin.json'), JSON.stringify({ pid: impostor.pid, procStart: real }));
      expect(await relayRunning(dir)).toBe(impostor.pid); // what the relay itself writes: recognised
    } finally {
      impostor.kill('SIGKILL');
    }
    expect(procStartOf('123 (a) b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4242 20')).toBe('4242');
  });
});
