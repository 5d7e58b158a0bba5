// Debian's redis-server for a test: its own port on loopback and its own directory, in the foreground (so it
// is stopped by its pid whatever happens), durable as the relay asks (append-only file, fsync every write) or
// not, to test the refusal.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { freePort, listening } from './port.js';

export class RedisServer {
  private child?: ChildProcess;
  private log = '';

  private constructor(readonly port: number, readonly dir: string, private readonly fsync: 'always' | 'everysec', private readonly prefix: string[]) {}

  /** `prefix` runs it inside something (nsenter into a test namespace: its loopback, not this machine's). */
  static async start(dir: string, opts: { fsync?: 'always' | 'everysec'; prefix?: string[]; port?: number } = {}): Promise<RedisServer> {
    mkdirSync(dir, { recursive: true });
    const r = new RedisServer(opts.port ?? (await freePort()), dir, opts.fsync ?? 'always', opts.prefix ?? []);
    await r.run();
    return r;
  }

  get url(): string { return `redis://127.0.0.1:${this.port}/0`; }

  /** (Again) on the same port and directory: what the append-only file holds is read back. */
  async run(): Promise<void> {
    this.log = '';
    const [cmd, ...pre] = [...this.prefix, 'redis-server'];
    this.child = spawn(cmd!, [...pre, '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', this.fsync, '--save', '', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => { this.log = (this.log + d.toString()).slice(-4000); });
    this.child.stderr!.on('data', (d: Buffer) => { this.log = (this.log + d.toString()).slice(-4000); });
    // Its own word that it accepts connections (inside a namespace, this machine's loopback cannot tell).
    const end = Date.now() + 10_000;
    while (!/Ready to accept connections/.test(this.log)) {
      if (this.child.exitCode !== null || Date.now() > end) throw new Error(`redis-server did not start on ${this.port}:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    if (this.prefix.length === 0) await listening(this.port, '127.0.0.1', 10_000);
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
