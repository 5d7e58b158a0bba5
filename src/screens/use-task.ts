// Run one service call at a time from a screen: busy flag, result or error lines, and no state updates
// after unmount.
import { useCallback, useEffect, useRef, useState } from 'react';
import { classify, formatErrorLines } from '../core/errors.js';

export interface TaskState<T> {
  busy?: string;
  result?: T;
  error?: string[];
}

export function useTask<T>() {
  const [state, setState] = useState<TaskState<T>>({});
  const live = useRef(true);
  useEffect(() => () => { live.current = false; }, []);
  const start = useCallback((label: string, work: () => Promise<T>, then?: (r: T) => void) => {
    setState({ busy: label });
    work().then(
      (result) => { if (live.current) { setState({ result }); then?.(result); } },
      (err) => { if (live.current) setState({ error: formatErrorLines(classify(err)) }); },
    );
  }, []);
  const clear = useCallback(() => setState({}), []);
  return { ...state, start, clear };
}
