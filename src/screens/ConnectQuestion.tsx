// What a connection is asking (a host key to trust, a key's passphrase), as the dialog and key scope to show.
import React from 'react';
import { PassphraseDialog, TrustDialog } from '../ui/Dialogs.js';
import type { Scope } from '../ui/keymap.js';
import type { ConnectQuestion } from './use-trust.js';

export function questionScope(q: ConnectQuestion): Scope {
  return q.kind === 'host-key' ? 'trust' : 'secret';
}

export function ConnectQuestionDialog(props: { question: ConnectQuestion | undefined; isActive: boolean }) {
  const q = props.question;
  if (!q) return null;
  return q.kind === 'host-key'
    ? <TrustDialog host={q.host} fingerprint={q.fingerprint} onAnswer={q.answer} isActive={props.isActive} />
    : <PassphraseDialog identity={q.identity} onAnswer={q.answer} isActive={props.isActive} />;
}
