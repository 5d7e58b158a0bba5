// Shell completion scripts. `commbase-admin completion bash|zsh|fish` prints a small script; on each Tab it asks
// `commbase-admin __complete WORDS…` (complete.ts; a command too, with the same lazy start) for the candidates, one per line,
// then a last line that says whether the shell should complete file names instead (`:file`) or not (`:none`).
// Candidates come from the one command tree (nouns, verbs, flags and their fixed choices) and from live values:
// the inventory's hosts after --host, the relay's client ids after `clients approve|deny|revoke|rotate`, forward
// ids after `forward extend|revoke --host H`. Nothing here asks a question or prints an error: what cannot be read
// completes nothing. The scripts add each candidate as one word, quoted by the shell (never evaluated).
import type { Command } from '@commander-js/extra-typings';
import { NOUN_HELP } from './noun-help.js';

export function registerCompletion(program: Command): void {
  program.command('completion')
    .description(NOUN_HELP.completion)
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
