// Start and stop the relay on this machine from the console: `relay start` as a process of its own that outlives
// the console (its log in DATA_DIR/relay.log), and a stop that signals only the process DATA_DIR/admin.json
// names, after checking it is that relay (a stale file never makes us signal another process).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import { startDetached } from '../runners/local.js';
import { record } from '../services/audit.js';
import { ADMIN_FILE, procStartOf } from './admin.js';
import { readNoFollow, secureDataDir } from './data-dir.js';
import { relayInput } from './options.js';

export interface StartRequest {
  bind?: string;
  port?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'data-dir'?: string;
  'trusted-proxy'?: string[];
  'open-from'?: string[];
  /** Several relays on one Redis (its password from COMMBASE_RELAY_REDIS_PASSWORD, inherited). */
  store?: string;
}

/** The argv `relay start` gets: the same flags the command line takes, checked first by the same schema. */
export function startArgv(req: StartRequest, bin: string): string[] {
  const o = parseInput(relayInput, { ...req, port: req.port ?? '5000' }, 'relay start');
  return [process.execPath, bin, 'relay', 'start', '--bind', o.bind, '--port', String(o.port), '--data-dir', o['data-dir'],
    ...(o['tls-cert'] && o['tls-key'] ? ['--tls-cert', o['tls-cert'], '--tls-key', o['tls-key']] : []),
    ...o['trusted-proxy'].flatMap((c) => ['--trusted-proxy', c]), ...o['open-from'].flatMap((c) => ['--open-from', c]),
    ...(o.store ? ['--store', o.store] : [])];
}

async function adminInfo(dataDir: string): Promise<{ pid: number; procStart?: string } | undefined> {
  try {
    const info = JSON.parse((await readNoFollow(path.join(dataDir, ADMIN_FILE))) ?? 'null') as { pid?: unknown; procStart?: unknown };
    if (!(typeof info.pid === 'number' && Number.isInteger(info.pid) && info.pid > 1)) return undefined;
    return { pid: info.pid, ...(typeof info.procStart === 'string' ? { procStart: info.procStart } : {}) };
  } catch {
    return undefined;
  }
}

async function adminPid(dataDir: string): Promise<number | undefined> {
  return (await adminInfo(dataDir))?.pid;
}

/**
 * Is `pid` the relay that wrote admin.json: alive, started at the time it recorded (so a pid reused by another
 * process, even one whose command line says `relay start --data-dir DIR`, is not it), and a `relay start` with
 * this data directory? (/proc on Linux.)
 */
async function isOurRelay(pid: number, dataDir: string, procStart: string | undefined): Promise<boolean> {
  try {
    if (procStart === undefined || procStartOf(await readFile(`/proc/${pid}/stat`, 'utf8')) !== procStart) return false;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const i = argv.indexOf('--data-dir');
    if (!argv.includes('relay') || !argv.includes('start')) return false;
    if (i >= 0) return path.resolve(argv[i + 1] ?? '') === path.resolve(dataDir);
    // Started without --data-dir (by hand, in a terminal): its default, from its own environment.
    const env = new Map((await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
    const base = env.get('XDG_DATA_HOME') || (env.get('HOME') ? path.join(env.get('HOME')!, '.local', 'share') : undefined);
    return base !== undefined && path.resolve(base, 'commbase-admin', 'relay') === path.resolve(dataDir);
  } catch {
    return false;
  }
}

export async function relayRunning(dataDir: string): Promise<number | undefined> {
  const info = await adminInfo(dataDir);
  return info && (await isOurRelay(info.pid, dataDir, info.procStart)) ? info.pid : undefined;
}

/** Start the relay in the background; resolves once its admin feed is up (or says why not, from its log). */
export async function startRelay(req: StartRequest, bin = process.argv[1] ?? 'commbase-admin'): Promise<{ pid: number; log: string; argv: string[] }> {
  const argv = startArgv(req, bin);
  const dataDir = argv[argv.indexOf('--data-dir') + 1]!;
  const already = await relayRunning(dataDir);
  if (already) throw new UserError(`failed to start the relay: one already runs with ${dataDir} (pid ${already})`, ['stop it first (t), or choose another data directory'], 'data-dir');
  await secureDataDir(dataDir);
  const log = path.join(dataDir, 'relay.log');
  const pid = await startDetached(argv, log, { NO_COLOR: '1' });
  for (let i = 0; i < 100; i++) {
    // The relay records its own start in the audit log (relay start does, however it was started).
    if ((await adminPid(dataDir)) === pid) return { pid, log, argv };
    try { process.kill(pid, 0); } catch {
      const tail = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join('; ');
      throw new UserError(`failed to start the relay: ${tail || 'it exited at once'}`, [`its log: ${log}`], 'relay');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new UserError(`failed to start the relay: pid ${pid} did not come up within 10 s`, [`its log: ${log}`], 'relay');
}

/** Stop the relay that runs with `dataDir`: SIGTERM, then wait (it exits within 2 s). */
export async function stopRelay(dataDir: string): Promise<{ pid: number }> {
  const pid = await relayRunning(dataDir);
  if (!pid) throw new UserError(`failed to stop the relay: none runs with ${dataDir} on this machine`, [], 'data-dir');
  const procStart = (await adminInfo(dataDir))?.procStart;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!(await isOurRelay(pid, dataDir, procStart))) {
      await record({ action: 'relay.stop', target: dataDir, outcome: `stopped pid ${pid}` });
      return { pid };
    }
  }
  throw new UserError(`failed to stop the relay: pid ${pid} did not stop within 5 s of SIGTERM`, [`kill -9 ${pid} if it must go`], 'relay');
}
