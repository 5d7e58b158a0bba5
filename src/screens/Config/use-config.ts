// The Configuration screen's state: the file as read on the selected host (this machine, or one in the
// inventory over SFTP), pending changes (checked as typed), a diff before saving (against the hash that was
// read, so a concurrent edit is refused), and undo from FILE.bak.
import { useCallback, useEffect, useState } from 'react';
import { classify, formatErrorLines } from '../../core/errors.js';
import { getValue } from '../../conffile/parse.js';
import { KNOWN_KEYS, notesFor, validateValue } from '../../conffile/schema.js';
import { pathStatus, readConf, report, setConf, undoConf, type ConfDoc, type PathStatus, type SaveResult } from '../../conffile/service.js';
import { writtenValue } from '../../conffile/app-paths.js';
import { useHostList } from '../use-hosts-list.js';
import { useTask } from '../use-task.js';
import { useTrust } from '../use-trust.js';

export interface Row {
  key: string;
  value: string;
  pending: boolean;
  problem?: string;
  note?: string;
}

export function useConfig(file?: string) {
  const [doc, setDoc] = useState<ConfDoc | undefined>();
  const [loadError, setLoadError] = useState<string[] | undefined>();
  const [pending, setPending] = useState<Record<string, string>>({});
  const [cursor, setCursor] = useState(0);
  const [mode, setMode] = useState<'list' | 'edit' | 'confirm-save' | 'confirm-undo'>('list');
  const [preview, setPreview] = useState<SaveResult | undefined>();
  const task = useTask<string[]>();
  const hosts = useHostList();
  const [hostIndex, setHostIndex] = useState(0);
  const host = hosts[hostIndex]!;
  const trust = useTrust();
  const deps = trust.deps;
  const where = { host: host.name, ...(file ? { file } : {}) };

  const [paths, setPaths] = useState<Record<string, PathStatus>>({});
  const load = useCallback(() => {
    setDoc(undefined);
    setLoadError(undefined);
    setPaths({});
    readConf(where, deps).then(
      (d) => {
        setDoc(d);
        setPending({});
        // Where each managed value points (joined to the app directory as Commbase does) and whether it is there.
        pathStatus(where, deps).then((r) => setPaths(Object.fromEntries(r.paths.map((p) => [p.key, p]))), () => undefined);
      },
      (err) => setLoadError(formatErrorLines(classify(err))),
    );
  }, [file, host.name]);
  useEffect(load, [load]);

  const rows: Row[] = KNOWN_KEYS.map((key) => {
    const current = doc ? getValue(doc.file, key) : undefined;
    const value = pending[key] ?? (doc ? writtenValue(doc.file, key) : undefined) ?? current ?? '';
    const problem = value === '' && current === undefined ? undefined : validateValue(key, value);
    return { key, value: current === undefined && pending[key] === undefined ? '(not set)' : value, pending: pending[key] !== undefined, ...(problem ? { problem } : {}), ...(notesFor(key, value)[0] ? { note: notesFor(key, value)[0] } : {}) };
  });
  const unknown = doc ? doc.file.lines.flatMap((l) => (l.kind === 'assign' && !(KNOWN_KEYS as readonly string[]).includes(l.key) ? [{ key: l.key, value: l.value, line: l.n }] : [])) : [];
  const selected = rows[cursor];
  const pairs = Object.entries(pending);

  const missing = Object.values(paths).filter((p) => !p.exists && p.kind !== 'data');
  return {
    doc, loadError, rows, paths, missing, unknown, cursor, mode, preview, task, trust, host, pendingCount: pairs.length,
    hostLabel: `${hostIndex + 1}/${hosts.length}`,
    /** The next host's file; pending changes are dropped (the footer says so through the unsaved count). */
    nextHost: () => { if (hosts.length > 1) { setHostIndex((i) => (i + 1) % hosts.length); setCursor(0); setMode('list'); task.clear(); } },
    findings: doc ? report(doc).findings.filter((f) => f.severity !== 'note') : [],
    editing: selected,
    move: (d: number) => setCursor((c) => Math.max(0, Math.min(rows.length - 1, c + d))),
    startEdit: () => { if (doc && selected) { setMode('edit'); task.clear(); } },
    cancel: () => { setMode('list'); setPreview(undefined); },
    validate: (value: string) => (selected ? validateValue(selected.key, value) : undefined),
    submitEdit: (value: string) => {
      if (!selected) return;
      const problem = validateValue(selected.key, value);
      if (problem) return problem;
      setPending((p) => ({ ...p, [selected.key]: value }));
      setMode('list');
      return undefined;
    },
    startSave: () => {
      if (!doc || pairs.length === 0) return;
      task.start('working out the diff', async () => {
        const r = await setConf({ ...where, file: doc.path, pairs, dryRun: true, expectHash: doc.hash }, deps);
        setPreview(r);
        setMode('confirm-save');
        return [];
      });
    },
    save: () => {
      if (!doc) return;
      setMode('list');
      task.start('saving', async () => {
        const r = await setConf({ ...where, file: doc.path, pairs, expectHash: doc.hash }, deps);
        load();
        return [`saved ${r.path} (${r.changes.length} line(s) changed); previous version in ${r.backup}`];
      });
    },
    startUndo: () => { if (doc) setMode('confirm-undo'); },
    undo: () => {
      if (!doc) return;
      setMode('list');
      task.start('restoring the previous version', async () => {
        const r = await undoConf({ ...where, file: doc.path }, deps);
        load();
        return [`restored ${r.path} from ${r.restoredFrom}`];
      });
    },
    reload: load,
  };
}
