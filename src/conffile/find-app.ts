// Where Commbase lives on a host, so a form can offer it: the host's own $COMMBASE_APP_DIR as its login shell sets
// it (Commbase's install puts it in the profile), else ~/commbase; either only when it holds config/commbase.conf.
import type { Runner } from '../runners/types.js';

const MARK = '@@commbase-admin@@';
// Fixed text: nothing of the host's or the operator's reaches this shell line; its output is parsed below.
const SCRIPT = `printf '\\n${MARK} %s\\n${MARK} %s\\n' "$COMMBASE_APP_DIR" "$HOME"`;

const usable = (v: string | undefined): v is string => Boolean(v && v.startsWith('/') && v.length < 4096 && !/[\p{Cc}\u2028\u2029]/u.test(v));

/** $COMMBASE_APP_DIR and $HOME as the host's login shell sets them (only the marked lines of whatever it prints). */
async function loginShell(runner: Runner): Promise<{ appDir?: string; home?: string }> {
  const r = await runner.run(['sh', '-lc', SCRIPT], { allowFailure: true, timeoutMs: 10_000 }).catch(() => undefined);
  const [appDir, home] = (r?.stdout ?? '').split('\n').filter((l) => l.startsWith(`${MARK} `)).map((l) => l.slice(MARK.length + 1));
  return { ...(appDir ? { appDir } : {}), ...(home ? { home } : {}) };
}

const trimmed = (dir: string) => dir.replace(/(.)\/+$/, '$1');

/** The candidates in order: the login shell's $COMMBASE_APP_DIR (this process's own, for this machine), then ~/commbase. */
export async function appDirCandidates(runner: Runner, local: boolean): Promise<string[]> {
  const found = await loginShell(runner);
  const envDir = local ? process.env.COMMBASE_APP_DIR || found.appDir : found.appDir;
  const home = found.home || (local ? process.env.HOME : undefined);
  const out: string[] = [];
  if (usable(envDir)) out.push(trimmed(envDir));
  if (usable(home)) out.push(`${home.replace(/\/+$/, '')}/commbase`);
  return out;
}

/** The host's own $COMMBASE_APP_DIR as its login shell sets it, if it is an absolute path. */
export async function hostAppDirEnv(runner: Runner): Promise<string | undefined> {
  const { appDir } = await loginShell(runner);
  return usable(appDir) ? trimmed(appDir) : undefined;
}

/** The first candidate that holds config/commbase.conf, or undefined. */
export async function findAppDir(runner: Runner, local: boolean): Promise<string | undefined> {
  for (const dir of await appDirCandidates(runner, local)) {
    const st = await runner.stat(`${dir}/config/commbase.conf`).catch(() => undefined);
    if (st) return dir;
  }
  return undefined;
}
