// The Forwards screen's effects: forwards of one host read every few seconds (expired ones reaped while the
// console watches), a one-second clock for the countdowns, and add/extend/revoke through previews.
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { changeForward, listForwards, reapForwards, type ForwardRequest } from '../../firewall/forward-service.js';
import { forwardFields, isPrivateV4 } from '../../firewall/forwards.js';
import type { FormField } from '../../ui/StepForm.js';
import { fieldCheck } from '../../present/fields.js';
import { formValues } from '../list-screen.js';
import { useHostList } from '../use-hosts-list.js';
import { useTask } from '../use-task.js';
import { useTrust } from '../use-trust.js';
import { initialState, reduce, shownForwards, type Pending } from './state.js';
import { keepConnections, type Connector, type KeptConnections } from '../../services/hosts.js';

/** How often the rules are read again; countdowns tick every second in between. */
export const REFRESH_MS = 5000;

const check = (key: keyof typeof forwardFields) => fieldCheck(forwardFields[key], key);
const ttlCheck = check('ttl');

export const ADD_FIELDS: FormField[] = [
  { key: 'from', label: 'Source allowed (one IPv4 address or network)', validate: check('from') },
  { key: 'port', label: 'External port on this host', initial: '8080', validate: check('port') },
  { key: 'to', label: 'LAN destination (IP:PORT)', initial: '192.168.1.50:80', validate: (v) => check('to')(v) ?? publicDestination(v) },
  { key: 'proto', label: 'Protocol (tcp or udp)', initial: 'tcp', validate: check('proto') },
  { key: 'ttl', label: 'How long (90s, 30m, 2h, 1d)', initial: '30m', validate: ttlCheck },
];
/** Refused where it is typed, as `forward add` refuses it (the console has no --allow-public-destination). */
function publicDestination(v: string): string | undefined {
  return isPrivateV4(v.split(':')[0] ?? '') ? undefined : `to ${JSON.stringify(v)}: is not a private (LAN) address; forwarding to a public address turns this router into an open relay for that source`;
}

export const EXTEND_FIELDS: FormField[] = [{ key: 'ttl', label: 'New time to live, from now (90s, 30m, 2h, 1d)', initial: '30m', validate: ttlCheck }];

export type { Pending };

type Dispatch = (a: Parameters<typeof reduce>[1]) => void;

/** The host's forwards, read every REFRESH_MS over one kept connection per host while the screen is open (not a
 * new SSH login each); what expired is reaped on the way (the console reaps on the hosts it watches). */
function useForwardsPoll(hostName: string, trustDeps: Connector, dispatch: Dispatch): () => Promise<void> {
  const kept = useRef<KeptConnections | undefined>(undefined);
  kept.current ??= keepConnections((h) => trustDeps.connect(h));
  useEffect(() => () => void kept.current?.closeAll(), []);
  const read = useCallback(async () => {
    const deps = { connect: kept.current!.connect };
    try {
      const r = await listForwards(hostName, deps);
      if (r.forwards.some((f) => f.expired)) {
        const reap = await reapForwards({ host: hostName }, deps);
        dispatch({ type: 'read', forwards: (await listForwards(hostName, deps)).forwards, at: Date.now(), reaped: reap.removed ?? [] });
      } else {
        dispatch({ type: 'read', forwards: r.forwards, at: Date.now() });
      }
    } catch (err) {
      kept.current!.forget(hostName);
      dispatch({ type: 'read-failed', message: (err as Error).message });
    }
  }, [hostName, dispatch]);
  useEffect(() => {
    let live = true;
    void read();
    const poll = setInterval(() => { if (live) void read(); }, REFRESH_MS);
    return () => { live = false; clearInterval(poll); };
  }, [read]);
  return read;
}

/** A one-second clock only while a countdown is on screen (a permanent or expired forward does not move). */
function useCountdown(counting: boolean, dispatch: Dispatch): void {
  useEffect(() => {
    if (!counting) return undefined;
    const tick = setInterval(() => dispatch({ type: 'tick', now: Date.now() }), 1000);
    return () => clearInterval(tick);
  }, [counting, dispatch]);
}

/** What a change did, in the task's result lines. */
function appliedLines(kind: Pending['kind'], r: Awaited<ReturnType<typeof changeForward>>): string[] {
  const what = kind === 'reap' ? `reap: ${r.outcome}${r.removed?.length ? ` (${r.removed.join(', ')})` : ''}` : kind === 'cron' ? `cron reaper: ${r.outcome}` : `forward ${r.id}: ${r.outcome}${r.deadline && kind !== 'revoke' ? ` until ${r.deadline}` : ''}`;
  return [what, ...r.warnings.map((w) => `warning: ${w}`)];
}

export function useForwards() {
  const hosts = useHostList();
  const [state, dispatch] = useReducer(reduce, undefined, () => initialState());
  const task = useTask<string[]>();
  const trust = useTrust();
  const host = hosts[state.hostIndex]!;

  const read = useForwardsPoll(host.name, trust.deps, dispatch);
  useCountdown(Boolean(state.forwards?.some((f) => !f.permanent && !f.expired)), dispatch);

  const shown = shownForwards(state);
  const selected = shown[state.cursor];
  const form = state.modal.kind === 'form' ? state.modal : undefined;
  const pending = state.modal.kind === 'confirm' || state.modal.kind === 'typed' ? state.modal.pending : undefined;

  const preview = (change: ForwardRequest) => {
    task.start('working out the exact rules', async () => {
      const p = await changeForward(change, trust.deps, true);
      dispatch({ type: 'ask', pending: { ...change, preview: p } as Pending, typed: change.kind === 'revoke' });
      return [];
    });
  };

  return {
    hosts, host, hostLabel: `${state.hostIndex + 1}/${hosts.length}`, forwards: shown, loaded: state.forwards !== undefined, state, form, pending, task, trust,
    reaped: state.reaped, readError: state.readError, selected,
    move: (d: number) => dispatch({ type: 'move', delta: d, count: shown.length }),
    nextHost: () => dispatch({ type: 'next-host', hosts: hosts.length }),
    refresh: () => void read(),
    startAdd: () => { dispatch({ type: 'open-form', form: 'add' }); task.clear(); },
    startExtend: () => { if (selected) { dispatch({ type: 'open-form', form: 'extend' }); task.clear(); } },
    startRevoke: () => { if (selected) preview({ kind: 'revoke', request: { host: host.name, id: selected.id } }); },
    startReap: () => preview({ kind: 'reap', request: { host: host.name } }),
    startCron: () => preview({ kind: 'cron', request: { host: host.name } }),
    back: () => dispatch({ type: 'form-back' }),
    cancel: () => dispatch({ type: 'close' }),
    submitField: (key: string, value: string) => {
      if (!form) return;
      const fields = form.form === 'add' ? ADD_FIELDS : EXTEND_FIELDS;
      const values = formValues(state, key, value);
      dispatch({ type: 'field', key, value, count: fields.length });
      if (form.index + 1 < fields.length) return;
      if (form.form === 'add') preview({ kind: 'add', request: { host: host.name, from: values.from ?? '', port: values.port ?? '', to: values.to ?? '', ttl: values.ttl ?? '', proto: (values.proto || 'tcp') as 'tcp' | 'udp' } });
      else if (selected) preview({ kind: 'extend', request: { host: host.name, id: selected.id, ttl: values.ttl ?? '' } });
    },
    apply: () => {
      if (!pending) return;
      dispatch({ type: 'close' });
      task.start('applying', async () => {
        const r = await changeForward(pending, trust.deps);
        await read();
        return appliedLines(pending.kind, r);
      });
    },
  };
}
