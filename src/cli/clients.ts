// `commbase-admin clients …`: who may use the relay: pending requests, approvals, tokens, rotation, revocation.
import type { Command } from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import { z } from 'zod';
import { parseInput } from '../core/validate.js';
import { SCOPES, clientIdSchema } from '../relay/auth.js';
import { action } from './boundary.js';
import { connector } from './connect.js';
import { NOUN_HELP } from './noun-help.js';
import { emit, paint, table } from './output.js';
import { adminOpts, ago, tokenTtl, withAdmin } from './relay-common.js';

export function registerClients(program: Command): void {
  const clients = program.command('clients').description(NOUN_HELP.clients);

  adminOpts(clients.command('list')).description('every client: pending, approved, denied, revoked, and who is connected')
    .action(action(async (o) => {
      const s = await withAdmin({ dataDir: o.dataDir, host: o.host }, connector(o), (c) => c.status());
      emit(o, { clients: s.clients, connected: s.connected }, (x) => [
        ...table(x.clients.map((c) => [c.id, c.name, c.status === 'pending' ? 'PENDING' : c.status, c.scope, c.address ?? '', c.expiresAt ?? '', String(x.connected.filter((k) => k.clientId === c.id).length)]), ['ID', 'NAME', 'STATUS', 'SCOPE', 'FROM', 'TOKEN EXPIRES', 'SOCKETS']),
        ...x.connected.map((k) => paint.dim(`  connected: ${k.name} (${k.clientId}) from ${k.address} for ${ago(k.connectedAt)}, ${k.messages} message(s)`)),
      ]);
    }));

  type Verb = 'approve' | 'deny' | 'revoke' | 'rotate';
  type Answer = { client: { id: string; name: string }; dropped?: number; notified?: number; token?: string };
  const HELP: Record<Verb, string> = { approve: 'approve a pending client: it collects its token on its next request', deny: 'deny a pending client', revoke: 'revoke a client\'s token and drop its connections at once', rotate: 'give a client a new token (sent to its open connections); the old one stops working' };
  const DONE: Record<Verb, string> = { approve: 'approved', deny: 'denied', revoke: 'revoked', rotate: 'rotated the token of' };
  const verbCommand = (verb: Verb) => adminOpts(clients.command(verb)).argument('<id>', 'the client id, as `clients list` shows').description(HELP[verb]);
  const run = async (verb: Verb, id: string, o: { json?: true; dataDir?: string; host: string; trustFingerprint?: string; scope?: (typeof SCOPES)[number]; ttl?: string }) => {
    const cid = parseInput(z.object({ id: clientIdSchema }), { id }).id;
    const r = await withAdmin<Answer>({ dataDir: o.dataDir, host: o.host }, connector(o), (c) =>
      verb === 'approve' ? c.approve(cid, { ...(o.scope ? { scope: o.scope } : {}), ...(o.ttl ? { ttlS: tokenTtl(o.ttl) } : {}) }) : c[verb](cid));
    emit(o, r, (x) => [
      paint.green(`${DONE[verb]} ${x.client.name} (${x.client.id})`),
      ...(x.dropped !== undefined ? [`  connections dropped: ${x.dropped}`] : []),
      ...(x.notified !== undefined ? [`  open connections told the new token: ${x.notified}`] : []),
    ]);
  };
  verbCommand('approve')
    .addOption(new Option('--scope <scope>', 'what the token may do').choices([...SCOPES]))
    .option('--ttl <duration>', 'token lifetime: 90s, 30m, 2h, 1d (default 30 days)')
    .action(action(async (id, o) => run('approve', id, o)));
  for (const verb of ['deny', 'revoke', 'rotate'] as const) verbCommand(verb).action(action(async (id, o) => run(verb, id, o)));

  adminOpts(clients.command('issue'))
    .description('issue a token directly, and print the URLs to paste into an unmodified Commbase client')
    .requiredOption('--name <name>', 'who it is for')
    .addOption(new Option('--scope <scope>', 'upload (save/update), read (get + Socket.IO), or both').choices([...SCOPES]).makeOptionMandatory())
    .option('--ttl <duration>', 'lifetime: 90s, 30m, 2h, 1d (default 30 days)')
    .action(action(async (o) => {
      const r = await withAdmin({ dataDir: o.dataDir, host: o.host }, connector(o), (c) => c.issue(o.name, o.scope, tokenTtl(o.ttl)));
      const { commbaseLiterals } = await import('../relay/urls.js');
      const out = { ...r, commbase: commbaseLiterals(r.urls) };
      emit(o, out, (x) => [
        paint.green(`issued a ${x.scope} token for ${x.name} (${x.id}), valid until ${x.expiresAt}`),
        `  token: ${x.token}`,
        ...Object.entries(x.urls).map(([k, v]) => `  ${k.padEnd(13)} ${v}`),
        '',
        'Paste into Commbase\'s scripts (each literal under the name the script uses):',
        ...(x.scope !== 'upload' ? [
          `  listener (client_*.py):     api_url = '${x.commbase.listener.api_url}'`,
          `                              socketio_url = '${x.commbase.listener.socketio_url}'`,
        ] : []),
        ...(x.scope !== 'read' ? [
          `  uploader (uploader_*.py):   api_url = '${x.commbase.uploader.api_url}'`,
          `  updater (updater_*.py):     api_url = '${x.commbase.updater.api_url}'`,
        ] : []),
        paint.dim('The token is shown once; the relay keeps only its hash.'),
      ]);
    }));
}
