// The SSH runner against real OpenSSH in a test namespace: hostile argv survives the remote shell intact,
// SFTP writes are atomic with their mode, ssh-agent and sudo -n work, an encrypted key without a terminal
// is refused with a way forward.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TestHost } from '../helpers/lab.js';
import { missing, titled } from '../helpers/needs.js';
import { withTempDir } from '../helpers/tmp.js';
import { SshRunner } from '../../src/runners/ssh.js';
import { addHost, openRunner } from '../../src/services/hosts.js';
import { SettingsStore } from '../../src/services/settings.js';

const why = missing({ root: true, commands: ['ip', 'sshd', 'ssh-keygen', 'ssh-agent', 'ssh-add', 'sudo'] });

describe.skipIf(why)(titled('SSH runner against OpenSSH in a test namespace', why), () => {
  let lab: TestHost;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let store: SettingsStore;
  beforeAll(async () => {
    lab = await TestHost.create();
    tmp = await withTempDir();
    store = new SettingsStore(path.join(tmp.dir, 'config'));
    addHost({ name: 'lab', address: lab.address, port: lab.sshPort, identity: lab.clientKey, 'trust-fingerprint': lab.fingerprint, sudo: true }, store);
  }, 30_000);
  afterAll(async () => { await lab?.destroy(); await tmp?.cleanup(); });

  it('gives up on a connection that went silent (a firewall dropped it) within the keepalive bound, saying why', async () => {
    const r = await openRunner('lab', {}, store);
    expect(r.session).toMatchObject({ family: 4, source: lab.hostSide, server: lab.address, port: lab.sshPort });
    lab.nsExec(['iptables', '-I', 'INPUT', '-s', lab.hostSide, '-j', 'DROP']);
    const started = Date.now();
    try {
      await expect(r.run(['sleep', '120'])).rejects.toThrow(/lost the SSH connection .*went silent \(no answer to 3 keepalives, 5 s apart\)/);
      expect(Date.now() - started).toBeLessThan(30_000);
      await expect(r.run(['true'])).rejects.toThrow(/is gone/);
    } finally {
      lab.nsExec(['iptables', '-D', 'INPUT', '-s', lab.hostSide, '-j', 'DROP']);
      await r.close();
    }
  }, 45_000);

  it('passes hostile arguments through the remote shell byte for byte', async () => {
    const r = await openRunner('lab', {}, store);
    try {
      const hostile = ["it's", '$(touch /tmp/cba-pwned)', '`id`', 'a;b|c&d', 'new\nline', '${HOME}', '\\', '*', ''];
      const out = await r.run(['printf', '%s\\0', ...hostile]);
      expect(out.stdout).toBe(hostile.map((h) => `${h}\0`).join(''));
      expect(lab.nsExec(['sh', '-c', 'test -e /tmp/cba-pwned && echo yes || echo no']).trim()).toBe('no');
      await expect(r.run(['echo', 'a\0b'])).rejects.toThrow(/NUL/);
    } finally {
      await r.close();
    }
  });

  it('runs privileged commands through sudo -n', async () => {
    const r = await openRunner('lab', {}, store);
    try {
      const out = await r.run(['id', '-u'], { privileged: true });
      expect(out.stdout.trim()).toBe('0');
    } finally {
      await r.close();
    }
  });

  it('writes files over SFTP atomically with the mode asked for, and reads them back', async () => {
    const r = await openRunner('lab', {}, store);
    try {
      const file = path.join(lab.dir, 'remote.conf');
      await r.writeFile(file, 'A="1"\n', 0o600);
      await r.writeFile(file, 'A="2"\n', 0o640);
      expect(await r.readFile(file)).toBe('A="2"\n');
      expect(lab.nsExec(['stat', '-c', '%a', file]).trim()).toBe('640');
      expect(lab.nsExec(['sh', '-c', `ls -a "${lab.dir}" | grep -c '\\.tmp$' || true`]).trim()).toBe('0');
    } finally {
      await r.close();
    }
  });

  it('decodes output whole (a character split across packets stays one character) and stops a command that floods it', async () => {
    const r = await openRunner('lab', {}, store);
    try {
      const split = await r.run(['sh', '-c', "printf '\\342\\202'; sleep 0.3; printf '\\254\\n'"]);
      expect(split.stdout).toBe('€\n');
      await expect(r.run(['head', '-c', String(101 * 2 ** 20), '/dev/zero'], { timeoutMs: 60_000 })).rejects.toThrow(/wrote more than 100 MiB/);
      expect((await r.run(['echo', 'still usable'])).stdout).toBe('still usable\n');
    } finally {
      await r.close();
    }
  }, 90_000);

  it('lists a directory over SFTP (links to directories followed) and Tab-completes paths on the host', async () => {
    const r = await openRunner('lab', {}, store);
    try {
      const base = path.join(lab.dir, 'tree');
      lab.nsExec(['sh', '-c', `mkdir -p "${base}/commbase/config" "${base}/other" && touch "${base}/commfile" && ln -s "${base}/commbase" "${base}/link-to-dir"`]);
      const entries = await r.listDir(base);
      expect(entries?.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: 'commbase', dir: true }, { name: 'commfile', dir: false }, { name: 'link-to-dir', dir: true }, { name: 'other', dir: true },
      ]);
      expect(await r.listDir(path.join(base, 'missing'))).toBeUndefined();
      const { completeOnHost } = await import('../../src/services/hosts.js');
      expect(await completeOnHost(r, `${base}/commb`)).toBe(`${base}/commbase/`);
      expect(await completeOnHost(r, `${base}/comm`)).toBe(`${base}/comm`);
      expect(await completeOnHost(r, `${base}/commbase/c`)).toBe(`${base}/commbase/config/`);
    } finally {
      await r.close();
    }
  });

  it('logs in with a key held by ssh-agent when no identity file is given', async () => {
    const sock = path.join(tmp.dir, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50; i++) { try { execFileSync('test', ['-S', sock]); break; } catch { await new Promise((r) => setTimeout(r, 50)); } }
      execFileSync('ssh-add', [lab.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const saved = process.env.SSH_AUTH_SOCK;
      process.env.SSH_AUTH_SOCK = sock;
      try {
        const r = await SshRunner.connect({ name: 'lab', address: lab.address, port: lab.sshPort, user: 'root', sudo: false }, { verify: async (fp) => fp === lab.fingerprint });
        expect((await r.run(['echo', 'agent'])).stdout).toBe('agent\n');
        await r.close();
      } finally {
        if (saved === undefined) delete process.env.SSH_AUTH_SOCK; else process.env.SSH_AUTH_SOCK = saved;
      }
    } finally {
      agent.kill();
    }
  });

  it('refuses an encrypted identity without a terminal, and decrypts it with the passphrase when asked', async () => {
    const enc = path.join(tmp.dir, 'enc_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'sekret', '-f', enc]);
    lab.nsExec(['sh', '-c', `cat "$1" >> "$2"`, 'sh', `${enc}.pub`, path.join(lab.dir, 'authorized_keys')]);
    const target = { name: 'lab', address: lab.address, port: lab.sshPort, user: 'root', sudo: false, identity: enc };
    const verify = async (fp: string) => fp === lab.fingerprint;
    await expect(SshRunner.connect(target, { verify })).rejects.toThrow(/encrypted and there is no terminal/);
    await expect(SshRunner.connect(target, { verify, passphrase: async () => 'wrong' })).rejects.toThrow(/wrong passphrase/);
    const r = await SshRunner.connect(target, { verify, passphrase: async () => 'sekret' });
    expect((await r.run(['echo', 'ok'])).stdout).toBe('ok\n');
    await r.close();
  });
});
