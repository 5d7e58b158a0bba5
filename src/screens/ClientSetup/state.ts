// The client-setup flow's state: a reducer with named actions. Fields are checked one at a time by the same
// zod schemas the CLI uses; the service is called by the hook (use-client-setup.ts), never from here.
import type { FormField } from '../../ui/StepForm.js';
import { fieldCheck } from '../../present/fields.js';
import { completePath } from '../../core/files.js';
import { clientSetupInput, relayUrl } from '../../clientsetup/service.js';
import type { ClientSetupResult, ProbeStep } from '../../clientsetup/service.js';
import { flowReduce, initialFlow, type FlowAction, type FlowState, type FlowStep } from '../form-flow.js';

export type Step = FlowStep | 'probing';

/** The shared form flow, plus the probe run from the done step. */
export interface State extends Omit<FlowState<ClientSetupResult>, 'step'> {
  step: Step;
  probe?: { ok: boolean; steps: ProbeStep[] };
  /** The apply's steps as they run, each with the seconds since the apply began. */
  progress?: string[];
}

export type Action = FlowAction<ClientSetupResult> | { type: 'probe' } | { type: 'probed'; probe: { ok: boolean; steps: ProbeStep[] } } | { type: 'progress'; line: string };

const shape = clientSetupInput.shape;

/** What the console already knows, offered as suggestions (Enter takes one, typing replaces it). */
export interface Known {
  /** The running local relay as clients reach it. */
  relayUrl?: string;
  /** The CA beside the newest server certificate the console made. */
  ca?: string;
  /** The host typed in the first field: its name is the client's name by default. */
  host?: string;
  /** Hosts the relay already has a client for (by name): the first host suggested is one that is not set up. */
  setUp?: string[];
  /** Commbase's directory found on the chosen host ($COMMBASE_APP_DIR of its login shell, or ~/commbase). */
  appDir?: string;
  /** Tab completion on the chosen host (over SFTP for a remote one). */
  completeOnHost?: (partial: string) => Promise<string>;
  /** The host a caller asked for (the checklist: the next host to set up). */
  suggestHost?: string;
}

export function fields(defaults: { dataDir: string; hosts: string[] }, known: Known = {}): FormField[] {
  // The host asked for, else the first inventory host that is not this machine and not set up yet, else this one.
  const done = new Set(known.setUp ?? []);
  const order = [known.suggestHost, ...defaults.hosts.filter((h) => h !== 'local' && !done.has(h)), ...(done.has('local') ? [] : ['local']), ...defaults.hosts];
  const host = order.find((h) => h !== undefined && defaults.hosts.includes(h)) ?? 'local';
  return [
    { key: 'host', label: 'Client host (from the inventory)', hint: 'add hosts in Hosts', initial: host, choices: defaults.hosts, validate: (v) => (defaults.hosts.includes(v) ? undefined : `must be one of ${defaults.hosts.join(', ')} (add hosts in Hosts)`) },
    { key: 'app-dir', label: 'Commbase\'s directory on that host', hint: 'the one holding config/commbase.conf, e.g. /opt/commbase', ...(known.appDir ? { initial: known.appDir } : {}), validate: fieldCheck(shape['app-dir'], 'app-dir'), ...(known.completeOnHost ? { complete: known.completeOnHost } : {}) },
    { key: 'relay-url', label: 'The relay as the client reaches it', hint: 'https://HOST:PORT (the address in the relay certificate\'s names)', ...(known.relayUrl ? { initial: known.relayUrl } : {}), validate: fieldCheck(relayUrl, 'relay-url') },
    { key: 'name', label: 'A name for this client', hint: 'shown in the clients list and the Monitor', ...(known.host ? { initial: known.host } : {}), validate: fieldCheck(shape.name, 'name') },
    { key: 'ca', label: 'The relay\'s CA certificate on this machine (https; empty for none)', hint: 'ca.pem beside the relay\'s cert.pem', initial: known.ca ?? '', complete: completePath },
    { key: 'listener', label: 'Which of Commbase\'s https listeners (websocket or polling)?', hint: 'polling retries every CLIENT_POLLING_INTERVAL_IN_SECS; used only with the CA above', initial: 'websocket', choices: ['websocket', 'polling'] },
    { key: 'trust', label: 'Also add the CA to the host\'s trust store? (y/n)', hint: 'Commbase\'s Socket.IO clients trust only the system store', initial: 'y', choices: ['y', 'n'], validate: (v) => (/^[yn]$/.test(v) ? undefined : 'answer y or n') },
    { key: 'data-dir', label: 'The relay\'s data directory on this machine (to issue the token)', initial: defaults.dataDir, validate: (v) => (v.startsWith('/') ? undefined : 'must be an absolute path'), complete: completePath },
  ];
}

export const FIELD_COUNT = fields({ dataDir: '/', hosts: [] }).length;

export function initialState(): State {
  return initialFlow<ClientSetupResult>();
}

export function reduce(s: State, a: Action, count: number): State {
  switch (a.type) {
    case 'probe': return s.step === 'done' ? { ...s, step: 'probing', probe: undefined } : s;
    case 'probed': return { ...s, step: 'done', probe: a.probe };
    case 'progress': return s.step === 'applying' ? { ...s, progress: [...(s.progress ?? []), a.line] } : s;
    case 'confirm': return { ...flowReduce(s as FlowState<ClientSetupResult> & State, a, count), progress: [] };
    default: return flowReduce(s as FlowState<ClientSetupResult> & State, a, count);
  }
}

/** The service's input from the form's answers. */
export function toInput(values: Record<string, string>, dryRun: boolean) {
  return {
    host: values.host ?? 'local', 'app-dir': values['app-dir'] ?? '', 'relay-url': values['relay-url'] ?? '', name: values.name ?? '',
    ...(values.ca ? { ca: values.ca } : {}), ...(values.listener === 'polling' ? { listener: 'polling' as const } : {}), 'trust-system': values.trust === 'y' && Boolean(values.ca), 'dry-run': dryRun,
  };
}
