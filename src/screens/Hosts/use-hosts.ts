// The Hosts screen's effects: the inventory read, the add and edit forms, connecting to pin a key, removal.
import { useCallback, useEffect, useReducer, useState } from 'react';
import { classify, formatErrorLines } from '../../core/errors.js';
import { completePath, defaultIdentity } from '../../core/files.js';
import { HostKeyChangedError, addHost, checkHost, editHost, listHosts, removeHost, trustHostKey } from '../../services/hosts.js';
import { addHostInput } from '../../services/hosts.js';
import type { FormField } from '../../ui/StepForm.js';
import { fieldCheck } from '../../present/fields.js';
import { useTask } from '../use-task.js';
import { formValues } from '../list-screen.js';
import { initialState, reduce } from './state.js';
import { useTrust } from '../use-trust.js';

const check = (key: keyof typeof addHostInput.shape) => fieldCheck(addHostInput.shape[key], key, { optional: key !== 'name' && key !== 'address' });

export const HOST_FIELDS: FormField[] = [
  { key: 'name', label: 'Name (used with --host)', validate: check('name') },
  { key: 'address', label: 'Address (IP or DNS name)', validate: check('address') },
  { key: 'port', label: 'SSH port', initial: '22', validate: check('port') },
  { key: 'user', label: 'User', initial: 'root', validate: check('user') },
  { key: 'identity', label: 'Identity file (empty: ssh-agent)', initial: '', complete: completePath },
  { key: 'backend', label: 'Firewall backend (iptables or ufw)', initial: 'iptables', choices: ['iptables', 'ufw'], validate: check('backend') },
];

/** The edit form: the add form's fields but the name, each showing the host's current value to edit. */
export const EDIT_FIELDS: FormField[] = HOST_FIELDS.filter((f) => f.key !== 'name');
/** This machine ("local") has no address to edit: only its firewall backend. */
export const LOCAL_EDIT_FIELDS: FormField[] = HOST_FIELDS.filter((f) => f.key === 'backend');

const addRequest = (values: Record<string, string>) => ({ name: values.name!, address: values.address!, port: values.port || undefined, user: values.user || undefined, identity: values.identity || undefined, backend: (values.backend || undefined) as 'ufw' | 'iptables' | undefined, sudo: false });

/** The add preview: the inventory entry, as it will be written. */
export function addLines(values: Record<string, string>): string[] {
  return [
    `${values.user || 'root'}@${values.address}:${values.port || '22'}, firewall ${values.backend || 'iptables'}`,
    `identity: ${values.identity || '(ssh-agent)'}`,
    'Written to the inventory (and History); y then connects to check it and pin its host key.',
  ];
}

type Host = ReturnType<typeof listHosts>[number];

/** The selected host's current values, for the edit form to show. */
function currentValues(selected: Host | undefined): Record<string, string> {
  if (!selected) return {};
  if (selected.name === 'local') return { backend: selected.backend };
  return { address: selected.address ?? '', port: String(selected.port ?? 22), user: selected.user ?? 'root', identity: selected.identity ?? '', backend: selected.backend };
}

/** The edit form's last field: the entry saved, and what it now says. */
function saveEdit(name: string, values: Record<string, string>): string[] {
  const h = editHost(name, { address: values.address, port: values.port, user: values.user, identity: values.identity, backend: (values.backend || undefined) as 'ufw' | 'iptables' | undefined });
  if (h.name === 'local') return [`local (this machine): firewall backend ${h.backend}`];
  return [`${h.name}: ${h.user}@${h.address}:${h.port} (${h.backend})`, h.pinned ? `host key still pinned: ${h.pinned}` : 'host key not pinned yet'];
}

/** The key ssh would use, offered as the identity (read in an effect, never during render). */
function useDefaultIdentity(): string | undefined {
  const [identity, setIdentity] = useState<string | undefined>();
  useEffect(() => { let live = true; void defaultIdentity().then((f) => { if (live) setIdentity(f); }); return () => { live = false; }; }, []);
  return identity;
}

/** Pin the key the host now offers, in place of the one pinned before. */
function retrust(p: { host: { name: string }; pinned: string; offered: string }): string[] {
  trustHostKey(p.host.name, p.offered);
  return [`pinned ${p.offered} for ${p.host.name} (was ${p.pinned})`, 'press c to connect with it'];
}

