// Shell completion. `commbase-admin completion bash|zsh|fish` prints a small script; on each Tab it asks
// `commbase-admin __complete WORDS…` (a command too, with the same lazy start) for the candidates, one per line,
// then a last line that says whether the shell should complete file names instead (`:file`) or not (`:none`).
// Candidates come from the one command tree (nouns, verbs, flags and their fixed choices) and from live values:
// the inventory's hosts after --host, the relay's client ids after `clients approve|deny|revoke|rotate`, forward
// ids after `forward extend|revoke --host H`. Nothing here asks a question or prints an error: what cannot be read
// completes nothing. The scripts add each candidate as one word, quoted by the shell (never evaluated).
import type { Command, Option } from 'commander';
import { NOUNS, nounEntry } from './nouns.js';

const FILE_FLAGS = new Set(['--file', '--cert', '--key', '--ca', '--identity', '--dir', '--out-dir', '--ca-dir', '--app-dir', '--data-dir', '--webroot', '--tls-cert', '--tls-key', '--directory-ca', '--csr', '--passphrase-file']);
const LIVE_TIMEOUT_MS = 2500;

export function registerCompletion(program: Command): void {
  program.command('completion')
    .description(NOUNS.completion.description)
    .argument('<shell>', 'bash, zsh or fish')
    .action((shell: string) => {
      const script = SCRIPTS[shell];
      if (!script) {
        process.stderr.write(`ERROR: invalid shell "${shell}": must be bash, zsh or fish\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(script);
    });
}

/** `__complete WORDS…`: the candidates for the last word (possibly empty) of a command line being typed. */
export async function complete(words: readonly string[]): Promise<{ candidates: string[]; files: boolean }> {
  const done = words.slice(0, -1);
  const current = words[words.length - 1] ?? '';
  const none = { candidates: [], files: false };
  const nouns = Object.keys(NOUNS);
  const nounAt = done.findIndex((w) => !w.startsWith('-'));
  if (nounAt < 0) return { candidates: [...nouns, '--help', '--version', '--read-only'].filter((c) => c.startsWith(current)), files: false };
  const noun = done[nounAt]!;
  const entry = nounEntry(noun);
  if (!entry) return none;
  const { Command: Cmd } = await import('commander');
  const program = new Cmd('commbase-admin');
  (await entry.load())(program);
  let cmd = program.commands.find((c) => c.name() === noun);
  if (!cmd) return none;
  const rest = done.slice(nounAt + 1);
  const verbWord = rest.find((w) => !w.startsWith('-'));
  const verb = verbWord !== undefined ? cmd.commands.find((c) => c.name() === verbWord) : undefined;
  if (verb) cmd = verb;
  else if (cmd.commands.length && !current.startsWith('-')) return { candidates: cmd.commands.map((c) => c.name()).filter((c) => c.startsWith(current)), files: false };

  // The value of the flag just typed.
  const prev = done[done.length - 1];
  const flag = prev?.startsWith('--') ? cmd.options.find((o) => o.long === prev) : undefined;
  if (flag && flag.required) {
    if (flag.argChoices) return { candidates: flag.argChoices.filter((c) => c.startsWith(current)), files: false };
    if (flag.long === '--host' || flag.long === '--relay-host') return { candidates: (await liveHosts()).filter((c) => c.startsWith(current)), files: false };
    return { candidates: [], files: FILE_FLAGS.has(flag.long ?? '') };
  }
  if (current.startsWith('-')) return { candidates: flags(cmd).filter((c) => c.startsWith(current)), files: false };
  // A positional argument: live ids where there are some, else the flags.
  const path = [noun, verb?.name()].join(' ');
  if (/^clients (approve|deny|revoke|rotate)$/.test(path)) return { candidates: (await liveClients(valueOf(rest, '--data-dir'))).filter((c) => c.startsWith(current)), files: false };
  if (/^forward (extend|revoke)$/.test(path)) {
    const host = valueOf(rest, '--host');
    return { candidates: host ? (await liveForwards(host)).filter((c) => c.startsWith(current)) : [], files: false };
  }
  return { candidates: [], files: cmd.registeredArguments.some((a) => /file|dir|path/i.test(a.name())) };
}

const flags = (cmd: Command) => [...cmd.options.map((o: Option) => o.long).filter((l): l is string => Boolean(l)), '--help'];
const valueOf = (words: readonly string[], flag: string) => { const i = words.indexOf(flag); return i >= 0 ? words[i + 1] : undefined; };

/** A read that takes too long (a host that does not answer) completes nothing. */
function bounded<T>(p: Promise<T[]>): Promise<T[]> {
  return Promise.race([p.catch(() => []), new Promise<T[]>((resolve) => setTimeout(() => resolve([]), LIVE_TIMEOUT_MS).unref())]);
}

async function liveHosts(): Promise<string[]> {
  return bounded((async () => (await import('../services/hosts.js')).listHosts().map((h) => h.name))());
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

const BASH = `# commbase-admin completion for bash: source it, or put it in /etc/bash_completion.d/commbase-admin
_commbase_admin() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" line directive
  local -a out
  mapfile -t out < <(commbase-admin __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  directive="\${out[\${#out[@]}-1]}"
  unset 'out[\${#out[@]}-1]'
  COMPREPLY=()
  for line in "\${out[@]}"; do
    [[ "$line" == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$line")")
  done
  if [[ "$directive" == ":file" ]]; then
    mapfile -t -O "\${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
  fi
}
complete -o filenames -F _commbase_admin commbase-admin
`;

const ZSH = `#compdef commbase-admin
# commbase-admin completion for zsh: put it in a directory of $fpath as _commbase-admin, or source it
_commbase_admin() {
  local -a out
  out=("\${(@f)$(commbase-admin __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  local directive="\${out[-1]}"
  out=("\${(@)out[1,-2]}")
  compadd -Q -- "\${(@q)out}"
  [[ "$directive" == ":file" ]] && _files
}
compdef _commbase_admin commbase-admin
`;

const FISH = `# commbase-admin completion for fish: save as ~/.config/fish/completions/commbase-admin.fish
function __commbase_admin_complete
  set -l words (commandline -opc) (commandline -ct)
  set -l out (commbase-admin __complete $words[2..-1] 2>/dev/null)
  set -l directive $out[-1]
  set -e out[-1]
  for c in $out
    echo $c
  end
  if test "$directive" = ":file"
    __fish_complete_path (commandline -ct)
  end
end
complete -c commbase-admin -f -a '(__commbase_admin_complete)'
`;

const SCRIPTS: Record<string, string> = { bash: BASH, zsh: ZSH, fish: FISH };
