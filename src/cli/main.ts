// Entry point after bin/commbase-admin.js. Non-interactive commands never load Ink or React, and each loads only
// the noun it names (src/cli/nouns.ts): `fw open` does not load the relay or the certificates. --version loads
// nothing but the table of nouns; a Tab's completion (complete.ts) reads the command tree written at
// build time, without commander; every other command loads the parser (program.ts).
import { createRequire } from 'node:module';
import { nounEntry, nounOf } from './nouns.js';

// The bundle has the version written in by scripts/bundle.js (no package.json to read at each start); tsc's
// unbundled output reads it.
declare const COMMBASE_ADMIN_VERSION: string | undefined;
const version = typeof COMMBASE_ADMIN_VERSION === 'string' ? COMMBASE_ADMIN_VERSION : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export async function main(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${version}\n`);
    return;
  }
  if (args[0] === '__complete') {
    // A Tab in the operator's shell: candidates or nothing, never an error in their prompt.
    const { complete, completionOutput } = await import('./complete.js');
    process.stdout.write(completionOutput(await complete(args.slice(1)).catch(() => ({ candidates: [], files: false }))));
    return;
  }
  // The parser and the noun's own code load side by side (one wait for files, not two in turn); a noun that fails
  // to load is reported by the parser's error boundary like any other failure.
  const noun = nounEntry(nounOf(args))?.load();
  noun?.catch(() => undefined);
  await (await import('./program.js')).runCommand(argv, version, noun);
}
