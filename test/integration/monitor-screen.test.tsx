// The Monitor screen (ink-testing-library) against a real relay in this process: a pending client shows up
// highlighted, `a` approves it through the monitoring service, `x` revokes a connected one after asking;
// the relay going away is shown as down, and coming back as up.
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import path from 'node:path';
import { io as ioClient } from 'socket.io-client';
import { Monitor } from '../../src/screens/Monitor/Monitor.js';
import { serveRelay } from '../../src/relay/serve.js';
import { keyFor, press, tick, waitForFrame } from '../helpers/ink.js';
import { withTempDir } from '../helpers/tmp.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

describe('Monitor screen with a real relay', () => {
  it('shows pending and connected clients, approves and revokes with keys, and survives the relay restarting', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = path.join(t.dir, 'config');
    cleanups.push(() => { if (saved === undefined) delete process.env.XDG_CONFIG_HOME; else process.env.XDG_CONFIG_HOME = saved; });
    const dataDir = path.join(t.dir, 'relay');
    let relay = await serveRelay({ port: 0, 'data-dir': dataDir });
    cleanups.push(() => relay.close());
    const port = relay.port;
    await relay.auth.request('laptop-1', 'Laptop', '127.0.0.1', undefined);
    // A 28-character name: columns size to content, so it shows whole (ink-testing-library draws 100 columns).
    const { token } = await relay.auth.issue('Desk at the north-east gate2', 'read');
    const sock = ioClient(`http://127.0.0.1:${port}`, { auth: { token }, transports: ['websocket'], reconnection: false });
    cleanups.push(() => { sock.close(); });
    await new Promise<void>((r) => sock.once('connect', () => r()));

    const ui = render(<Monitor targets={{ hosts: ['local'], dataDir, relayEveryMs: 300, timersEveryMs: 60_000 }} onExit={() => {}} />);
    cleanups.push(() => ui.unmount());
    const frame = await waitForFrame(ui.lastFrame, /CLIENTS \(1 connected, 1 PENDING\)/);
    expect(frame).toMatch(/› PENDING Laptop\s+laptop-1/);
    expect(frame).toMatch(/online\s+Desk at the north-east gate2\s/);
    await tick();
    await press(ui.stdin, keyFor('mon.approve'));
    await waitForFrame(ui.lastFrame, 'approved laptop-1');
    expect(relay.auth.find('laptop-1')?.status).toBe('approved');
    await waitForFrame(ui.lastFrame, /CLIENTS \(1 connected\)/);

    // Revoke the connected one: it asks first, then the socket is dropped.
    const dropped = new Promise<void>((r) => sock.once('disconnect', () => r()));
    await press(ui.stdin, keyFor('mon.revoke'));
    await waitForFrame(ui.lastFrame, /Revoke issued-/);
    await tick();
    await press(ui.stdin, keyFor('confirm.apply'));
    await dropped;
    await waitForFrame(ui.lastFrame, /revoked issued-/);

    // The relay goes away: the screen says so instead of freezing; it comes back: up again.
    await relay.close();
    await waitForFrame(ui.lastFrame, /RELAY local: DOWN/);
    relay = await serveRelay({ port, 'data-dir': dataDir });
    await waitForFrame(ui.lastFrame, /RELAY local: UP/, 15_000);
  }, 60_000);
});
