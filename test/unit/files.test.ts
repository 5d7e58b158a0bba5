// writeFileAtomic: the final mode from the start, a backup of what it replaces, and no write at all when the
// file already holds the same bytes with the same mode.
import { readFile, readdir, stat, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/core/files.js';
import { withTempDir } from '../helpers/tmp.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

describe('writeFileAtomic', () => {
  it('writes with the mode asked for, backs up what it replaces, and leaves no temp file', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const f = path.join(t.dir, 'key.pem');
    expect(await writeFileAtomic(f, 'one', { mode: 0o600, backup: 'sibling' })).toEqual({});
    expect((await stat(f)).mode & 0o777).toBe(0o600);
    const r = await writeFileAtomic(f, 'two', { mode: 0o600, backup: 'sibling' });
    expect(r.backup).toBe(`${f}.bak`);
    expect(await readFile(`${f}.bak`, 'utf8')).toBe('one');
    expect(await readFile(f, 'utf8')).toBe('two');
    expect((await readdir(t.dir)).sort()).toEqual(['key.pem', 'key.pem.bak']);
  });

  it('does not rewrite, nor back up, a file that already holds the same bytes and mode', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const f = path.join(t.dir, 'ca.pem');
    await writeFile(f, 'same');
    await chmod(f, 0o644);
    const before = (await stat(f)).mtimeMs;
    expect(await writeFileAtomic(f, 'same', { mode: 0o644, backup: 'timestamped' })).toEqual({});
    expect((await stat(f)).mtimeMs).toBe(before);
    expect(await readdir(t.dir)).toEqual(['ca.pem']);
    // The same bytes with another mode is a change: the mode is fixed, and the old file kept.
    const r = await writeFileAtomic(f, 'same', { mode: 0o600, backup: 'timestamped' });
    expect(r.backup).toMatch(/ca\.pem\..*\.bak$/);
    expect((await stat(f)).mode & 0o777).toBe(0o600);
  });
});

describe('Tab completion over another host\'s listing', () => {
  const tree: Record<string, Array<{ name: string; dir: boolean }>> = {
    '/srv': [{ name: 'commbase', dir: true }, { name: 'common.txt', dir: false }, { name: '.hidden', dir: true }],
    '/srv/commbase': [{ name: 'config', dir: true }],
    '/home/op': [{ name: 'commbase', dir: true }],
  };
  const list = async (d: string) => tree[d.replace(/(.)\/$/, '$1')];
  it('completes the one match (a directory gets its /), the shared prefix of several, and ~ from the host\'s home', async () => {
    const { completePathWith } = await import('../../src/core/files.js');
    expect(await completePathWith('/srv/commb', list, undefined)).toBe('/srv/commbase/');
    expect(await completePathWith('/srv/com', list, undefined)).toBe('/srv/comm');
    expect(await completePathWith('/srv/commbase/', list, undefined)).toBe('/srv/commbase/config/');
    expect(await completePathWith('/srv/.h', list, undefined)).toBe('/srv/.hidden/');
    expect(await completePathWith('~/comm', list, '/home/op')).toBe('/home/op/commbase/');
    // Nothing to go on: left as typed.
    expect(await completePathWith('~/comm', list, undefined)).toBe('~/comm');
    expect(await completePathWith('relative', list, undefined)).toBe('relative');
    expect(await completePathWith('/nowhere/x', list, undefined)).toBe('/nowhere/x');
  });
});
