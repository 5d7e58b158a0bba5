// The certificate a live server presents (host:port over TLS): its chain, names, expiry and whether it is valid
// for the name used, as a client would see it (with the system's trust, or a given CA).
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { ExternalError, UserError } from '../core/errors.js';
import { readText } from '../core/files.js';
import { hostOrIp, isIP, port } from '../core/net.js';
import { parseInput } from '../core/validate.js';
import { parseCertificate, summarise, type CertSummary } from './inspect.js';

export interface LiveSummary extends CertSummary {
  target: string;
  /** Subjects from the leaf up, as the server sent them. */
  chain: string[];
  /** Whether a client trusting the system store (or --ca) would accept it, and why not. */
  trusted: boolean;
  trustError?: string;
}

const targetInput = z.object({ target: z.string().max(300), ca: z.string().min(1).optional() });

export function parseTarget(target: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s/]+)(?::(\d{1,5}))?$/.exec(target.trim());
  const host = m?.[1]?.replace(/^\[|\]$/g, '');
  const p = m?.[2] ?? '443';
  if (!m || !host || !hostOrIp.safeParse(host).success || !port.safeParse(p).success) {
    throw new UserError(`invalid target ${JSON.stringify(target)}: must be HOST[:PORT], e.g. relay.example.org:443 or 192.0.2.10:5000`, [], 'target');
  }
  return { host, port: Number(p) };
}

export async function inspectLive(raw: { target: string; ca?: string }, now = new Date()): Promise<LiveSummary> {
  const input = parseInput(targetInput, raw, 'inspect');
  const { host, port: p } = parseTarget(input.target);
  const ca = input.ca ? await readText(input.ca, 'ca') : undefined;
  const caCert = ca ? parseCertificate(ca, 'ca') : undefined;
  return new Promise<LiveSummary>((resolve, reject) => {
    const socket = tls.connect({ host, port: p, ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: false, ...(ca ? { ca } : {}), timeout: 10_000 }, () => {
      try {
        const peer = socket.getPeerCertificate(true);
        if (!peer || !peer.raw) throw new ExternalError(`failed to inspect ${host}:${p}: it presented no certificate`, ['TLS', `${host}:${p}`], null, '');
        const leaf = new X509Certificate(peer.raw);
        const chain: string[] = [];
        for (let c: tls.DetailedPeerCertificate | undefined = peer, i = 0; c?.raw && i < 10; i++) {
          chain.push(new X509Certificate(c.raw).subject.replace(/\n/g, ', '));
          if (c.issuerCertificate === c) break;
          c = c.issuerCertificate;
        }
        const summary = summarise(leaf, { host, now, ...(caCert ? { ca: caCert } : {}) });
        resolve({ ...summary, target: `${host}:${p}`, chain, trusted: socket.authorized, ...(socket.authorized ? {} : { trustError: String(socket.authorizationError ?? 'not trusted') }) });
      } catch (err) {
        reject(err);
      } finally {
        socket.end();
      }
    });
    socket.on('timeout', () => socket.destroy(new Error('no TLS handshake within 10 s')));
    socket.on('error', (err: NodeJS.ErrnoException) => reject(new ExternalError(`failed to inspect ${host}:${p}: ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' '), ['TLS', `${host}:${p}`], null, '')));
  });
}
