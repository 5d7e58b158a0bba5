// Talking to a relay's admin feed: found through its data directory (admin.json), reached directly on this
// machine or through an SSH tunnel (direct-tcpip to the host's loopback) for a relay on another host.
import http from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { ExternalError, UserError } from '../core/errors.js';
import { defaultRelayDataDir } from '../core/paths.js';
import type { Runner } from '../runners/types.js';
import { audited } from '../services/audit.js';
import { getHost, type Connector } from '../services/hosts.js';
import { PATHS } from './service-paths.js';
import { ADMIN_FILE, type AdminInfo, type RelayStatus, type PublicClient } from './admin.js';
import type { Scope } from './auth.js';

const adminInfoSchema = z.object({ url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d{1,5}$/), token: z.string().min(20), pid: z.number(), startedAt: z.string() });

export type AdminDeps = Connector;

/** Where a host's relay keeps its data when --data-dir is not given: this machine's default; elsewhere the
 * same path relative to the login's home directory (SFTP resolves relative paths there). A relay deployed as a
 * service (deploy.ts) is found after that: its directory, /var/lib/commbase-relay. */
export function relayDataDirFor(host: string, dataDir?: string): string {
  if (dataDir) return dataDir;
  return host === 'local' ? defaultRelayDataDir() : '.local/share/commbase-admin/relay';
}

/** There is no relay there at all (no admin file): a host that is only a client, not a relay that is down. */
export class NoRelayError extends UserError {}

/** The admin file in dir, or undefined when there is none. The deployed service's directory is its own user's
 * alone (0700): its file is read with root rights (sudo -n where the host is set up for it). */
async function readAdminFile(runner: Runner, dir: string): Promise<string | undefined> {
  const file = path.posix.join(dir, ADMIN_FILE);
  if (await runner.stat(file).catch(() => undefined)) return runner.readFile(file);
  if (dir !== PATHS.data || !(await runner.stat(PATHS.unit).catch(() => undefined))) return undefined;
  const r = await runner.run(['cat', '--', file], { privileged: true, allowFailure: true, timeoutMs: 10_000 });
  return r.exitCode === 0 ? r.stdout : undefined;
}

export class AdminClient {
  private constructor(private readonly runner: Runner, private readonly info: AdminInfo, readonly where: string, private readonly ownsRunner: boolean, private readonly hostName: string, readonly dataDir: string) {}

  /** Whether this is the relay deployed as a systemd service. */
  get deployed(): boolean { return this.dataDir === PATHS.data; }

  static async connect(opts: { dataDir?: string; host?: string }, deps: AdminDeps): Promise<AdminClient> {
    const host = getHost(opts.host ?? 'local');
    const runner = await deps.connect(host);
    try {
      return await AdminClient.over(runner, host.name, opts.dataDir, true);
    } catch (err) {
      await runner.close();
      throw err;
    }
  }

