// The Forwards screen's state: forwards of one host read every few seconds (expired ones reaped while the
// console watches), a one-second clock for the countdowns, and add/extend/revoke through previews.
import { useCallback, useEffect, useState } from 'react';
import { changeForward, listForwards, reapForwards, type ForwardChange, type ForwardRequest } from '../../firewall/forward-service.js';
import { forwardFields, type Forward } from '../../firewall/forwards.js';
import type { FormField } from '../../ui/StepForm.js';
import { fieldCheck } from '../../present/fields.js';
import { useHostList } from '../use-hosts-list.js';
import { useTask } from '../use-task.js';
import { useTrust } from '../use-trust.js';

/** How often the rules are read again; countdowns tick every second in between. */
export const REFRESH_MS = 5000;

const check = (key: keyof typeof forwardFields) => fieldCheck(forwardFields[key], key);
const ttlCheck = check('ttl');

export const ADD_FIELDS: FormField[] = [
  { key: 'from', label: 'Source allowed (one IPv4 address or network)', validate: check('from') },
  { key: 'port', label: 'External port on this host', initial: '8080', validate: check('port') },
  { key: 'to', label: 'LAN destination (IP:PORT)', initial: '192.168.1.50:80', validate: check('to') },
  { key: 'proto', label: 'Protocol (tcp or udp)', initial: 'tcp', validate: check('proto') },
  { key: 'ttl', label: 'How long (90s, 30m, 2h, 1d)', initial: '30m', validate: ttlCheck },
];
export const EXTEND_FIELDS: FormField[] = [{ key: 'ttl', label: 'New time to live, from now (90s, 30m, 2h, 1d)', initial: '30m', validate: ttlCheck }];

export type Pending = ForwardRequest & { preview: ForwardChange };

export function useForwards() {
  const hosts = useHostList();
  const [hostIndex, setHostIndex] = useState(0);
  const [forwards, setForwards] = useState<Forward[] | undefined>();
  const [readAt, setReadAt] = useState(Date.now());
  const [now, setNow] = useState(Date.now());
  const [cursor, setCursor] = useState(0);
  const [mode, setMode] = useState<'list' | 'add' | 'extend' | 'confirm' | 'revoke'>('list');
  const [formIndex, setFormIndex] = useState(0);
  const [formValues, setFormValues] = useState<Record<string, string>>({});
  const [pending, setPending] = useState<Pending | undefined>();
  const [reaped, setReaped] = useState<string[]>([]);
  const [readError, setReadError] = useState<string | undefined>();
  const task = useTask<string[]>();
  const trust = useTrust();
  const host = hosts[hostIndex]!;

  const read = useCallback(async () => {
    try {
      const r = await listForwards(host.name, trust.deps);
      setReadError(undefined);
      if (r.forwards.some((f) => f.expired)) {
        // The console reaps what expired on the hosts it watches.
        const reap = await reapForwards({ host: host.name }, trust.deps);
        setReaped((x) => [...x, ...(reap.removed ?? [])].slice(-5));
        setForwards((await listForwards(host.name, trust.deps)).forwards);
      } else {
        setForwards(r.forwards);
      }
      setReadAt(Date.now());
    } catch (err) {
      setReadError((err as Error).message);
    }
  }, [host.name]);

  useEffect(() => {
    let live = true;
    const tick = setInterval(() => live && setNow(Date.now()), 1000);
    void read();
    const poll = setInterval(() => { if (live) void read(); }, REFRESH_MS);
    return () => { live = false; clearInterval(tick); clearInterval(poll); };
  }, [read]);

  const list = forwards ?? [];
  const selected = list[cursor];
  // Countdowns move with the clock between reads.
  const shown = list.map((f) => ({ ...f, secondsLeft: f.secondsLeft - Math.floor((now - readAt) / 1000) }));

  const preview = (change: ForwardRequest) => {
    task.start('working out the exact rules', async () => {
      const p = await changeForward(change, trust.deps, true);
      setPending({ ...change, preview: p } as Pending);
      setMode(change.kind === 'revoke' ? 'revoke' : 'confirm');
      return [];
    });
  };

  return {
    hosts, host, hostLabel: `${hostIndex + 1}/${hosts.length}`, forwards: shown, loaded: forwards !== undefined, cursor, mode, formIndex, formValues, pending, task, trust, reaped, readError,
    move: (d: number) => setCursor((c) => Math.max(0, Math.min(list.length - 1, c + d))),
    nextHost: () => { setHostIndex((i) => (i + 1) % hosts.length); setForwards(undefined); setCursor(0); },
    refresh: () => void read(),
    startAdd: () => { setMode('add'); setFormIndex(0); setFormValues({}); task.clear(); },
    startExtend: () => { if (selected) { setMode('extend'); setFormIndex(0); setFormValues({}); task.clear(); } },
    startRevoke: () => { if (selected) preview({ kind: 'revoke', request: { host: host.name, id: selected.id } }); },
    back: () => (formIndex > 0 ? setFormIndex((i) => i - 1) : setMode('list')),
    cancel: () => { setMode('list'); setPending(undefined); },
    submitField: (key: string, value: string) => {
      const values = { ...formValues, [key]: value };
      setFormValues(values);
      const fields = mode === 'add' ? ADD_FIELDS : EXTEND_FIELDS;
      if (formIndex + 1 < fields.length) return setFormIndex(formIndex + 1);
      setMode('list');
      if (mode === 'add') preview({ kind: 'add', request: { host: host.name, from: values.from ?? '', port: values.port ?? '', to: values.to ?? '', ttl: values.ttl ?? '', proto: (values.proto || 'tcp') as 'tcp' | 'udp' } });
      else if (selected) preview({ kind: 'extend', request: { host: host.name, id: selected.id, ttl: values.ttl ?? '' } });
    },
    apply: () => {
      if (!pending) return;
      const p = pending;
      setPending(undefined);
      setMode('list');
      task.start('applying', async () => {
        const r = await changeForward(p, trust.deps);
        await read();
        return [`forward ${r.id}: ${r.outcome}${r.deadline && p.kind !== 'revoke' ? ` until ${r.deadline}` : ''}`, ...r.warnings.map((w) => `warning: ${w}`)];
      });
    },
  };
}
