// The Firewall screen's state: the host shown, its rules as read, and the shared list state (selection, the
// open-port form, the change waiting for confirmation). Named actions; the hook calls the services.
import type { ChangeResult, FirewallState, PortRequest } from '../../firewall/service.js';
import { initialList, listReducer, type ListAction, type ListState } from '../list-screen.js';

export type Pending =
  | { kind: 'open' | 'close'; request: PortRequest; preview: ChangeResult }
  /** ufw on or off, or the iptables rules saved for reboots: the preview is the commands. */
  | { kind: 'enable' | 'disable' | 'persist'; preview: { lines: string[]; commands: string[][] } };

export interface State extends ListState<Pending> {
  hostIndex: number;
  rules?: FirewallState;
}

export type Action = ListAction<Pending> | { type: 'loaded'; rules: FirewallState } | { type: 'next-host'; hosts: number };

export function initialState(): State {
  return { ...initialList<Pending>(), hostIndex: 0 };
}

export function reduce(s: State, a: Action): State {
  switch (a.type) {
    case 'loaded': return { ...s, rules: a.rules, cursor: Math.min(s.cursor, Math.max(0, a.rules.rules.length - 1)) };
    case 'next-host': return { ...s, hostIndex: (s.hostIndex + 1) % a.hosts, cursor: 0, rules: undefined, modal: { kind: 'none' } };
    default: return { ...s, ...listReducer(s, a) };
  }
}
