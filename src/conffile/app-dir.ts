// The app directory that commbase.conf's values are joined to, worked out from what is given (pure, nothing
// imported but path: `config get` on this machine loads it without the schemas).
import path from 'node:path';

/**
 * The app directory: --app-dir, else $COMMBASE_APP_DIR, else the conf file's grandparent when the file is
 * `<dir>/config/commbase.conf` (Commbase's layout). Undefined when none of these says.
 */
export function appDirFor(confPath: string, explicit?: string, env = process.env.COMMBASE_APP_DIR): string | undefined {
  if (explicit) return explicit.replace(/\/+$/, '') || '/';
  if (env) return env.replace(/\/+$/, '') || '/';
  const p = path.posix;
  return p.basename(confPath) === 'commbase.conf' && p.basename(p.dirname(confPath)) === 'config' ? p.dirname(p.dirname(confPath)) : undefined;
}
