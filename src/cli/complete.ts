// `commbase-admin __complete WORDS…`, what the completion scripts (completion.ts) ask on each Tab: the candidates
// for the last word from the one command tree (nouns, verbs, flags, their fixed choices and whether a value is a
// path: command-tree.ts, read from the file the build wrote) and from live values: the inventory's hosts after
// --host, the relay's client ids after `clients approve|deny|revoke|rotate`, forward ids after `forward
// extend|revoke --host H`. Nothing here asks a question or prints an error: what cannot be read (in 2.5 s)
// completes nothing.
import { nounTree, type TreeCommand } from './command-tree.js';
import { NOUNS } from './nouns.js';
import { inventoryHostNames } from '../services/inventory-names.js';

const LIVE_TIMEOUT_MS = 2500;

/** `__complete WORDS…`: the candidates for the last word (possibly empty) of a command line being typed. */
export async function complete(words: readonly string[]): Promise<{ candidates: string[]; files: boolean }> {
  const done = words.slice(0, -1);
  const current = words[words.length - 1] ?? '';
  const none = { candidates: [], files: false };
  const nouns = Object.keys(NOUNS);
  const nounAt = done.findIndex((w) => !w.startsWith('-'));
  if (nounAt < 0) return { candidates: [...nouns, '--help', '--version', '--read-only'].filter((c) => c.startsWith(current)), files: false };
  const noun = done[nounAt]!;
  const top = await nounTree(noun);
  if (!top) return none;
  // Down the tree as far as the words typed name commands (`relay store migrate`).
  const rest = done.slice(nounAt + 1);
  let cmd: TreeCommand = top;
  const names = [noun];
  let positional = false;
  for (const w of rest) {
    if (w.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name === w);
    if (!sub) { positional = true; break; }
    cmd = sub;
    names.push(w);
  }
  if (cmd.commands.length && !current.startsWith('-') && !positional) return { candidates: cmd.commands.map((c) => c.name).filter((c) => c.startsWith(current)), files: false };

  // The value of the flag just typed.
  const prev = done[done.length - 1];
  const flag = prev?.startsWith('--') ? cmd.flags.find((o) => o.long === prev) : undefined;
  if (flag && flag.takesValue) {
    if (flag.choices) return { candidates: flag.choices.filter((c) => c.startsWith(current)), files: false };
    if (flag.long === '--host' || flag.long === '--relay-host') return { candidates: (await liveHosts()).filter((c) => c.startsWith(current)), files: false };
    return { candidates: [], files: Boolean(flag.takesPath) };
  }
  if (current.startsWith('-')) return { candidates: flags(cmd).filter((c) => c.startsWith(current)), files: false };
  // A positional argument: live ids where there are some, else the flags.
  const path = names.join(' ');
  if (/^clients (approve|deny|revoke|rotate)$/.test(path)) return { candidates: (await liveClients(valueOf(rest, '--data-dir'))).filter((c) => c.startsWith(current)), files: false };
  if (/^forward (extend|revoke)$/.test(path)) {
    const host = valueOf(rest, '--host');
    return { candidates: host ? (await liveForwards(host)).filter((c) => c.startsWith(current)) : [], files: false };
  }
  return { candidates: [], files: Boolean(cmd.argTakesPath) };
}

const flags = (cmd: TreeCommand) => [...cmd.flags.map((o) => o.long), '--help'];
const valueOf = (words: readonly string[], flag: string) => { const i = words.indexOf(flag); return i >= 0 ? words[i + 1] : undefined; };

/** A read that takes too long (a host that does not answer) completes nothing. */
function bounded<T>(p: Promise<T[]>): Promise<T[]> {
  return Promise.race([p.catch(() => []), new Promise<T[]>((resolve) => setTimeout(() => resolve([]), LIVE_TIMEOUT_MS).unref())]);
}

async function liveHosts(): Promise<string[]> {
  return bounded(Promise.resolve().then(() => inventoryHostNames()));
}

async function liveClients(dataDir: string | undefined): Promise<string[]> {
  return bounded((async () => {
    const { withAdmin } = await import('../relay/admin-client.js');
    const { openRunner } = await import('../services/hosts.js');
    const s = await withAdmin({ ...(dataDir ? { dataDir } : {}), host: 'local' }, { connect: (h) => openRunner(h.name) }, (c) => c.status());
    return [...s.pending, ...s.clients].map((c) => c.id);
  })());
}

async function liveForwards(host: string): Promise<string[]> {
  return bounded((async () => {
    const { listForwards } = await import('../firewall/forward-service.js');
    const { openRunner } = await import('../services/hosts.js');
    // No questions: an unpinned key or an encrypted identity without its passphrase completes nothing.
    return (await listForwards(host, { connect: (h) => openRunner(h.name, {}) })).forwards.map((f) => f.id);
  })());
}

/** The answer's form: one candidate a line (a candidate holding a line break cannot be one word: dropped), then the directive. */
export function completionOutput(r: { candidates: string[]; files: boolean }): string {
  return [...r.candidates.filter((c) => !/[\r\n]/.test(c)), r.files ? ':file' : ':none'].join('\n') + '\n';
}

