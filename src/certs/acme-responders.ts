// The three ways an http-01 challenge is answered: a short-lived listener of our own on the challenge port, files in
// a webroot a web server (nginx) serves, or python3's http.server started on a host over SSH for the order.
import http from 'node:http';
import path from 'node:path';
import { ExternalError, UserError } from '../core/errors.js';
import type { Runner } from '../runners/types.js';

export type Progress = (step: string) => void;

/** Where the challenge is answered: by us on a port, or by files a web server serves. */
export interface Responder {
  add(token: string, keyAuthorization: string): Promise<void>;
  remove(token: string): Promise<void>;
  close(): Promise<void>;
}

/** Our own http-01 listener: only GET /.well-known/acme-challenge/<token> for a token we hold; 404 otherwise. */
export async function listenForChallenges(port: number, host = '::'): Promise<Responder> {
  const tokens = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const m = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]{1,256})$/.exec(req.url ?? '');
    const answer = req.method === 'GET' && m ? tokens.get(m[1]!) : undefined;
    res.writeHead(answer ? 200 : 404, { 'content-type': 'text/plain' }).end(answer ?? 'not found\n');
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new UserError(
      `failed to answer the http-01 challenge on port ${port}: ${err.code === 'EADDRINUSE' ? 'something already listens there' : err.code === 'EACCES' ? 'ports below 1024 need root' : err.message}`,
      err.code === 'EADDRINUSE' ? ['if a web server holds the port, use --webroot DIR (the directory it serves /.well-known/acme-challenge/ from)'] : ['run as root, or give --http-port of a port the ACME server is told to use'],
      'http-port')));
    server.listen({ port, host, ipv6Only: false }, resolve);
  });
  return {
    add: async (t, k) => { tokens.set(t, k); },
    remove: async (t) => { tokens.delete(t); },
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

/** Files in WEBROOT/.well-known/acme-challenge/, through the runner (here or over SSH), removed afterwards. */
export function webrootResponder(runner: Runner, webroot: string, privileged = false): Responder {
  const dir = path.posix.join(webroot, '.well-known', 'acme-challenge');
  const fileOf = (token: string) => {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(token)) throw acmeError(`the ACME server sent a challenge token that is not base64url: ${JSON.stringify(token.slice(0, 40))}`, 'challenge');
    return path.posix.join(dir, token);
  };
  return {
    add: async (t, k) => {
      await runner.run(['mkdir', '-p', '--', dir], { privileged });
      if (privileged) await runner.run(['sh', '-c', 'cat > "$1" && chmod 644 "$1"', 'sh', fileOf(t)], { privileged, input: k });
      else await runner.writeFile(fileOf(t), k, 0o644);
    },
    remove: async (t) => { await runner.run(['rm', '-f', '--', fileOf(t)], { privileged, allowFailure: true }); },
    close: async () => {},
  };
}

/**
 * On a host over SSH: a short-lived web server there (python3's http.server, which Commbase's own hosts have)
 * serving a private temporary webroot on the challenge port, stopped and removed when the order is done.
 */
export async function remoteListener(runner: Runner, port: number, onStep: Progress): Promise<Responder> {
  onStep(`starting a challenge listener on ${runner.where} port ${port}`);
  const py = await runner.run(['sh', '-c', 'command -v python3'], { allowFailure: true });
  if (py.exitCode !== 0) throw new UserError(`failed to answer the challenge on ${runner.where} port ${port}: it has no python3`, ['use --webroot DIR, the directory its web server serves /.well-known/acme-challenge/ from'], 'http-port');
  const privileged = port < 1024;
  const dir = (await runner.run(['mktemp', '-d', '/tmp/commbase-admin-acme.XXXXXXXX'], { privileged })).stdout.trim();
  if (!/^\/tmp\/commbase-admin-acme\.[A-Za-z0-9]{8}$/.test(dir)) throw acmeError(`mktemp on ${runner.where} answered ${JSON.stringify(dir.slice(0, 80))}`, 'challenge');
  await runner.run(['chmod', '755', '--', dir], { privileged });
  const started = await runner.run(['sh', '-c', 'python3 -m http.server "$1" --directory "$2" >/dev/null 2>&1 </dev/null & echo $!', 'sh', String(port), dir], { privileged });
  const pid = started.stdout.trim();
  const stop = async () => {
    if (/^\d+$/.test(pid)) await runner.run(['kill', pid], { privileged, allowFailure: true });
    await runner.run(['rm', '-rf', '--', dir], { privileged, allowFailure: true });
  };
  for (let i = 0; ; i++) {
    const up = await runner.connectTcp('127.0.0.1', port).then((s) => { s.destroy(); return true; }, () => false);
    if (up) break;
    if (i >= 40) { await stop(); throw new UserError(`failed to answer the challenge on ${runner.where} port ${port}: the listener did not start (is the port taken?)`, ['use --webroot DIR if a web server holds the port'], 'http-port'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  const files = webrootResponder(runner, dir, privileged);
  return { add: files.add, remove: files.remove, close: stop };
}

/** A failure outside our control (the ACME server, the certificate it sent), named by its step. */
export function acmeError(message: string, stepName = 'order'): ExternalError {
  return new ExternalError(message, ['ACME', stepName], null, '');
}
