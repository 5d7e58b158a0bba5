// The Relay & clients screen's state: the local relay's status (or that none runs), every client it knows
// (connected or not, pending, denied, revoked), and the shared list state (selection, forms, confirmations).
import type { RelayStatus } from '../../relay/admin.js';
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
  | { kind: 'issue'; name: string; scope: Scope }
  | { kind: 'approve'; client: ClientLine; scope: Scope }
  | { kind: 'deny' | 'rotate' | 'revoke'; client: ClientLine };

export interface State extends ListState<Pending> {
  status?: RelayStatus;
  down?: string;
}

export type Action = ListAction<Pending> | { type: 'status'; status: RelayStatus } | { type: 'down'; why: string };

export function initialState(): State {
  return initialList<Pending>();
}

export function reduce(s: State, a: Action): State {
  switch (a.type) {
    case 'status': { const { down: _gone, ...rest } = s; return { ...rest, status: a.status }; }
    case 'down': { const { status: _gone, ...rest } = s; return { ...rest, down: a.why }; }
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

export const FORMS: Record<string, FormField[]> = {
  // Each answer checked as typed by the schema `relay start` uses (the whole is checked again before it starts).
  start: [
    { key: 'bind', label: 'Address to listen on', hint: '127.0.0.1 (this machine only, or behind nginx), 0.0.0.0 (everyone: needs TLS)', initial: '127.0.0.1', validate: fieldCheck(relayInput.shape.bind, 'bind') },
    { key: 'port', label: 'Port', initial: '5000', validate: fieldCheck(relayInput.shape.port, 'port') },
    { key: 'tls-cert', label: 'TLS certificate (empty: plain HTTP, loopback only)', hint: 'cert.pem from the certificate wizard', initial: '', validate: absoluteOrEmpty('certificate'), complete: completePath },
    { key: 'tls-key', label: 'Its key (empty with no certificate)', initial: '', validate: absoluteOrEmpty('key'), complete: completePath },
    { key: 'trusted-proxy', label: 'A reverse proxy to trust for X-Forwarded-For (empty: none)', hint: '127.0.0.1 when nginx on this host is in front (the Proxy screen)', initial: '', validate: fieldCheck(cidr, 'trusted-proxy', { optional: true }) },
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
