// The whole CA + server-certificate flow, CLI process start included, against the openssl CLI doing the
// same (3072-bit CA, 2048-bit leaf with DNS and IP SANs) in the same run. Interleaved runs, medians.
// Ours twice: `cert setup` (one process, both keys generated at once, as the console's wizard does) and
// `cert ca` + `cert issue` (two processes, one key after the other, as the seeds' openssl steps go).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, quantile, report, run, timeMs } from './lib.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/commbase-admin.js');
const N = Number(process.env.BENCH_RUNS ?? 21);

function setup(dir: string): void {
  run(process.execPath, [BIN, 'cert', 'setup', '--dir', dir, '--cn', 'relay.test', '--san', 'DNS:relay.test', '--san', 'IP:127.0.0.1']);
}

function ours(dir: string): void {
  run(process.execPath, [BIN, 'cert', 'ca', '--dir', `${dir}/ca`, '--cn', 'Bench CA', '--key-size', '3072']);
  run(process.execPath, [BIN, 'cert', 'issue', '--ca-dir', `${dir}/ca`, '--out-dir', `${dir}/srv`, '--cn', 'relay.test', '--san', 'DNS:relay.test', '--san', 'IP:127.0.0.1']);
}

function openssl(dir: string): void {
  run('openssl', ['req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-keyout', `${dir}/ca.key`, '-out', `${dir}/ca.pem`, '-days', '3650', '-subj', '/CN=Bench CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/req.csr`, '-subj', '/CN=relay.test']);
  writeFileSync(`${dir}/ext`, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:relay.test,IP:127.0.0.1\n');
  run('openssl', ['x509', '-req', '-in', `${dir}/req.csr`, '-CA', `${dir}/ca.pem`, '-CAkey', `${dir}/ca.key`, '-CAcreateserial', '-out', `${dir}/cert.pem`, '-days', '825', '-extfile', `${dir}/ext`]);
}

const a: number[] = [];
const b: number[] = [];
const c: number[] = [];
for (let i = 0; i < N; i++) {
  const flows: Array<[(d: string) => void, number[]]> = [[setup, c], [ours, a], [openssl, b]];
  const order = [...flows.slice(i % 3), ...flows.slice(0, i % 3)];
  for (const [fn, out] of order) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cba-bench-'));
    out.push(timeMs(() => fn(dir)));
    rmSync(dir, { recursive: true, force: true });
  }
}
report(`CA (RSA 3072) + server cert (RSA 2048, SANs), ${N} runs each, process start included`, [
  ['commbase-admin cert ca + cert issue: median / p90 ms', `${median(a).toFixed(0)} / ${quantile(a, 0.9).toFixed(0)}`],
  ['openssl req -x509 + req + x509 -req: median / p90 ms', `${median(b).toFixed(0)} / ${quantile(b, 0.9).toFixed(0)}`],
  ['commbase-admin cert setup: median / p90 ms', `${median(c).toFixed(0)} / ${quantile(c, 0.9).toFixed(0)}`],
  ['ratio cert ca + cert issue / openssl (median)', (median(a) / median(b)).toFixed(2)],
  ['ratio cert setup / openssl (median)', (median(c) / median(b)).toFixed(2)],
]);
