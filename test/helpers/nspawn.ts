// A host with a real systemd for the relay's service tests (#22): systemd-nspawn --boot over a minimal Debian 13
// tree made once by debootstrap and cached outside the repo (TREE), each test host an overlay on it (so the cache
// stays clean), in a network namespace this test creates with a veth /30 to this side; the tree's own sshd (root,
// key only) is how commbase-admin reaches it. Stopped by ending systemd-nspawn; destroy() unmounts, deletes the
// namespace and the directory, even after a failure (exit hook).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimSlot } from './lab.js';
import { listening } from './port.js';

export const TREE = '/var/cache/commbase-admin-test/trixie';
// sudo: an operator's login that is not root (relay deploy as a user with a NOPASSWD rule).
const PACKAGES = 'systemd,systemd-sysv,dbus,openssh-server,nodejs,iproute2,ca-certificates,python3,sudo';

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The cached tree, made on first use (about 2 minutes and 450 MB; a test that needs it says so). */
export function ensureTree(): void {
  // The marker names the packages: a tree made with another list is made again.
  const marker = path.join(TREE, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8').includes(`packages=${PACKAGES}\n`)) return;
  const tmp = `${TREE}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(path.dirname(TREE), { recursive: true });
  execFileSync('debootstrap', ['--variant=minbase', `--include=${PACKAGES}`, 'trixie', tmp, 'http://deb.debian.org/debian'], { stdio: 'ignore', timeout: 900_000 });
  rmSync(TREE, { recursive: true, force: true });
  execFileSync('mv', ['-T', tmp, TREE]);
  writeFileSync(marker, `${new Date().toISOString()}\npackages=${PACKAGES}\n`);
}

const live = new Set<SystemdHost>();
process.on('exit', () => { for (const h of live) h.destroySync(); });

export class SystemdHost {
  readonly ns: string;
  readonly dir: string;
  readonly root: string;
  readonly address: string;
  readonly hostSide: string;
  readonly clientKey: string;
  readonly fingerprint: string;
  private readonly veth: string;
  private nspawn: ChildProcess | undefined;
  private mounted = false;

  private constructor(tag: string) {
    const slot = claimSlot();
    this.ns = `cba-sd-${tag}`;
    this.veth = `cbs${tag}`;
    this.dir = mkdtempSync(path.join(os.tmpdir(), `cba-sd-${tag}-`));
    this.root = path.join(this.dir, 'root');
    this.hostSide = `10.213.${slot}.1`;
    this.address = `10.213.${slot}.2`;
    this.clientKey = path.join(this.dir, 'client_ed25519');
    this.fingerprint = sh('ssh-keygen', ['-lf', path.join(TREE, 'etc/ssh/ssh_host_ed25519_key.pub')]).split(' ')[1]!;
  }

  static async boot(): Promise<SystemdHost> {
    ensureTree();
    const h = new SystemdHost(`${process.pid % 100000}`);
    live.add(h);
    try {
      h.setUp();
      await h.start();
    } catch (err) {
      h.destroySync();
      throw err;
    }
    return h;
  }

  private setUp(): void {
    for (const d of ['upper', 'work', 'root']) mkdirSync(path.join(this.dir, d));
    sh('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${TREE},upperdir=${path.join(this.dir, 'upper')},workdir=${path.join(this.dir, 'work')}`, this.root]);
    this.mounted = true;
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', this.clientKey]);
    mkdirSync(path.join(this.root, 'root/.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(this.root, 'root/.ssh/authorized_keys'), readFileSync(`${this.clientKey}.pub`), { mode: 0o600 });
    writeFileSync(path.join(this.root, 'etc/hostname'), 'relayhost\n');
    sh('ip', ['netns', 'add', this.ns]);
    sh('ip', ['link', 'add', this.veth, 'type', 'veth', 'peer', 'name', 'host0', 'netns', this.ns]);
    sh('ip', ['addr', 'add', `${this.hostSide}/30`, 'dev', this.veth]);
    sh('ip', ['link', 'set', this.veth, 'up']);
    sh('ip', ['netns', 'exec', this.ns, 'ip', 'addr', 'add', `${this.address}/30`, 'dev', 'host0']);
    sh('ip', ['netns', 'exec', this.ns, 'ip', 'link', 'set', 'host0', 'up']);
    sh('ip', ['netns', 'exec', this.ns, 'ip', 'link', 'set', 'lo', 'up']);
  }

  /** Boot the container (again, after it rebooted itself) and wait for its sshd. */
  async start(): Promise<void> {
    const log = path.join(this.dir, 'console.log');
    const out = (await import('node:fs')).openSync(log, 'a');
    this.nspawn = spawn('systemd-nspawn', ['-D', this.root, '--boot', '--register=no', '--keep-unit', `--network-namespace-path=/run/netns/${this.ns}`, '-M', 'relayhost', '--console=passive'], { stdio: ['ignore', out, out] });
    await listening(22, this.address, 90_000).catch((err: Error) => { throw new Error(`${err.message}\n${readFileSync(log, 'utf8').slice(-2000)}`); });
  }

  /** A command inside, over SSH as root (as an operator would; the test's own key). */
  exec(command: string): string {
    return sh('ssh', ['-i', this.clientKey, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', `root@${this.address}`, command]);
  }

  /** Wait for the container to end (after `systemctl reboot` inside, systemd-nspawn exits). */
  async exited(timeoutMs = 60_000): Promise<number | null> {
    const p = this.nspawn;
    if (!p || p.exitCode !== null) return p?.exitCode ?? null;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the container did not end')), timeoutMs);
      p.once('exit', (code) => { clearTimeout(t); resolve(code); });
    });
  }

  addArgs(name: string, user = 'root'): string[] {
    return ['hosts', 'add', name, '--address', this.address, '--port', '22', '--user', user, '--identity', this.clientKey, '--trust-fingerprint', this.fingerprint, ...(user === 'root' ? [] : ['--sudo'])];
  }

  /** A login that is not root, with the test's key and a NOPASSWD sudo rule (as many servers are run). */
  addSudoUser(user: string): void {
    this.exec(`useradd --create-home --shell /bin/bash ${user} && install -d -m 0700 -o ${user} -g ${user} /home/${user}/.ssh && install -m 0600 -o ${user} -g ${user} /root/.ssh/authorized_keys /home/${user}/.ssh/authorized_keys && echo '${user} ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/${user} && chmod 0440 /etc/sudoers.d/${user}`);
  }

  async destroy(): Promise<void> {
    const p = this.nspawn;
    if (p && p.exitCode === null && p.signalCode === null) {
      p.kill('SIGTERM'); // systemd-nspawn powers the container off
      await Promise.race([new Promise((r) => p.once('exit', r)), new Promise((r) => setTimeout(r, 15_000))]);
    }
    this.destroySync();
  }

  destroySync(): void {
    const p = this.nspawn;
    if (p && p.exitCode === null && p.signalCode === null) { try { p.kill('SIGKILL'); } catch { /* gone */ } }
    if (this.mounted) {
      for (let i = 0; i < 20; i++) { try { sh('umount', [this.root]); this.mounted = false; break; } catch { try { sh('umount', ['-l', this.root]); this.mounted = false; break; } catch { /* busy */ } } }
    }
    try { sh('ip', ['netns', 'del', this.ns]); } catch { /* gone */ }
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this);
  }
}
