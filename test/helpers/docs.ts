// The ```sh blocks of an operator guide, for the tests that run the docs as written (test/e2e/docs-*.test.ts).
import { createHash } from 'node:crypto';

export interface Block {
  heading: string;
  text: string;
  /** `# on NAME` as the block's first line: it runs on that host; otherwise on the operator's machine. */
  on?: string;
}

/** The ```sh blocks of a Markdown file, in order, with the section each is in. */
export function shellBlocks(md: string): Block[] {
  const out: Block[] = [];
  let heading = '';
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('## ')) heading = l.slice(3);
    if (l.trim() !== '```sh') continue;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
    const on = /^# on ([a-z0-9-]+)\b/.exec(body[0]?.trim() ?? '')?.[1];
    out.push({ heading, text: body.join('\n'), ...(on ? { on } : {}) });
  }
  return out;
}

/** A block's pin: change the block and its checks together, then this. */
export const blockHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** A block's commands, one per line once continuations are joined; comment lines dropped (the rest is the shell's). */
export const blockCommands = (text: string) => text.replace(/\\\n\s*/g, '').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));

/** Each block's pin, and (for the failure message) each block with its section, to compare with a test's PINNED list. */
export function pins(blocks: readonly Block[]): { hashes: string[]; shown: string } {
  return { hashes: blocks.map((b) => blockHash(b.text)), shown: blocks.map((b, i) => `${i}: ${b.heading}\n${b.text}`).join('\n\n') };
}
