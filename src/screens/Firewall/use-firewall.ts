// The Firewall screen's effects: read the rules of the host shown, preview a change (dry run), apply it.
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import { hostCidr } from '../../core/net.js';
import { defaultRelayDataDir } from '../../core/paths.js';
import { withAdmin } from '../../relay/admin-client.js';
import { closePort, disableUfw, enableUfw, listRules, openPort, type PortRequest } from '../../firewall/service.js';
import { persistRules } from '../../firewall/forward-service.js';
import type { Connector } from '../../services/hosts.js';
import { quoteArgv } from '../../core/quote.js';
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
  { key: 'proto', label: 'Protocol (tcp or udp)', initial: 'tcp', choices: ['tcp', 'udp'], validate: fieldCheck(portRuleInput.shape.proto, 'proto', { optional: true }) },
  { key: 'from', label: 'Only from (CIDR; empty: anywhere)', initial: '', validate: fieldCheck(portRuleInput.shape.from, 'from', { optional: true }) },
];

/**
 * The open form with what the console knows: the running relay's port, and as the source the first inventory
 * host's address (a client host that must reach it); the others are named in the hint.
 */
export function openFields(known: { port?: number; sources: string[] }): FormField[] {
  return OPEN_FIELDS.map((f) => {
    if (f.key === 'port' && known.port) return { ...f, initial: String(known.port), hint: 'the relay\'s port' };
    if (f.key === 'from' && known.sources.length) return { ...f, initial: known.sources[0]!, hint: `the inventory's hosts: ${known.sources.join(', ')}; empty: anywhere` };
    return f;
  });
}

/** ufw on/off or saving iptables rules: previewed (dryRun) or done. */
const hostChange = (kind: 'enable' | 'disable' | 'persist', host: string, deps: Connector, dryRun: boolean) =>
  kind === 'persist' ? persistRules({ host, ...(dryRun ? { 'dry-run': true } : {}) }, deps) : (kind === 'enable' ? enableUfw : disableUfw)(host, deps, dryRun);

/** The local relay's port, read once (its status), for the open form's suggestion. */
function useRelayPort(deps: Connector): number | undefined {
  const [port, setPort] = useState<number | undefined>();
  useEffect(() => {
    let live = true;
    void withAdmin({ dataDir: defaultRelayDataDir(), host: 'local' }, deps, (c) => c.status()).then((st) => { if (live) setPort(st.port); }, () => undefined);
    return () => { live = false; };
  }, [deps]);
  return port;
}

