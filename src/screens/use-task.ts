// Run one service call at a time from a screen: busy flag, result or error lines, and no state updates
// after unmount. The newest task wins: a slower one started before it never overwrites what it shows.
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
  const latest = useRef(0);
  useEffect(() => () => { live.current = false; }, []);
  const start = useCallback((label: string, work: () => Promise<T>, then?: (r: T) => void) => {
    const n = ++latest.current;
    const current = () => live.current && n === latest.current;
    setState({ busy: label });
    work().then(
      (result) => { if (current()) { setState({ result }); then?.(result); } },
      (err) => { if (current()) setState({ error: formatErrorLines(classify(err)) }); },
    );
  }, []);
  const clear = useCallback(() => { latest.current++; setState({}); }, []);
  return { ...state, start, clear };
}
