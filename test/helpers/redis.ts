// Debian's redis-server for a test: its own port on loopback and its own directory, in the foreground (so it
// is stopped by its pid whatever happens), durable as the relay asks (append-only file, fsync every write) or
// not, to test the refusal.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { freePort, listening } from './port.js';

export class RedisServer {
  private child?: ChildProcess;
  private log = '';

  private constructor(readonly port: number, readonly dir: string, private readonly fsync: 'always' | 'everysec') {}

  static async start(dir: string, opts: { fsync?: 'always' | 'everysec' } = {}): Promise<RedisServer> {
    mkdirSync(dir, { recursive: true });
    const r = new RedisServer(await freePort(), dir, opts.fsync ?? 'always');
    await r.run();
    return r;
  }

  get url(): string { return `redis://127.0.0.1:${this.port}/0`; }

  /** (Again) on the same port and directory: what the append-only file holds is read back. */
  async run(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', this.fsync, '--save', '', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => { this.log = (this.log + d.toString()).slice(-4000); });
    this.child.stderr!.on('data', (d: Buffer) => { this.log = (this.log + d.toString()).slice(-4000); });
    await listening(this.port, '127.0.0.1', 10_000).catch((err: Error) => { throw new Error(`${err.message}\n${this.log}`); });
  }

  /** Stop it (SIGTERM: Redis flushes and exits; SIGKILL: as a crash) and wait for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  }
}
