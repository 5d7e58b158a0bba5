// The screens the home screen lists, in order.
export type ScreenId = 'journey' | 'certs' | 'firewall' | 'forwards' | 'config' | 'hosts' | 'proxy' | 'clienthost' | 'relay' | 'monitor' | 'history';

export interface ScreenEntry {
  id: ScreenId;
  title: string;
  summary: string;
}

/** In the order of the operator's journey (README, "The console, start to finish"); each has its number key. */
export const SCREENS: readonly ScreenEntry[] = [
  { id: 'certs', title: 'Certificates', summary: 'local CA, server and client certificates, CSRs' },
  { id: 'hosts', title: 'Hosts', summary: 'hosts reached over SSH' },
  { id: 'firewall', title: 'Firewall', summary: 'open and close ports with ufw or iptables' },
  { id: 'forwards', title: 'Forwards', summary: 'timed port forwards that expire by themselves' },
  { id: 'config', title: 'Configuration', summary: 'edit commbase.conf safely' },
  { id: 'proxy', title: 'Proxy', summary: 'nginx in front of the relay: TLS on 443, 80 redirected' },
  { id: 'relay', title: 'Relay & clients', summary: 'the relay here or on a host: start, deploy as a service, logs; tokens' },
  { id: 'clienthost', title: 'Client host', summary: 'point a Commbase client host at the relay, then probe it' },
  { id: 'monitor', title: 'Monitor', summary: 'relay, rule timers and clients, live' },
  { id: 'history', title: 'History', summary: 'what commbase-admin changed: the audit log' },
];

/** The number key of the screen at this place in the list: 1…9, then 0. */
export const screenKey = (index: number): string => String((index + 1) % 10);

/** What a screen opened from the "Set up a relay" checklist offers first (the step's form, filled in). */
export interface Intent {
  /** Hosts: the add form at once. */
  addHost?: boolean;
  /** Firewall: the open form at once, with this port and source. */
  openPort?: { port: number; from?: string };
  /** Relay: the start form at once. */
  startRelay?: boolean;
  /** Client host: this host suggested first. */
  clientHost?: string;
}
