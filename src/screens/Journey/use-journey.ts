// The checklist's effect: read where the journey stands (monitor/journey.ts) when the screen opens and on r.
import { useCallback, useEffect, useState } from 'react';
import { classify, formatErrorLines } from '../../core/errors.js';
import { readJourney, type Journey } from '../../monitor/journey.js';
import { useTrust } from '../use-trust.js';

export function useJourney() {
  const trust = useTrust();
  const [journey, setJourney] = useState<Journey | undefined>();
  const [error, setError] = useState<string[] | undefined>();
  const [reading, setReading] = useState(true);
  const reload = useCallback((quiet = false) => {
    let live = true;
    if (!quiet) setReading(true);
    readJourney(trust.deps).then((j) => { if (live) { setJourney(j); setError(undefined); } }, (err: unknown) => { if (live) setError(formatErrorLines(classify(err))); })
      .finally(() => { if (live) setReading(false); });
    return () => { live = false; };
  }, [trust.deps]);
  useEffect(() => reload(), [reload]);
  // Read again every few seconds while shown: a client started on its host shows up as online by itself.
  useEffect(() => {
    let stop: (() => void) | undefined;
    const t = setInterval(() => { stop?.(); stop = reload(true); }, 5000);
    return () => { clearInterval(t); stop?.(); };
  }, [reload]);
  return { journey, error, reading, reload, trust };
}
