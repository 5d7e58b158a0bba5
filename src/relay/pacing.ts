// When the relay pushes the array to its clients. Commbase's protocol sends the whole array after every change
// and every client decodes all of it, so during a burst of uploads most snapshots are superseded before anyone
// needs them. The rules:
// - A change after a quiet spell goes out at once (one upload now and then: no added latency).
// - During a burst (changes less than QUIET_MS apart) the relay waits for the burst to end, then sends the
//   latest state QUIET_MS after the last change; a long burst still shows progress every maxWait (1 s or more).
// - Never more often than minInterval, which grows with the number of clients: 100 clients in one process
//   decoding a 40 kB array 20 times a second fall behind, and what they cannot read piles up in kernel buffers.
// Pure arithmetic on the clock it is given, so unit tests can drive it.

/** Changes closer together than this are one burst. */
export const QUIET_MS = 20;

/** 50 ms, 2 ms more per client beyond 25, up to 500 ms. */
export function minInterval(sockets: number): number {
  return Math.min(500, Math.max(50, sockets * 2));
}

/**
 * A burst that does not end still shows its progress this often: every second, or four times minInterval.
 * Each snapshot costs every client a decode of the whole array (400 documents: ~40 kB; after a day: megabytes),
 * and a listener busy decoding slows the uploader beside it on the same machine.
 */
export function maxWait(sockets: number): number {
  return Math.max(1000, 4 * minInterval(sockets));
}

export class PushPacer {
  private lastPush = Number.NEGATIVE_INFINITY;
  private lastChange = Number.NEGATIVE_INFINITY;

  /** A change at `now`: how long to wait before pushing it (0: at once). */
  changed(now: number, sockets: number): number {
    const afterQuiet = now - this.lastChange >= QUIET_MS;
    this.lastChange = now;
    return this.plan(now, sockets, afterQuiet);
  }

  /** A pending push's timer fired at `now`: 0 to push now, else how much longer to wait. */
  due(now: number, sockets: number): number {
    return this.plan(now, sockets, now - this.lastChange >= QUIET_MS);
  }

  pushed(now: number): void {
    this.lastPush = now;
  }

  private plan(now: number, sockets: number, quiet: boolean): number {
    const earliest = this.lastPush + minInterval(sockets);
    const latest = this.lastPush + maxWait(sockets);
    const at = quiet ? earliest : Math.min(latest, Math.max(earliest, this.lastChange + QUIET_MS));
    return Math.max(0, Math.ceil(at - now));
  }
}
