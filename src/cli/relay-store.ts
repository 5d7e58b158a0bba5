// `commbase-admin relay store migrate --from DIR --to redis://… ` (and back): a relay's documents and clients
// moved between its own log and Redis (src/relay/store-migrate.ts).
import type { Command } from '@commander-js/extra-typings';
import { action } from './boundary.js';
import { withJson } from './common.js';
import { emit, paint } from './output.js';

export function registerRelayStore(relay: Command): void {
  const store = relay.command('store').description('the relay\'s store: its own log, or Redis shared by several relays');
  withJson(store.command('migrate'))
    .description('move a relay\'s documents and clients from its data directory into an empty Redis, or back; checked by count and content')
    .requiredOption('--from <dir-or-url>', 'a relay\'s data directory, or redis://HOST:PORT/DB')
    .requiredOption('--to <url-or-dir>', 'redis://HOST:PORT/DB (empty), or an empty directory')
    .option('--store-password-file <file>', 'Redis\'s password, in a file only you can read (or COMMBASE_RELAY_REDIS_PASSWORD)')
    .option('--dry-run', 'read the source and check the destination is empty; write nothing')
    .action(action(async (o) => {
      const [{ migrateStore }, { storePassword }] = await Promise.all([import('../relay/store-migrate.js'), import('../relay/shared.js')]);
      const password = await storePassword(o.storePasswordFile);
      const r = await migrateStore({ from: o.from, to: o.to, ...(password ? { password } : {}), dryRun: Boolean(o.dryRun) });
      emit(o, r, (x) => [
        x.dryRun ? `would move ${x.documents} document(s) and ${x.clients} client(s) from ${x.from} to ${x.to} (dry run: nothing written)` : paint.green(`moved ${x.documents} document(s) and ${x.clients} client(s) from ${x.from} to ${x.to}`),
        ...(x.dryRun ? [] : [`  checked: ${x.checked}`, `  start the relay on it: commbase-admin relay start … ${/^rediss?:/.test(x.to) ? `--store ${x.to}` : `--data-dir ${x.to}`}`]),
      ]);
    }));
}
