// "Latest snapshot wins" per socket, on engine.io's write buffer. The one place the relay reaches into a
// library's internals: socket.io's public API has no way to replace a packet that is queued but not yet sent (a
// polling client between requests, a websocket still writing), and without it a slow client's queue grows with
// every upload. `socket.conn.writeBuffer` and `write()` are engine.io's (its Socket class); the version this was
// written against is pinned by test/unit/engine-io-internals.test.ts, which fails loudly on an upgrade.
import type { Socket } from 'socket.io';

interface EngineConn { writeBuffer: Array<{ data?: unknown }>; write(data: string): void; readyState: string }

export class LatestWins {
  private readonly waiting = new Map<string, { data?: unknown }>();

  /** Write the packet, or replace this socket's snapshot still waiting to be sent. */
  push(socket: Socket, packet: string): 'queued' | 'replaced' | 'closed' {
    const conn = socket.conn as unknown as EngineConn;
    if (conn.readyState !== 'open') return 'closed';
    const waiting = this.waiting.get(socket.id);
    if (waiting && conn.writeBuffer.includes(waiting)) {
      waiting.data = packet;
      return 'replaced';
    }
    conn.write(packet);
    const last = conn.writeBuffer[conn.writeBuffer.length - 1];
    if (last && last.data === packet) this.waiting.set(socket.id, last);
    else this.waiting.delete(socket.id);
    return 'queued';
  }

  forget(socketId: string): void {
    this.waiting.delete(socketId);
  }
}
