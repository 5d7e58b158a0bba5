// The one crontab writer: the user's crontab kept byte for byte, our line replaced not repeated, nothing written
// when the crontab could not be read, and no value that could end the line reaching it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renewalLine } from '../../src/certs/renew-timer.js';
import { checkCronValue, crontabWithLine, installCronLine } from '../../src/services/crontab.js';
import { FakeRunner } from '../helpers/fake-runner.js';

const MARK = '# commbase-admin-test';
const LINE = `* * * * * /usr/local/sbin/x ${MARK}`;

describe('crontabWithLine', () => {
  it('keeps blank lines, comments, environment lines, % and the missing last newline; replaces only our line', () => {
    const user = 'MAILTO=ops\n\n# nightly\n0 1 * * * tar czf /b/$(date +\\%F).tgz /etc\n\n\n';
    expect(crontabWithLine(user, MARK, LINE)).toBe(`${user}${LINE}\n`);
    expect(crontabWithLine(`${user}${LINE}\n`, MARK, LINE)).toBe(`${user}${LINE}\n`);
    const older = `* * * * * /old ${MARK}`;
    expect(crontabWithLine(`a\n${older}\nb\n`, MARK, LINE)).toBe(`a\nb\n${LINE}\n`);
    expect(crontabWithLine('no newline at the end', MARK, LINE)).toBe(`no newline at the end\n${LINE}\n`);
    expect(crontabWithLine('', MARK, LINE)).toBe(`${LINE}\n`);
    // Removing our line leaves the rest exactly as it was.
    expect(crontabWithLine(`x\n\n${LINE}\n`, MARK, undefined)).toBe('x\n\n');
    expect(crontabWithLine('x', MARK, undefined)).toBe('x');
    // A line that only mentions the mark in the middle is the user's, not ours.
    expect(crontabWithLine(`0 * * * * echo '${MARK}' >> /log\n`, MARK, LINE)).toBe(`0 * * * * echo '${MARK}' >> /log\n${LINE}\n`);
  });

  it('keeps any user crontab byte for byte (fast-check)', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(''), fc.string().map((s) => s.replace(/\n/g, ' ')))), fc.boolean(), (lines, nl) => {
      const user = lines.filter((l) => !l.endsWith(MARK)).join('\n') + (nl && lines.length ? '\n' : '');
      const out = crontabWithLine(user, MARK, LINE);
      expect(out.endsWith(`${LINE}\n`)).toBe(true);
      const before = out.slice(0, out.length - LINE.length - 1);
      expect(before === user || before === `${user}\n`).toBe(true);
    }));
  });
});

describe('readCrontab / installCronLine', () => {
  it('starts from nothing when the user has no crontab', async () => {
    const r = new FakeRunner((argv) => (argv[1] === '-l' ? { exitCode: 1, stderr: 'no crontab for root\n' } : {}));
    const c = await installCronLine(r, MARK, LINE, false);
    expect(c.already).toBe(false);
    expect(r.calls.at(-1)).toEqual({ argv: ['crontab', '-'], input: `${LINE}\n` });
  });

  it('writes nothing when the crontab could not be read for any other reason', async () => {
    for (const stderr of ["'crontabs' is not a directory, bailing out.\n", 'crontab: must be privileged to use -u\n', '']) {
      const r = new FakeRunner((argv) => (argv[1] === '-l' ? { exitCode: 1, stderr } : {}));
      await expect(installCronLine(r, MARK, LINE, false)).rejects.toThrow(/failed to read the crontab .*nothing was written/);
      expect(r.commands()).toEqual(['crontab -l']);
    }
  });

  it('does not write a crontab that already holds the line', async () => {
    const r = new FakeRunner((argv) => (argv[1] === '-l' ? { stdout: `# mine\n${LINE}\n` } : {}));
    expect((await installCronLine(r, MARK, LINE, false)).already).toBe(true);
    expect(r.commands()).toEqual(['crontab -l']);
  });
});

describe('values that reach a crontab line', () => {
  it('refuses anything that could end the line: newline, CR, other controls, U+2028/2029, NUL', () => {
    for (const bad of ['a\nb', 'a\rb', 'a\u0000b', 'a\u000bb', 'a\u0085b', 'a\u2028b', 'a\u2029b', '\u001b[2J']) {
      expect(() => checkCronValue(bad, 'on-renew'), JSON.stringify(bad)).toThrow(/invalid on-renew .*crontab line cannot hold/);
    }
    expect(checkCronValue('100% ok; $(id) `x` \'q\'', 'on-renew')).toBe('100% ok; $(id) `x` \'q\'');
  });

  it('refuses a host or hook argument that would add a line of its own, naming the field', () => {
    const self = ['/usr/bin/node', '/opt/cba/bin/commbase-admin.js'];
    expect(() => renewalLine(self, { dir: '/etc/acme', host: 'web\n* * * * * curl x | sh' })).toThrow(/invalid host/);
    expect(() => renewalLine(self, { dir: '/etc/acme', 'on-renew': ['systemctl', 'reload\n* * * * * id | sh'] })).toThrow(/invalid on-renew/);
    expect(() => renewalLine(self, { dir: '/etc/ac\nme' })).toThrow(/invalid dir/);
    expect(() => renewalLine(['/usr/bin/node', '/tmp/x\ny'], { dir: '/etc/acme' })).toThrow(/commbase-admin runs from/);
    const ok = renewalLine(self, { dir: '/etc/acme', host: 'web', before: '20d', 'on-renew': ['/bin/sh', '-c', 'echo 100% done'] });
    expect(ok.line).toMatch(/^\d{1,2} 3 \* \* \* \/usr\/bin\/node \/opt\/cba\/bin\/commbase-admin\.js cert renew --dir \/etc\/acme --host web --before 20d --on-renew \/bin\/sh -c 'echo 100\\% done' >\/dev\/null 2>&1 # commbase-admin-renew \/etc\/acme$/);
  });
});
