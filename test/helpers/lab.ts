// Test hosts in network namespaces this test creates: a veth pair with a /30 (one end here, one in the
// namespace), OpenSSH's sshd inside it with a generated host key and an authorized client key. With
// `ufw: true`, sshd runs under `unshare -m` with private copies of /etc/ufw and /etc/default/ufw, so ufw
// over SSH touches only those copies. Nothing here touches the host's own firewall. destroy() removes
// everything, and an exit hook removes what a crashed test left.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

let counter = 0;
const SLOTS = path.join(os.tmpdir(), 'cba-lab-slots');

/**
 * A /24 of 10.213.0.0/16 that no other test process is using: claimed by an atomic mkdir (with the owner's
 * pid inside, so a crashed owner's slot is taken back), and skipped if the host already has an address in it.
 * Picking by pid alone let two test files running at once get the same addresses, and one reached the
 * other's sshd.
 */
export function claimSlot(): number {
  mkdirSync(SLOTS, { recursive: true });
  for (let i = 0; i < 220; i++) {
    const slot = ((process.pid + i) % 220) + 20;
    const dir = path.join(SLOTS, String(slot));
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !ownerGone(dir)) continue;
      rmSync(dir, { recursive: true, force: true });
      try { mkdirSync(dir); } catch { continue; }
    }
    writeFileSync(path.join(dir, 'pid'), String(process.pid));
    if (sh('ip', ['-o', 'addr', 'show', 'to', `10.213.${slot}.0/24`]).trim() === '') return slot;
    // In use by something that is not ours to know about: leave the claim so nobody else takes it either.
  }
  throw new Error('no free 10.213.x.0/24 test subnet');
}

function ownerGone(dir: string): boolean {
  let pid: number;
  try { pid = Number(readFileSync(path.join(dir, 'pid'), 'utf8')); } catch { return false; } // being claimed right now
  try { process.kill(pid, 0); return false; } catch (err) { return (err as NodeJS.ErrnoException).code === 'ESRCH'; }
}
const live = new Set<TestHost>();
process.on('exit', () => { for (const h of live) h.destroySync(); });

/**
 * Every process in a namespace, killed until none is left: a process can start between the listing and the kill
 * (nginx's master starting a worker during a reload), and would outlive the namespace's name.
 */
