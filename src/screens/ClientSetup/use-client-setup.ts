// Effects of the client-setup flow: the dry run when the form is complete, the change once confirmed, the probe.
// Results that arrive after the screen is gone are ignored.
import { useEffect, useMemo, useReducer } from 'react';
import { classify, formatErrorLines } from '../../core/errors.js';
import { defaultRelayDataDir } from '../../core/paths.js';
import { probeClient, setupClient } from '../../clientsetup/service.js';
import { issueTokenFor } from '../../relay/admin-client.js';
import { useHostList } from '../use-hosts-list.js';
import { useTrust } from '../use-trust.js';
import { fields, initialState, reduce, toInput, type Action, type State } from './state.js';

export function useClientSetup() {
  const hosts = useHostList();
  const form = useMemo(() => fields({ dataDir: defaultRelayDataDir(), hosts: hosts.map((h) => h.name) }), [hosts]);
  const [state, dispatch] = useReducer((s: State, a: Action) => reduce(s, a, form.length), undefined, initialState);
  const trust = useTrust();

  useEffect(() => {
    if (state.step !== 'previewing' && state.step !== 'applying' && state.step !== 'probing') return;
    let live = true;
    const deps = { ...trust.deps, issueToken: (name: string) => issueTokenFor({ dataDir: state.values['data-dir'] }, trust.deps, name) };
    const fail = (err: unknown) => live && dispatch({ type: 'failed', lines: formatErrorLines(classify(err)) });
    if (state.step === 'probing') {
      probeClient({ host: state.values.host ?? 'local', 'app-dir': state.values['app-dir'] ?? '' }, trust.deps).then((probe) => live && dispatch({ type: 'probed', probe }), fail);
    } else {
      const dry = state.step === 'previewing';
      setupClient(toInput(state.values, dry), deps).then((r) => live && dispatch(dry ? { type: 'previewed', preview: r } : { type: 'applied', result: r }), fail);
    }
    return () => { live = false; };
    // Runs once per entry into a working step; what it reads was fixed by then.
  }, [state.step]);

  return { state, dispatch, form, trust };
}
