// The Relay & clients screen's behaviour: the relay of the host shown (this machine first; Tab for the next
// inventory host), read every 2 s (use-relay-poll.ts), and the actions its keys run, each through a form and/or a
// confirmation: start and stop (the console's own relay here, or the deployed service on a host), deploy, upgrade,
// uninstall, the journal, and the clients (issue, approve with a scope, deny, rotate, revoke).
import { useEffect, useReducer, useState } from 'react';
import { defaultRelayDataDir } from '../../core/paths.js';
import { withAdmin } from '../../relay/admin-client.js';
import type { Scope } from '../../relay/auth.js';
import { startRelay, stopRelay, type StartRequest } from '../../relay/control.js';
import { deployRelay } from '../../relay/deploy.js';
import { serviceAction, uninstallRelay } from '../../relay/service-control.js';
import { upgradeRelay } from '../../relay/upgrade.js';
import { formValues } from '../list-screen.js';
import { useHostList } from '../use-hosts-list.js';
import { useTask } from '../use-task.js';
import { useTrust } from '../use-trust.js';
import { FORMS, clientLines, deployFields, initialState, reduce, startFields, type Pending } from './state.js';
import { useKept, useRelayLogs, useRelayPoll } from './use-relay-poll.js';
import { latestServerCert, type KnownServerCert } from '../../certs/known.js';

/** The start form's answers as `relay start` flags: empty answers are left out. */
function startRequest(v: Record<string, string>, dataDir: string): StartRequest {
  return {
    'data-dir': dataDir,
    ...(v.bind ? { bind: v.bind } : {}), ...(v.port ? { port: v.port } : {}),
    ...(v['tls-cert'] ? { 'tls-cert': v['tls-cert'] } : {}), ...(v['tls-key'] ? { 'tls-key': v['tls-key'] } : {}),
    ...(v['trusted-proxy'] ? { 'trusted-proxy': [v['trusted-proxy']] } : {}),
    ...(v['open-loopback'] === 'y' ? { 'open-from': ['127.0.0.1/32'] } : {}),
    ...(v.store ? { store: v.store } : {}),
  };
}

/** The deploy form's answers as `relay deploy` flags. */
function deployRequest(host: string, v: Record<string, string>, dryRun: boolean) {
  return {
    host, 'dry-run': dryRun,
    ...(v.bind ? { bind: v.bind } : {}), ...(v.port ? { port: v.port } : {}),
    ...(v['tls-cert'] ? { 'tls-cert': v['tls-cert'] } : {}), ...(v['tls-key'] ? { 'tls-key': v['tls-key'] } : {}),
    ...(v['public-host'] ? { 'public-host': v['public-host'] } : {}),
    'open-from': v['open-from'] ? [v['open-from']] : [], 'trusted-proxy': v['trusted-proxy'] ? [v['trusted-proxy']] : [],
  };
}

/** What the preview says beyond the steps: a certificate that does not name the address clients will use. */
function certWarnings(known: KnownServerCert | undefined, certPath: string | undefined, address: string | undefined): string[] {
  if (!known || !address || known.cert !== certPath || address === 'localhost') return [];
  return known.ips.includes(address) || known.names.includes(address) ? [] : [`warning: ${certPath} names ${[...known.names, ...known.ips].join(', ') || 'no address'}, not ${address}: clients will refuse it (make one for ${address} in Certificates)`];
}

