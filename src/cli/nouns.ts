// The command line's nouns: each one's help line, and where its code is. main.ts registers only the noun a
// command names (so `fw open` never loads the relay, the certificates or ssh2 unless it needs them); --help with
// no noun lists them from here without loading any.
import type { Command } from 'commander';

export interface Noun {
  description: string;
  /** The module that registers it (it may register its sibling nouns too: relay and clients, monitor and dashboard). */
  load: () => Promise<(program: Command) => void>;
}

export const NOUNS = {
  cert: { description: 'make and check TLS certificates: a local CA, server and client certificates, CSRs', load: () => import('./cert.js').then((m) => m.registerCert) },
  hosts: { description: 'the hosts commbase-admin reaches over SSH ("local" is this machine)', load: () => import('./hosts.js').then((m) => m.registerHosts) },
  fw: { description: 'open and close ports with ufw or iptables, on this machine or a host over SSH', load: () => import('./fw.js').then((m) => m.registerFw) },
  forward: { description: 'timed port forwards on a router: DNAT for one source, ending by themselves (iptables time match)', load: () => import('./forward.js').then((m) => m.registerForward) },
  config: { description: 'read, check and edit commbase.conf without losing comments, order or unknown keys', load: () => import('./config.js').then((m) => m.registerConfig) },
  relay: { description: 'the Commbase-compatible relay: HTTP API + Socket.IO, with TLS, tokens and limits', load: () => import('./relay.js').then((m) => m.registerRelay) },
  clients: { description: 'who may use the relay: pending requests, approvals, tokens, revocation', load: () => import('./relay.js').then((m) => m.registerRelay) },
  proxy: { description: 'a reverse proxy in front of the relay: TLS on 443, port 80 redirected', load: () => import('./proxy.js').then((m) => m.registerProxy) },
  client: { description: 'a Commbase client host: set it up for the relay in one previewed step, and probe it as Commbase would', load: () => import('./client.js').then((m) => m.registerClient) },
  monitor: { description: 'open the console on the Monitor: relay health, clients, pending approvals and rule timers, live', load: () => import('./monitor.js').then((m) => m.registerMonitor) },
  dashboard: { description: 'a full-screen wall display (blessed-contrib) over the same monitoring service; q or Ctrl-C leaves', load: () => import('./monitor.js').then((m) => m.registerMonitor) },
  audit: { description: 'show what commbase-admin changed (certificates, ports, forwards, commbase.conf, clients): when, who, where, how it ended', load: () => import('./audit.js').then((m) => m.registerAudit) },
  completion: { description: 'print a shell completion script: commbase-admin completion bash|zsh|fish (see README)', load: () => import('./completion.js').then((m) => m.registerCompletion) },
} satisfies Record<string, Noun>;

/** The noun of that name, if there is one. */
export const nounEntry = (name: string | undefined): Noun | undefined => (name !== undefined && Object.hasOwn(NOUNS, name) ? (NOUNS as Record<string, Noun>)[name] : undefined);

/** The noun a command line names: its first word that is not an option (undefined: the console, or --help/--version). */
export function nounOf(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}
