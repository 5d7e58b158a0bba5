// A change made through one form: the fields asked one at a time, a dry run to preview, a confirmation, the
// change, and its result or failure. Client host and Proxy share it (each adds its own steps and fields).

export type FlowStep = 'form' | 'previewing' | 'confirm' | 'applying' | 'done' | 'failed';

export interface FlowState<R> {
  step: FlowStep;
  index: number;
  values: Record<string, string>;
  preview?: R;
  result?: R;
  failure?: string[];
}

export type FlowAction<R> =
  | { type: 'field'; key: string; value: string }
  | { type: 'back' }
  | { type: 'previewed'; preview: R }
  | { type: 'confirm' }
  | { type: 'applied'; result: R }
  | { type: 'failed'; lines: string[] }
  | { type: 'restart' };

export function initialFlow<R>(): FlowState<R> {
  return { step: 'form', index: 0, values: {} };
}

/** `count`: how many fields the form has (the last answer starts the dry run). */
export function flowReduce<R, S extends FlowState<R>>(s: S, a: FlowAction<R>, count: number): S {
  switch (a.type) {
    case 'field': {
      const values = { ...s.values, [a.key]: a.value };
      return s.index + 1 < count ? { ...s, values, index: s.index + 1 } : { ...s, values, step: 'previewing' };
    }
    case 'back':
      if (s.step === 'form') return s.index > 0 ? { ...s, index: s.index - 1 } : s;
      if (s.step === 'confirm' || s.step === 'failed') return { ...s, step: 'form', index: count - 1, failure: undefined };
      return s;
    case 'previewed': return { ...s, step: 'confirm', preview: a.preview };
    case 'confirm': return s.step === 'confirm' ? { ...s, step: 'applying' } : s;
    case 'applied': return { ...s, step: 'done', result: a.result };
    case 'failed': return { ...s, step: 'failed', failure: a.lines };
    case 'restart': return initialFlow<R>() as S;
  }
}