export function useRelay(dataDirGiven?: string, opts: { startNow?: boolean } = {}) {
  const dataDir = dataDirGiven ?? defaultRelayDataDir();
  const hosts = useHostList();
  const [state, dispatch] = useReducer(reduce, undefined, (): ReturnType<typeof initialState> => (opts.startNow ? { ...initialState(), modal: { kind: 'form', form: 'start', index: 0, values: {} } } : initialState()));
  const task = useTask<string[]>();
  const trust = useTrust();
  const kept = useKept((h) => trust.deps.connect(h));
  const host = hosts[state.hostIndex] ?? hosts[0]!;
  const local = host.name === 'local';
  const deployed = Boolean(state.service?.installed);
  const running = deployed && ['active', 'activating', 'reloading'].includes(state.service!.active);
  // What the console made: offered in the start and deploy forms (read once, in an effect, never during render).
  const [known, setKnown] = useState<KnownServerCert | undefined>();
  useEffect(() => { let live = true; void latestServerCert().then((k) => { if (live) setKnown(k); }, () => undefined); return () => { live = false; }; }, []);
  const fieldsOf = (name: string) => (name === 'start' ? startFields(known) : name === 'deploy' ? deployFields(known, host.address) : FORMS[name] ?? []);
  const admin = <T,>(fn: Parameters<typeof withAdmin<T>>[2]) => withAdmin({ host: host.name, ...(local || dataDirGiven ? { dataDir } : {}) }, kept, fn);
  const refresh = useRelayPoll(host.name, local || dataDirGiven ? dataDir : undefined, kept, dispatch);
  useRelayLogs(host.name, state.logs !== undefined, kept, dispatch);

  const clients = clientLines(state.status);
  const cursor = Math.min(state.cursor, Math.max(0, clients.length - 1));
  const selected = clients[cursor];
  const form = state.modal.kind === 'form' ? state.modal : undefined;
  const pending = state.modal.kind === 'confirm' || state.modal.kind === 'typed' ? state.modal.pending : undefined;
  const ask = (p: Pending, typed = false) => { dispatch({ type: 'ask', pending: p, typed }); task.clear(); };
  /** A preview worked out on the host (nothing changed), then asked. */
  const preview = (label: string, work: () => Promise<{ pending: Pending; typed?: boolean }>) => task.start(label, async () => {
    const p = await work();
    ask(p.pending, p.typed);
    return [];
  });
  const run = (p: Pending, onStep: (s: string) => void): Promise<string[]> => {
    switch (p.kind) {
      case 'start': return startRelay(startRequest(p.values, dataDir))
        .then((r) => [`relay started (pid ${r.pid}); it keeps running after the console closes`, `log: ${r.log}`]);
      case 'stop': return stopRelay(dataDir).then((r) => [`relay stopped (pid ${r.pid})`]);
      case 'service': return serviceAction({ host: host.name, verb: p.verb }, kept).then((s) => [`${host.name}: the relay service is ${s.active} (${s.sub})`]);
      case 'deploy': return deployRelay(deployRequest(host.name, p.values, false), kept, onStep)
        .then((r) => [`deployed on ${r.host}: ${r.active ?? ''}`, `version ${r.version} under ${r.node}; enabled at boot`, 'l shows its journal; u upgrades it; X removes it']);
      case 'upgrade': return upgradeRelay({ host: host.name }, kept, onStep).then((r) => [`${r.host}: ${r.outcome} (${r.from} → ${r.to})`]);
      case 'uninstall': return uninstallRelay({ host: host.name }, kept).then((r) => [`removed the relay service from ${r.host}`, ...r.kept.map((k) => `kept: ${k}`)]);
      case 'issue': return admin((c) => c.issue(p.name, p.scope)).then((r) => [`issued ${r.id} for ${r.name} (${r.scope}) until ${r.expiresAt}`, `token (shown once): ${r.token}`, ...Object.entries(r.urls).map(([k, v]) => `  ${k}: ${v}`)]);
      case 'approve': return admin((c) => c.approve(p.client.id, { scope: p.scope })).then((r) => [`approved ${r.client.name} (${r.client.scope}); it collects its token on its next request`]);
      case 'deny': return admin((c) => c.deny(p.client.id)).then((r) => [`denied ${r.client.name}`]);
      case 'rotate': return admin((c) => c.rotate(p.client.id)).then((r) => [`new token for ${r.client.name} (shown once): ${r.token}`, `${r.notified} connection(s) told`]);
      case 'revoke': return admin((c) => c.revoke(p.client.id)).then((r) => [`revoked ${r.client.name}, ${r.dropped} connection(s) dropped`]);
    }
  };
  const [step, setStep] = useState<string | undefined>();
  const startDeploy = () => { dispatch({ type: 'open-form', form: 'deploy' }); task.clear(); };
  return {
    state, task, clients, cursor, selected, form, pending, dataDir, host, hosts, local, deployed, running, trust, step,
    formFields: form ? fieldsOf(form.form) : [],
    move: (d: number) => dispatch({ type: 'move', delta: d, count: clients.length }),
    back: () => dispatch({ type: 'form-back' }),
    cancel: () => dispatch({ type: 'close' }),
    nextHost: () => { dispatch({ type: 'next-host', hosts: hosts.length }); task.clear(); },
    confirm: () => {
      if (!pending) return;
      dispatch({ type: 'close' });
      setStep(undefined);
      task.start('working', () => run(pending, setStep).finally(() => setStep(undefined)), refresh);
    },
    // s and t act on the deployed service where there is one, else on the console's own relay (this machine only).
    start: deployed ? (running ? undefined : () => ask({ kind: 'service', verb: 'start' })) : local ? () => { dispatch({ type: 'open-form', form: 'start' }); task.clear(); } : undefined,
    stop: deployed ? (running ? () => ask({ kind: 'service', verb: 'stop' }, true) : undefined) : local && state.status ? () => ask({ kind: 'stop' }, true) : undefined,
    deploy: startDeploy,
    upgrade: deployed ? () => task.start(`working out the upgrade on ${host.name}`, async () => {
      const p = await upgradeRelay({ host: host.name, 'dry-run': true }, kept);
      if (p.from === p.to) return [`${host.name} already runs ${p.to}, this console's relay: nothing to upgrade`];
      ask({ kind: 'upgrade', preview: p });
      return [];
    }) : undefined,
    uninstall: deployed ? () => preview(`working out what to remove on ${host.name}`, async () => {
      const r = await uninstallRelay({ host: host.name, 'dry-run': true }, kept);
      return { pending: { kind: 'uninstall', commands: r.commands, kept: r.kept }, typed: true };
    }) : undefined,
    logs: deployed ? () => dispatch({ type: state.logs ? 'logs-close' : 'logs-open' }) : undefined,
    issue: state.status ? () => { dispatch({ type: 'open-form', form: 'issue' }); task.clear(); } : undefined,
    approve: selected?.pending ? () => { dispatch({ type: 'open-form', form: 'approve' }); task.clear(); } : undefined,
    deny: selected?.pending ? () => ask({ kind: 'deny', client: selected }, true) : undefined,
    rotate: selected?.active ? () => ask({ kind: 'rotate', client: selected }, true) : undefined,
    revoke: selected && !selected.pending && selected.state !== 'revoked' ? () => ask({ kind: 'revoke', client: selected }, true) : undefined,
    submitField: (key: string, value: string) => {
      if (!form) return;
      const fields = fieldsOf(form.form);
      const values = formValues(state, key, value);
      dispatch({ type: 'field', key, value, count: fields.length });
      if (form.index + 1 < fields.length) return;
      if (form.form === 'start') ask({ kind: 'start', values });
      else if (form.form === 'deploy') {
        preview(`checking ${host.name} and working out every file and command`, async () => {
          const r = await deployRelay(deployRequest(host.name, values, true), kept);
          const address = values['public-host'] || (values.bind && values.bind !== '0.0.0.0' ? values.bind : host.address);
          return { pending: { kind: 'deploy', values, preview: r, warnings: certWarnings(known, values['tls-cert'], address) } };
        });
      } else if (form.form === 'issue') ask({ kind: 'issue', name: values.name ?? '', scope: values.scope as Scope });
      else if (form.form === 'approve' && selected) ask({ kind: 'approve', client: selected, scope: values.scope as Scope });
    },
  };
}
