// Preparing a Commbase client host (this machine or one over SSH) to use the relay, in one previewed step:
// a token for it, the relay's CA where commbase.conf says (and, if asked, in the host's trust store, which is the
// only store Commbase's Socket.IO clients use), its listener, updater and uploader with every URL literal pointing at the
// relay (token included), and commbase.conf's host, port and script variables. Every file replaced keeps a .bak.
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { MODE_PUBLIC, readSmallFile } from '../core/files.js';
import { hostOrIp, isIP } from '../core/net.js';
import { displayName, hostNameKey } from '../core/names.js';
import { printableLine } from '../core/text.js';
import { parseInput } from '../core/validate.js';
import { replaceFile } from '../services/file-edit.js';
import { audited } from '../services/audit.js';
import { withRunner, type Connector } from '../services/hosts.js';
import { fileStep, planFiles, readHostFiles, runLines, trustStore } from './plan.js';
import { PROBE_PY } from './probe-script.js';

/** A path on the client host: absolute, printable, no NUL or line break (it reaches SFTP and a Python argv). */
const hostPath = z.string().min(1).refine((v) => v.startsWith('/'), { message: 'must be an absolute path' })
  .refine((v) => !/[\0\n\r]/.test(v), { message: 'must not contain NUL or line breaks' });

