// Drive the real console in tmux: one key per send-keys with a pause (Ink reads a multi-key chunk as one input).
import { execFileSync } from 'node:child_process';

export class TmuxSession {
  constructor(readonly name: string, readonly socket: string) {}

  static start(name: string, command: string[], env: Record<string, string>, size = { cols: 80, rows: 24 }): TmuxSession {
    const socket = `cba-test-${process.pid}-${name}`;
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', String(size.cols), '-y', String(size.rows), ...envArgs, ...command]);
    return new TmuxSession(name, socket);
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

  async key(k: string): Promise<void> {
    await new Promise((r) => setTimeout(r, 50)); // a screen just drawn subscribes to keys right after
    this.tmux(['send-keys', '-t', this.name, k]);
    await new Promise((r) => setTimeout(r, 150));
  }

  /** Editing keys (BSpace) are safe to send faster: each arrives as its own event at 25 ms. */
  async repeat(k: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      this.tmux(['send-keys', '-t', this.name, k]);
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  /** The whole text in one chunk, as a terminal pastes it (the shared text field takes it at once). */
  async paste(text: string): Promise<void> {
    await new Promise((r) => setTimeout(r, 50));
    this.tmux(['send-keys', '-l', '-t', this.name, text]);
    await new Promise((r) => setTimeout(r, 150));
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
      await new Promise((r) => setTimeout(r, 100));
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
  }
}
