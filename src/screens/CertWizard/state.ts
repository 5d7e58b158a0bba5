// The wizard's state: a reducer with named actions. Validation here is pure (zod schemas from src/certs).
import { commonName, san } from '../../certs/schemas.js';
import { hostOrIp } from '../../core/net.js';
import type { WizardPlan } from '../../certs/service.js';

export type Mode = 'local' | 'public';
export type Step = 'mode' | 'cn' | 'sans' | 'dir' | 'summary' | 'running' | 'done' | 'failed';

export interface WizardResult {
  files: Array<{ path: string; what: string }>;
  nextSteps: string[];
  /** The server files, to point commbase.conf at them. */
  server?: { cert: string; key: string; ca: string; sans: string[] };
}

export interface WizardState {
  step: Step;
  mode: Mode;
  cn: string;
  sans: string;
  dir: string;
  error?: string;
  plan?: WizardPlan;
  progress: string[];
  result?: WizardResult;
  failure?: string[];
}

export type WizardAction =
  | { type: 'chooseMode'; mode: Mode }
  | { type: 'submitCn'; value: string }
  | { type: 'submitSans'; value: string }
  | { type: 'submitDir'; value: string }
  | { type: 'planned'; plan: WizardPlan }
  | { type: 'confirm' }
  | { type: 'back' }
  | { type: 'progress'; step: string }
  | { type: 'succeeded'; result: WizardResult }
  | { type: 'failed'; lines: string[] }
  | { type: 'restart' };

export function initialState(defaults: { cn: string; sans: string[]; dir: string }): WizardState {
  return { step: 'mode', mode: 'local', cn: defaults.cn, sans: defaults.sans.join(', '), dir: defaults.dir, progress: [] };
}

const PREVIOUS: Partial<Record<Step, Step>> = { cn: 'mode', sans: 'cn', dir: 'sans', summary: 'dir' };

export function splitSans(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

/** The server certificate's common name: the server's DNS name or address (clients match names, not free text). */
export function validateCn(value: string): string | undefined {
  const r = commonName.safeParse(value.trim());
  if (!r.success) return `common name ${JSON.stringify(value)}: ${r.error.issues[0]?.message}`;
  return hostOrIp.safeParse(value.trim()).success ? undefined : `common name ${JSON.stringify(value)}: must be the server's DNS name or IP address, e.g. relay.example.org or 192.0.2.10`;
}

export function validateSans(value: string): string | undefined {
  const list = splitSans(value);
  if (list.length === 0) return 'names: give at least one DNS:name or IP:address that clients will use';
  for (const item of list) {
    const r = san.safeParse(item);
    if (!r.success) return `name ${JSON.stringify(item)}: ${r.error.issues[0]?.message}`;
  }
  return undefined;
}

export function reducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'chooseMode':
      return { ...state, mode: action.mode, step: 'cn', error: undefined };
    case 'submitCn': {
      const error = validateCn(action.value);
      return error ? { ...state, cn: action.value, error } : { ...state, cn: action.value.trim(), step: 'sans', error: undefined };
    }
    case 'submitSans': {
      const error = validateSans(action.value);
      return error ? { ...state, sans: action.value, error } : { ...state, sans: action.value, step: 'dir', error: undefined };
    }
    case 'submitDir': {
      const dir = action.value.trim();
      if (!dir) return { ...state, dir, error: 'directory: must not be empty' };
      return { ...state, dir, step: 'summary', plan: undefined, error: undefined };
    }
    case 'planned':
      return { ...state, plan: action.plan };
    case 'confirm':
      return state.step === 'summary' && state.plan ? { ...state, step: 'running', progress: [] } : state;
    case 'back': {
      const prev = PREVIOUS[state.step];
      return prev ? { ...state, step: prev, error: undefined } : state;
    }
    case 'progress':
      return { ...state, progress: [...state.progress, action.step] };
    case 'succeeded':
      return { ...state, step: 'done', result: action.result };
    case 'failed':
      return { ...state, step: 'failed', failure: action.lines };
    case 'restart':
      return { ...state, step: 'mode', progress: [], result: undefined, failure: undefined, plan: undefined };
  }
}
