import { Option, type Command } from 'commander';

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Every command speaks JSON on request. */
export function withJson(cmd: Command): Command {
  return cmd.addOption(new Option('--json', 'print one JSON document instead of text'));
}
