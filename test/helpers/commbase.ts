// Commbase's own scripts and files, verbatim in ../shared/commbase (GPL-3.0): a test fixture used from there,
// never copied into the project. Tests that need it skip with the reason where it is absent (not in CI).
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

export const COMMBASE = path.resolve(ROOT, '..', 'shared', 'commbase');
export const BUNDLE = path.join(COMMBASE, 'bundles', 'commbase-data-exchange');
export const REAL_CONF = path.join(COMMBASE, 'config', 'commbase.conf');

export function commbaseMissing(): string | undefined {
  if (existsSync(path.join(BUNDLE, 'client', 'client_http_websocket.py'))) return undefined;
  const reason = `needs Commbase's scripts in ${COMMBASE} (shared/commbase)`;
  if (process.env.CI) throw new Error(`CI must not skip: ${reason}`);
  return reason;
}

/**
 * An app directory laid out as Commbase expects ($COMMBASE_APP_DIR): its real commbase.conf and messages file,
 * an empty certificates/ and client_data/, a stub skill.sh. The scripts themselves are run from COMMBASE.
 */
export function makeAppDir(dir: string): string {
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  mkdirSync(path.join(dir, 'certificates'), { recursive: true });
  mkdirSync(path.join(dir, 'src', 'server'), { recursive: true });
  cpSync(REAL_CONF, path.join(dir, 'config', 'commbase.conf'));
  cpSync(path.join(COMMBASE, 'data', '.messages.json'), path.join(dir, 'data', '.messages.json'));
  writeFileSync(path.join(dir, 'src', 'server', 'skill.sh'), '#!/bin/sh\nexit 0\n');
  return dir;
}

/** One of Commbase's scripts run as Commbase runs it, its output collected (prefix: where it runs, e.g. inside a
 * namespace); pushed on `procs` for the test's cleanup. */
export function commbaseScript(file: string, app: string, procs: ChildProcess[], prefix: string[] = []): { proc: ChildProcess; out: { text: string } } {
  const out = { text: '' };
  const [cmd, ...pre] = [...prefix, '/usr/bin/python3'];
  const proc = spawn(cmd!, [...pre, '-u', file], { env: { ...process.env, COMMBASE_APP_DIR: app }, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d: Buffer) => (out.text += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out.text += d.toString()));
  procs.push(proc);
  return { proc, out };
}

/** The script's end, or an error after timeoutMs. */
export async function finished(p: ChildProcess, timeoutMs = 20_000): Promise<void> {
  if (p.exitCode !== null) return;
  await Promise.race([new Promise((r) => p.once('exit', r)), new Promise((_, rej) => setTimeout(() => rej(new Error('script did not finish')), timeoutMs))]);
}
