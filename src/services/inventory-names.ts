// The inventory's host names for a Tab's completion, read without zod or conf (the start-up budget of a command):
// the settings file's JSON, its `hosts` keys that the host-name rule allows (LOCAL first, as hosts.ts lists
// them). A name the rule refuses (a hand-edited file) is never offered; a file that cannot be read gives none.
// Commands that use a host read the same file through settings.ts, which checks all of it.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { HOST_NAME_RE, LOCAL } from '../core/name-rules.js';
import { appConfigDir, SETTINGS_FILE } from '../core/paths.js';

const MAX_BYTES = 4 * 1024 * 1024;

export function inventoryHostNames(dir = appConfigDir()): string[] {
  let hosts: unknown;
  try {
    const file = path.join(dir, SETTINGS_FILE);
    const st = statSync(file);
    if (!st.isFile() || st.size > MAX_BYTES) return []; // never a FIFO or a device that reads forever
    hosts = (JSON.parse(readFileSync(file, 'utf8')) as { hosts?: unknown } | null)?.hosts;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? [LOCAL] : [];
  }
  const names = hosts && typeof hosts === 'object' && !Array.isArray(hosts) ? Object.keys(hosts).filter((n) => HOST_NAME_RE.test(n) && n !== LOCAL) : [];
  return [LOCAL, ...names];
}
