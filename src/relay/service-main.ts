// The relay as a system service (`relay deploy`, src/relay/deploy.ts): the one file systemd runs,
// `node relay.mjs --settings /etc/commbase-admin/relay.json`. The settings are the options of `relay start`, checked
// by the same schema (options.ts); the log goes to standard output and error, which journald keeps. Built into one
// self-contained file by scripts/bundle.js (dist/relay/commbase-relay.mjs), so a host needs only Node.
import { readFileSync, statSync } from 'node:fs';
import { UserError, classify, formatErrorLines } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import { relayInput } from './options.js';
import { keepServingOnErrors, serveRelay } from './serve.js';

const MAX_SETTINGS = 64 * 1024;

function readSettings(argv: string[]): unknown {
  const at = argv.indexOf('--settings');
  const file = at >= 0 ? argv[at + 1] : undefined;
  if (!file || !file.startsWith('/')) throw new UserError('invalid settings: give --settings /etc/commbase-admin/relay.json (an absolute path)', [], 'settings');
  try {
    const st = statSync(file);
    if (!st.isFile() || st.size > MAX_SETTINGS) throw new UserError(`invalid settings ${file}: not a regular file of at most ${MAX_SETTINGS} bytes`, [], 'settings');
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    // A missing or broken settings file is the operator's to fix (redeploy), not a bug of the relay.
    if (err instanceof UserError) throw err;
    throw new UserError(`failed to read the settings ${file}: ${(err as Error).message}`, ['deploy again: commbase-admin relay deploy --host …'], 'settings');
  }
}

export async function main(argv: string[]): Promise<void> {
  let relay;
  try {
    relay = await serveRelay(parseInput(relayInput, readSettings(argv), 'relay settings'));
  } catch (err) {
    // systemd restarts a failed start after RestartSec; the journal says why.
    process.stderr.write(`${formatErrorLines(classify(err)).join('\n')}\n`);
    process.exit(78); // EX_CONFIG: RestartPreventExitStatus in the unit, so a bad setting is not retried forever
  }
  keepServingOnErrors(relay);
  process.stdout.write(`relay "${relay.auth.name}" listening on ${relay.scheme}://${relay.opts.bind}:${relay.port}${relay.tls ? ` (TLS, certificate SHA256 ${relay.tls.fingerprint})` : ''}; data ${relay.opts['data-dir']}\n`);
  const stop = () => { process.stdout.write('stopping the relay\n'); setTimeout(() => process.exit(0), 1500).unref(); relay.close().then(() => process.exit(0), () => process.exit(0)); };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main(process.argv);
