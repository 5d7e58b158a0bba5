// Where Commbase lives on a host: its login shell's $COMMBASE_APP_DIR, else ~/commbase, each only when it holds
// config/commbase.conf; what the host prints is parsed, never trusted (control characters, relative paths, noise).
import { describe, expect, it } from 'vitest';
import { appDirCandidates, findAppDir } from '../../src/conffile/find-app.js';
import { FakeRunner } from '../helpers/fake-runner.js';

const MARK = '@@commbase-admin@@';
const host = (stdout: string, files: string[] = []) => {
  const r = new FakeRunner((argv) => (argv[0] === 'sh' ? { stdout } : undefined));
  for (const f of files) r.files.set(f, 'X="1"\n');
  return r;
};

describe('Commbase\'s directory on a host', () => {
  it('takes $COMMBASE_APP_DIR from the login shell, past whatever the profile printed, and falls back to ~/commbase', async () => {
    const r = host(`Welcome!\n${MARK} /opt/commbase/\n${MARK} /home/op\n`, ['/home/op/commbase/config/commbase.conf']);
    expect(await appDirCandidates(r, false)).toEqual(['/opt/commbase', '/home/op/commbase']);
    expect(await findAppDir(r, false)).toBe('/home/op/commbase');
    expect(r.commands()[0]).toEqual(`sh -lc printf '\\n${MARK} %s\\n${MARK} %s\\n' "$COMMBASE_APP_DIR" "$HOME"`);
  });

  it.each([
    ['a relative path', 'commbase'],
    ['a control character', '/opt/com\u001b[2Jbase'],
    ['a line separator', '/opt/a\u2028b'],
  ])('ignores %s', async (_what, value) => {
    const r = host(`${MARK} ${value}\n${MARK} /root\n`, [`${value}/config/commbase.conf`, '/root/commbase/config/commbase.conf']);
    expect(await appDirCandidates(r, false)).toEqual(['/root/commbase']);
    expect(await findAppDir(r, false)).toBe('/root/commbase');
  });

  it('finds nothing where nothing holds commbase.conf, or when the shell fails', async () => {
    expect(await findAppDir(host(`${MARK} /opt/x\n${MARK} /root\n`), false)).toBeUndefined();
    const failing = new FakeRunner(() => ({ exitCode: 127, stderr: 'sh: not found' }));
    expect(await findAppDir(failing, false)).toBeUndefined();
  });
});
