import { useCallback, useEffect, useState } from 'react';
import { classify, formatErrorLines } from '../../core/errors.js';
import { addHost, checkHost, listHosts, removeHost, type HostEntry } from '../../services/hosts.js';
import { addHostInput } from '../../services/hosts.js';
import type { FormField } from '../../ui/StepForm.js';
import { fieldCheck } from '../../present/fields.js';
import { useTask } from '../use-task.js';
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
  const [loadError, setLoadError] = useState<string[] | undefined>();
  const load = (): HostEntry[] => {
    try {
      setLoadError(undefined);
      return listHosts();
    } catch (err) {
      setLoadError(formatErrorLines(classify(err)));
      return [];
    }
  };
  // Read in an effect, not during render, so an unreadable settings file can be shown (loadError).
  const [hosts, setHosts] = useState<HostEntry[]>([]);
  const [cursor, setCursor] = useState(0);
  const [mode, setMode] = useState<'list' | 'add' | 'remove'>('list');
  const [formIndex, setFormIndex] = useState(0);
  const [formValues, setFormValues] = useState<Record<string, string>>({});
  const task = useTask<string[]>();
  const trust = useTrust();
  const refresh = () => setHosts(load());

  useEffect(() => { setHosts(load()); }, []);
  const selected = hosts[cursor];
  return {
    hosts, loadError, cursor, mode, formIndex, formValues, task, trust,
    move: (d: number) => setCursor((c) => Math.max(0, Math.min(hosts.length - 1, c + d))),
    check: useCallback(() => {
      if (!selected) return;
      task.start(`connecting to ${selected.name}`, async () => {
        const r = await trust.attempt(selected.identity, () => checkHost(selected.name, trust.options));
        refresh();
        return [`reached ${r.where} as uid ${r.uid}`, `iptables: ${r.iptables ? 'yes' : 'no'}   ufw: ${r.ufw ? 'yes' : 'no'}`, ...(r.pinned ? [`host key ${r.pinned}`] : [])];
      });
    }, [selected, task, trust.options]),
    startAdd: () => { setMode('add'); setFormIndex(0); setFormValues({}); task.clear(); },
    startRemove: () => { if (selected && selected.name !== 'local') { setMode('remove'); task.clear(); } },
    back: () => (formIndex > 0 ? setFormIndex((i) => i - 1) : setMode('list')),
    cancel: () => setMode('list'),
    submitField: (key: string, value: string) => {
      const values = { ...formValues, [key]: value };
      setFormValues(values);
      if (formIndex + 1 < HOST_FIELDS.length) return setFormIndex(formIndex + 1);
      setMode('list');
      task.start('adding the host', async () => {
        const h = addHost({ name: values.name!, address: values.address!, port: values.port || undefined, user: values.user || undefined, identity: values.identity || undefined, backend: (values.backend || undefined) as 'ufw' | 'iptables' | undefined, sudo: false });
        refresh();
        return [`added ${h.name}`, 'press c to connect, check and pin its host key'];
      });
    },
    remove: () => {
      if (!selected) return;
      setMode('list');
      task.start(`removing ${selected.name}`, async () => { removeHost(selected.name); refresh(); setCursor(0); return [`removed ${selected.name}`]; });
    },
  };
}
