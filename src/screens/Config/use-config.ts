// The Configuration screen's effects: the file read on the selected host (this machine, or one in the
// inventory over SFTP), where its paths point, a diff before saving (against the hash that was read, so a
// concurrent edit is refused), and undo from FILE.bak.
import { useCallback, useEffect, useReducer, useState } from 'react';
import { classify, formatErrorLines } from '../../core/errors.js';
import { getValue } from '../../conffile/parse.js';
import { KNOWN_KEYS, notesFor, validateValue } from '../../conffile/schema.js';
import { writtenValue } from '../../conffile/app-paths.js';
import { report, setConf, undoConf } from '../../conffile/service.js';
import { readConfWithPaths } from '../../conffile/paths-check.js';
import { noteRecentConfFile, recentConfFiles } from '../../conffile/recent.js';
import { completePath } from '../../core/files.js';
import { useHostList } from '../use-hosts-list.js';
import { useTask } from '../use-task.js';
import { useTrust } from '../use-trust.js';
import { completeOnHost, withRunner } from '../../services/hosts.js';
import { initialState, reduce } from './state.js';

export interface Row {
  key: string;
  value: string;
  pending: boolean;
  problem?: string;
  note?: string;
}

export function useConfig(file?: string, hostName?: string) {
  const hosts = useHostList();
  const [state, dispatch] = useReducer(reduce, undefined, () => ({ ...initialState(), hostIndex: Math.max(0, hosts.findIndex((h) => h.name === hostName)) }));
  const task = useTask<string[]>();
  const host = hosts[state.hostIndex]!;
  const trust = useTrust();
  const deps = trust.deps;
  // The file chooser (f, or when there is no file to work on): a path with Tab completion, the recent files.
  const [chosen, setChosen] = useState<string | undefined>(file);
  const [choosing, setChoosing] = useState(false);
  const [recentIndex, setRecentIndex] = useState(-1);
  // The recent files, read when the screen opens and after each load (never during render: it is a file read).
  const readRecent = () => { try { return recentConfFiles(); } catch { return { recent: [] }; } };
  const [recent, setRecent] = useState<{ recent: Array<{ host: string; path: string }>; defaultFile?: string }>({ recent: [] });
  const where = { host: host.name, ...(chosen ? { file: chosen } : {}) };
  const { doc, edits } = state;

  const load = useCallback(() => {
    dispatch({ type: 'loading' });
    setRecent(readRecent());
    // With where each managed value points (joined to the app directory as Commbase does) and whether it is there.
    readConfWithPaths({ host: host.name, ...(chosen ? { file: chosen } : {}) }, deps).then(
      (r) => {
        dispatch({ type: 'loaded', doc: r.doc }); dispatch({ type: 'paths', paths: r.paths });
        try { noteRecentConfFile(host.name, r.doc.path); } catch { /* the list of recent files is a convenience */ }
        setRecent(readRecent());
      },
      (err) => {
        const k = classify(err);
        dispatch({ type: 'load-failed', lines: formatErrorLines(k) });
        if (k.kind === 'user' && k.field === 'file') setChoosing(true); // nothing to work on yet: choose one
      },
    );
  }, [chosen, host.name, deps]);
  useEffect(load, [load]);

  const rows: Row[] = KNOWN_KEYS.map((key) => {
    const current = doc ? getValue(doc.file, key) : undefined;
    const value = edits[key] ?? (doc ? writtenValue(doc.file, key) : undefined) ?? current ?? '';
    const problem = value === '' && current === undefined ? undefined : validateValue(key, value);
    return { key, value: current === undefined && edits[key] === undefined ? '(not set)' : value, pending: edits[key] !== undefined, ...(problem ? { problem } : {}), ...(notesFor(key, value)[0] ? { note: notesFor(key, value)[0] } : {}) };
  });
  const unknown = doc ? doc.file.lines.flatMap((l) => (l.kind === 'assign' && !(KNOWN_KEYS as readonly string[]).includes(l.key) ? [{ key: l.key, value: l.value, line: l.n }] : [])) : [];
  const selected = rows[state.cursor];
  const pairs = Object.entries(edits);
  const missing = Object.values(state.paths).filter((p) => !p.exists && p.kind !== 'data');
  const pending = state.modal.kind === 'confirm' ? state.modal.pending : undefined;

  return {
    doc, loadError: state.loadError, rows, unknown, cursor: state.cursor, state, pending, task, trust, host, pendingCount: pairs.length,
    paths: state.paths, missing,
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
      if (!doc) return;
      dispatch({ type: 'close' });
      task.start('saving', async () => {
        const r = await setConf({ ...where, file: doc.path, pairs, expectHash: doc.hash }, deps);
        load();
        return [`saved ${r.path} (${r.changes.length} line(s) changed); previous version in ${r.backup}`];
      });
    },
    startUndo: () => { if (doc) dispatch({ type: 'ask', pending: { kind: 'undo' } }); },
    undo: () => {
      if (!doc) return;
      dispatch({ type: 'close' });
      task.start('restoring the previous version', async () => {
        const r = await undoConf({ ...where, file: doc.path }, deps);
        load();
        return [`restored ${r.path} from ${r.restoredFrom}`];
      });
    },
    reload: load,
    chooser: {
      open: choosing,
      recent: recent.recent,
      recentIndex,
      /** What the path field suggests: the recent file picked with ↑/↓, this host's last file, the default file. */
      suggestion: recent.recent[recentIndex]?.path ?? recent.recent.find((r) => r.host === host.name)?.path ?? recent.defaultFile ?? '/opt/commbase/config/commbase.conf',
      complete: host.name === 'local' ? completePath : (partial: string) => withRunner(host.name, deps.connect, (runner) => completeOnHost(runner, partial)),
      start: () => { setChoosing(true); setRecentIndex(-1); task.clear(); },
      pick: (d: number) => setRecentIndex((i) => Math.max(-1, Math.min(recent.recent.length - 1, i + d))),
      cancel: () => setChoosing(false),
      choose: (path: string) => {
        const r = recent.recent[recentIndex];
        setChoosing(false);
        if (r && r.path === path && r.host !== host.name) {
          const i = hosts.findIndex((h) => h.name === r.host);
          if (i >= 0) dispatch({ type: 'next-host', hosts: hosts.length, to: i });
        }
        setChosen(path);
      },
    },
  };
}
