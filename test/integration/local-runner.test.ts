import { describe, expect, it } from 'vitest';
import { LocalRunner } from '../../src/runners/local.js';
import { withSignal } from '../../src/runners/types.js';
import { ExternalError, UserError } from '../../src/core/errors.js';
import { missing, titled } from '../helpers/needs.js';

describe('local runner', () => {
  it('runs argv without a shell and reports failures with the command, exit code and stderr', async () => {
    const r = new LocalRunner();
    expect((await r.run(['printf', '%s', '$(id);`x`'])).stdout).toBe('$(id);`x`');
    const err = await r.run(['sh', '-c', 'echo boom >&2; exit 3']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect(err).toMatchObject({ exitCode: 3, stderr: 'boom\n', command: ['sh', '-c', 'echo boom >&2; exit 3'] });
    const missingCmd = await r.run(['cba-no-such-command']).catch((e: unknown) => e);
    expect((missingCmd as Error).message).toMatch(/cba-no-such-command is not installed here/);
  });

  it('stops a command when its signal aborts (a screen left with q/Esc), but never an uninterruptible one', async () => {
    const c = new AbortController();
    const r = withSignal(new LocalRunner(), c.signal);
    const started = Date.now();
    setTimeout(() => c.abort(), 100);
    await expect(r.run(['sleep', '5'])).rejects.toThrow(/cancelled: sleep was stopped/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await r.run(['sh', '-c', 'sleep 0.2; echo done'], { uninterruptible: true })).stdout).toBe('done\n');
  });

  const why = missing({ root: true, commands: ['sudo'] });
  it.skipIf(why)(titled('reports a sudo that wants a password as such, instead of hanging', why), async () => {
    // As the unprivileged user nobody, `sudo -n` has no rights and would have to ask for a password.
    const r = new LocalRunner({ sudo: true, prefix: ['sudo', '-n', '-u', 'nobody'] });
    const err = await r.run(['true'], { privileged: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/sudo on local \(sudo -n -u nobody\) wants a password/);
  });
});
