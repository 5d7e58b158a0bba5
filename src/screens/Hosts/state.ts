// The Hosts screen's state: the inventory as read (or why it could not be), and the shared list state
// (selection, the add form, the typed confirmation of a removal).
import type { HostEntry } from '../../services/hosts.js';
import { initialList, listReducer, type ListAction, type ListState } from '../list-screen.js';

/** What a typed confirmation is for: removing a host, or trusting the new key of one whose key changed. */
export type Pending = { kind: 'remove'; host: HostEntry } | { kind: 'retrust'; host: HostEntry; pinned: string; offered: string }
  /** The add form's answers, previewed before anything is written. */
  | { kind: 'add'; values: Record<string, string> };

export interface State extends ListState<Pending> {
  hosts: HostEntry[];
  loadError?: string[];
}

export type Action = ListAction<Pending> | { type: 'loaded'; hosts: HostEntry[] } | { type: 'load-failed'; lines: string[] };

export function initialState(): State {
  return { ...initialList<Pending>(), hosts: [] };
}

export function reduce(s: State, a: Action): State {
  switch (a.type) {
    case 'loaded': { const { loadError: _gone, ...rest } = s; return { ...rest, hosts: a.hosts, cursor: Math.min(s.cursor, Math.max(0, a.hosts.length - 1)) }; }
    case 'load-failed': return { ...s, loadError: a.lines };
    default: return { ...s, ...listReducer(s, a) };
  }
}
