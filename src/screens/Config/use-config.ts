// The Configuration screen's effects: the file read on the selected host (this machine, or one in the
// inventory over SFTP), where its paths point, a diff before saving (against the hash that was read, so a
// concurrent edit is refused), and undo from FILE.bak.
import { useCallback, useEffect, useReducer } from 'react';
import { classify, formatErrorLines } from '../../core/errors.js';
import { getValue } from '../../conffile/parse.js';
import { KNOWN_KEYS, notesFor, validateValue } from '../../conffile/schema.js';
import { writtenValue } from '../../conffile/app-paths.js';
import { report, setConf, undoConf, type ConfDoc } from '../../conffile/service.js';
import { readConfWithPaths } from '../../conffile/paths-check.js';
import { noteRecentConfFile } from '../../conffile/recent.js';
import { useHostList } from '../use-hosts-list.js';
import { useTask } from '../use-task.js';
import { useTrust } from '../use-trust.js';
import { initialState, reduce } from './state.js';
import { useChooser } from './use-chooser.js';

export interface Row {
  key: string;
  value: string;
  pending: boolean;
  problem?: string;
  note?: string;
}

/** The table's rows: each known key's value (pending edit, else as written, else as bash reads it) and its check. */
function configRows(doc: ConfDoc | undefined, edits: Record<string, string>): Row[] {
  return KNOWN_KEYS.map((key) => {
    const current = doc ? getValue(doc.file, key) : undefined;
    const value = edits[key] ?? (doc ? writtenValue(doc.file, key) : undefined) ?? current ?? '';
    const problem = value === '' && current === undefined ? undefined : validateValue(key, value);
    const note = notesFor(key, value)[0];
    return { key, value: current === undefined && edits[key] === undefined ? '(not set)' : value, pending: edits[key] !== undefined, ...(problem ? { problem } : {}), ...(note ? { note } : {}) };
  });
}

/** Assignments to keys the screen does not manage, shown below the table. */
const unknownKeys = (doc: ConfDoc | undefined) =>
  doc ? doc.file.lines.flatMap((l) => (l.kind === 'assign' && !(KNOWN_KEYS as readonly string[]).includes(l.key) ? [{ key: l.key, value: l.value, line: l.n }] : [])) : [];

export function useConfig(file?: string, hostName?: string) {
  const hosts = useHostList();
  const [state, dispatch] = useReducer(reduce, undefined, () => ({ ...initialState(), hostIndex: Math.max(0, hosts.findIndex((h) => h.name === hostName)) }));
  const task = useTask<string[]>();
  const host = hosts[state.hostIndex]!;
  const trust = useTrust();
  const deps = trust.deps;
  const chooser = useChooser({ file, hostName: host.name, hosts, connect: deps.connect, toHost: (to) => dispatch({ type: 'next-host', hosts: hosts.length, to }), clearTask: task.clear });
  const { chosen, refresh, ask } = chooser;
  const where = { host: host.name, ...(chosen ? { file: chosen } : {}) };
  const { doc, edits } = state;

  const load = useCallback(() => {
    dispatch({ type: 'loading' });
    refresh();
    // With where each managed value points (joined to the app directory as Commbase does) and whether it is there.
    readConfWithPaths({ host: host.name, ...(chosen ? { file: chosen } : {}) }, deps).then(
      (r) => {
        dispatch({ type: 'loaded', doc: r.doc }); dispatch({ type: 'paths', paths: r.paths });
        try { noteRecentConfFile(host.name, r.doc.path); } catch { /* the list of recent files is a convenience */ }
        refresh();
      },
      (err) => {
        const k = classify(err);
        dispatch({ type: 'load-failed', lines: formatErrorLines(k) });
        if (k.kind === 'user' && k.field === 'file') ask(); // nothing to work on yet: choose one
      },
    );
  }, [chosen, host.name, deps, refresh, ask]);
  useEffect(load, [load]);

  const rows = configRows(doc, edits);
  const selected = rows[state.cursor];
  const pairs = Object.entries(edits);
  const pending = state.modal.kind === 'confirm' ? state.modal.pending : undefined;
  /** Run a change, then read the file again. */
  const change = (label: string, fn: () => Promise<string>) => { dispatch({ type: 'close' }); task.start(label, async () => { const line = await fn(); load(); return [line]; }); };

  return {
    doc, loadError: state.loadError, rows, unknown: unknownKeys(doc), cursor: state.cursor, state, pending, task, trust, host, pendingCount: pairs.length,
    paths: state.paths, missing: Object.values(state.paths).filter((p) => !p.exists && p.kind !== 'data'),
    editing: selected,
    isEditing: state.modal.kind === 'form',
    hostLabel: `${state.hostIndex + 1}/${hosts.length}`,
    /** The next host's file; pending changes are dropped (the footer says so through the unsaved count). */
    nextHost: () => { dispatch({ type: 'next-host', hosts: hosts.length }); task.clear(); },
    findings: doc ? report(doc).findings.filter((f) => f.severity !== 'note') : [],
    move: (d: number) => dispatch({ type: 'move', delta: d, count: rows.length }),
    startEdit: () => { if (doc && selected) { dispatch({ type: 'open-form', form: 'edit' }); task.clear(); } },
    cancel: () => dispatch({ type: 'close' }),
    validate: (value: string) => (selected ? validateValue(selected.key, value) : undefined),
    submitEdit: (value: string) => {
      if (!selected) return;
      const problem = validateValue(selected.key, value);
      if (problem) return problem;
      dispatch({ type: 'edited', key: selected.key, value });
      return undefined;
    },
    startSave: () => {
      if (!doc || pairs.length === 0) return;
      task.start('working out the diff', async () => {
        const r = await setConf({ ...where, file: doc.path, pairs, dryRun: true, expectHash: doc.hash }, deps);
        dispatch({ type: 'ask', pending: { kind: 'save', preview: r } });
        return [];
      });
    },
    save: () => {
      if (doc) change('saving', async () => {
        const r = await setConf({ ...where, file: doc.path, pairs, expectHash: doc.hash }, deps);
        return `saved ${r.path} (${r.changes.length} line(s) changed); previous version in ${r.backup}`;
      });
    },
    startUndo: () => { if (doc) dispatch({ type: 'ask', pending: { kind: 'undo' } }); },
    undo: () => {
      if (doc) change('restoring the previous version', async () => {
        const r = await undoConf({ ...where, file: doc.path }, deps);
        return `restored ${r.path} from ${r.restoredFrom}`;
      });
    },
    reload: load,
    chooser: chooser.view,
  };
}
