// The Monitor screen's state: which pane has the keys, a selected row in each, the filter, and the change
// waiting for a confirmation. Named actions over the shared list state (the selection is per pane here).
import { initialList, listReducer, type ListAction, type ListState } from '../list-screen.js';

export type Pane = 'clients' | 'timers';
export interface Pending { title: string; lines: string[]; run: () => Promise<string> }

export interface State extends ListState<Pending> {
  pane: Pane;
  cursors: Record<Pane, number>;
}

export type Action = ListAction<Pending> | { type: 'switch-pane' } | { type: 'move-in-pane'; delta: number; count: number } | { type: 'clear-filter' };

export function initialState(pane: Pane = 'clients'): State {
  return { ...initialList<Pending>(), pane, cursors: { clients: 0, timers: 0 } };
}

export function reduce(s: State, a: Action): State {
  switch (a.type) {
    case 'switch-pane': return { ...s, pane: s.pane === 'clients' ? 'timers' : 'clients' };
    case 'move-in-pane': return { ...s, cursors: { ...s.cursors, [s.pane]: Math.max(0, Math.min(a.count - 1, s.cursors[s.pane] + a.delta)) } };
    case 'clear-filter': return { ...s, filter: '', filtering: false };
    default: return { ...s, ...listReducer(s, a) };
  }
}
