// The one command tree as plain data: each command's verbs, flags (whether each takes a value, its fixed
// choices) and positional arguments, walked from commander's registrations. scripts/bundle.js writes the whole
// tree to dist/bundle/command-tree.json at build time, so a Tab's completion (complete.ts) reads it without
// loading commander or any noun; from an unbundled build it is walked live, one noun at a time.
import { readFileSync } from 'node:fs';
import type { Command, CommandUnknownOpts } from '@commander-js/extra-typings';
import { NOUNS, nounEntry } from './nouns.js';

/** A flag: whether it takes a value, and whether that value names a file or directory (its placeholder says so). */
export interface TreeFlag { long: string; takesValue: boolean; takesPath?: true; choices?: string[] }
/** A command: its verbs, its flags, and whether a positional argument names a file or directory (`<file>`, `[dir]`). */
export interface TreeCommand { name: string; commands: TreeCommand[]; flags: TreeFlag[]; argTakesPath?: true }

/** `--tls-cert <file>`, `--data-dir <dir>`, `--file <path>`, `--from <dir-or-url>`: a value the shell may complete as a path. */
const PATH_PLACEHOLDER = /[<[](?:[a-z-]*-)?(?:file|dir|path)(?:-[a-z-]*)?[>\]]/;
/** The same for a positional argument, by its name. */
const PATH_NAME = /file|dir|path/i;

/** One command and everything under it, as data. */
export function treeOf(cmd: CommandUnknownOpts): TreeCommand {
  return {
    name: cmd.name(),
    commands: cmd.commands.map(treeOf),
    flags: cmd.options.filter((o) => o.long).map((o) => ({
      long: o.long!, takesValue: Boolean(o.required || o.optional),
      ...(PATH_PLACEHOLDER.test(o.flags) ? { takesPath: true as const } : {}),
      ...(o.argChoices ? { choices: [...o.argChoices] } : {}),
    })),
    ...(cmd.registeredArguments.some((a) => PATH_NAME.test(a.name())) ? { argTakesPath: true as const } : {}),
  };
}

/** Every noun, each registered into a parser of its own (as a command does) and walked. */
export async function wholeTree(): Promise<TreeCommand[]> {
  const { Command: Cmd } = await import('@commander-js/extra-typings');
  const out: TreeCommand[] = [];
  for (const noun of Object.keys(NOUNS)) {
    const program = new Cmd('commbase-admin');
    (await nounEntry(noun)!.load())(program as unknown as Command);
    const top = program.commands.find((c) => c.name() === noun);
    if (top) out.push(treeOf(top));
  }
  return out;
}

/** The file the build writes beside the bundle's chunks (absent in an unbundled build). */
export const TREE_FILE = 'command-tree.json';

/** A noun's tree: from the build's file when there is one, else walked from its registration. */
export async function nounTree(noun: string): Promise<TreeCommand | undefined> {
  const entry = nounEntry(noun);
  if (!entry) return undefined;
  let text: string | undefined;
  try { text = readFileSync(new URL(`./${TREE_FILE}`, import.meta.url), 'utf8'); } catch { /* unbundled: walk it */ }
  if (text !== undefined) return (JSON.parse(text) as TreeCommand[]).find((c) => c.name === noun);
  const { Command: Cmd } = await import('@commander-js/extra-typings');
  const program = new Cmd('commbase-admin');
  (await entry.load())(program as unknown as Command);
  const top = program.commands.find((c) => c.name() === noun);
  return top ? treeOf(top) : undefined;
}
