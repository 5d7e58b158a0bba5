import { useCallback, useEffect, useState } from 'react';
import { UserError } from '../../core/errors.js';
import { closePort, listRules, openPort, type ChangeResult, type FirewallState, type PortRequest } from '../../firewall/service.js';
import { fieldCheck } from '../../present/fields.js';
import { portRuleInput, type ListedRule } from '../../firewall/model.js';

import type { FormField } from '../../ui/StepForm.js';
import { useHostList } from '../use-hosts-list.js';
import { useTask } from '../use-task.js';
import { useTrust } from '../use-trust.js';

export const OPEN_FIELDS: FormField[] = [
  { key: 'port', label: 'Port (1-65535)', initial: '5000', validate: fieldCheck(portRuleInput.shape.port, 'port') },
  { key: 'proto', label: 'Protocol (tcp or udp)', initial: 'tcp', validate: fieldCheck(portRuleInput.shape.proto, 'proto', { optional: true }) },
  { key: 'from', label: 'Only from (CIDR; empty: anywhere)', initial: '', validate: fieldCheck(portRuleInput.shape.from, 'from', { optional: true }) },
];

export type Pending = { kind: 'open' | 'close'; request: PortRequest; preview: ChangeResult };


export function useFirewall() {
  const hosts = useHostList();
  const [hostIndex, setHostIndex] = useState(0);
  const [cursor, setCursor] = useState(0);
  const [state, setState] = useState<FirewallState | undefined>();
  const [mode, setMode] = useState<'list' | 'form' | 'confirm-open' | 'confirm-close'>('list');
  const [formIndex, setFormIndex] = useState(0);
  const [formValues, setFormValues] = useState<Record<string, string>>({});
  const [pending, setPending] = useState<Pending | undefined>();
  const task = useTask<string[]>();
  const trust = useTrust();
  const host = hosts[hostIndex]!;

  const refresh = useCallback(() => {
    task.start(`reading the rules on ${host.name}`, async () => {
      const s = await listRules(host.name, trust.deps);
      setState(s);
      return [];
    });
  }, [host.name]);
  useEffect(refresh, [refresh]);

  const rules: ListedRule[] = state?.rules ?? [];
  const selected = rules[cursor];
  const request = (extra: Omit<PortRequest, 'host'>): PortRequest => ({ host: host.name, ...extra });

  const preview = (kind: 'open' | 'close', req: PortRequest) => {
    task.start('working out the exact commands', async () => {
      const p = await (kind === 'open' ? openPort : closePort)({ ...req, 'dry-run': true }, trust.deps);
      setPending({ kind, request: req, preview: p });
      setMode(kind === 'open' ? 'confirm-open' : 'confirm-close');
      return [];
    });
  };

  return {
    hosts, host, hostIndexLabel: `${hostIndex + 1}/${hosts.length}, Tab for next`, cursor, state, rules, mode, formIndex, formValues, pending, task, trust,
    move: (d: number) => setCursor((c) => Math.max(0, Math.min(rules.length - 1, c + d))),
    nextHost: () => { setHostIndex((i) => (i + 1) % hosts.length); setCursor(0); setState(undefined); },
    refresh,
    startOpen: () => { setMode('form'); setFormIndex(0); setFormValues({}); task.clear(); },
    startClose: () => {
      if (!selected) return;
      if (!selected.ours || selected.port === undefined || selected.proto === 'any') {
        task.start('', async () => { throw new UserError('only rules made by commbase-admin (marked *) can be closed here', ['remove other rules with the firewall tool that made them']); });
        return;
      }
      preview('close', request({ port: selected.port, proto: selected.proto, ...(selected.from !== 'any' ? { from: selected.from } : {}), ...(state ? { backend: state.backend } : {}) }));
    },
    back: () => (formIndex > 0 ? setFormIndex((i) => i - 1) : setMode('list')),
    cancel: () => { setMode('list'); setPending(undefined); },
    submitField: (key: string, value: string) => {
      const values = { ...formValues, [key]: value };
      setFormValues(values);
      if (formIndex + 1 < OPEN_FIELDS.length) return setFormIndex(formIndex + 1);
      setMode('list');
      preview('open', request({ port: values.port ?? '', proto: (values.proto || 'tcp') as 'tcp' | 'udp', ...(values.from ? { from: values.from } : {}), ...(state ? { backend: state.backend } : {}) }));
    },
    apply: () => {
      if (!pending) return;
      setMode('list');
      const p = pending;
      setPending(undefined);
      task.start('applying', async () => {
        const r = await (p.kind === 'open' ? openPort : closePort)(p.request, trust.deps);
        setState(await listRules(host.name, trust.deps));
        return [`${r.rule}: ${r.outcome}`, ...r.warnings.map((w) => `warning: ${w}`)];
      });
    },
  };
}
