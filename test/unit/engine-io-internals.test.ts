// The relay's one reach into a library's internals (src/relay/latest-wins.ts): engine.io's per-connection write
// buffer, where a snapshot waiting to be sent is replaced by a newer one. This test pins the engine.io it was
// written against and checks the behaviour on a real socket.io server with a polling client that has not polled
// yet: a second snapshot replaces the first in the buffer instead of queueing behind it. An engine.io upgrade
// fails here first, loudly, with what to re-check.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Server, type Socket } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { LatestWins, preEncodedFrame } from '../../src/relay/latest-wins.js';
import { ROOT } from '../helpers/cli.js';

const PINNED = /^6\.6\./;

/** A socket.io server and one client on this transport, connected; what the client receives is collected. */
async function pair(transport: 'polling' | 'websocket') {
  const http = createServer();
  const server = new Server(http, { transports: [transport] });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const port = (http.address() as AddressInfo).port;
  const got: unknown[] = [];
  const socketReady = new Promise<Socket>((resolve) => server.on('connection', resolve));
  const client = connect(`http://127.0.0.1:${port}`, { transports: [transport], reconnection: false });
  client.on('update_saved_data', (d: unknown) => got.push(d));
  return { server, client, socket: await socketReady, got };
}

describe('engine.io internals the relay relies on', () => {
  it(`is the engine.io latest-wins.ts was checked against (${PINNED.source}): re-check conn.writeBuffer and conn.write on an upgrade`, () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'engine.io', 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(PINNED);
  });

  it('replaces a snapshot still waiting in the write buffer instead of queueing a second', async () => {
    const { server, client, socket, got } = await pair('polling');
    try {
      await new Promise((r) => setTimeout(r, 50)); // the client's first poll is waiting on the server now
      const latest = new LatestWins();
      const conn = socket.conn as unknown as { writeBuffer: unknown[] };
      // Written while no poll is open to carry them (the waiting poll takes the first at once).
      const results = [1, 2, 3, 4].map((n) => latest.push(socket, `2["update_saved_data",[${n}]]`));
      expect(results[0]).toBe('queued');
      expect(results.slice(2)).toEqual(['replaced', 'replaced']);
      expect(conn.writeBuffer.length).toBeLessThanOrEqual(1);
      for (let i = 0; i < 50 && !got.some((d) => JSON.stringify(d) === '[4]'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(got.map((d) => JSON.stringify(d))).toContain('[4]');
      expect(got.map((d) => JSON.stringify(d))).not.toContain('[3]'); // replaced before it was sent
    } finally {
      client.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('writes a websocket snapshot as the frame built once (wsPreEncodedFrame), which the client reads whole', async () => {
    const { server, client, socket, got } = await pair('websocket');
    try {
      const sender = (socket.conn as unknown as { transport: { socket: { _sender: { sendFrame: (...a: unknown[]) => void } } } }).transport.socket._sender;
      const frames: unknown[] = [];
      const sendFrame = sender.sendFrame.bind(sender);
      sender.sendFrame = (list: unknown, cb: unknown) => { frames.push(list); sendFrame(list, cb); };
      const packet = `2["update_saved_data",[{"id":1,"text":"${'é'.repeat(3000)}"}]]`;
      const frame = preEncodedFrame(packet);
      expect(frame, 'ws has Sender.frame').toBeDefined();
      expect(new LatestWins().push(socket, packet, frame)).toBe('queued');
      for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(frames).toEqual([frame]); // engine.io sent the bytes built once, not a frame of its own
      expect(got).toEqual([[{ id: 1, text: 'é'.repeat(3000) }]]);
    } finally {
      client.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
