// Connecting from the console: what a connection asks is shown in a dialog. An unknown host key is pinned only
// if the operator says so; an encrypted identity file's passphrase is asked for once, then kept in this
// process's memory for the rest of the console session (never written anywhere), as ssh-agent would.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { UserError } from '../core/errors.js';
import { openRunner, type ConnectOptions, type HostEntry } from '../services/hosts.js';
import { sessionPassphrases as remembered } from '../services/passphrases.js';

export type ConnectQuestion =
  | { kind: 'host-key'; host: string; fingerprint: string; answer: (ok: boolean) => void }
  | { kind: 'passphrase'; identity: string; answer: (passphrase: string | undefined) => void };

export function useTrust() {
  const [question, setQuestion] = useState<ConnectQuestion | undefined>();
  const ref = useRef<ConnectOptions>({});
  const given = useRef(new Map<string, string>());
  ref.current.askTrust = useCallback((host: string, fingerprint: string) => new Promise<boolean>((resolve) => {
    setQuestion({ kind: 'host-key', host, fingerprint, answer: (ok) => { setQuestion(undefined); resolve(ok); } });
  }), []);
  ref.current.askPassphrase = useCallback((identity: string) => {
    const known = remembered.get(identity);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise<string>((resolve, reject) => {
      setQuestion({
        kind: 'passphrase', identity, answer: (passphrase) => {
          setQuestion(undefined);
          if (passphrase === undefined) return reject(new UserError(`failed to connect: no passphrase was given for ${identity}`, [], 'identity'));
          given.current.set(identity, passphrase);
          resolve(passphrase);
        },
      });
    });
  }, []);
  /** Run something that connects; passphrases given while it ran are kept only if it succeeded. */
  // Stable for the screen's life (they read refs), so effects may list them.
  const attempt = useCallback(async <T,>(identity: string | undefined, fn: () => Promise<T>): Promise<T> => {
    try {
      const result = await fn();
      for (const [file, passphrase] of given.current) remembered.set(file, passphrase);
      return result;
    } catch (err) {
      if (identity) remembered.forget(identity);
      throw err;
    } finally {
      given.current.clear();
    }
  }, []);
  // Leaving the screen (q/Esc) aborts what it started: every command of its runners stops waiting, and stops.
  const controller = useRef(new AbortController());
  useEffect(() => { const c = controller.current; return () => c.abort(); }, []);
  ref.current.signal = controller.current.signal;
  const deps = useMemo(() => ({ connect: (h: HostEntry) => attempt(h.identity, () => openRunner(h.name, ref.current)) }), [attempt]);
  return { question, options: ref.current, deps, attempt };
}