/** The relay as clients reach it: scheme, host and port only. */
export const relayUrl = z.string().transform((v, ctx) => {
  let u: URL;
  try { u = new URL(v); } catch { ctx.addIssue({ code: 'custom', message: 'must be a URL such as https://relay.lan:5000' }); return z.NEVER; }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const unspecified = host === '0.0.0.0' || /^[0:]+$/.test(host);
  if (unspecified) { ctx.addIssue({ code: 'custom', message: `${host} is the address a server listens on, not one a client can connect to: give the relay's address or name` }); return z.NEVER; }
  const ok = (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password && (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash && hostOrIp.safeParse(host).success;
  if (!ok) { ctx.addIssue({ code: 'custom', message: 'must be http(s)://HOST:PORT with nothing after the port (the token and paths are added for each script)' }); return z.NEVER; }
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return { scheme: u.protocol.slice(0, -1) as 'http' | 'https', host, port, base: `${u.protocol}//${isIP(host) === 6 ? `[${host}]` : host}:${port}` };
});

export const clientSetupInput = z.object({
  host: hostNameKey.default('local'),
  'app-dir': hostPath,
  'relay-url': relayUrl,
  ca: z.string().min(1).optional(),
  name: displayName,
  'trust-system': z.boolean().default(false),
  listener: z.enum(['websocket', 'polling'], { message: 'must be websocket or polling' }).default('websocket'),
  'dry-run': z.boolean().default(false),
}).superRefine((v, ctx) => {
  if (v['relay-url'].scheme === 'https' && !v.ca && v['trust-system']) ctx.addIssue({ code: 'custom', path: ['ca'], message: 'is needed with --trust-system: the CA to add to the store' });
  if (v['relay-url'].scheme === 'http' && v['trust-system']) ctx.addIssue({ code: 'custom', path: ['trust-system'], message: 'is for an https relay: a plain http relay has no certificate to trust' });
});
export type ClientSetupInput = z.input<typeof clientSetupInput>;

export interface ClientSetupDeps extends Connector {
  /** Issues a token (scope both) from the relay; the caller knows where the relay is. */
  issueToken(name: string): Promise<{ id: string; token: string }>;
  /** Throws when the relay that would issue the token cannot be reached (a dry run asks, so it does not promise what the real run cannot do). */
  checkRelay?(): Promise<void>;
}

export interface ClientSetupResult {
  host: string;
  where: string;
  dryRun: boolean;
  client?: { id: string; name: string };
  /** What was (or would be) done, in order. */
  steps: string[];
  /** A diff per file changed. */
  diffs: string[][];
  backups: string[];
  /** What to run on the host now, as commands to paste there: the listener and the updater commbase.conf names. */
  run: string[];
}

const PLACEHOLDER = 'TOKEN-ISSUED-ON-APPLY';

export async function setupClient(raw: ClientSetupInput, deps: ClientSetupDeps, onStep: (step: string) => void = () => {}): Promise<ClientSetupResult> {
  const input = parseInput(clientSetupInput, raw);
  const relay = input['relay-url'];
  const app = input['app-dir'].replace(/\/+$/, '');
  const caPem = input.ca ? await readCa(input.ca) : undefined;
  return withRunner(input.host, deps.connect, async (runner, host) => {
    const files = await readHostFiles(runner, host.name, { app, relay, caPem, listener: input.listener });
    const draft = planFiles(files, PLACEHOLDER);
    const store = input['trust-system'] && caPem ? await trustStore(runner, caPem) : undefined;
    const steps = [
      `issue a token (scope both) for ${input.name} from the relay`,
      ...draft.map(fileStep),
      ...(store ? [`add the CA to ${host.name}'s trust store: ${store.file}, then ${store.argv.join(' ')}`] : []),
    ];
    const base = { host: host.name, where: runner.where, steps, run: runLines(files) };
    if (input['dry-run']) {
      await deps.checkRelay?.();
      return { ...base, dryRun: true, diffs: draft.map((f) => f.diff), backups: [] };
    }

    return audited({ action: 'client.setup', host: host.name, target: `${app} for ${input.name} → ${relay.base}` }, async () => {
      onStep(`issuing a token for ${input.name} from the relay`);
      const issued = await deps.issueToken(input.name);
      const changes = planFiles(files, issued.token);
      const backups: string[] = [];
      for (const f of changes) {
        onStep(`writing ${f.path}`);
        // A listener copied from its template over an existing one: that one is what is replaced and kept.
        const r = await replaceFile(runner, f.path, f.before, f.after, { mode: f.mode, secret: f.secret });
        if (r.backup) backups.push(r.backup);
      }
      if (store && caPem) {
        onStep(`adding the CA to ${host.name}'s trust store (${store.argv.join(' ')})`);
        await runner.writeFile(store.file, caPem, MODE_PUBLIC);
        await runner.run(store.argv, { privileged: true });
      }
      onStep('done');
      return { ...base, dryRun: false, client: { id: issued.id, name: input.name }, diffs: changes.map((f) => f.diff.map((l) => l.split(issued.token).join('<token>'))), backups };
    }, (r) => ({ outcome: `set up as client ${r.client?.id}; ${r.backups.length} file(s) backed up` }));
  });
}

/**
 * The relay's CA, exactly one certificate: it is copied to every client host and may go into its trust store, so a
 * file with a second certificate, a key or anything else besides is refused (the preview names one CA; only that
 * one goes anywhere).
 */
export async function readCa(file: string): Promise<string> {
  const text = (await readSmallFile(file, 'ca', 256 * 1024)).toString('utf8');
  const shown = JSON.stringify(file);
  if (/PRIVATE KEY-----/.test(text)) throw new UserError(`invalid ca ${shown}: the file also holds a private key; give the CA certificate alone`, [], 'ca');
  const blocks = text.match(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g) ?? [];
  if (blocks.length === 0) throw new UserError(`invalid ca ${shown}: the file holds no PEM certificate`, [], 'ca');
  if (blocks.length > 1) throw new UserError(`invalid ca ${shown}: the file holds ${blocks.length} PEM blocks; give exactly one CA certificate (the one that signed the relay's certificate)`, [], 'ca');
  const rest = text.replace(blocks[0]!, '').trim();
  if (rest) throw new UserError(`invalid ca ${shown}: the file holds other text besides the certificate; give the certificate alone`, [], 'ca');
  let x: X509Certificate;
  try { x = new X509Certificate(blocks[0]!); } catch (err) { throw new UserError(`invalid ca ${shown}: ${(err as Error).message}`, [], 'ca'); }
  if (!x.ca) throw new UserError(`invalid ca ${shown}: ${x.subject.replace(/\n/g, ', ')} is not a CA certificate (basicConstraints CA:FALSE)`, ['give the CA that signed the relay\'s certificate (ca.pem beside cert.pem)'], 'ca');
  return text;
}


// ---- client probe --------------------------------------------------------------------------------------------

export interface ProbeStep { step: string; ok: boolean; detail: string; fix: string; needed: boolean; skipped: boolean }

export const probeInput = z.object({ host: hostNameKey.default('local'), 'app-dir': hostPath });

/** One line of the probe's output, if it is one: parsed and checked, every text made printable (it is remote). */
export function probeLine(line: string): ProbeStep | undefined {
  if (!line.startsWith('{')) return undefined;
  let v: unknown;
  try { v = JSON.parse(line); } catch { return undefined; }
  const r = probeStepSchema.safeParse(v);
  if (!r.success) return undefined;
  const d = r.data;
  return { step: printableLine(d.step), ok: d.ok && !d.skipped, detail: printableLine(d.detail), fix: printableLine(d.fix), needed: d.needed, skipped: d.skipped };
}

const probeStepSchema = z.object({ step: z.string().max(400), ok: z.boolean(), detail: z.string().max(2000).default(''), fix: z.string().max(400).default(''), needed: z.boolean().default(true), skipped: z.boolean().default(false) });

/**
 * Run Commbase's client calls on the host with its own Python stack; ok when every step Commbase needs passed.
 * Python runs isolated (-I: no current directory, PYTHONPATH or user site on its path, so a planted socketio.py
 * is never imported) from / (env -C).
 */
export async function probeClient(raw: z.input<typeof probeInput>, deps: Connector): Promise<{ host: string; where: string; ok: boolean; steps: ProbeStep[] }> {
  const input = parseInput(probeInput, raw);
  return withRunner(input.host, deps.connect, async (runner, host) => {
    const r = await runner.run(['env', '-C', '/', '/usr/bin/python3', '-I', '-c', PROBE_PY, input['app-dir'].replace(/\/+$/, '')], { allowFailure: true, timeoutMs: 240_000 }); // the probe's own waits (20 s each) end first
    const lines = r.stdout.split('\n');
    const steps = lines.map(probeLine).filter((s): s is ProbeStep => s !== undefined);
    const stray = lines.filter((l) => l.trim() && !probeLine(l)).length;
    if (steps.length === 0) {
      steps.push({ step: 'run the probe with /usr/bin/python3', ok: false, detail: printableLine(r.stderr.trim().slice(-400)) || `exit ${r.exitCode}`, fix: 'install python3, python3-requests and python3-socketio on the host', needed: true, skipped: false });
    } else if (stray > 0) {
      steps.push({ step: 'read the probe\'s output', ok: false, detail: `${stray} line(s) that are not the probe's were ignored`, fix: '', needed: false, skipped: false });
    }
    return { host: host.name, where: runner.where, ok: steps.every((s) => s.ok || !s.needed), steps };
  });
}
