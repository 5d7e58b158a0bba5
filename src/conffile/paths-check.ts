// Where commbase.conf's managed values point, checked on the host they are for: each resolved as Commbase resolves
// it (under the app directory) and looked for there; `config validate --check-files` and the Configuration screen.
import type { Runner } from '../runners/types.js';
import { getHost, withRunner } from '../services/hosts.js';
import { localAddresses } from '../services/machine.js';
import { managedPaths, type ManagedPath } from './app-paths.js';
import type { Finding } from './check.js';
import { getValue } from './parse.js';
import { loadConf, resolveConfPath, type ConfDeps, type ConfDoc } from './service.js';

export interface PathStatus extends ManagedPath {
  exists: boolean;
}

/** Each managed path of the file, resolved under the app directory, and whether it exists on that host. */
async function statusOf(runner: Runner, doc: ConfDoc): Promise<PathStatus[]> {
  if (!doc.appDir) return [];
  return Promise.all(managedPaths(doc.file, doc.appDir).map(async (m) => ({ ...m, exists: (await runner.stat(m.path).catch(() => undefined)) !== undefined })));
}

/** For the Configuration screen: the file, and where every managed value points and whether it is there (one connection). */
export async function readConfWithPaths(opts: { file?: string; host?: string; appDir?: string }, deps: ConfDeps): Promise<{ doc: ConfDoc; paths: PathStatus[] }> {
  const file = resolveConfPath(opts.file);
  return withRunner(opts.host ?? 'local', deps.connect, async (runner, host) => {
    const doc = await loadConf(runner, host.name, file, opts.appDir);
    return { doc, paths: await statusOf(runner, doc) };
  });
}

/** The server's own certificate and key: a client host has none. */
const SERVER_ONLY = new Set(['CERTS_AND_KEYS_SERVER_CRT_FILE', 'CERTS_AND_KEYS_SERVER_KEY_FILE', 'CERTS_AND_KEYS_CERT_PEM_FILE', 'CERTS_AND_KEYS_KEY_PEM_FILE']);

/** Certificate and key variables that must belong together (checked by certs/check-files.ts). */
export const CERT_KEY_PAIRS = [['CERTS_AND_KEYS_CERT_PEM_FILE', 'CERTS_AND_KEYS_KEY_PEM_FILE'], ['CERTS_AND_KEYS_SERVER_CRT_FILE', 'CERTS_AND_KEYS_SERVER_KEY_FILE']] as const;

/**
 * --check-files, for the variables commbase-admin manages (the four data-exchange scripts, CERTS_AND_KEYS_*,
 * MESSAGING_FILE), resolved as Commbase resolves them: each exists (its full path named when it does not).
 * The certificate and key files found are returned with their text, for certs/check-files.ts to look inside.
 * Commbase's other variables are its own business.
 */
export async function checkFiles(opts: { file?: string; host?: string; appDir?: string }, deps: ConfDeps): Promise<{ findings: Finding[]; pemFiles: Array<{ key: string; line: number; kind: 'cert' | 'key'; path: string; text: string }> }> {
  const file = resolveConfPath(opts.file);
  return withRunner(opts.host ?? 'local', deps.connect, async (runner, host) => {
    const doc = await loadConf(runner, host.name, file, opts.appDir);
    if (!doc.appDir) {
      return { findings: [{ severity: 'error', message: `cannot tell Commbase's app directory for ${doc.path} (it is not <app>/config/commbase.conf): give --app-dir DIR or set COMMBASE_APP_DIR` }], pemFiles: [] };
    }
    const findings: Finding[] = [];
    const pemFiles: Array<{ key: string; line: number; kind: 'cert' | 'key'; path: string; text: string }> = [];
    // A client host (its server address is another host's) never has the server's certificate and key.
    const server = getValue(doc.file, 'COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS');
    const own = new Set(['127.0.0.1', '::1', 'localhost', ...(host.name === 'local' ? localAddresses() : [getHost(host.name).address ?? ''])]);
    const clientOnly = server !== undefined && server !== '' && !own.has(server);
    for (const m of await statusOf(runner, doc)) {
      if (clientOnly && !m.exists && SERVER_ONLY.has(m.key)) {
        findings.push({ line: m.line, key: m.key, severity: 'note', message: `${m.key}: ${m.path} is not here, and not needed: this host is a client of the server at ${server} (COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS)` });
        continue;
      }
      if (m.absoluteOnly) findings.push({ line: m.line, key: m.key, severity: 'warning', message: `${m.key} "${m.written}": ${m.absoluteOnly}` });
      if (!m.exists) {
        const elsewhere = m.kind !== 'script' && (await runner.stat(m.written).catch(() => undefined)) !== undefined;
        findings.push({
          line: m.line, key: m.key, severity: m.kind === 'data' ? 'warning' : 'error',
          message: `${m.key}: ${m.path} ${m.kind === 'data' ? 'does not exist yet' : 'is missing'}${elsewhere ? ` (there is a file at ${m.written}, but Commbase reads ${m.path}: install it under ${doc.appDir}/certificates and write /certificates/NAME)` : ''}`,
        });
        continue;
      }
      if (m.kind === 'script' || m.kind === 'data') continue;
      const text = await runner.readFile(m.path).catch(() => undefined);
      if (text === undefined) findings.push({ line: m.line, key: m.key, severity: 'error', message: `${m.key}: ${m.path} is not readable` });
      else pemFiles.push({ key: m.key, line: m.line, kind: m.kind, path: m.path, text });
    }
    return { findings, pemFiles };
  });
}
