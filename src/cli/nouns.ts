// The command line's nouns: each one's help line, and where its code is. main.ts registers only the noun a
// command names (so `fw open` never loads the relay, the certificates or ssh2 unless it needs them); --help with
// no noun lists them from here without loading any.
import type { Command } from '@commander-js/extra-typings';
import { NOUN_HELP } from './noun-help.js';

export interface Noun {
  description: string;
  /** The module that registers it (it may register a sibling noun too: monitor and dashboard). */
  load: () => Promise<(program: Command) => void>;
}

export const NOUNS = {
  cert: { description: NOUN_HELP.cert, load: () => import('./cert.js').then((m) => m.registerCert) },
  hosts: { description: NOUN_HELP.hosts, load: () => import('./hosts.js').then((m) => m.registerHosts) },
  fw: { description: NOUN_HELP.fw, load: () => import('./fw.js').then((m) => m.registerFw) },
  forward: { description: NOUN_HELP.forward, load: () => import('./forward.js').then((m) => m.registerForward) },
  config: { description: NOUN_HELP.config, load: () => import('./config.js').then((m) => m.registerConfig) },
  relay: { description: NOUN_HELP.relay, load: () => import('./relay.js').then((m) => m.registerRelay) },
  clients: { description: NOUN_HELP.clients, load: () => import('./clients.js').then((m) => m.registerClients) },
  proxy: { description: NOUN_HELP.proxy, load: () => import('./proxy.js').then((m) => m.registerProxy) },
  client: { description: NOUN_HELP.client, load: () => import('./client.js').then((m) => m.registerClient) },
  monitor: { description: NOUN_HELP.monitor, load: () => import('./monitor.js').then((m) => m.registerMonitor) },
  dashboard: { description: NOUN_HELP.dashboard, load: () => import('./monitor.js').then((m) => m.registerMonitor) },
  audit: { description: NOUN_HELP.audit, load: () => import('./audit.js').then((m) => m.registerAudit) },
  completion: { description: NOUN_HELP.completion, load: () => import('./completion.js').then((m) => m.registerCompletion) },
} satisfies Record<string, Noun>;

/** The noun of that name, if there is one. */
export const nounEntry = (name: string | undefined): Noun | undefined => (name !== undefined && Object.hasOwn(NOUNS, name) ? (NOUNS as Record<string, Noun>)[name] : undefined);

/** The noun a command line names: its first word that is not an option (undefined: the console, or --help/--version). */
export function nounOf(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}
