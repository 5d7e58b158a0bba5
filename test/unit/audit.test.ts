// The audit log: a record per change (not per dry run), failures recorded with their message, 0600, and a
// reader that skips what is not a record.
import { appendFile, readFile, stat } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { audited, auditLogPath, readAudit, record } from '../../src/services/audit.js';
import { withTempDir } from '../helpers/tmp.js';

let t: { dir: string; cleanup: () => Promise<void> };
const saved = process.env.XDG_DATA_HOME;
beforeEach(async () => { t = await withTempDir(); process.env.XDG_DATA_HOME = t.dir; });
afterEach(async () => { process.env.XDG_DATA_HOME = saved; await t.cleanup(); });

describe('audit log', () => {
  it('records changes and failures, not dry runs, in a 0600 file', async () => {
    await audited({ action: 'fw.open', host: 'r1', target: '5000/tcp' }, async () => ({ outcome: 'opened', commands: [['iptables', '-I', 'INPUT']] }), (r) => r);
    await audited({ action: 'fw.open', host: 'r1', target: '5001/tcp' }, async () => ({ outcome: 'would open', dryRun: true }), (r) => r);
    await expect(audited({ action: 'fw.close', host: 'r1', target: '22/tcp' }, async () => { throw new Error('REFUSED: lockout'); }, () => ({ outcome: 'closed' }))).rejects.toThrow('REFUSED');
    const { records } = await readAudit();
    expect(records.map((r) => [r.action, r.target, r.outcome])).toEqual([
      ['fw.open', '5000/tcp', 'opened'],
      ['fw.close', '22/tcp', 'failed: REFUSED: lockout'],
    ]);
    expect(records[0]!.commands).toEqual([['iptables', '-I', 'INPUT']]);
    expect(records[0]!.user).toBeTruthy();
    expect(new Date(records[0]!.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await stat(auditLogPath())).mode & 0o777).toBe(0o600);
  });

  it('keeps only the latest records asked for, and skips lines that are not records', async () => {
    for (let i = 0; i < 5; i++) await record({ action: 'config.set', target: `f${i}`, outcome: 'saved' });
    await appendFile(auditLogPath(), 'not json\n{"action":"x"}\n');
    const r = await readAudit(2);
    expect(r.records.map((x) => x.target)).toEqual(['f3', 'f4']);
    expect(r.unreadable).toBe(2);
    expect((await readFile(auditLogPath(), 'utf8')).split('\n').filter(Boolean)).toHaveLength(7);
  });

  it('has nothing to show before the first change', async () => {
    expect(await readAudit()).toMatchObject({ records: [], unreadable: 0 });
  });
});
