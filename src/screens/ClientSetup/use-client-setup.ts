// Effects of the client-setup flow: the dry run when the form is complete, the change once confirmed, the probe.
// Results that arrive after the screen is gone are ignored.
import { useCallback, useEffect, useEffectEvent, useMemo, useReducer, useState } from 'react';
import { latestServerCert, type KnownServerCert } from '../../certs/known.js';
import type { RelayStatus } from '../../relay/admin.js';
import { classify, formatErrorLines } from '../../core/errors.js';
import { defaultRelayDataDir } from '../../core/paths.js';
import { probeClient, setupClient } from '../../clientsetup/service.js';
import { issueTokenFor, relayReachable, withAdmin } from '../../relay/admin-client.js';
import { useHostList } from '../use-hosts-list.js';
import { findAppDir } from '../../conffile/find-app.js';
import { completeOnHost as completeThere, keepConnections } from '../../services/hosts.js';
import { useTrust } from '../use-trust.js';
import { FIELD_COUNT, fields, initialState, reduce, toInput, type Action, type Known, type State } from './state.js';

/**
 * The relay as a client host reaches it: listening on every address, its own URL names this machine's host name,
 * which another host may not resolve; the address its certificate names on this machine is what clients can use.
 */
function suggestedRelayUrl(status: RelayStatus, cert: KnownServerCert | undefined): string {
  if ((status.bind === '0.0.0.0' || status.bind === '::') && status.tls.enabled && cert?.localIp) return `https://${cert.localIp}:${status.port}`;
  return status.publicUrl;
}

export function useClientSetup(opts: { suggestHost?: string } = {}) {
  const hosts = useHostList();
  const trust = useTrust();
  // One connection to the chosen host while the form is open: Commbase's directory is looked up there, and Tab
  // completes paths there (over SFTP), without a login per key.
  const kept = useMemo(() => keepConnections(trust.deps.connect), [trust.deps.connect]);
  useEffect(() => () => { void kept.closeAll(); }, [kept]);
  const [onHost, setOnHost] = useState<{ host: string; appDir?: string }>();
  // The running relay's URL and the CA the console made, read once when the screen opens (not during render).
  const [known, setKnown] = useState<Known>({});
  useEffect(() => {
    let live = true;
    void (async () => {
      const cert = await latestServerCert().catch(() => undefined);
      const status = await withAdmin({ dataDir: defaultRelayDataDir(), host: 'local' }, trust.deps, (c) => c.status()).catch(() => undefined);
      const relay = status ? suggestedRelayUrl(status, cert) : undefined;
      const setUp = status ? status.clients.filter((c) => c.status === 'approved').map((c) => c.name) : [];
      if (live) setKnown({ ...(relay ? { relayUrl: relay } : {}), ...(cert?.ca && status?.tls.enabled ? { ca: cert.ca } : {}), setUp });
    })();
    return () => { live = false; };
  }, [trust.deps]);
  const [state, dispatch] = useReducer((s: State, a: Action) => reduce(s, a, FIELD_COUNT), undefined, initialState);
  const chosen = state.values.host;
  useEffect(() => {
    if (!chosen) return;
    let live = true;
    void (async () => {
      const entry = hosts.find((h) => h.name === chosen);
      if (!entry) return;
      const runner = await kept.connect(entry).catch(() => undefined);
      if (!runner) { kept.forget(chosen); return; }
      const appDir = await findAppDir(runner, chosen === 'local');
      if (live) setOnHost({ host: chosen, ...(appDir ? { appDir } : {}) });
    })();
    return () => { live = false; };
  }, [chosen, hosts, kept]);
  const completeOnHost = useCallback(async (partial: string) => {
    const entry = hosts.find((h) => h.name === chosen);
    const runner = entry ? await kept.connect(entry).catch(() => undefined) : undefined;
    return runner ? completeThere(runner, partial) : partial;
  }, [chosen, hosts, kept]);
  const here = onHost?.host === chosen ? onHost : undefined;
  const suggestHost = opts.suggestHost;
  const form = useMemo(() => fields({ dataDir: defaultRelayDataDir(), hosts: hosts.map((h) => h.name) }, {
    ...known, ...(suggestHost ? { suggestHost } : {}), ...(chosen ? { host: chosen, completeOnHost } : {}), ...(here?.appDir ? { appDir: here.appDir } : {}),
  }), [hosts, known, suggestHost, chosen, here, completeOnHost]);

  // Once per entry into a working step, with the values as they are then.
  const begin = useEffectEvent((live: () => boolean) => {
    const deps = { ...trust.deps, issueToken: (name: string) => issueTokenFor({ dataDir: state.values['data-dir'] }, trust.deps, name), checkRelay: () => relayReachable({ dataDir: state.values['data-dir'] }, trust.deps) };
    const fail = (err: unknown) => live() && dispatch({ type: 'failed', lines: formatErrorLines(classify(err)) });
    if (state.step === 'probing') {
      probeClient({ host: state.values.host ?? 'local', 'app-dir': state.values['app-dir'] ?? '' }, trust.deps).then((probe) => live() && dispatch({ type: 'probed', probe }), fail);
    } else {
      const dry = state.step === 'previewing';
      const began = Date.now();
      const onStep = (line: string) => { if (live() && !dry) dispatch({ type: 'progress', line: `${((Date.now() - began) / 1000).toFixed(1)} s  ${line}` }); };
      setupClient(toInput(state.values, dry), deps, onStep).then((r) => live() && dispatch(dry ? { type: 'previewed', preview: r } : { type: 'applied', result: r }), fail);
    }
  });
  useEffect(() => {
    if (state.step !== 'previewing' && state.step !== 'applying' && state.step !== 'probing') return;
    let live = true;
    begin(() => live);
    return () => { live = false; };
  }, [state.step]);

  return { state, dispatch, form, trust };
}
