import { useCallback, useEffect, useReducer } from 'react';
import { classify, formatErrorLines } from '../../core/errors.js';
import { addHost, checkHost, listHosts, removeHost } from '../../services/hosts.js';
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
  { key: 'identity', label: 'Identity file (empty: ssh-agent)', initial: '' },
  { key: 'backend', label: 'Firewall backend (iptables or ufw)', initial: 'iptables', validate: check('backend') },
];

export function useHosts() {
  const [state, dispatch] = useReducer(reduce, undefined, initialState);
  const task = useTask<string[]>();
  const trust = useTrust();
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
  const selected = hosts[cursor];
  const form = state.modal.kind === 'form' ? state.modal : undefined;
  return {
    hosts, loadError: state.loadError, cursor, state, form, task, trust,
    removing: state.modal.kind === 'typed' ? state.modal.pending : undefined,
    move: (d: number) => dispatch({ type: 'move', delta: d, count: hosts.length }),
    check: () => {
      if (!selected) return;
      task.start(`connecting to ${selected.name}`, async () => {
        const r = await trust.attempt(selected.identity, () => checkHost(selected.name, trust.options));
        refresh();
        return [`reached ${r.where} as uid ${r.uid}`, `iptables: ${r.iptables ? 'yes' : 'no'}   ufw: ${r.ufw ? 'yes' : 'no'}`, ...(r.pinned ? [`host key ${r.pinned}`] : [])];
      });
    },
    startAdd: () => { dispatch({ type: 'open-form', form: 'add' }); task.clear(); },
    startRemove: () => { if (selected && selected.name !== 'local') { dispatch({ type: 'ask', pending: selected, typed: true }); task.clear(); } },
    back: () => dispatch({ type: 'form-back' }),
    cancel: () => dispatch({ type: 'close' }),
    submitField: (key: string, value: string) => {
      if (!form) return;
      const values = formValues(state, key, value);
      dispatch({ type: 'field', key, value, count: HOST_FIELDS.length });
      if (form.index + 1 < HOST_FIELDS.length) return;
      task.start('adding the host', async () => {
        const h = addHost({ name: values.name!, address: values.address!, port: values.port || undefined, user: values.user || undefined, identity: values.identity || undefined, backend: (values.backend || undefined) as 'ufw' | 'iptables' | undefined, sudo: false });
        refresh();
        return [`added ${h.name}`, 'press c to connect, check and pin its host key'];
      });
    },
    remove: () => {
      if (state.modal.kind !== 'typed') return;
      const target = state.modal.pending;
      dispatch({ type: 'close' });
      task.start(`removing ${target.name}`, async () => { removeHost(target.name); refresh(); dispatch({ type: 'select', index: 0 }); return [`removed ${target.name}`]; });
    },
  };
}
