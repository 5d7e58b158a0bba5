// What the monitoring service hands out: plain snapshots of the relays, rule timers, hosts and certificates,
// rendered by the Monitor screen, the dashboard and the home summary (src/present/monitor.ts).
import type { RelayStatus } from '../relay/admin.js';

export interface RelayView {
  host: string;
  dataDir: string;
  /** none: no relay was ever started there (no admin file): the host is not a relay, so it is not a relay that is down. */
  state: 'up' | 'down' | 'connecting' | 'none';
  error?: string;
  status?: RelayStatus;
  /** The relay deployed there as a systemd service (relay deploy), rather than one started by hand or the console. */
  service?: boolean;
  /** Uploads and deliveries per second, newest last (up to a minute). */
  since: string;
}

export interface TimerView {
  host: string;
  kind: 'forward' | 'port';
  id: string;
  label: string;
  deadline?: string;
  expired: boolean;
}

/** A certificate cert acme made, read from its host: days left (or why it could not be read). */
export interface CertView {
  host: string;
  dir: string;
  domains: string[];
  daysLeft?: number;
  notAfter?: string;
  error?: string;
}

export interface HostView {
  host: string;
  state: 'ok' | 'unreachable' | 'connecting';
  error?: string;
  nextTryInS?: number;
}

export interface Snapshot {
  at: string;
  paused: boolean;
  relays: RelayView[];
  timers: TimerView[];
  hosts: HostView[];
  certs: CertView[];
  events: string[];
}
