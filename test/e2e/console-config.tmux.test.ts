// The Configuration screen in tmux: Tab moves to a host in the inventory, whose commbase.conf is read and
// written over SFTP through sshd in a test namespace (the session log proves the path taken); the edit is
// checked as typed, shown as a diff, written with a .bak, and the file keeps its mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BIN, runCli } from '../helpers/cli.js';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { TmuxSession } from '../helpers/tmux.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ root: true, commands: ['tmux', 'ip', 'sshd'] });

describe.skipIf(why)(titled('console under tmux: commbase.conf on a remote host', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let lab: TestHost;
  let session: TmuxSession | undefined;
  beforeAll(async () => { tmp = await withTempDir(); lab = await TestHost.create(); }, 30_000);
  afterAll(async () => { session?.kill(); await lab?.destroy(); await tmp?.cleanup(); });

  it('switches to the host with Tab, edits the port over SFTP with a diff, and keeps a backup', async () => {
    const env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), NO_COLOR: '1' };
    const file = path.join(tmp.dir, 'app', 'config', 'commbase.conf');
    await mkdir(path.dirname(file), { recursive: true });
    const seed = '# Commbase data exchange\nCOMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="0.0.0.0"\nCOMMBASE_DATA_EXCHANGE_SERVER_PORT="5000"\n';
    await writeFile(file, seed);
    await chmod(file, 0o640);
    expect((await runCli(lab.addArgs('lab', 'iptables'), { env })).code).toBe(0);
    expect((await runCli(['config', 'default-file', file], { env })).code).toBe(0);

    session = TmuxSession.start('cfg', [process.execPath, BIN], env, { cols: 100, rows: 30 });
    await session.waitFor('Certificates');
    await session.openFromHome('5', `local:${file}`); // Configuration
    expect(lab.logins()).toBe(0);
    await session.key('Tab');
    await session.waitFor(`root@${lab.address}:2222 (lab):${file}`);
    await session.waitFor(/host lab \(2\/2\)/);
    expect(lab.logins()).toBe(1);

    await session.key('Down');
    await session.key('Enter');
    await session.waitFor('✓ valid');
    await session.repeat('BSpace', 4);
    await session.type('99999');
    await session.waitFor(/must be between 1 and\s+65535/);
    await session.key('BSpace');
    await session.waitFor('✓ valid');
    await session.key('Enter');
    await session.waitFor('1 unsaved');
    await session.key('s');
    const diff = await session.waitFor('Save these changes?');
    expect(diff).toContain('-COMMBASE_DATA_EXCHANGE_SERVER_PORT="5000"');
    expect(diff).toContain('+COMMBASE_DATA_EXCHANGE_SERVER_PORT="9999"');
    expect(await readFile(file, 'utf8')).toBe(seed);
    await session.key('y');
    await session.waitFor(/saved .* previous version in/);
    expect(await readFile(file, 'utf8')).toBe(seed.replace('"5000"', '"9999"'));
    expect(await readFile(`${file}.bak`, 'utf8')).toBe(seed);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect(lab.logins()).toBeGreaterThanOrEqual(3); // read, diff and save each went over SSH
  }, 90_000);

  it('config edit --file F opens the Configuration screen on F', async () => {
    const env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config2'), XDG_DATA_HOME: path.join(tmp.dir, 'data2'), NO_COLOR: '1' };
    const other = path.join(tmp.dir, 'other', 'config', 'commbase.conf');
    await mkdir(path.dirname(other), { recursive: true });
    await writeFile(other, 'COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="192.0.2.77"\nCOMMBASE_DATA_EXCHANGE_SERVER_PORT="6543"\n');
    const s = TmuxSession.start('edit', [process.execPath, BIN, 'config', 'edit', '--file', other], env, { cols: 110, rows: 32 });
    try {
      const screen = await s.waitFor(`local:${other}`);
      expect(screen).toMatch(/commbase-admin · Configuration/);
      await s.waitFor('6543');
      expect(s.capture()).toContain('192.0.2.77');
      await s.key('q');
      for (let i = 0; i < 50 && s.alive(); i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      s.kill();
    }
  }, 60_000);

  it('with no file to work on, the screen asks for one: Tab completes the path, and the recent files come back with ↓', async () => {
    const env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config3'), XDG_DATA_HOME: path.join(tmp.dir, 'data3'), NO_COLOR: '1' };
    const app = path.join(tmp.dir, 'chooser-app');
    const file = path.join(app, 'config', 'commbase.conf');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, 'COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="192.0.2.88"\nCOMMBASE_DATA_EXCHANGE_SERVER_PORT="5123"\n');
    const s = TmuxSession.start('choose', [process.execPath, BIN], env, { cols: 120, rows: 36 });
    try {
      await s.waitFor('Certificates');
      await s.openFromHome('5', 'Which commbase.conf on local?'); // Configuration
      // Tab completes each part: the unique entry, then the directory's only file.
      await s.paste(`${app}/con`);
      await s.key('Tab');
      await s.waitFor(`› ${app}/config/`);
      await s.paste('comm');
      await s.key('Tab');
      await s.waitFor(`› ${file}`);
      await s.key('Enter');
      await s.waitFor('5123');
      expect(s.capture()).toContain(`local:${file}`);
      // f opens the chooser again; the file just opened is the first recent one.
      await s.key('f');
      await s.waitFor('Recent:');
      await s.key('Down');
      await s.waitFor(`› local:${file}`);
      await s.key('Enter');
      await s.waitFor(`local:${file}`);
    } finally {
      s.kill();
    }
  }, 60_000);
});
