// The Relay & clients screen's behaviour: the local relay's status read every 2 s, and the actions its keys run
// (start, stop, issue, approve with a scope, deny, rotate, revoke), each through a form and/or a confirmation.
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { classify } from '../../core/errors.js';
import { defaultRelayDataDir } from '../../core/paths.js';
import { relayLines } from '../../present/monitor.js';
import { withAdmin } from '../../relay/admin-client.js';
import type { Scope } from '../../relay/auth.js';
import { startRelay, stopRelay, type StartRequest } from '../../relay/control.js';
import { openRunner, type HostEntry } from '../../services/hosts.js';
import { formValues } from '../list-screen.js';
import { useTask } from '../use-task.js';
import { FORMS, clientLines, initialState, reduce, startFields, type Pending } from './state.js';
import { latestServerCert, type KnownServerCert } from '../../certs/known.js';

const deps = { connect: (h: HostEntry) => openRunner(h.name) };

/** The start form's answers as `relay start` flags: empty answers are left out. */
function startRequest(v: Record<string, string>, dataDir: string): StartRequest {
  return {
    'data-dir': dataDir,
    ...(v.bind ? { bind: v.bind } : {}), ...(v.port ? { port: v.port } : {}),
    ...(v['tls-cert'] ? { 'tls-cert': v['tls-cert'] } : {}), ...(v['tls-key'] ? { 'tls-key': v['tls-key'] } : {}),
    ...(v['trusted-proxy'] ? { 'trusted-proxy': [v['trusted-proxy']] } : {}),
    ...(v['open-loopback'] === 'y' ? { 'open-from': ['127.0.0.1/32'] } : {}),
  };
}

export function useRelay(dataDir = defaultRelayDataDir(), opts: { startNow?: boolean } = {}) {
  const [state, dispatch] = useReducer(reduce, undefined, (): ReturnType<typeof initialState> => (opts.startNow ? { ...initialState(), modal: { kind: 'form', form: 'start', index: 0, values: {} } } : initialState()));
  const task = useTask<string[]>();
  // What the console made: offered in the start form (read once, in an effect, never during render).
  const [known, setKnown] = useState<KnownServerCert | undefined>();
  useEffect(() => { let live = true; void latestServerCert().then((k) => { if (live) setKnown(k); }, () => undefined); return () => { live = false; }; }, []);
  const fieldsOf = (name: string) => (name === 'start' ? startFields(known) : FORMS[name] ?? []);
  const admin = useCallback(<T,>(fn: Parameters<typeof withAdmin<T>>[2]) => withAdmin({ dataDir, host: 'local' }, deps, fn), [dataDir]);
  // A poll that changes nothing on screen does not redraw it (uptime in minutes, idle sparklines, same clients).
  const shown = useRef('');
  const refresh = useCallback(() => {
    admin((c) => c.status()).then((status) => {
      const view = JSON.stringify([relayLines({ host: 'local', dataDir, state: 'up', since: '', status }), clientLines(status)]);
      if (view === shown.current) return;
      shown.current = view;
      dispatch({ type: 'status', status });
    }, (err) => { shown.current = ''; dispatch({ type: 'down', why: classify(err).message }); });
  }, [admin, dataDir]);
  useEffect(() => {
    refresh();
    const t = setInterval(refresh, 2000);
    return () => clearInterval(t);
  }, [refresh]);

  const clients = clientLines(state.status);
  const cursor = Math.min(state.cursor, Math.max(0, clients.length - 1));
  const selected = clients[cursor];
  const form = state.modal.kind === 'form' ? state.modal : undefined;
  const pending = state.modal.kind === 'confirm' || state.modal.kind === 'typed' ? state.modal.pending : undefined;
  const ask = (p: Pending, typed = false) => { dispatch({ type: 'ask', pending: p, typed }); task.clear(); };
  const run = (p: Pending): Promise<string[]> => {
    switch (p.kind) {
      case 'start': return startRelay(startRequest(p.values, dataDir))
        .then((r) => [`relay started (pid ${r.pid}); it keeps running after the console closes`, `log: ${r.log}`]);
      case 'stop': return stopRelay(dataDir).then((r) => [`relay stopped (pid ${r.pid})`]);
      case 'issue': return admin((c) => c.issue(p.name, p.scope)).then((r) => [`issued ${r.id} for ${r.name} (${r.scope}) until ${r.expiresAt}`, `token (shown once): ${r.token}`, ...Object.entries(r.urls).map(([k, v]) => `  ${k}: ${v}`)]);
      case 'approve': return admin((c) => c.approve(p.client.id, { scope: p.scope })).then((r) => [`approved ${r.client.name} (${r.client.scope}); it collects its token on its next request`]);
      case 'deny': return admin((c) => c.deny(p.client.id)).then((r) => [`denied ${r.client.name}`]);
      case 'rotate': return admin((c) => c.rotate(p.client.id)).then((r) => [`new token for ${r.client.name} (shown once): ${r.token}`, `${r.notified} connection(s) told`]);
      case 'revoke': return admin((c) => c.revoke(p.client.id)).then((r) => [`revoked ${r.client.name}, ${r.dropped} connection(s) dropped`]);
    }
  };
  return {
    state, task, clients, cursor, selected, form, pending, dataDir,
    formFields: form ? fieldsOf(form.form) : [],
    move: (d: number) => dispatch({ type: 'move', delta: d, count: clients.length }),
    back: () => dispatch({ type: 'form-back' }),
    cancel: () => dispatch({ type: 'close' }),
    confirm: () => { if (pending) { dispatch({ type: 'close' }); task.start('working', () => run(pending), refresh); } },
    start: () => { dispatch({ type: 'open-form', form: 'start' }); task.clear(); },
    stop: () => { if (state.status) ask({ kind: 'stop' }, true); },
    issue: () => { if (state.status) { dispatch({ type: 'open-form', form: 'issue' }); task.clear(); } },
    approve: () => { if (selected?.pending) { dispatch({ type: 'open-form', form: 'approve' }); task.clear(); } },
    deny: () => { if (selected?.pending) ask({ kind: 'deny', client: selected }, true); },
    rotate: () => { if (selected?.active) ask({ kind: 'rotate', client: selected }, true); },
    revoke: () => { if (selected && !selected.pending && selected.state !== 'revoked') ask({ kind: 'revoke', client: selected }, true); },
    submitField: (key: string, value: string) => {
      if (!form) return;
      const fields = fieldsOf(form.form);
      const values = formValues(state, key, value);
      dispatch({ type: 'field', key, value, count: fields.length });
      if (form.index + 1 < fields.length) return;
      if (form.form === 'start') ask({ kind: 'start', values });
      else if (form.form === 'issue') ask({ kind: 'issue', name: values.name ?? '', scope: values.scope as Scope });
      else if (form.form === 'approve' && selected) ask({ kind: 'approve', client: selected, scope: values.scope as Scope });
    },
  };
}
