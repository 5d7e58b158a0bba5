// Identity-file passphrases given during this process (one console session), kept in memory only, never
// written: like ssh-agent, so a key is unlocked once and the Monitor's background polls can use it.
import { notice } from '../core/notices.js';
import { UserError } from '../core/errors.js';
import { identityNeedsPassphrase, passphraseOpens } from '../runners/ssh.js';
import { getHost, type ConnectOptions } from './hosts.js';

const remembered = new Map<string, string>();

export const sessionPassphrases = {
  get: (identity: string): string | undefined => remembered.get(identity),
  set: (identity: string, passphrase: string): void => { remembered.set(identity, passphrase); },
  forget: (identity: string): void => { remembered.delete(identity); },
};

/** Options that use passphrases given earlier in this session and ask nothing (for background polls). */
export function rememberedOnly(): ConnectOptions {
  return {
    askPassphrase: async (identity) => {
      const known = remembered.get(identity);
      if (known === undefined) {
        throw new UserError(`failed to use the identity file ${identity}: it is encrypted and its passphrase has not been given in this session`, [
          'start the monitor from a terminal (it asks first), or unlock it in Hosts (c), or load the key into ssh-agent',
        ], 'identity');
      }
      return known;
    },
  };
}

/**
 * Before a live view starts polling: ask for the passphrase of every encrypted identity file the named hosts
 * use (three tries each, each checked against the file), and keep it for the session.
 */
export async function unlockIdentities(hostNames: string[], ask: (identity: string) => Promise<string>): Promise<void> {
  const files = [...new Set(hostNames.map((n) => getHost(n).identity).filter((f): f is string => Boolean(f)))];
  for (const file of files) {
    if (remembered.has(file) || !(await identityNeedsPassphrase(file))) continue;
    let tries = 0;
    for (;;) {
      const passphrase = await ask(file);
      if (await passphraseOpens(file, passphrase)) {
        remembered.set(file, passphrase);
        break;
      }
      if (++tries === 3) throw new UserError(`failed to decrypt the identity file ${file}: wrong passphrase, three times`, [], 'identity');
      notice('wrong passphrase, try again');
    }
  }
}
