// Delivering update_saved_data to the connected sockets: one encoded packet per change shared by all, uploads
// that arrive together sent as one snapshot when the burst ends (pacing.ts), and per socket the latest snapshot
// wins (latest-wins.ts), so a slow client costs one snapshot in flight and one waiting.
import type { Socket } from 'socket.io';
import { LatestWins, preEncodedFrame } from './latest-wins.js';
import type { Meter } from './metrics.js';
import { PushPacer } from './pacing.js';

interface Connected { socket: Socket; messages: number; lastActivity: string }

export class Fanout {
  private readonly latest = new LatestWins();
  private readonly pacer = new PushPacer();
  private pushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connected: ReadonlyMap<string, Connected>,
    /** The whole stored array as JSON text (the store keeps it encoded). */
    private readonly snapshot: () => string,
    private readonly meters: { deliveries: Meter; superseded: Meter },
  ) {}

  /**
   * update_saved_data with the whole array, as Commbase sends it; the packet is encoded once per change and shared.
   * Latest wins per socket: a socket never holds more than one unsent snapshot. While its transport is busy (a
   * websocket still writing the previous one, a polling client between requests), a newer snapshot replaces the
   * one waiting in its write buffer instead of queueing behind it; so a slow client costs one snapshot in flight
   * and one waiting, its pings are not stuck behind a backlog, and the last state always arrives.
   */
  deliver(sockets?: Socket[]): void {
    const targets = sockets ?? [...this.connected.values()].map((c) => c.socket);
    if (targets.length === 0) return;
    // Socket.IO v5 EVENT packet for namespace "/": 2["update_saved_data",<array>] (engine.io adds its own "4").
    const packet = `2["update_saved_data",${this.snapshot()}]`;
    const frame = targets.length > 1 ? preEncodedFrame(packet) : undefined; // one socket: engine.io frames it anyway
    const at = new Date().toISOString();
    let sent = 0;
    for (const s of targets) {
      const r = this.latest.push(s, packet, frame);
      if (r === 'queued') sent += 1;
      else if (r === 'replaced') this.meters.superseded.add();
      const c = this.connected.get(s.id);
      if (c) { c.messages += 1; c.lastActivity = at; }
    }
    this.meters.deliveries.add(sent);
  }

  /** Uploads that arrive together reach the clients as one snapshot, when the burst ends (relay/pacing.ts). */
  changed(): void {
    const wait = this.pacer.changed(Date.now(), this.connected.size);
    if (this.pushTimer) return; // already pending: it looks again when it fires
    if (wait === 0) this.pushNow();
    else this.pushAfter(wait);
  }

  /** A socket gone: nothing of it is kept. */
  forget(socketId: string): void {
    this.latest.forget(socketId);
  }

  close(): void {
    clearTimeout(this.pushTimer);
  }

  private pushAfter(ms: number): void {
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      const more = this.pacer.due(Date.now(), this.connected.size);
      if (more > 0) this.pushAfter(more);
      else this.pushNow();
    }, ms);
  }

  private pushNow(): void {
    this.pacer.pushed(Date.now());
    this.deliver();
  }
}
