// Debian's pebble (an ACME CA for tests) and pebble-challtestsrv (a mock DNS server answering 127.0.0.1 for every
// name), on loopback ports the kernel picked. Pebble's own HTTPS uses a certificate made by `cert setup`: the
// package ships no test certificate. Its http-01 validations go to `httpPort`, where `cert acme --http-port`
// (or nginx) answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { runJson } from './cli.js';
import { freePort } from './port.js';

export class Pebble {
  private constructor(
    private readonly procs: ChildProcess[],
    readonly directory: string,
    readonly management: number,
    readonly directoryCa: string,
    readonly httpPort: number,
    readonly log: () => string,
    private readonly host = '127.0.0.1',
  ) {}

  /**
   * `dir` is the test's temporary directory; `httpPort` where pebble sends http-01 validations; `dnsDefault` the
   * address every name resolves to; `listen` the address its directory and management API listen on (a test
   * namespace's side of a veth, for an ACME client inside that namespace).
   */
  static async start(dir: string, httpPort: number, env: Record<string, string>, dnsDefault = '127.0.0.1', listen = '127.0.0.1'): Promise<Pebble> {
    const pki = path.join(dir, 'pebble-pki');
    const made = await runJson(['cert', 'setup', '--dir', pki, '--cn', 'localhost', '--san', 'IP:127.0.0.1', ...(listen !== '127.0.0.1' ? ['--san', `IP:${listen}`] : [])], { env });
    if (made.code !== 0) throw new Error(`cert setup for pebble failed: ${made.stderr}`);
    const [port, management, dns, tls] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const config = path.join(dir, 'pebble.json');
    await writeFile(config, JSON.stringify({ pebble: {
      listenAddress: `${listen}:${port}`, managementListenAddress: `${listen}:${management}`,
      certificate: path.join(pki, 'server', 'cert.pem'), privateKey: path.join(pki, 'server', 'key.pem'),
      httpPort, tlsPort: tls, ocspResponderURL: '', externalAccountBindingRequired: false,
    } }));
    let output = '';
    const collect = (p: ChildProcess) => { p.stdout?.on('data', (d: Buffer) => { output += d.toString(); }); p.stderr?.on('data', (d: Buffer) => { output += d.toString(); }); return p; };
    const dnsProc = collect(spawn('pebble-challtestsrv', ['-dns01', `127.0.0.1:${dns}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `127.0.0.1:${await freePort()}`, '-defaultIPv4', dnsDefault, '-defaultIPv6', ''], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const pebble = collect(spawn('pebble', ['-config', config, '-dnsserver', `127.0.0.1:${dns}`], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' } }));
    const p = new Pebble([pebble, dnsProc], `https://${listen}:${port}/dir`, management, path.join(pki, 'ca', 'ca.pem'), httpPort, () => output, listen);
    const deadline = Date.now() + 15_000;
    while (!/ACME directory available/.test(output)) {
      if (Date.now() > deadline || pebble.exitCode !== null) { await p.stop(); throw new Error(`pebble did not start:\n${output}`); }
      await new Promise((r) => setTimeout(r, 50));
    }
    return p;
  }

  /** Pebble's root (it makes a new one each start): what an issued chain must verify against. */
  root(): Promise<string> {
    return new Promise((resolve, reject) => {
      https.get({ host: this.host, port: this.management, path: '/roots/0', rejectUnauthorized: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => { body += d.toString(); });
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map((p) => new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    })));
  }
}
