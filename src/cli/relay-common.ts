// What `relay` and `clients` share: the admin client (loaded only when a command needs it: ssh2 is behind it), the
// options that say where the relay runs, and how long ago something happened.
import type { Command } from '@commander-js/extra-typings';
import type * as AdminClientModule from '../relay/admin-client.js';
import { z } from 'zod';
import { parseInput } from '../core/validate.js';
import { ttl } from '../firewall/forwards.js';
import { withJson } from './common.js';

/** The admin client (and ssh2 behind it) loads only when a command needs it. */
export const withAdmin: typeof AdminClientModule.withAdmin = async (...args) => (await import('../relay/admin-client.js')).withAdmin(...args);
export const adminOpts = (cmd: Command) => withJson(cmd)
  .option('--data-dir <dir>', 'the relay\'s data directory (default: the console\'s)')
  .option('--host <name>', 'the relay runs on this host; reached through an SSH tunnel (default local)', 'local')
  .option('--trust-fingerprint <fp>', 'accept this host key on first contact');

export const ago = (iso: string) => { const s = Math.floor((Date.now() - new Date(iso).getTime()) / 1000); return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`; };
export const tokenTtl = (v: string | undefined) => (v === undefined ? undefined : parseInput(z.object({ ttl }), { ttl: v }).ttl);

