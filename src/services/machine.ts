// Facts about this machine, for pre-filling forms.
import os from 'node:os';

export function localHostName(): string {
  return os.hostname();
}

/** Every address of this machine that a client could use, loopback first. */
export function localAddresses(): string[] {
  const out = new Set<string>(['127.0.0.1']);
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv6' && a.address.startsWith('fe80')) continue; // link-local needs a zone id
      out.add(a.address);
    }
  }
  return [...out];
}

export function defaultServerSans(): string[] {
  const host = localHostName();
  return [`DNS:${host}`, 'DNS:localhost', ...localAddresses().map((a) => `IP:${a}`)];
}
