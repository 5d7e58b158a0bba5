// Writing a file only root may write (the relay's unit, binaries, settings and key under /opt and /etc): directly
// when the login is root, else staged in the login's home (0600) and put in place with root rights through
// `sudo -n`: copied beside the target with its mode and owner, then renamed over it (atomic), the staged copy
// removed whatever happens.
import { randomBytes } from 'node:crypto';
import type { Runner } from './types.js';

export async function writeRootFile(runner: Runner, file: string, data: string | Uint8Array, mode: number, owner: { uid: number; gid: number } | undefined, viaSudo: boolean): Promise<void> {
  if (!viaSudo) return runner.writeFile(file, data, mode, owner);
  const stage = `.commbase-admin-stage-${randomBytes(6).toString('hex')}`;
  await runner.writeFile(stage, data, 0o600);
  const staged = await runner.realpath(stage);
  try {
    const own = owner ? ['-o', String(owner.uid), '-g', String(owner.gid)] : ['-o', '0', '-g', '0'];
    // Paths as arguments, never inside the script: `$1` the staged copy (relative to the login's home), `$2` the target.
    await runner.run(['sh', '-c', `t="$2.$3.tmp" && install -m ${mode.toString(8).padStart(4, '0')} ${own.join(' ')} -- "$1" "$t" && mv -f -- "$t" "$2"`, 'sh', staged, file, randomBytes(4).toString('hex')], { privileged: true, timeoutMs: 60_000 });
  } finally {
    await runner.run(['rm', '-f', '--', staged], { allowFailure: true, timeoutMs: 10_000 }).catch(() => undefined);
  }
}
