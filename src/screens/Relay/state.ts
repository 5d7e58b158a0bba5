// The Relay & clients screen's state: the host shown, its relay's status (or that none runs), the deployed
// service's state there (systemd's view), every client the relay knows (connected or not, pending, denied,
// revoked), the journal when it is open, and the shared list state (selection, forms, confirmations).
import type { RelayStatus } from '../../relay/admin.js';
import type { DeployResult } from '../../relay/deploy.js';
import type { ServiceState } from '../../relay/service-control.js';
import type { UpgradeResult } from '../../relay/upgrade.js';
import { SCOPES, type Scope } from '../../relay/auth.js';
import type { FormField } from '../../ui/StepForm.js';
import { fieldCheck } from '../../present/fields.js';
import { relayInput } from '../../relay/options.js';
import { cidr } from '../../core/net.js';
import { completePath } from '../../core/files.js';
import { initialList, listReducer, type ListAction, type ListState } from '../list-screen.js';

export interface ClientLine { id: string; name: string; state: string; scope: Scope; from: string; pending: boolean; active: boolean }

export type Pending =
  | { kind: 'start'; values: Record<string, string> }
  | { kind: 'stop' }
  | { kind: 'service'; verb: 'start' | 'stop' }
  | { kind: 'deploy'; values: Record<string, string>; preview: DeployResult; warnings: string[] }
  | { kind: 'upgrade'; preview: UpgradeResult }
  | { kind: 'uninstall'; commands: string[][]; kept: string[] }
  | { kind: 'issue'; name: string; scope: Scope }
  | { kind: 'approve'; client: ClientLine; scope: Scope }
  | { kind: 'deny' | 'rotate' | 'revoke'; client: ClientLine };

export interface State extends ListState<Pending> {
  /** Which inventory host's relay is shown (0: this machine). */
  hostIndex: number;
  status?: RelayStatus;
  down?: string;
  /** systemd's view of the relay deployed on the host (installed: false where none was). */
  service?: ServiceState;
  /** The deployed relay's journal, newest last, while the log view is open. */
  logs?: string[];
}

export type Action = ListAction<Pending>
  | { type: 'status'; status: RelayStatus } | { type: 'down'; why: string } | { type: 'service'; service: ServiceState | undefined }
  | { type: 'next-host'; hosts: number } | { type: 'logs-open' } | { type: 'logs-add'; lines: string[] } | { type: 'logs-close' };

/** The journal lines kept on screen (the rest is in `relay logs --host H`). */
export const LOG_LINES = 12;

export function initialState(): State {
  return { ...initialList<Pending>(), hostIndex: 0 };
}

export function reduce(s: State, a: Action): State {
  switch (a.type) {
    case 'status': { const { down: _gone, ...rest } = s; return { ...rest, status: a.status }; }
    case 'down': { const { status: _gone, ...rest } = s; return { ...rest, down: a.why }; }
    case 'service': { const { service: _gone, ...rest } = s; return a.service ? { ...rest, service: a.service } : rest; }
    case 'next-host': return { ...initialState(), hostIndex: (s.hostIndex + 1) % Math.max(1, a.hosts) };
    case 'logs-open': return { ...s, logs: [] };
    case 'logs-add': return s.logs ? { ...s, logs: [...s.logs, ...a.lines].slice(-LOG_LINES) } : s;
    case 'logs-close': { const { logs: _gone, ...rest } = s; return rest; }
    default: return { ...s, ...listReducer(s, a) };
  }
}

