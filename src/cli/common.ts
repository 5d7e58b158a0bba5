// Options every command shares: --json (one JSON document on stdout) and --host (a host from the inventory).
// Typed through @commander-js/extra-typings: each helper adds its options to the command's option type.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Every command speaks JSON on request. */
export function withJson<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd.addOption(new Option('--json', 'print one JSON document instead of text'));
}

/** A command that works on a host from the inventory (--json too). */
export function withHost<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>, what = 'host from the inventory') {
  return withJson(cmd)
    .option('--host <name>', what, 'local')
    .option('--trust-fingerprint <fp>', 'accept this host key on first contact');
}
