// The Configuration screen's state: the file as read on the host shown (and where its paths point), the
// changes typed but not saved, and the shared list state (selection; the edit is a one-field form; a save or
// an undo waits for a confirmation showing its diff). Named actions; the hook does the I/O.
import type { ConfDoc, SaveResult } from '../../conffile/service.js';
import type { PathStatus } from '../../conffile/paths-check.js';
import { initialList, listReducer, type ListAction, type ListState } from '../list-screen.js';

export type Pending = { kind: 'save'; preview: SaveResult } | { kind: 'undo' };

export interface State extends ListState<Pending> {
  hostIndex: number;
  doc?: ConfDoc;
  loadError?: string[];
  /** Typed, checked, not yet saved. */
  edits: Record<string, string>;
  paths: Record<string, PathStatus>;
}

export type Action =
  | ListAction<Pending>
  | { type: 'loading' }
  | { type: 'loaded'; doc: ConfDoc }
  | { type: 'load-failed'; lines: string[] }
  | { type: 'paths'; paths: PathStatus[] }
  | { type: 'edited'; key: string; value: string }
  | { type: 'next-host'; hosts: number; to?: number };

export function initialState(): State {
  return { ...initialList<Pending>(), hostIndex: 0, edits: {}, paths: {} };
}

export function reduce(s: State, a: Action): State {
  switch (a.type) {
    case 'loading': { const { doc: _d, loadError: _e, ...rest } = s; return { ...rest, paths: {} }; }
    case 'loaded': return { ...s, doc: a.doc, edits: {} };
    case 'load-failed': return { ...s, loadError: a.lines };
    case 'paths': return { ...s, paths: Object.fromEntries(a.paths.map((p) => [p.key, p])) };
    case 'edited': return { ...s, edits: { ...s.edits, [a.key]: a.value }, modal: { kind: 'none' } };
    case 'next-host': return a.hosts > 1 ? { ...s, hostIndex: a.to ?? (s.hostIndex + 1) % a.hosts, cursor: 0, modal: { kind: 'none' } } : s;
    default: return { ...s, ...listReducer(s, a) };
  }
}
