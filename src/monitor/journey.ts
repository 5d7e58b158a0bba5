// The "Set up a relay" checklist: where the operator's journey stands, read each time from the real state (the
// certificate files, the inventory, this machine's firewall rules, the running relay and the clients it knows and
// sees connected), never from what the console remembers doing. Each step says what is done, what is missing, and
// what the next screen should offer; a step that could not be read says so instead of passing.
import { latestServerCert, type KnownServerCert } from '../certs/known.js';
import { hostCidr, isIP } from '../core/net.js';
import { defaultRelayDataDir } from '../core/paths.js';
import { listRules } from '../firewall/service.js';
import { reachOf } from '../firewall/reach.js';
import { NoRelayError, withAdmin } from '../relay/admin-client.js';
import type { RelayStatus } from '../relay/admin.js';
import { listHosts, type Connector, type HostEntry } from '../services/hosts.js';

export type StepId = 'cert' | 'hosts' | 'firewall' | 'relay' | 'clients' | 'monitor';
/** done ✓, todo ○, partial ! (works, but not as it should), unknown ? (could not be read). */
export type StepState = 'done' | 'todo' | 'partial' | 'unknown';

export interface JourneyStep {
  id: StepId;
  title: string;
  state: StepState;
  /** What was read, one line each. */
  lines: string[];
}

export interface Journey {
  steps: JourneyStep[];
  /** What the next screens should offer. */
  cert?: KnownServerCert;
  relay?: RelayStatus;
  port: number;
  /** Inventory hosts that are not this machine. */
  clientHosts: HostEntry[];
  /** The first host (of the client hosts, then this machine) the relay has no client for: the one to set up next. */
  nextClient?: string;
  /** The first client host's address as a firewall source (/32 or /128). */
  source?: string;
}

const problem = (err: unknown) => ((err as Error).message ?? String(err)).split('\n')[0]!;

export async function readJourney(deps: Connector, opts: { dataDir?: string } = {}): Promise<Journey> {
  const [cert, relayRead] = await Promise.all([
    latestServerCert().catch(() => undefined),
    withAdmin({ dataDir: opts.dataDir ?? defaultRelayDataDir(), host: 'local' }, deps, (c) => c.status()).then((s) => ({ status: s }), (err: unknown) => ({ error: err })),
  ]);
  const relay = 'status' in relayRead ? relayRead.status : undefined;
  const hosts = listHosts();
  const clientHosts = hosts.filter((h) => h.name !== 'local');
  const port = relay?.port ?? 5000;
  const steps: JourneyStep[] = [];

  steps.push(cert
    ? { id: 'cert', title: 'Server certificate', state: 'done', lines: [`${cert.cert} for ${[...cert.names, ...cert.ips].join(', ') || '(no names)'}`, cert.ca ? `its CA: ${cert.ca}` : 'no CA beside it (a public CA\'s certificate?)'] }
    : { id: 'cert', title: 'Server certificate', state: 'todo', lines: ['none made yet: a local CA and a server certificate for this machine\'s names'] });

  const unpinned = clientHosts.filter((h) => !h.pinned);
  steps.push(clientHosts.length === 0
    ? { id: 'hosts', title: 'Client hosts in the inventory', state: 'todo', lines: ['none yet: add each host that runs Commbase\'s clients (skip this if they all run here)'] }
    : { id: 'hosts', title: 'Client hosts in the inventory', state: unpinned.length ? 'partial' : 'done', lines: clientHosts.map((h) => `${h.name}: ${h.user ?? 'root'}@${h.address}:${h.port ?? 22}, ${h.pinned ? 'host key pinned' : 'host key NOT pinned yet: check it (c)'}`) });

  steps.push(await firewallStep(deps, port, clientHosts, relay));

  if (relay) {
    steps.push({ id: 'relay', title: 'The relay', state: relay.tls.enabled || relay.bind.startsWith('127.') || relay.bind === '::1' ? 'done' : 'partial', lines: [`running: ${relay.publicUrl} (${relay.tls.enabled ? 'TLS' : 'plain HTTP'}, listening on ${relay.bind}:${relay.port})`] });
  } else {
    const err = 'error' in relayRead ? relayRead.error : undefined;
    steps.push(err instanceof NoRelayError || err === undefined
      ? { id: 'relay', title: 'The relay', state: 'todo', lines: [cert ? `not running: start it with ${cert.cert}` : 'not running'] }
      : { id: 'relay', title: 'The relay', state: 'unknown', lines: [`could not be asked: ${problem(err)}`] });
  }

  // A host is set up when the relay has an approved client of its name; online when that client is connected.
  const names = [...clientHosts.map((h) => h.name), 'local'];
  const approved = new Set(relay?.clients.filter((c) => c.status === 'approved').map((c) => c.name) ?? []);
  const online = new Map(relay?.connected.map((c) => [c.name, c.address]) ?? []);
  const nextClient = names.find((n) => !approved.has(n));
  const clientLines = names.map((n) => `${n === 'local' ? 'this machine (its own uploader)' : n}: ${online.has(n) ? `online from ${online.get(n)}` : approved.has(n) ? 'set up, not connected now' : 'not set up'}`);
  const remoteDone = clientHosts.every((h) => approved.has(h.name));
  steps.push({ id: 'clients', title: 'Commbase client hosts', state: !relay ? 'todo' : remoteDone && clientHosts.length > 0 ? (clientHosts.some((h) => online.has(h.name)) ? 'done' : 'partial') : 'todo', lines: relay ? clientLines : ['the relay must run first: it issues each host\'s token'] });

  steps.push({ id: 'monitor', title: 'Watch it live', state: relay ? 'done' : 'todo', lines: [relay ? `${relay.connected.length} client(s) connected, ${relay.pending.length} waiting for approval` : 'the Monitor shows the relay, rule timers and clients once the relay runs'] });

  const source = hostCidr(clientHosts.find((h) => hostCidr(h.address))?.address);
  return { steps, ...(cert ? { cert } : {}), ...(relay ? { relay } : {}), port, clientHosts, ...(nextClient ? { nextClient } : {}), ...(source ? { source } : {}) };
}