export function useFirewall(opts: { openWith?: { port: number; from?: string } } = {}) {
  const hosts = useHostList();
  const [state, dispatch] = useReducer(reduce, undefined, (): ReturnType<typeof initialState> => (opts.openWith ? { ...initialState(), modal: { kind: 'form', form: 'open', index: 0, values: {} } } : initialState()));
  const task = useTask<string[]>();
  const trust = useTrust();
  const host = hosts[state.hostIndex]!;
  const relayPort = useRelayPort(trust.deps);
  const sources = [...new Set([opts.openWith?.from, ...hosts.filter((h) => h.name !== host.name).map((h) => hostCidr(h.address))].filter((x): x is string => Boolean(x)))];
  const sourceList = sources.join(',');
  const port = opts.openWith?.port ?? relayPort;
  const fields = useMemo(() => openFields({ ...(port ? { port } : {}), sources: sourceList ? sourceList.split(',') : [] }), [port, sourceList]);

  const { start } = task;
  const refresh = useCallback(() => {
    start(`reading the rules on ${host.name}`, async () => {
      dispatch({ type: 'loaded', rules: await listRules(host.name, trust.deps) });
      return [];
    });
  }, [host.name, start, trust.deps]);
  useEffect(refresh, [refresh]);

  const rules = state.rules?.rules ?? [];
  const selected = rules[state.cursor];
  const request = (extra: Omit<PortRequest, 'host'>): PortRequest => ({ host: host.name, ...extra, ...(state.rules ? { backend: state.rules.backend } : {}) });
  const preview = (kind: 'open' | 'close', req: PortRequest) => {
    task.start('working out the exact commands', async () => {
      const p = await (kind === 'open' ? openPort : closePort)({ ...req, 'dry-run': true }, trust.deps);
      dispatch({ type: 'ask', pending: { kind, request: req, preview: p }, typed: kind === 'close' });
      return [];
    });
  };
  const pending = state.modal.kind === 'confirm' || state.modal.kind === 'typed' ? state.modal.pending : undefined;
  // ufw on/off and saving iptables rules: the dry run first (the lockout guard speaks here), then a confirmation.
  const previewHostChange = (kind: 'enable' | 'disable' | 'persist') => {
    task.start('working out the exact commands', async () => {
      const r = await hostChange(kind, host.name, trust.deps, true);
      if (r.commands.length === 0) return [`${host.name}: ufw ${r.outcome}`];
      const lines = [`${host.name} (${r.where}): ${r.outcome}`, ...r.commands.map((c) => `  $ ${quoteArgv(c)}`),
        ...(kind === 'disable' ? ['The host then accepts whatever its default policies allow.'] : kind === 'persist' ? ['The rules running now (yours and everyone\'s) come back after a reboot.'] : [])];
      dispatch({ type: 'ask', pending: { kind, preview: { lines, commands: r.commands } }, typed: kind === 'disable' });
      return [];
    });
  };

  return {
    hosts, host, fields, hostIndexLabel: `${state.hostIndex + 1}/${hosts.length}, Tab for next`, state, rules, pending, task, trust,
    form: state.modal.kind === 'form' ? state.modal : undefined,
    move: (d: number) => dispatch({ type: 'move', delta: d, count: rules.length }),
    nextHost: () => dispatch({ type: 'next-host', hosts: hosts.length }),
    refresh,
    startOpen: () => { dispatch({ type: 'open-form', form: 'open' }); task.clear(); },
    /** The preview says "restricts nothing" on an iptables host: d previews the same rule with its DROP. */
    canRestrict: pending?.kind === 'open' && Boolean(pending.preview.restrictsNothing) && pending.preview.backend === 'iptables' && !pending.request.restrict && Boolean(pending.request.from),
    restrict: () => { if (pending?.kind === 'open') { dispatch({ type: 'close' }); preview('open', { ...pending.request, restrict: true }); } },
    /** Why u cannot act on this host, if it cannot. */
    ufwOff: state.rules && state.rules.backend !== 'ufw' ? `${host.name} is managed with iptables, not ufw (change its backend in Hosts: e)` : undefined,
    toggleUfw: () => { if (state.rules?.backend === 'ufw') previewHostChange(state.rules.active ? 'disable' : 'enable'); },
    persist: () => previewHostChange('persist'),
    /** Why x cannot close the selected row, if it cannot. */
    closeOff: !selected ? 'no rule selected' : !selected.ours || selected.port === undefined || selected.proto === 'any' ? 'only rules made by commbase-admin (marked *) can be closed here; remove others with the tool that made them' : undefined,
    startClose: () => {
      if (!selected || !selected.ours || selected.port === undefined || selected.proto === 'any') return;
      preview('close', request({ port: selected.port, proto: selected.proto, ...(selected.from !== 'any' ? { from: selected.from } : {}) }));
    },
    back: () => dispatch({ type: 'form-back' }),
    cancel: () => dispatch({ type: 'close' }),
    submitField: (key: string, value: string) => {
      const values = formValues(state, key, value);
      dispatch({ type: 'field', key, value, count: fields.length });
      if (state.modal.kind !== 'form' || state.modal.index + 1 < fields.length) return;
      preview('open', request({ port: values.port ?? '', proto: (values.proto || 'tcp') as 'tcp' | 'udp', ...(values.from ? { from: values.from } : {}) }));
    },
    apply: () => {
      if (!pending) return;
      dispatch({ type: 'close' });
      task.start('applying', async () => {
        if (pending.kind === 'enable' || pending.kind === 'disable' || pending.kind === 'persist') {
          const r = await hostChange(pending.kind, host.name, trust.deps, false);
          dispatch({ type: 'loaded', rules: await listRules(host.name, trust.deps) });
          return [`${host.name}: ${pending.kind === 'persist' ? '' : 'ufw '}${r.outcome}`];
        }
        const p = pending as Extract<Pending, { request: PortRequest }>;
        const r = await (p.kind === 'open' ? openPort : closePort)(p.request, trust.deps);
        dispatch({ type: 'loaded', rules: await listRules(host.name, trust.deps) });
        return [`${r.rule}: ${r.outcome}`, ...(r.reach ? [`now: ${r.reach}`] : []), ...r.warnings.map((w) => `warning: ${w}`)];
      });
    },
  };
}
