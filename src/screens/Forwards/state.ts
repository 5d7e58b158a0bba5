// The Forwards screen's state: the host shown, its forwards as last read (and when), the ones reaped while
// watching, the clock the countdowns follow, and the shared list state. Named actions; the hook does the I/O.
import type { ForwardChange, ForwardRequest } from '../../firewall/forward-service.js';
import type { Forward } from '../../firewall/forwards.js';
import { initialList, listReducer, type ListAction, type ListState } from '../list-screen.js';

export type Pending = ForwardRequest & { preview: ForwardChange };

export interface State extends ListState<Pending> {
  hostIndex: number;
  forwards?: Forward[];
  readAt: number;
  now: number;
  reaped: string[];
  readError?: string;
}

export type Action =
  | ListAction<Pending>
  | { type: 'read'; forwards: Forward[]; at: number; reaped?: string[] }
  | { type: 'read-failed'; message: string }
  | { type: 'tick'; now: number }
  | { type: 'next-host'; hosts: number };

export function initialState(now = Date.now()): State {
  return { ...initialList<Pending>(), hostIndex: 0, readAt: now, now, reaped: [] };
}

export function reduce(s: State, a: Action): State {
  switch (a.type) {
    case 'read': {
      const { readError: _gone, ...rest } = s;
      return { ...rest, forwards: a.forwards, readAt: a.at, now: a.at, reaped: [...s.reaped, ...(a.reaped ?? [])].slice(-5), cursor: Math.min(s.cursor, Math.max(0, a.forwards.length - 1)) };
    }
    case 'read-failed': return { ...s, readError: a.message };
    case 'tick': return { ...s, now: a.now };
    case 'next-host': return { ...s, hostIndex: (s.hostIndex + 1) % a.hosts, forwards: undefined, cursor: 0, modal: { kind: 'none' } };
    default: return { ...s, ...listReducer(s, a) };
  }
}

/** Countdowns move with the clock between reads. */
export function shownForwards(s: State): Forward[] {
  const gone = Math.floor((s.now - s.readAt) / 1000);
  return (s.forwards ?? []).map((f) => (f.permanent ? f : { ...f, secondsLeft: f.secondsLeft - gone }));
}
