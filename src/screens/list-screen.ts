// What every list screen (Firewall, Forwards, Hosts, Configuration, Monitor) shares, as a reducer with named
// actions: the selected row, the filter, a form asked one field at a time, and the change waiting for a
// confirmation (a y/n dialog, or the target's name typed for a destructive one). Busy and error come from
// useTask. A screen's own reducer handles its data and hands everything else to listReducer.

export type Modal<P> =
  | { kind: 'none' }
  | { kind: 'form'; form: string; index: number; values: Record<string, string> }
  | { kind: 'confirm'; pending: P }
  | { kind: 'typed'; pending: P };

export interface ListState<P> {
  cursor: number;
  modal: Modal<P>;
  filter: string;
  filtering: boolean;
}

export type ListAction<P> =
  | { type: 'move'; delta: number; count: number }
  | { type: 'select'; index: number }
  | { type: 'open-form'; form: string }
  | { type: 'field'; key: string; value: string; count: number }
  | { type: 'form-back' }
  | { type: 'ask'; pending: P; typed?: boolean }
  | { type: 'close' }
  | { type: 'filtering'; on: boolean }
  | { type: 'filter'; text: string };

export function initialList<P>(): ListState<P> {
  return { cursor: 0, modal: { kind: 'none' }, filter: '', filtering: false };
}

export function listReducer<P>(s: ListState<P>, a: ListAction<P>): ListState<P> {
  switch (a.type) {
    case 'move': return { ...s, cursor: Math.max(0, Math.min(a.count - 1, s.cursor + a.delta)) };
    case 'select': return { ...s, cursor: Math.max(0, a.index) };
    case 'open-form': return { ...s, modal: { kind: 'form', form: a.form, index: 0, values: {} } };
    case 'field': {
      if (s.modal.kind !== 'form') return s;
      const values = { ...s.modal.values, [a.key]: a.value };
      // The last field closes the form; the screen then previews with the values it had when it dispatched.
      return a.count > s.modal.index + 1 ? { ...s, modal: { ...s.modal, index: s.modal.index + 1, values } } : { ...s, modal: { kind: 'none' } };
    }
    case 'form-back':
      if (s.modal.kind !== 'form') return s;
      return s.modal.index > 0 ? { ...s, modal: { ...s.modal, index: s.modal.index - 1 } } : { ...s, modal: { kind: 'none' } };
    case 'ask': return { ...s, modal: { kind: a.typed ? 'typed' : 'confirm', pending: a.pending } };
    case 'close': return { ...s, modal: { kind: 'none' } };
    case 'filtering': return { ...s, filtering: a.on };
    case 'filter': return { ...s, filter: a.text, cursor: 0 };
  }
}

/** The form's values so far with this answer added (what a screen previews once the last field is in). */
export function formValues<P>(s: ListState<P>, key: string, value: string): Record<string, string> {
  return { ...(s.modal.kind === 'form' ? s.modal.values : {}), [key]: value };
}
