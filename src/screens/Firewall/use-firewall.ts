// The Firewall screen's effects: read the rules of the host shown, preview a change (dry run), apply it.
import { useCallback, useEffect, useReducer } from 'react';
import { UserError } from '../../core/errors.js';
import { closePort, listRules, openPort, type PortRequest } from '../../firewall/service.js';
import { portRuleInput } from '../../firewall/model.js';
import { fieldCheck } from '../../present/fields.js';
import type { FormField } from '../../ui/StepForm.js';
import { formValues } from '../list-screen.js';
import { useHostList } from '../use-hosts-list.js';
import { useTask } from '../use-task.js';
import { useTrust } from '../use-trust.js';
import { initialState, reduce, type Pending } from './state.js';

export const OPEN_FIELDS: FormField[] = [
  { key: 'port', label: 'Port (1-65535)', initial: '5000', validate: fieldCheck(portRuleInput.shape.port, 'port') },
  { key: 'proto', label: 'Protocol (tcp or udp)', initial: 'tcp', validate: fieldCheck(portRuleInput.shape.proto, 'proto', { optional: true }) },
  { key: 'from', label: 'Only from (CIDR; empty: anywhere)', initial: '', validate: fieldCheck(portRuleInput.shape.from, 'from', { optional: true }) },
];

export function useFirewall() {
  const hosts = useHostList();
  const [state, dispatch] = useReducer(reduce, undefined, initialState);
  const task = useTask<string[]>();
  const trust = useTrust();
  const host = hosts[state.hostIndex]!;

  const refresh = useCallback(() => {
    task.start(`reading the rules on ${host.name}`, async () => {
      dispatch({ type: 'loaded', rules: await listRules(host.name, trust.deps) });
      return [];
    });
  }, [host.name]);
  useEffect(refresh, [refresh]);

  const rules = state.rules?.rules ?? [];
  const selected = rules[state.cursor];
  const request = (extra: Omit<PortRequest, 'host'>): PortRequest => ({ host: host.name, ...extra, ...(state.rules ? { backend: state.rules.backend } : {}) });
  const preview = (kind: Pending['kind'], req: PortRequest) => {
    task.start('working out the exact commands', async () => {
      const p = await (kind === 'open' ? openPort : closePort)({ ...req, 'dry-run': true }, trust.deps);
      dispatch({ type: 'ask', pending: { kind, request: req, preview: p }, typed: kind === 'close' });
      return [];
    });
  };
  const pending = state.modal.kind === 'confirm' || state.modal.kind === 'typed' ? state.modal.pending : undefined;

  return {
    hosts, host, hostIndexLabel: `${state.hostIndex + 1}/${hosts.length}, Tab for next`, state, rules, pending, task, trust,
    form: state.modal.kind === 'form' ? state.modal : undefined,
    move: (d: number) => dispatch({ type: 'move', delta: d, count: rules.length }),
    nextHost: () => dispatch({ type: 'next-host', hosts: hosts.length }),
    refresh,
    startOpen: () => { dispatch({ type: 'open-form', form: 'open' }); task.clear(); },
    startClose: () => {
      if (!selected) return;
      if (!selected.ours || selected.port === undefined || selected.proto === 'any') {
        task.start('', async () => { throw new UserError('only rules made by commbase-admin (marked *) can be closed here', ['remove other rules with the firewall tool that made them']); });
        return;
      }
      preview('close', request({ port: selected.port, proto: selected.proto, ...(selected.from !== 'any' ? { from: selected.from } : {}) }));
    },
    back: () => dispatch({ type: 'form-back' }),
    cancel: () => dispatch({ type: 'close' }),
    submitField: (key: string, value: string) => {
      const values = formValues(state, key, value);
      dispatch({ type: 'field', key, value, count: OPEN_FIELDS.length });
      if (state.modal.kind !== 'form' || state.modal.index + 1 < OPEN_FIELDS.length) return;
      preview('open', request({ port: values.port ?? '', proto: (values.proto || 'tcp') as 'tcp' | 'udp', ...(values.from ? { from: values.from } : {}) }));
    },
    apply: () => {
      if (!pending) return;
      dispatch({ type: 'close' });
      task.start('applying', async () => {
        const r = await (pending.kind === 'open' ? openPort : closePort)(pending.request, trust.deps);
        dispatch({ type: 'loaded', rules: await listRules(host.name, trust.deps) });
        return [`${r.rule}: ${r.outcome}`, ...r.warnings.map((w) => `warning: ${w}`)];
      });
    },
  };
}
