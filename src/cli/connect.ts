// How the command line answers the questions a connection asks: trust this host key? the key's passphrase?
// Only on a terminal; without one, the service refuses with a message saying how to answer non-interactively.
import type { ConnectOptions, HostEntry } from '../services/hosts.js';
import { readPassphrase } from './secrets.js';

async function askTrust(host: string, fingerprint: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises'); // only when a question is asked
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`The host ${host} is not known yet. Its key fingerprint is\n  ${fingerprint}\nCompare it with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` run on that host.\n`);
    const answer = await rl.question('Trust this key and remember it? (yes/no) ');
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

export function connectOptions(o: { trustFingerprint?: string }): ConnectOptions {
  const tty = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  return {
    ...(o.trustFingerprint ? { trustFingerprint: o.trustFingerprint } : {}),
    ...(tty ? { askTrust, askPassphrase: (identity: string) => readPassphrase({}, `passphrase for ${identity}: `) } : {}),
  };
}

export function connector(o: { trustFingerprint?: string }) {
  const opts = connectOptions(o);
  // Loaded on first use: ssh2 and the settings store are not needed by every command.
  return { connect: async (host: HostEntry) => (await import('../services/hosts.js')).openRunner(host.name, opts) };
}
