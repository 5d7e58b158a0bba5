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
  return import('../screens/open.js');
}
