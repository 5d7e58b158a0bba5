// Counters and per-second rates with a one-minute history, for the admin feed (and the Monitor's sparklines).

export class Meter {
  total = 0;
  private current = 0;
  readonly history: number[] = [];

  add(n = 1): void {
    this.total += n;
    this.current += n;
  }

  /** Called once a second. */
  tick(): void {
    this.history.push(this.current);
    if (this.history.length > 60) this.history.shift();
    this.current = 0;
  }

  get perSecond(): number {
    return this.history[this.history.length - 1] ?? 0;
  }
}

export interface ConnectedClient {
  socketId: string;
  clientId: string;
  name: string;
  address: string;
  connectedAt: string;
  lastActivity: string;
  messages: number;
}
