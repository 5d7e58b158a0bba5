// Where a request comes from, and what that source may do: the client's address (through a trusted proxy's
// X-Forwarded-For, or not at all when it cannot be established), --allow-from (who may connect), --open-from (who
// needs no token). Pure over node:net's BlockList; the relay asks, per request and per socket handshake.
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { normaliseCidr } from '../core/net.js';

function blockList(cidrs: string[]): BlockList | undefined {
  if (cidrs.length === 0) return undefined;
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr, bits] = normaliseCidr(c).split('/');
    list.addSubnet(addr!, Number(bits), isIP(addr!) === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

export const plainAddress = (address: string) => (address.startsWith('::ffff:') ? address.slice(7) : address);

/**
 * The client's address: the peer's, unless the peer is a trusted proxy; then the right-most address in
 * X-Forwarded-For that is not itself a trusted proxy (each proxy appends the address it saw).
 * `proxied` says that the address is not established: the request came through an untrusted proxy, or a
 * trusted proxy forwarded a header that is not a short list of IP addresses (`unknown`, a name, over 2 KiB).
 * Such a request is never taken to be from the proxy itself: its address is undefined, so it is inside no
 * --allow-from or --open-from network and is never served without a token.
 */
export function clientAddress(peer: string | undefined, forwarded: string | string[] | undefined, trusted: BlockList | undefined): { address: string | undefined; proxied: boolean } {
  const header = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  if (header === undefined) return { address: peer, proxied: false };
  if (!trusted || !inList(trusted, peer)) return { address: peer, proxied: true };
  const hops = header.length > 2048 ? [] : header.split(',').map((h) => h.trim());
  if (!hops.length || hops.some((h) => isIP(plainAddress(h)) === 0)) return { address: undefined, proxied: true };
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!inList(trusted, hops[i]!) || i === 0) return { address: plainAddress(hops[i]!), proxied: false };
  }
  return { address: undefined, proxied: true };
}

function inList(list: BlockList, address: string | undefined): boolean {
  if (!address) return false;
  const a = plainAddress(address);
  return list.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
}

/** The relay's source rules, from its options. */
export class SourcePolicy {
  private readonly allowList: BlockList | undefined;
  private readonly openList: BlockList | undefined;
  readonly trustedProxies: BlockList | undefined;

  constructor(opts: { 'allow-from': string[]; 'open-from': string[]; 'trusted-proxy': string[] }) {
    this.allowList = blockList(opts['allow-from']);
    this.openList = blockList(opts['open-from']);
    this.trustedProxies = blockList(opts['trusted-proxy']);
  }

  /** The client's address as established (undefined when it cannot be). */
  of(req: IncomingMessage): string | undefined {
    return this.from(req.socket.remoteAddress, req.headers['x-forwarded-for']).address;
  }

  from(peer: string | undefined, forwarded: string | string[] | undefined): { address: string | undefined; proxied: boolean } {
    return clientAddress(peer, forwarded, this.trustedProxies);
  }

  /** --allow-from: inside it (or no such list). */
  allowed(address: string | undefined): boolean {
    return !this.allowList || inList(this.allowList, address);
  }

  /** --open-from: a source that needs no token. */
  open(address: string | undefined): boolean {
    return Boolean(this.openList && address && inList(this.openList, address));
  }
}
