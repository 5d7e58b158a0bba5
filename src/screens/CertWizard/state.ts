// The wizard's state: a reducer with named actions. Validation here is pure (zod schemas from src/certs).
import { commonName, san } from '../../certs/schemas.js';
import { hostOrIp } from '../../core/net.js';
import type { WizardPlan } from '../../certs/service.js';
import { LETS_ENCRYPT, acmeInput } from '../../certs/acme.js';

export type Mode = 'local' | 'public' | 'acme' | Tool;
/** The certificate tools: a form, then one service call (client certificates, importing what a CA signed, inspecting). */
export type Tool = 'client' | 'import' | 'inspect';
export const TOOLS: readonly Tool[] = ['client', 'import', 'inspect'];
/** ACME: cn holds the domain names; then email, challenge (a port or a webroot), directory and its CA. */
export type Step = 'mode' | 'form' | 'caOptions' | 'cn' | 'sans' | 'email' | 'challenge' | 'directory' | 'directoryCa' | 'dir' | 'summary' | 'running' | 'done' | 'failed';

export interface WizardResult {
  files: Array<{ path: string; what: string }>;
  /** What a tool found (inspect), shown instead of files. */
  lines?: string[];
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
  email: string;
  /** A port ("80") or a webroot ("/var/www/commbase-admin-acme"). */
  challenge: string;
  directory: string;
  directoryCa: string;
  /** A tool's form: the field asked and the answers so far. */
  form: { index: number; values: Record<string, string> };
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
  | { type: 'toolField'; key: string; value: string; count: number }
  | { type: 'caField'; key: string; value: string; count: number }
  | { type: 'submitAcme'; field: 'email' | 'challenge' | 'directory' | 'directoryCa'; value: string }
  | { type: 'planned'; plan: WizardPlan }
  | { type: 'confirm' }
  | { type: 'back' }
  | { type: 'progress'; step: string }
  | { type: 'succeeded'; result: WizardResult }
  | { type: 'failed'; lines: string[] }
  | { type: 'restart' };

export function initialState(defaults: { cn: string; sans: string[]; dir: string }): WizardState {
  return { step: 'mode', mode: 'local', cn: defaults.cn, sans: defaults.sans.join(', '), dir: defaults.dir, email: '', challenge: '80', directory: LETS_ENCRYPT.staging, directoryCa: '', form: { index: 0, values: {} }, progress: [] };
}

const PREVIOUS: Partial<Record<Step, Step>> = { cn: 'mode', sans: 'cn', dir: 'sans', caOptions: 'dir', summary: 'dir' };
const PREVIOUS_ACME: Partial<Record<Step, Step>> = { cn: 'mode', email: 'cn', challenge: 'email', directory: 'challenge', directoryCa: 'directory', dir: 'directoryCa', summary: 'dir' };
const NEXT_ACME = { email: 'challenge', challenge: 'directory', directory: 'directoryCa', directoryCa: 'dir' } as const;

/** Domain names for ACME: DNS names only (http-01 proves neither IP addresses nor wildcards). */
export function validateDomains(value: string): string | undefined {
  const list = splitSans(value);
  if (list.length === 0) return 'domain names: give at least one, e.g. relay.example.org';
  for (const d of list) {
    const r = acmeInput.shape.domain.element.safeParse(d);
    if (!r.success) return `domain ${JSON.stringify(d)}: ${r.error.issues[0]?.message}`;
  }
  return undefined;
}

/** Each ACME field checked as it is typed, with the same schema `cert acme` uses. */
export function validateAcme(field: 'email' | 'challenge' | 'directory' | 'directoryCa', value: string): string | undefined {
  const v = value.trim();
  const issue = (r: { success: boolean; error?: { issues: { message: string }[] } }, what: string) => (r.success ? undefined : `${what} ${JSON.stringify(value)}: ${r.error?.issues[0]?.message}`);
  if (field === 'email') return issue(acmeInput.shape.email.safeParse(v), 'email');
  if (field === 'directory') return issue(acmeInput.shape.directory.safeParse(v), 'directory');
  if (field === 'directoryCa') return v === '' || v.startsWith('/') ? undefined : `directory CA ${JSON.stringify(value)}: must be an absolute path to a PEM file, or empty for the system's trust`;
  if (/^\d+$/.test(v)) return issue(acmeInput.shape['http-port'].safeParse(v), 'port');
  return issue(acmeInput.shape.webroot.safeParse(v), 'challenge: a port (80) or a webroot');
}

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
      if ((TOOLS as readonly string[]).includes(action.mode)) return { ...state, mode: action.mode, step: 'form', form: { index: 0, values: {} }, error: undefined };
      return { ...state, mode: action.mode, step: 'cn', error: undefined, ...(action.mode === 'acme' && state.mode !== 'acme' ? { cn: dnsOnly(state) } : {}) };
    case 'submitCn': {
      if (state.mode === 'acme') {
        const error = validateDomains(action.value);
        return error ? { ...state, cn: action.value, error } : { ...state, cn: splitSans(action.value).join(', '), step: 'email', error: undefined };
      }
      const error = validateCn(action.value);
      return error ? { ...state, cn: action.value, error } : { ...state, cn: action.value.trim(), step: 'sans', error: undefined };
    }
    case 'submitSans': {
      const error = validateSans(action.value);
      return error ? { ...state, sans: action.value, error } : { ...state, sans: action.value, step: 'dir', error: undefined };
    }
    case 'caField': {
      const values = { ...state.form.values, [action.key]: action.value };
      return state.form.index + 1 < action.count ? { ...state, form: { index: state.form.index + 1, values } } : { ...state, form: { ...state.form, values }, step: 'summary' };
    }
    case 'toolField': {
      const values = { ...state.form.values, [action.key]: action.value };
      return state.form.index + 1 < action.count ? { ...state, form: { index: state.form.index + 1, values } } : { ...state, form: { ...state.form, values }, step: 'running', progress: [] };
    }
    case 'submitAcme': {
      const error = validateAcme(action.field, action.value);
      const next = { ...state, [action.field]: action.value.trim() };
      return error ? { ...next, error } : { ...next, step: NEXT_ACME[action.field], error: undefined };
    }
    case 'submitDir': {
      const dir = action.value.trim();
      if (!dir) return { ...state, dir, error: 'directory: must not be empty' };
      // A local CA: its validity and passphrase (asked once the directory says whether one is there) before the summary.
      return { ...state, dir, step: state.mode === 'local' ? 'caOptions' : 'summary', plan: undefined, form: { index: 0, values: {} }, error: undefined };
    }
    case 'planned':
      // Nothing to ask about an existing CA whose key is not encrypted: straight on to the summary.
      return state.step === 'caOptions' && action.plan.caExists && !action.plan.caEncrypted ? { ...state, plan: action.plan, step: 'summary' } : { ...state, plan: action.plan };
    case 'confirm':
      return state.step === 'summary' && state.plan ? { ...state, step: 'running', progress: [] } : state;
    case 'back': {
      if (state.step === 'summary' && state.mode === 'local') {
        const ask = !state.plan || !state.plan.caExists || state.plan.caEncrypted;
        return ask ? { ...state, step: 'caOptions', form: { index: 0, values: {} }, error: undefined } : { ...state, step: 'dir', error: undefined };
      }
      if (state.step === 'form') return state.form.index > 0 ? { ...state, form: { ...state.form, index: state.form.index - 1 } } : { ...state, step: 'mode' };
      const prev = (state.mode === 'acme' ? PREVIOUS_ACME : PREVIOUS)[state.step];
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

/** The DNS names among the local defaults, for the ACME domain field (IP SANs cannot be in a public certificate). */
function dnsOnly(state: WizardState): string {
  const names = splitSans(state.sans).filter((x) => x.startsWith('DNS:')).map((x) => x.slice(4)).filter((x) => x.includes('.'));
  return names.join(', ') || (state.cn.includes('.') ? state.cn : '');
}

/** The local CA's options: validity and an optional passphrase for a new one; the passphrase of an encrypted one. */
export function caFields(plan: WizardPlan | undefined): { key: string; label: string; hint?: string; initial?: string; mask?: string; validate?: (v: string) => string | undefined }[] {
  if (!plan) return [];
  if (plan.caExists) return plan.caEncrypted ? [{ key: 'ca-passphrase', label: `The passphrase of the CA key in ${plan.caDir}`, mask: '•', validate: (v) => (v ? undefined : 'passphrase: the CA key is encrypted, give its passphrase') }] : [];
  return [
    { key: 'ca-days', label: 'How long the new CA is valid, in days', hint: 'the certificates it signs cannot outlive it', initial: '3650', validate: (v) => (/^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 10950 ? undefined : `CA validity ${JSON.stringify(v)}: must be a whole number of days between 1 and 10950`) },
    { key: 'ca-passphrase', label: 'A passphrase for the CA key (empty: not encrypted)', hint: 'asked again whenever the CA signs a certificate; 8 characters or more', mask: '•', initial: '', validate: (v) => (v === '' || v.length >= 8 ? undefined : 'passphrase: must be at least 8 characters, or empty') },
  ];
}
