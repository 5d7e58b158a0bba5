// The screens the home screen lists, in order. `ready: false` ones say so instead of opening.
export type ScreenId = 'certs' | 'firewall' | 'forwards' | 'config' | 'hosts' | 'clients' | 'monitor';

export interface ScreenEntry {
  id: ScreenId;
  title: string;
  summary: string;
  ready: boolean;
}

export const SCREENS: readonly ScreenEntry[] = [
  { id: 'certs', title: 'Certificates', summary: 'local CA, server and client certificates, CSRs', ready: true },
  { id: 'firewall', title: 'Firewall', summary: 'open and close ports with ufw or iptables', ready: true },
  { id: 'forwards', title: 'Forwards', summary: 'timed port forwards that expire by themselves', ready: true },
  { id: 'config', title: 'Configuration', summary: 'edit commbase.conf safely', ready: true },
  { id: 'hosts', title: 'Hosts', summary: 'hosts reached over SSH', ready: true },
  { id: 'clients', title: 'Clients', summary: 'approve, deny and revoke relay clients', ready: true },
  { id: 'monitor', title: 'Monitor', summary: 'relay, rule timers and clients, live', ready: true },
];
