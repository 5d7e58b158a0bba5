// The console with no command (`commbase-admin`, `commbase-admin --read-only`): bin/commbase-admin.js loads this
// instead of main.js, so opening the console does not first build every command's parser (commander and the
// command modules cost ~100 ms of a start-up budget of 250). Anything else goes through main.ts.
import { renderFailure } from './boundary.js';
import { loadConsole } from './interactive.js';

/** Open the console and exit when it closes: connections a screen left opening must not hold the process. */
export async function runConsole(readOnly: boolean): Promise<void> {
  const { openConsole } = await loadConsole();
  await openConsole({ readOnly });
  process.exit(process.exitCode ?? 0);
}

export async function main(argv: string[]): Promise<void> {
  try {
    await runConsole(argv.includes('--read-only'));
  } catch (err) {
    process.exitCode = renderFailure(err, false);
  }
}
