// The audit log: one JSON line per change commbase-admin made or tried to make (certificates written, ports
// opened or closed, forwards added, extended, revoked or reaped, commbase.conf saved or restored), from the
// command line and the console alike: when, who, on which host, what, how it ended, and the exact commands.
// $XDG_DATA_HOME/commbase-admin/audit.log, 0600, append-only (each record is one write with O_APPEND).
// Dry runs and refused input change nothing and are not recorded. Never a secret: no key, passphrase or token
// reaches a record (callers pass names, paths, rules and ids only).
import { appendFile, chmod, mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { notice } from '../core/notices.js';
import { z } from 'zod';
import { MODE_PRIVATE_DIR, MODE_SECRET } from '../core/files.js';
import { appDataDir } from '../core/paths.js';

export const auditRecord = z.object({
  at: z.string(),
  user: z.string(),
  action: z.string(),
  host: z.string().optional(),
  target: z.string(),
  outcome: z.string(),
  commands: z.array(z.array(z.string())).optional(),
});
export type AuditRecord = z.infer<typeof auditRecord>;
export type AuditEntry = Omit<AuditRecord, 'at' | 'user'>;

export function auditLogPath(): string {
  return path.join(appDataDir(), 'audit.log');
}

function who(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

/** Append one record. The change it describes has already happened: a log that cannot be written is reported
 * on stderr, never allowed to turn a done change into a failure. */
export async function record(entry: AuditEntry): Promise<void> {
  const line = JSON.stringify({ at: new Date().toISOString(), user: who(), ...entry }) + '\n';
  const file = auditLogPath();
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: MODE_PRIVATE_DIR });
    await appendFile(file, line, { mode: MODE_SECRET, flag: 'a' });
    await chmod(file, MODE_SECRET);
  } catch (err) {
    notice(`warning: could not write the audit log ${file}: ${(err as Error).message}`);
  }
}

/**
 * Run a change and record how it ended: the outcome the result reports (a dry run is not recorded), or
 * "failed: …" with the error's message. What is recorded about the request is given before it runs.
 */
export async function audited<T>(entry: Omit<AuditEntry, 'outcome' | 'commands'>, run: () => Promise<T>,
  describe: (result: T) => { outcome: string; dryRun?: boolean; commands?: string[][] }): Promise<T> {
  let result: T;
  try {
    result = await run();
  } catch (err) {
    await record({ ...entry, outcome: `failed: ${(err as Error).message}` });
    throw err;
  }
  const d = describe(result);
  if (!d.dryRun) await record({ ...entry, outcome: d.outcome, ...(d.commands?.length ? { commands: d.commands } : {}) });
  return result;
}

/** The last `limit` records, oldest first; a line that is not a record is skipped and counted. */
export async function readAudit(limit = 50): Promise<{ file: string; records: AuditRecord[]; unreadable: number }> {
  const file = auditLogPath();
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const records: AuditRecord[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(auditRecord.parse(JSON.parse(line)));
    } catch {
      unreadable++;
    }
  }
  return { file, records: records.slice(-limit), unreadable };
}