/** Every client, the ones that need a decision first, then the connected, then the rest. */
export function clientLines(st: RelayStatus | undefined): ClientLine[] {
  if (!st) return [];
  const online = new Map(st.connected.map((c) => [c.clientId, c.address]));
  const rank = (c: ClientLine) => (c.pending ? 0 : online.has(c.id) ? 1 : c.active ? 2 : 3);
  const byId = new Map([...st.clients, ...st.pending].map((c) => [c.id, c]));
  return [...byId.values()].map((c): ClientLine => ({
    id: c.id, name: c.name, scope: c.scope, pending: c.status === 'pending', active: c.status === 'approved',
    state: c.status === 'approved' ? (online.has(c.id) ? 'online' : 'approved, not connected') : c.status,
    from: online.get(c.id) ?? c.address ?? '',
  })).sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

const absoluteOrEmpty = (what: string) => (v: string) => (v === '' || v.startsWith('/') ? undefined : `${what} ${JSON.stringify(v)}: must be an absolute path, or empty`);

const scopeCheck = (v: string) => ((SCOPES as readonly string[]).includes(v) ? undefined : `scope "${v}": must be one of ${SCOPES.join(', ')}`);

/**
 * The start form with what the console knows filled in: the newest server certificate it made and its key, and
 * the address that certificate names on this machine to listen on (clients connect to that name).
 */
export function startFields(known: { cert: string; key: string; localIp?: string; ips: string[]; names: string[] } | undefined): FormField[] {
  const fields = FORMS.start!;
  if (!known) return fields;
  const beyondLoopback = known.names.some((n) => n !== 'localhost') || known.ips.some((ip) => !ip.startsWith('127.') && ip !== '::1');
  const bind = known.localIp ?? (beyondLoopback ? '0.0.0.0' : '127.0.0.1');
  const initial: Record<string, string> = { bind, 'tls-cert': known.cert, 'tls-key': known.key };
  return fields.map((f) => (initial[f.key] !== undefined ? { ...f, initial: initial[f.key]! } : f));
}

/**
 * The deploy form with what the console knows: its newest server certificate and key, listening everywhere (the
 * relay on a server is reached from other hosts, so TLS is needed); what the certificate names is checked against
 * the host's address in the preview.
 */
export function deployFields(known: { cert: string; key: string } | undefined, address: string | undefined): FormField[] {
  const fields = FORMS.deploy!;
  const initial: Record<string, string> = { ...(known ? { 'tls-cert': known.cert, 'tls-key': known.key } : {}), ...(address ? { 'public-host': address } : {}) };
  return fields.map((f) => (initial[f.key] !== undefined ? { ...f, initial: initial[f.key]! } : f));
}

export const FORMS: Record<string, FormField[]> = {
  // The service's options, checked as typed by the schema `relay deploy` uses (the whole again in the preview).
  deploy: [
    { key: 'bind', label: 'Address to listen on, on that host', hint: '0.0.0.0 (every address: needs TLS), or one of its addresses', initial: '0.0.0.0', validate: fieldCheck(relayInput.shape.bind, 'bind') },
    { key: 'port', label: 'Port', hint: 'below 1024 gives the service one capability: binding it', initial: '5000', validate: fieldCheck(relayInput.shape.port, 'port') },
    { key: 'tls-cert', label: 'TLS certificate, on this machine (copied to the host)', hint: 'cert.pem from the certificate wizard; it must name the host\'s address', initial: '', validate: absoluteOrEmpty('certificate'), complete: completePath },
    { key: 'tls-key', label: 'Its key, on this machine (copied 0600, readable by the service only)', initial: '', validate: absoluteOrEmpty('key'), complete: completePath },
    { key: 'public-host', label: 'The name or address clients use (in the URLs it hands out)', hint: 'the host\'s address in the inventory, or its DNS name', initial: '', validate: fieldCheck(relayInput.shape['public-host'], 'public-host', { optional: true }) },
    { key: 'open-from', label: 'Sources that need no token (empty: none)', hint: 'e.g. 127.0.0.1/32 for Commbase\'s own scripts on that host', initial: '', validate: fieldCheck(cidr, 'open-from', { optional: true }) },
    { key: 'trusted-proxy', label: 'A reverse proxy to trust for X-Forwarded-For (empty: none)', initial: '', validate: fieldCheck(cidr, 'trusted-proxy', { optional: true }) },
  ],
  // Each answer checked as typed by the schema `relay start` uses (the whole is checked again before it starts).
  start: [
    { key: 'bind', label: 'Address to listen on', hint: '127.0.0.1 (this machine only, or behind nginx), 0.0.0.0 (everyone: needs TLS)', initial: '127.0.0.1', validate: fieldCheck(relayInput.shape.bind, 'bind') },
    { key: 'port', label: 'Port', initial: '5000', validate: fieldCheck(relayInput.shape.port, 'port') },
    { key: 'tls-cert', label: 'TLS certificate (empty: plain HTTP, loopback only)', hint: 'cert.pem from the certificate wizard', initial: '', validate: absoluteOrEmpty('certificate'), complete: completePath },
    { key: 'tls-key', label: 'Its key (empty with no certificate)', initial: '', validate: absoluteOrEmpty('key'), complete: completePath },
    { key: 'trusted-proxy', label: 'A reverse proxy to trust for X-Forwarded-For (empty: none)', hint: '127.0.0.1 when nginx on this host is in front (the Proxy screen)', initial: '', validate: fieldCheck(cidr, 'trusted-proxy', { optional: true }) },
    { key: 'store', label: 'Share a Redis with other relays? (empty: this relay\'s own log)', hint: 'redis://HOST:PORT/DB; its password from COMMBASE_RELAY_REDIS_PASSWORD; Redis must fsync every write', initial: '', validate: fieldCheck(relayInput.shape.store, 'store', { optional: true }) },
    { key: 'open-loopback', label: 'Let Commbase\'s own scripts on this machine in without a token? (y/n)', hint: 'y: its uploader keeps working unedited (--open-from 127.0.0.1/32; loopback only, recorded in History)', initial: 'n', choices: ['n', 'y'], validate: (v) => (/^[yn]$/.test(v) ? undefined : 'answer y or n') },
  ],
  issue: [
    { key: 'name', label: 'A name for the client', hint: 'shown in this list and the Monitor', validate: (v) => (v.trim() ? undefined : 'name: must not be empty') },
    { key: 'scope', label: 'What it may do: read, upload or both', initial: 'read', choices: SCOPES, validate: scopeCheck },
  ],
  approve: [
    { key: 'scope', label: 'Approve with which scope: read, upload or both', hint: 'what it asked for is suggested', choices: SCOPES, validate: scopeCheck },
  ],
};
