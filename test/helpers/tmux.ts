// Drive the real console in tmux, one key per send-keys (Ink reads a multi-key chunk as one input). No fixed sleeps
// for the console: it counts every key its handlers take in a file (COMMBASE_ADMIN_INPUT_LOG, src/core/input-log.ts),
// and each key waits for that count to move. A key the console did not take (sent in the moment a screen swaps
// its handlers) is sent again. Another program in the session (the blessed dashboard) counts nothing: start it with
// { counted: false } and its keys are sent with a short pause instead.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class TmuxSession {
  constructor(readonly name: string, readonly socket: string, private readonly log: string | undefined, private readonly logDir: string | undefined) {}

  static start(name: string, command: string[], env: Record<string, string>, size = { cols: 80, rows: 24 }, opts: { counted?: boolean } = {}): TmuxSession {
    const socket = `cba-test-${process.pid}-${name}`;
    const logDir = opts.counted === false ? undefined : mkdtempSync(path.join(os.tmpdir(), 'cba-keys-'));
    const log = logDir ? path.join(logDir, 'taken') : undefined;
    const envArgs = Object.entries({ ...env, ...(log ? { COMMBASE_ADMIN_INPUT_LOG: log } : {}) }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', String(size.cols), '-y', String(size.rows), ...envArgs, ...command]);
    return new TmuxSession(name, socket, log, logDir);
  }

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** The screen with its escape sequences (colours) kept. */
  captureEscapes(): string {
    return this.tmux(['capture-pane', '-e', '-p', '-t', this.name]);
  }

  capture(): string {
    return this.tmux(['capture-pane', '-p', '-t', this.name]);
  }

  /** How many keys the console's handlers have taken so far. */
  private taken(): number {
    try { return Number(readFileSync(this.log!, 'utf8')) || 0; } catch { return 0; }
  }

  /** Send, then wait until the console has taken it; sent again (at most twice) when it was not taken within 3 s. */
  private async sendCounted(args: string[], what: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = this.taken();
      this.tmux(args);
      for (const end = Date.now() + 3000; Date.now() < end;) {
        if (this.taken() > before) return;
        await pause(10);
      }
      if (!this.alive()) return;
    }
    throw new Error(`the console did not take ${what}; screen:\n${this.capture()}`);
  }

  async key(k: string): Promise<void> {
    if (this.log) return this.sendCounted(['send-keys', '-t', this.name, k], `the key ${k}`);
    await pause(50);
    this.tmux(['send-keys', '-t', this.name, k]);
    await pause(150);
  }

  async repeat(k: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) await this.key(k);
  }

  /** The whole text in one chunk, as a terminal pastes it (the shared text field takes it at once). */
  async paste(text: string): Promise<void> {
    if (this.log) return this.sendCounted(['send-keys', '-l', '-t', this.name, text], `the pasted ${JSON.stringify(text)}`);
    await pause(50);
    this.tmux(['send-keys', '-l', '-t', this.name, text]);
    await pause(150);
  }

  async type(text: string): Promise<void> {
    for (const ch of text) await this.key(ch === ' ' ? 'Space' : ch === ';' ? '\\;' : ch);
  }

  async waitFor(match: RegExp | string | ((screen: string) => boolean), timeoutMs = 15_000): Promise<string> {
    const start = Date.now();
    for (;;) {
      let screen = '';
      try { screen = this.capture(); } catch { screen = '(session gone)'; }
      if (typeof match === 'string' ? screen.includes(match) : typeof match === 'function' ? match(screen) : match.test(screen)) return screen;
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${typeof match === 'function' ? 'a condition' : String(match)}; screen:\n${screen}`);
      await pause(100);
    }
  }

  /**
   * Open a screen from Home by its key and wait for it. A key sent while the console is still wiring its input (a
   * busy machine) can be lost: if Home is still what is shown after a few seconds, the key is sent again.
   */
  async openFromHome(key: string, match: RegExp | string | ((screen: string) => boolean), timeoutMs = 15_000): Promise<string> {
    const start = Date.now();
    for (let attempt = 0; ; attempt++) {
      await this.key(key);
      try {
        return await this.waitFor(match, attempt < 2 ? 4000 : Math.max(1000, timeoutMs - (Date.now() - start)));
      } catch (err) {
        if (attempt >= 2 || !this.capture().includes('commbase-admin · Home')) throw err;
      }
    }
  }

  alive(): boolean {
    try { this.tmux(['has-session', '-t', this.name]); return true; } catch { return false; }
  }

  kill(): void {
    try { this.tmux(['kill-server']); } catch { /* already gone */ }
    if (this.logDir) rmSync(this.logDir, { recursive: true, force: true });
  }
}
