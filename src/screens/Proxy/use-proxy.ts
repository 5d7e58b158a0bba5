// Effects of the Proxy screen: the dry run when the form is complete, the change once confirmed.
import { useEffect, useMemo, useReducer } from 'react';
import { classify, formatErrorLines } from '../../core/errors.js';
import { setupNginx } from '../../proxy/service.js';
import { useHostList } from '../use-hosts-list.js';
import { useTrust } from '../use-trust.js';
import { fields, initialState, reduce, toInput, type Action, type State } from './state.js';

export function useProxy() {
  const hosts = useHostList();
  const form = useMemo(() => fields(hosts.map((h) => h.name)), [hosts]);
  const [state, dispatch] = useReducer((s: State, a: Action) => reduce(s, a, form.length), undefined, initialState);
  const trust = useTrust();

  useEffect(() => {
    if (state.step !== 'previewing' && state.step !== 'applying') return;
    let live = true;
    const dry = state.step === 'previewing';
    setupNginx(toInput(state.values, dry), trust.deps).then(
      (r) => live && dispatch(dry ? { type: 'previewed', preview: r } : { type: 'applied', result: r }),
      (err) => live && dispatch({ type: 'failed', lines: formatErrorLines(classify(err)) }),
    );
    return () => { live = false; };
    // Runs once per entry into a working step; what it reads was fixed by then.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.step]);

  return { state, dispatch, form, trust };
}
