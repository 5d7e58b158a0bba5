// The screens the home screen lists, in order.
export type ScreenId = 'certs' | 'firewall' | 'forwards' | 'config' | 'hosts' | 'proxy' | 'clienthost' | 'relay' | 'monitor' | 'history';

export interface ScreenEntry {
  id: ScreenId;
  title: string;
  summary: string;
}

export const SCREENS: readonly ScreenEntry[] = [
  { id: 'certs', title: 'Certificates', summary: 'local CA, server and client certificates, CSRs' },
  { id: 'firewall', title: 'Firewall', summary: 'open and close ports with ufw or iptables' },
  { id: 'forwards', title: 'Forwards', summary: 'timed port forwards that expire by themselves' },
  { id: 'config', title: 'Configuration', summary: 'edit commbase.conf safely' },
  { id: 'hosts', title: 'Hosts', summary: 'hosts reached over SSH' },
  { id: 'proxy', title: 'Proxy', summary: 'nginx in front of the relay: TLS on 443, 80 redirected' },
  { id: 'clienthost', title: 'Client host', summary: 'point a Commbase client host at the relay, then probe it' },
  { id: 'relay', title: 'Relay & clients', summary: 'start and stop the relay; issue, approve, rotate and revoke tokens' },
  { id: 'monitor', title: 'Monitor', summary: 'relay, rule timers and clients, live' },
  { id: 'history', title: 'History', summary: 'what commbase-admin changed: the audit log' },
];
