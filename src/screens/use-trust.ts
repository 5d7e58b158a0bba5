// Connecting from the console: an unknown host key is shown in a dialog and pinned only if the operator says so.
import { useCallback, useRef, useState } from 'react';
import { openRunner, type ConnectOptions, type HostEntry } from '../services/hosts.js';

export interface TrustQuestion {
  host: string;
  fingerprint: string;
  answer: (ok: boolean) => void;
}

export function useTrust() {
  const [question, setQuestion] = useState<TrustQuestion | undefined>();
  const ref = useRef<ConnectOptions>({});
  ref.current.askTrust = useCallback((host: string, fingerprint: string) => new Promise<boolean>((resolve) => {
    setQuestion({ host, fingerprint, answer: (ok) => { setQuestion(undefined); resolve(ok); } });
  }), []);
  const deps = { connect: (h: HostEntry) => openRunner(h.name, ref.current) };
  return { question, options: ref.current, deps };
}
