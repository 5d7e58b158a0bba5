// What the relay benchmarks share: free ports, waiting for a server, seeding 100 documents, Commbase's own server
// (../shared/tools/commbase_ref.py on a fresh copy of ../shared/commbase) as the baseline, and stopping a server.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const TOOLS = path.join(SHARED, 'tools');
export const BIN = path.join(ROOT, 'bin', 'commbase-admin.js');

export function freePort(): Promise<number> {
  return new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); }); });
}

export async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((r) => { const c = net.connect(port, '127.0.0.1', () => { c.end(); r(true); }); c.on('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

export async function seed(base: string, q: string, count = 100): Promise<void> {
  for (let i = 0; i < count; i++) {
    const r = await fetch(`${base}/api/save_json${q}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: i, messages: [{ current_request: 'rec' }] }) });
    if (r.status !== 200) throw new Error(`seed: ${r.status}`);
  }
}

/** Commbase's server on a fresh app directory (a copy of shared/commbase, a stub skill.sh, an empty client_data/). */
export async function startCommbase(tmp: string, env: NodeJS.ProcessEnv): Promise<{ base: string; q: string; proc: ChildProcess }> {
  const app = mkdtempSync(path.join(tmp, 'app-'));
  cpSync(path.join(SHARED, 'commbase'), app, { recursive: true });
  mkdirSync(path.join(app, 'src', 'server'), { recursive: true });
  writeFileSync(path.join(app, 'src', 'server', 'skill.sh'), '#!/bin/sh\nexit 0\n');
  rmSync(path.join(app, 'bundles', 'commbase-data-exchange', 'server', 'client_data'), { recursive: true, force: true });
  mkdirSync(path.join(app, 'bundles', 'commbase-data-exchange', 'server', 'client_data'));
  const port = await freePort();
  const proc = spawn('/usr/bin/python3', [path.join(TOOLS, 'commbase_ref.py'), String(port)], { env: { ...env, COMMBASE_APP_DIR: app }, stdio: 'ignore' });
  await waitPort(port);
  const base = `http://127.0.0.1:${port}`;
  await seed(base, '');
  return { base, q: '', proc };
}

export async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const done = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
  p.kill('SIGKILL');
}