/** Can each client host reach the relay's port on this machine, and is anyone else kept out? From the rules. */
async function firewallStep(deps: Connector, port: number, clientHosts: HostEntry[], relay: RelayStatus | undefined): Promise<JourneyStep> {
  const title = `Port ${port}/tcp on this machine`;
  let set;
  try {
    set = await listRules('local', deps);
  } catch (err) {
    return { id: 'firewall', title, state: 'unknown', lines: [`the rules could not be read: ${problem(err)}`] };
  }
  const rule = { port, proto: 'tcp' as const };
  const server = relay && isIP(relay.bind) === 4 && relay.bind !== '0.0.0.0' ? { 4: relay.bind } : {};
  const sources = clientHosts.map((h) => ({ h, src: hostCidr(h.address) })).filter((x): x is { h: HostEntry; src: string } => Boolean(x.src));
  if (sources.length === 0) {
    const r = reachOf(set, rule, server);
    const open = Object.values(r.fromOthers).some((v) => v === 'yes');
    return { id: 'firewall', title, state: open ? 'partial' : 'todo', lines: [open ? `${port}/tcp: open to everyone` : `${port}/tcp: closed to other hosts`] };
  }
  const lines: string[] = [];
  let blocked = false;
  let everyone = false;
  for (const { h, src } of sources) {
    const r = reachOf(set, { ...rule, from: src }, server);
    if (r.fromSource !== 'yes') blocked = true;
    if (r.restrictsNothing) everyone = true;
    lines.push(`${h.name} (${src}): ${r.fromSource === 'yes' ? 'can reach it' : r.fromSource === 'no' ? 'cannot reach it' : 'not known'}`);
  }
  if (everyone) lines.push(`and so can EVERYONE else: ${set.backend === 'ufw' ? 'ufw is off or allows all' : 'the INPUT policy accepts all'}; open it "from" each host and add the DROP (d)`);
  return { id: 'firewall', title, state: blocked ? 'todo' : everyone ? 'partial' : 'done', lines };
}
