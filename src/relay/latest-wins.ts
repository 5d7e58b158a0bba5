// "Latest snapshot wins" per socket, on engine.io's write buffer. The one place the relay reaches into a
// library's internals: socket.io's public API has no way to replace a packet that is queued but not yet sent (a
// polling client between requests, a websocket still writing), and without it a slow client's queue grows with
// every upload. `socket.conn.writeBuffer` and `write()` are engine.io's (its Socket class); the version this was
// written against is pinned by test/unit/engine-io-internals.test.ts, which fails loudly on an upgrade.
// The websocket frame of a snapshot is built once for every socket (`wsPreEncodedFrame`, ws's Sender.frame), as
// socket.io's own broadcast does (socket.io-adapter): engine.io then writes those bytes to each websocket as they are,
// instead of each socket prefixing the ~40 kB text, encoding it to UTF-8 and framing it again (measured: one push of
// 400 documents to 3,000 listeners reached the last 1.35× later than io.emit did without it). Polling clients, and
// websockets with compression, are sent the text as before (engine.io decides).
import type { Socket } from 'socket.io';
import * as ws from 'ws';

interface Queued { data?: unknown; options?: Record<string, unknown> }
interface EngineConn { writeBuffer: Queued[]; write(data: string, options?: Record<string, unknown>): void; readyState: string }
type FrameFn = (data: Buffer, options: { readOnly: boolean; mask: boolean; rsv1: boolean; opcode: number; fin: boolean }) => Buffer[];
const frameOf = (ws as unknown as { Sender?: { frame?: FrameFn } }).Sender?.frame; // not in @types/ws

/** The websocket frame of an engine.io message ("4") carrying this Socket.IO packet; undefined if ws has no Sender.frame. */
export function preEncodedFrame(packet: string): Buffer[] | undefined {
  return frameOf?.(Buffer.from(`4${packet}`), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true });
}

export class LatestWins {
  private readonly waiting = new Map<string, Queued>();

  /** Write the packet (with its frame when built: preEncodedFrame), or replace this socket's snapshot still waiting. */
  push(socket: Socket, packet: string, frame?: Buffer[]): 'queued' | 'replaced' | 'closed' {
    const conn = socket.conn as unknown as EngineConn;
    if (conn.readyState !== 'open') return 'closed';
    const waiting = this.waiting.get(socket.id);
    if (waiting && conn.writeBuffer.includes(waiting)) {
      waiting.data = packet;
      const { wsPreEncodedFrame: _old, ...rest } = waiting.options ?? {};
      waiting.options = frame ? { ...rest, wsPreEncodedFrame: frame } : rest;
      return 'replaced';
    }
    conn.write(packet, frame ? { wsPreEncodedFrame: frame } : {});
    const last = conn.writeBuffer[conn.writeBuffer.length - 1];
    if (last && last.data === packet) this.waiting.set(socket.id, last);
    else this.waiting.delete(socket.id);
    return 'queued';
  }

  forget(socketId: string): void {
    this.waiting.delete(socketId);
  }
}