export function useHosts(opts: { addNow?: boolean } = {}) {
  const [state, dispatch] = useReducer(reduce, undefined, (): ReturnType<typeof initialState> => (opts.addNow ? { ...initialState(), modal: { kind: 'form', form: 'add', index: 0, values: {} } } : initialState()));
  // The last check refused a changed host key: both fingerprints, until trusted or another check.
  const [changed, setChanged] = useState<HostKeyChangedError | undefined>();
  const task = useTask<string[]>();
  const trust = useTrust();
  const identity = useDefaultIdentity();
  // Read in an effect, not during render, so an unreadable settings file can be shown (loadError).
  const refresh = useCallback(() => {
    try {
      dispatch({ type: 'loaded', hosts: listHosts() });
    } catch (err) {
      dispatch({ type: 'load-failed', lines: formatErrorLines(classify(err)) });
    }
  }, []);
  useEffect(refresh, [refresh]);
  const { hosts, cursor } = state;
  /** Connect, check the host, and pin its key if the operator trusts it (the question is a dialog). */
  const connect = (host: { name: string; identity?: string | undefined }) => {
    setChanged(undefined);
    task.start(`connecting to ${host.name}`, async () => {
      const r = await trust.attempt(host.identity, () => checkHost(host.name, trust.options)).catch((err: unknown) => {
        if (err instanceof HostKeyChangedError) setChanged(err);
        refresh(); // a key trusted before the login failed is pinned: the row says so at once
        throw err;
      });
      refresh();
      return [`reached ${r.where} as uid ${r.uid}`, `iptables: ${r.iptables ? 'yes' : 'no'}   ufw: ${r.ufw ? 'yes' : 'no'}`, ...(r.pinned ? [`host key ${r.pinned}`] : [])];
    });
  };
  const selected = hosts[cursor];
  const form = state.modal.kind === 'form' ? state.modal : undefined;
  return {
    hosts, loadError: state.loadError, cursor, state, form, task, trust, selected,
    removing: state.modal.kind === 'typed' && state.modal.pending.kind !== 'add' ? state.modal.pending : undefined,
    move: (d: number) => dispatch({ type: 'move', delta: d, count: hosts.length }),
    changed,
    addFields: identity ? HOST_FIELDS.map((f) => (f.key === 'identity' ? { ...f, initial: identity } : f)) : HOST_FIELDS,
    check: () => { if (selected) connect(selected); },
    startAdd: () => { dispatch({ type: 'open-form', form: 'add' }); task.clear(); },
    startEdit: () => { if (selected) { dispatch({ type: 'open-form', form: 'edit' }); task.clear(); } },
    editFields: selected?.name === 'local' ? LOCAL_EDIT_FIELDS : EDIT_FIELDS,
    startRemove: () => { if (selected && selected.name !== 'local') { dispatch({ type: 'ask', pending: { kind: 'remove', host: selected }, typed: true }); task.clear(); } },
    startRetrust: () => {
      const host = changed && hosts.find((h) => h.name === changed.host);
      if (host && changed) { dispatch({ type: 'ask', pending: { kind: 'retrust', host, pinned: changed.pinned, offered: changed.offered }, typed: true }); task.clear(); }
    },
    current: currentValues(selected),
    back: () => dispatch({ type: 'form-back' }),
    cancel: () => dispatch({ type: 'close' }),
    submitField: (key: string, value: string) => {
      if (!form) return;
      const values = formValues(state, key, value);
      if (form.form === 'edit') {
        const fields = selected?.name === 'local' ? LOCAL_EDIT_FIELDS : EDIT_FIELDS;
        dispatch({ type: 'field', key, value, count: fields.length });
        if (form.index + 1 < fields.length || !selected) return;
        const name = selected.name;
        task.start(`saving ${name}`, async () => { const lines = saveEdit(name, values); refresh(); return lines; });
        return;
      }
      dispatch({ type: 'field', key, value, count: HOST_FIELDS.length });
      if (form.index + 1 < HOST_FIELDS.length) return;
      // Previewed first: what will be written to the inventory, and that y then connects to pin its key.
      dispatch({ type: 'ask', pending: { kind: 'add', values } });
    },
    /** y on the preview: add the host, select it, and connect to check it and pin its key. */
    confirmAdd: () => {
      if (state.modal.kind !== 'confirm' || state.modal.pending.kind !== 'add') return;
      const values = state.modal.pending.values;
      dispatch({ type: 'close' });
      try {
        const h = addHost(addRequest(values));
        refresh();
        const index = listHosts().findIndex((x) => x.name === h.name);
        if (index >= 0) dispatch({ type: 'select', index });
        connect(h);
      } catch (err) {
        task.start('', async () => { throw err; });
      }
    },
    adding: state.modal.kind === 'confirm' && state.modal.pending.kind === 'add' ? state.modal.pending.values : undefined,
    confirmTyped: () => {
      if (state.modal.kind !== 'typed') return;
      const p = state.modal.pending;
      dispatch({ type: 'close' });
      if (p.kind === 'retrust') task.start(`pinning the new key of ${p.host.name}`, async () => { const lines = retrust(p); setChanged(undefined); refresh(); return lines; });
      if (p.kind === 'remove') task.start(`removing ${p.host.name}`, async () => { removeHost(p.host.name); refresh(); dispatch({ type: 'select', index: 0 }); return [`removed ${p.host.name}`]; });
    },
  };
}
