// Start `commbase-admin relay start` as a user would, and drive Python clients (Debian's python3-socketio)
// whose JSON-line events the test waits for.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, ROOT } from './cli.js';

export class RelayProcess {
  private constructor(readonly child: ChildProcess, readonly dataDir: string, readonly output: { text: string }) {}

  /** `prefix` runs it inside something, e.g. ['ip', 'netns', 'exec', NS] for a private loopback. */
  static async start(args: string[], env: Record<string, string>, dataDir: string, prefix: string[] = []): Promise<RelayProcess> {
    const adminFile = path.join(dataDir, 'admin.json');
    const output = { text: '' };
    const [file, ...pre] = [...prefix, process.execPath];
    const child = spawn(file!, [...pre, BIN, 'relay', 'start', '--data-dir', dataDir, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output.text += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output.text += d.toString()));
    const start = Date.now();
    while (!existsSync(adminFile) || !output.text.includes('listening on')) {
      if (child.exitCode !== null) throw new Error(`relay exited ${child.exitCode}:\n${output.text}`);
      if (Date.now() - start > 15_000) throw new Error(`relay did not start:\n${output.text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return new RelayProcess(child, dataDir, output);
  }

  /** The port it listens on, as it printed it. */
  get port(): number {
    const m = /listening on https?:\/\/[^\s]*:(\d+)/.exec(this.output.text);
    if (!m) throw new Error(`no port in the relay's output:\n${this.output.text}`);
    return Number(m[1]);
  }

  adminInfo(): { url: string; token: string } {
    return JSON.parse(readFileSync(path.join(this.dataDir, 'admin.json'), 'utf8')) as { url: string; token: string };
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }
}

export type PyEvent = Record<string, unknown> & { event: string };

export class PyClient {
  readonly events: PyEvent[] = [];
  private constructor(readonly child: ChildProcess, readonly stderr: { text: string }) {}

  static start(args: string[], env: Record<string, string> = {}): PyClient {
    const child = spawn('/usr/bin/python3', [path.join(ROOT, 'test/fixtures/commbase_client.py'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr = { text: '' };
    const c = new PyClient(child, stderr);
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.trim()) continue;
        try { c.events.push(JSON.parse(line) as PyEvent); } catch { stderr.text += `(stdout) ${line}\n`; }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (stderr.text += d.toString()));
    return c;
  }

  async waitFor(pred: (e: PyEvent) => boolean, timeoutMs = 15_000): Promise<PyEvent> {
    const start = Date.now();
    for (;;) {
      const found = this.events.find(pred);
      if (found) return found;
      if (Date.now() - start > timeoutMs) throw new Error(`python client: no matching event in ${JSON.stringify(this.events)}\nstderr: ${this.stderr.text.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async done(timeoutMs = 20_000): Promise<PyEvent[]> {
    if (this.child.exitCode === null) {
      await Promise.race([new Promise((r) => this.child.once('exit', r)), new Promise((r) => setTimeout(r, timeoutMs))]);
    }
    this.child.kill();
    return this.events;
  }

  kill(): void {
    this.child.kill();
  }
}
