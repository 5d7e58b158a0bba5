// Options every command shares: --json (one JSON document on stdout) and --host (a host from the inventory).
import { Option, type Command } from 'commander';

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Every command speaks JSON on request. */
export function withJson(cmd: Command): Command {
  return cmd.addOption(new Option('--json', 'print one JSON document instead of text'));
}

/** A command that works on a host from the inventory (--json too). */
export function withHost(cmd: Command, what = 'host from the inventory'): Command {
  return withJson(cmd)
    .option('--host <name>', what, 'local')
    .option('--trust-fingerprint <fp>', 'accept this host key on first contact');
}