function killAllIn(ns: string): void {
  for (let round = 0; round < 20; round++) {
    let pids: string[];
    try { pids = sh('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean); } catch { return; }
    if (pids.length === 0) return;
    for (const pid of pids) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
    execFileSync('sleep', ['0.05']);
  }
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface Peer {
  ns: string;
  address: string;
  hostAddress: string;
  exec(argv: string[]): string;
}

export interface TestHostOptions {
  ufw?: boolean;
  /**
   * Give sshd private copies of the trust store (/etc/ssl/certs, /usr/local/share/ca-certificates,
   * /etc/ca-certificates.conf), so update-ca-certificates over SSH never touches this machine's.
   */
  trustStore?: boolean;
  /**
   * Give sshd private copies of /etc/nginx, /var/lib/nginx and empty /run, /var/log/nginx and /var/www, so nginx
   * started over SSH never touches this machine's (its pid file, configuration, logs, web roots).
   */
  nginx?: boolean;
  /** Extra namespaces this one is linked to are made by the caller (see link()). */
  name?: string;
  /** sshd also listens on port 22 (inside the namespace: a doc's `hosts add` without --port reaches it). */
  port22?: boolean;
  /** Environment every SSH session gets (sshd's SetEnv), as a login profile would set it (e.g. COMMBASE_APP_DIR). */
  env?: Record<string, string>;
}

export class TestHost {
  readonly ns: string;
  readonly dir: string;
  readonly address: string;
  readonly hostSide: string;
  readonly sshPort = 2222;
  readonly clientKey: string;
  readonly fingerprint: string;
  readonly sshdLog: string;
  private sshd: ChildProcess | undefined;
  private peers: string[] = [];
  private vethHost: string;
  private readonly slot: number;

  private trustStore = false;
  private nginx = false;
  private env: Record<string, string> = {};
  private port22 = false;
  private links = 0;

  private constructor(readonly index: number, readonly ufw: boolean) {
    const tag = `${process.pid % 100000}x${index}`;
    this.ns = `cba-${tag}`;
    this.vethHost = `cbh${tag}`;
    this.dir = mkdtempSync(path.join(os.tmpdir(), `cba-lab-${tag}-`));
    this.slot = claimSlot();
    this.hostSide = `10.213.${this.slot}.1`;
    this.address = `10.213.${this.slot}.2`;
    this.clientKey = path.join(this.dir, 'client_ed25519');
    this.sshdLog = path.join(this.dir, 'sshd.log');
    this.fingerprint = '';
  }

  static async create(opts: TestHostOptions = {}): Promise<TestHost> {
    const h = new TestHost(++counter, Boolean(opts.ufw));
    h.trustStore = Boolean(opts.trustStore);
    h.nginx = Boolean(opts.nginx);
    h.env = opts.env ?? {};
    h.port22 = Boolean(opts.port22);
    live.add(h);
    try {
      await h.setUp();
    } catch (err) {
      h.destroySync();
      throw err;
    }
    return h;
  }

  private async setUp(): Promise<void> {
    const d = this.dir;
    sh('ip', ['netns', 'add', this.ns]);
    sh('ip', ['link', 'add', this.vethHost, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.ns]);
    sh('ip', ['addr', 'add', `${this.hostSide}/30`, 'dev', this.vethHost]);
    sh('ip', ['link', 'set', this.vethHost, 'up']);
    this.nsExec(['ip', 'addr', 'add', `${this.address}/30`, 'dev', 'eth0']);
    this.nsExec(['ip', 'link', 'set', 'eth0', 'up']);
    this.nsExec(['ip', 'link', 'set', 'lo', 'up']);

    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(d, 'host_ed25519')]);
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', this.clientKey]);
    writeFileSync(path.join(d, 'authorized_keys'), readFileSync(`${this.clientKey}.pub`));
    (this as { fingerprint: string }).fingerprint = sh('ssh-keygen', ['-lf', path.join(d, 'host_ed25519.pub')]).split(' ')[1]!;
    writeFileSync(path.join(d, 'sshd_config'), [
      `Port ${this.sshPort}`, ...(this.port22 ? ['Port 22'] : []), `ListenAddress ${this.address}`, `HostKey ${d}/host_ed25519`, `PidFile ${d}/sshd.pid`,
      `AuthorizedKeysFile ${d}/authorized_keys`, 'UsePAM no', 'StrictModes no', 'PermitRootLogin prohibit-password',
      'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'LogLevel VERBOSE', 'Subsystem sftp internal-sftp', 'MaxSessions 50', 'MaxStartups 50',
      ...Object.entries(this.env).map(([k, v]) => `SetEnv ${k}="${v}"`),
    ].join('\n') + '\n');
    mkdirSync('/run/sshd', { recursive: true });

    const sshd = ['/usr/sbin/sshd', '-D', '-e', '-f', path.join(d, 'sshd_config')];
    // sshd runs in a private mount namespace: ufw there sees private copies of /etc/ufw and /etc/default/ufw,
    // and root's ~/.bashrc (which bash reads for every SSH command) is an empty file, as on a lean router.
    cpSync('/etc/ufw', path.join(d, 'etc-ufw'), { recursive: true });
    mkdirSync(path.join(d, 'etc-default'), { recursive: true });
    cpSync('/etc/default/ufw', path.join(d, 'etc-default', 'ufw'));
    writeFileSync(path.join(d, 'bashrc'), '');
    // crontab there writes a private copy of /var/spool/cron, never the host's.
    mkdirSync(path.join(d, 'spool-cron'));
    try { sh('cp', ['-a', '/var/spool/cron/.', path.join(d, 'spool-cron')]); } catch { /* no cron installed */ }
    let trust = 'true';
    const trustArgs: string[] = [];
    if (this.trustStore) {
      for (const [src, name] of [['/etc/ssl/certs', 'ssl-certs'], ['/usr/local/share/ca-certificates', 'local-cas']] as const) {
        mkdirSync(path.join(d, name), { recursive: true });
        try { sh('cp', ['-a', `${src}/.`, path.join(d, name)]); } catch { /* empty or absent */ }
      }
      cpSync('/etc/ca-certificates.conf', path.join(d, 'ca-certificates.conf'));
      trust = 'mkdir -p /usr/local/share/ca-certificates && mount --bind "$5" /etc/ssl/certs && mount --bind "$6" /usr/local/share/ca-certificates && mount --bind "$7" /etc/ca-certificates.conf';
      trustArgs.push(path.join(d, 'ssl-certs'), path.join(d, 'local-cas'), path.join(d, 'ca-certificates.conf'));
    } else {
      trustArgs.push('-', '-', '-');
    }
    // And /usr/local/sbin, where the cron reaper script goes by default: a host's, never this machine's.
    mkdirSync(path.join(d, 'local-sbin'), { recursive: true });
    try { sh('cp', ['-a', '/usr/local/sbin/.', path.join(d, 'local-sbin')]); } catch { /* empty */ }
    let nginx = 'true';
    const nginxArgs = ['-', '-', '-', '-', '-'];
    if (this.nginx) {
      sh('cp', ['-a', '/etc/nginx', path.join(d, 'etc-nginx')]);
      mkdirSync(path.join(d, 'lib-nginx'));
      try { sh('cp', ['-a', '/var/lib/nginx/.', path.join(d, 'lib-nginx')]); } catch { /* empty */ }
      for (const name of ['run/sshd', 'log-nginx', 'www']) mkdirSync(path.join(d, name), { recursive: true });
      nginx = 'mkdir -p /var/lib/nginx /var/log/nginx /var/www && mount --bind "$9" /etc/nginx && mount --bind "${10}" /var/lib/nginx && mount --bind "${11}" /run && mount --bind "${12}" /var/log/nginx && mount --bind "${13}" /var/www';
      nginxArgs.splice(0, 5, path.join(d, 'etc-nginx'), path.join(d, 'lib-nginx'), path.join(d, 'run'), path.join(d, 'log-nginx'), path.join(d, 'www'));
    }
    const script = `mount --bind "$1" /etc/ufw && mount --bind "$2" /etc/default/ufw && { [ ! -e "$HOME/.bashrc" ] || mount --bind "$3" "$HOME/.bashrc"; } && { [ ! -d /var/spool/cron ] || mount --bind "$4" /var/spool/cron; } && ${trust} && mount --bind "$8" /usr/local/sbin && ${nginx} && shift 13 && exec "$@"`;
    const argv = ['ip', 'netns', 'exec', this.ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', script, 'sh',
      path.join(d, 'etc-ufw'), path.join(d, 'etc-default', 'ufw'), path.join(d, 'bashrc'), path.join(d, 'spool-cron'), ...trustArgs, path.join(d, 'local-sbin'), ...nginxArgs, ...sshd];
    const log = (await import('node:fs')).openSync(this.sshdLog, 'a');
    this.sshd = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', log, log], detached: false });
    await this.waitForPort();
  }

  private async waitForPort(timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect({ host: this.address, port: this.sshPort }, () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`sshd in ${this.ns} did not start:\n${readFileSync(this.sshdLog, 'utf8')}`);
  }

  /** The pid of the process whose mount namespace holds the private ufw copies (sshd itself). */
  sshdPid(): number {
    return Number(readFileSync(path.join(this.dir, 'sshd.pid'), 'utf8').trim());
  }

  /** Run a command inside the namespace (and, for ufw hosts, inside sshd's mount namespace). */
  nsExec(argv: string[]): string {
    if (this.sshd) return sh('nsenter', ['-t', String(this.sshdPid()), '-n', '-m', ...argv]);
    return sh('ip', ['netns', 'exec', this.ns, ...argv]);
  }

  /**
   * Another namespace linked to this host by its own veth pair (e.g. an "internet" client or a LAN device):
   * the host side gets hostAddr, the peer peerAddr, both /24; the peer routes everything via the host.
   */
  addPeer(label: string, hostAddr: string, peerAddr: string): Peer {
    const tag = `${process.pid % 100000}${this.index}${label[0]}`;
    const peer: Peer = { ns: `${this.ns}-${label}`, address: peerAddr, hostAddress: hostAddr, exec: (argv) => sh('ip', ['netns', 'exec', peer.ns, ...argv]) };
    this.peers.push(peer.ns);
    sh('ip', ['netns', 'add', peer.ns]);
    sh('ip', ['link', 'add', `cbp${tag}`, 'netns', this.ns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peer.ns]);
    this.nsExec(['ip', 'addr', 'add', `${hostAddr}/24`, 'dev', `cbp${tag}`]);
    this.nsExec(['ip', 'link', 'set', `cbp${tag}`, 'up']);
    peer.exec(['ip', 'addr', 'add', `${peerAddr}/24`, 'dev', 'eth0']);
    peer.exec(['ip', 'link', 'set', 'eth0', 'up']);
    peer.exec(['ip', 'link', 'set', 'lo', 'up']);
    peer.exec(['ip', 'route', 'add', 'default', 'via', hostAddr]);
    return peer;
  }

  /**
   * A direct link to another test host (a veth pair between the two namespaces, a /30 of this host's slot), with
   * routes so that each reaches the other's own address through it, from its own address: as two hosts on one LAN.
   */
  link(other: TestHost): void {
    const tag = `${process.pid % 100000}l${this.index}${other.index}`;
    const [here, there] = [`cbl${tag}a`, `cbl${tag}b`];
    // The k-th link of this host takes the k-th /30 after the one to this machine: .5/.6, .9/.10, …
    const k = ++this.links;
    const [a, b] = [`10.213.${this.slot}.${4 * k + 1}`, `10.213.${this.slot}.${4 * k + 2}`];
    sh('ip', ['link', 'add', here, 'netns', this.ns, 'type', 'veth', 'peer', 'name', there, 'netns', other.ns]);
    this.nsExec(['ip', 'addr', 'add', `${a}/30`, 'dev', here]);
    this.nsExec(['ip', 'link', 'set', here, 'up']);
    other.nsExec(['ip', 'addr', 'add', `${b}/30`, 'dev', there]);
    other.nsExec(['ip', 'link', 'set', there, 'up']);
    this.nsExec(['ip', 'route', 'add', `${other.address}/32`, 'via', b, 'src', this.address]);
    other.nsExec(['ip', 'route', 'add', `${this.address}/32`, 'via', a, 'src', other.address]);
  }

  /**
   * Bind a directory or file of the test's over a path inside this host only (sshd's private mount namespace, which
   * every SSH session and nsExec share): e.g. a private /opt or /etc/hosts. Gone with the host.
   */
  bind(source: string, target: string): void {
    this.nsExec(['mount', '--bind', source, target]);
  }

  /** How many SSH logins sshd has accepted so far (to prove that nothing ran). */
  logins(): number {
    return (readFileSync(this.sshdLog, 'utf8').match(/Accepted publickey/g) ?? []).length;
  }

  /** `hosts add` arguments for this host. */
  addArgs(name: string, backend: 'ufw' | 'iptables'): string[] {
    return ['hosts', 'add', name, '--address', this.address, '--port', String(this.sshPort), '--user', 'root', '--identity', this.clientKey, '--backend', backend, '--trust-fingerprint', this.fingerprint];
  }

  async destroy(): Promise<void> {
    this.destroySync();
  }

  destroySync(): void {
    if (!live.has(this)) return;
    live.delete(this);
    try { this.sshd?.kill('SIGTERM'); } catch { /* gone */ }
    killAllIn(this.ns);
    try { sh('ip', ['link', 'del', this.vethHost]); } catch { /* went with the ns */ }
    for (const p of this.peers) {
      killAllIn(p);
      try { sh('ip', ['netns', 'del', p]); } catch { /* never made */ }
    }
    try { sh('ip', ['netns', 'del', this.ns]); } catch { /* never made */ }
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(path.join(SLOTS, String(this.slot)), { recursive: true, force: true });
  }
}
