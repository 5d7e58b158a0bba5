// Engine.IO sessions are made before anyone is authenticated (the token is checked at the namespace connect), and
// each costs memory until it times out. So handshakes are bounded per source before authentication: how many a
// source may open per second, how many it may hold open at once, and how many all sources together hold. Used
// through socket.io's public options (`allowRequest`) and the engine's `connection` event.

export interface GateLimits {
  /** Handshakes a source may start per window, and the window. */
  perWindow: number;
  windowMs: number;
  /** Engine.IO sessions a source may hold open at once (a browser tab holds one; a client host a few). */
  openPerSource: number;
  /** Sessions all sources together may hold. */
  openTotal: number;
}

export const DEFAULT_GATE: GateLimits = { perWindow: 20, windowMs: 5000, openPerSource: 32, openTotal: 5000 };

export class HandshakeGate {
  private readonly recent = new Map<string, number[]>();
  private readonly open = new Map<string, number>();
  private total = 0;
  refused = 0;

  constructor(private readonly limits: GateLimits = DEFAULT_GATE, private readonly now: () => number = Date.now) {}

  /** May this source start a session now? undefined if so, else why not (the refusal's message). */
  admit(source: string): string | undefined {
    const t = this.now();
    const times = (this.recent.get(source) ?? []).filter((x) => x > t - this.limits.windowMs);
    let why: string | undefined;
    if (this.total >= this.limits.openTotal) why = 'the relay holds as many connections as it takes: try again later';
    else if ((this.open.get(source) ?? 0) >= this.limits.openPerSource) why = `too many open connections from your address (${this.limits.openPerSource}): close some first`;
    else if (times.length >= this.limits.perWindow) why = 'too many connection attempts from your address: slow down';
    if (why) { this.refused += 1; this.keep(source, times); return why; }
    times.push(t);
    this.keep(source, times);
    return undefined;
  }

  opened(source: string): void {
    this.open.set(source, (this.open.get(source) ?? 0) + 1);
    this.total += 1;
  }

  closed(source: string): void {
    const n = (this.open.get(source) ?? 1) - 1;
    if (n <= 0) this.open.delete(source);
    else this.open.set(source, n);
    this.total = Math.max(0, this.total - 1);
  }

  private keep(source: string, times: number[]): void {
    if (times.length) this.recent.set(source, times);
    else this.recent.delete(source);
    // Bounded memory whatever the sources: forget the oldest when there are too many.
    if (this.recent.size > 20_000) this.recent.delete(this.recent.keys().next().value!);
  }
}