  /**
   * Over a runner the caller keeps open (the monitor polls every second). Without a data directory: the one
   * relayDataDirFor names, then the deployed service's.
   */
  static async over(runner: Runner, hostName: string, dataDir?: string, ownsRunner = false): Promise<AdminClient> {
    const first = relayDataDirFor(hostName, dataDir);
    let dir = first;
    let text = await readAdminFile(runner, dir);
    if (text === undefined && !dataDir && (text = await readAdminFile(runner, PATHS.data)) !== undefined) dir = PATHS.data;
    if (text === undefined) {
      throw new NoRelayError(`no relay is running with the data directory ${first} on ${hostName} (there is no ${ADMIN_FILE})${dataDir ? '' : ', and none was deployed there as a service'}`, [
        'start one: commbase-admin relay start [--data-dir DIR]', `or deploy one: commbase-admin relay deploy --host ${hostName} …`, 'or name its directory with --data-dir',
      ], 'data-dir');
    }
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = undefined; }
    const parsed = adminInfoSchema.safeParse(json);
    const file = path.posix.join(dir, ADMIN_FILE);
    if (!parsed.success) throw new UserError(`failed to read the relay's admin file ${file} on ${hostName}: it is not one`, [], 'data-dir');
    return new AdminClient(runner, parsed.data, `${hostName}:${dir}`, ownsRunner, hostName, dir);
  }

  async request<T>(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<T> {
    const url = new URL(this.info.url);
    const data = body === undefined ? undefined : JSON.stringify(body);
    let stream;
    try {
      stream = await this.runner.connectTcp(url.hostname, Number(url.port));
    } catch (err) {
      throw new ExternalError(`failed to reach the relay's admin feed (${this.where}): ${(err as Error).message}; the relay may have stopped`, ['GET', this.info.url], null, '', this.where);
    }
    return new Promise<T>((resolve, reject) => {
      const req = http.request({
        method, path: pathname, headers: { authorization: `Bearer ${this.info.token}`, ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) },
        createConnection: () => stream as never, timeout: 10_000,
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let json: unknown;
          try { json = JSON.parse(text); } catch { return reject(new ExternalError(`failed to read the relay's admin feed: it answered ${res.statusCode} with no JSON`, [method, pathname], res.statusCode ?? null, text.slice(0, 200), this.where)); }
          if ((res.statusCode ?? 500) >= 400) {
            const msg = (json as { error?: string }).error ?? 'error';
            return reject(res.statusCode === 404 || res.statusCode === 400 ? new UserError(msg, [], 'id') : new ExternalError(`failed to ${method} ${pathname} on the relay: it refused: ${msg}`, [method, pathname], res.statusCode ?? null, msg, this.where));
          }
          resolve(json as T);
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => reject(new ExternalError(`failed to talk to the relay's admin feed (${this.where}): ${err.message}`, [method, pathname], null, '', this.where)));
      req.end(data);
    });
  }

  status(): Promise<RelayStatus> { return this.request('GET', '/status'); }
  // Changes are recorded in the audit log by client id and name; a token never is.
  approve(id: string, opts: { scope?: Scope; ttlS?: number } = {}) {
    return this.change('clients.approve', id, () => this.request<{ client: PublicClient }>('POST', `/clients/${encodeURIComponent(id)}/approve`, opts), (r) => `approved ${r.client.name}`);
  }
  deny(id: string) {
    return this.change('clients.deny', id, () => this.request<{ client: PublicClient; dropped: number }>('POST', `/clients/${encodeURIComponent(id)}/deny`, {}), (r) => `denied ${r.client.name}`);
  }
  revoke(id: string) {
    return this.change('clients.revoke', id, () => this.request<{ client: PublicClient; dropped: number }>('POST', `/clients/${encodeURIComponent(id)}/revoke`, {}), (r) => `revoked ${r.client.name}, ${r.dropped} connection(s) dropped`);
  }
  rotate(id: string) {
    return this.change('clients.rotate', id, () => this.request<{ client: PublicClient; token: string; urls: Record<string, string>; notified: number }>('POST', `/clients/${encodeURIComponent(id)}/rotate`, {}), (r) => `new token for ${r.client.name}, ${r.notified} connection(s) told`);
  }
  issue(name: string, scope: Scope, ttlS?: number) {
    return this.change('clients.issue', name, () => this.request<{ id: string; name: string; scope: Scope; expiresAt: string; token: string; urls: Record<string, string> }>('POST', '/tokens', { name, scope, ...(ttlS ? { ttlS } : {}) }), (r) => `issued ${r.id} (${r.scope}) until ${r.expiresAt}`);
  }

  private change<T>(action: string, target: string, run: () => Promise<T>, outcome: (r: T) => string): Promise<T> {
    return audited({ action, host: this.hostName, target }, run, (r) => ({ outcome: outcome(r) }));
  }

  async close(): Promise<void> {
    if (this.ownsRunner) await this.runner.close();
  }
}

export async function withAdmin<T>(opts: { dataDir?: string; host?: string }, deps: AdminDeps, fn: (c: AdminClient) => Promise<T>): Promise<T> {
  const c = await AdminClient.connect(opts, deps);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

/** A token (scope both) for one client, from the relay in dataDir here or on host over SSH: `client setup`'s source. */
/** A dry run's check that the relay which will issue the token is there: its status, or the reason it is not. */
export async function relayReachable(where: { dataDir?: string; host?: string }, deps: AdminDeps): Promise<void> {
  await withAdmin(where, deps, (c) => c.status());
}

export async function issueTokenFor(where: { dataDir?: string; host?: string }, deps: AdminDeps, name: string): Promise<{ id: string; token: string }> {
  const r = await withAdmin(where, deps, (c) => c.issue(name, 'both'));
  return { id: r.id, token: r.token };
}
