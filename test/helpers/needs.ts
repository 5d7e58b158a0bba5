// Tests that need root or a Debian package say so. Outside CI they skip with the reason in their name;
// in CI (CI=true, packages installed by .ci/run) a missing requirement is a failure, never a skip.
import { execFileSync } from 'node:child_process';

const cache = new Map<string, boolean>();

function hasCommand(cmd: string): boolean {
  if (!cache.has(cmd)) {
    let ok = false;
    try {
      execFileSync('sh', ['-c', `command -v "$1"`, 'sh', cmd], { stdio: 'ignore' });
      ok = true;
    } catch {
      ok = false;
    }
    cache.set(cmd, ok);
  }
  return cache.get(cmd)!;
}

function hasPython(module: string): boolean {
  const key = `py:${module}`;
  if (!cache.has(key)) {
    let ok = false;
    try {
      execFileSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' });
      ok = true;
    } catch {
      ok = false;
    }
    cache.set(key, ok);
  }
  return cache.get(key)!;
}

export interface Requirements {
  commands?: string[];
  python?: string[];
  root?: boolean;
}

/** undefined when everything is there; otherwise why not (and in CI, throws). */
export function missing(req: Requirements): string | undefined {
  const why: string[] = [];
  if (req.root && process.getuid?.() !== 0) why.push('needs root');
  for (const c of req.commands ?? []) if (!hasCommand(c)) why.push(`needs the command ${c} (Debian package; .ci/run installs it)`);
  for (const m of req.python ?? []) if (!hasPython(m)) why.push(`needs /usr/bin/python3 with ${m} (python3-${m}; .ci/run installs it)`);
  if (why.length === 0) return undefined;
  const reason = why.join('; ');
  if (process.env.CI) throw new Error(`CI must not skip: ${reason}`);
  return reason;
}

/** A describe() title that carries the skip reason, so the skip is visible in the report. */
export function titled(title: string, reason: string | undefined): string {
  return reason ? `${title} [SKIPPED: ${reason}]` : title;
}
