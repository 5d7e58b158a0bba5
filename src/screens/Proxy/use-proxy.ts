// Effects of the Proxy screen: the dry run when the form is complete, the change once confirmed.
import { useEffect, useEffectEvent, useMemo, useReducer } from 'react';
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

  // Once per entry into a working step, with the values as they are then.
  const begin = useEffectEvent((live: () => boolean) => {
    const dry = state.step === 'previewing';
    setupNginx(toInput(state.values, dry), trust.deps).then(
      (r) => live() && dispatch(dry ? { type: 'previewed', preview: r } : { type: 'applied', result: r }),
      (err) => live() && dispatch({ type: 'failed', lines: formatErrorLines(classify(err)) }),
    );
  });
  useEffect(() => {
    if (state.step !== 'previewing' && state.step !== 'applying') return;
    let live = true;
    begin(() => live);
    return () => { live = false; };
  }, [state.step]);

  return { state, dispatch, form, trust };
}
