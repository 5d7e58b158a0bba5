// Loads the interactive console for `commbase-admin`, `monitor` and `dashboard` (Ink and React load only here).
import type * as OpenModule from '../screens/open.js';

// Ink draws nothing but the last frame when it believes it runs in CI (it reads $CI once, at import).
// The console refuses to run without a terminal anyway, so a person at a terminal gets the live UI even when
// the environment says CI (as in CI's own tmux tests).
type ConsoleModule = typeof OpenModule;

export async function loadConsole(): Promise<ConsoleModule> {
  if (process.stdout.isTTY && process.stdin.isTTY) {
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
  }
  // NO_COLOR (https://no-color.org): our theme drops its colours, and chalk (under Ink and @inkjs/ui's own
  // widgets) reads FORCE_COLOR=0, as it does not read NO_COLOR itself.
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0';
  return import('../screens/open.js');
}
