// The keys every list screen binds the same way: help, back (out of a dialog or a form first, then off the
// screen), the form's Esc, up and down; which scopes are live follows the open modal (or a connection's
// question). A screen adds its own bindings.
import { useState } from 'react';
import type { Scope } from '../ui/keymap.js';
import type { Handlers } from '../ui/key-state.js';
import { useKeymap } from '../ui/useKeymap.js';
import { questionScope } from './ConnectQuestion.js';
import type { ConnectQuestion } from './use-trust.js';
import type { Modal } from './list-screen.js';

export function useListKeys<P>(opts: {
  modal: Modal<P>;
  question: ConnectQuestion | undefined;
  screenScope: Scope;
  onExit: () => void;
  cancel: () => void;
  back: () => void;
  move: (d: number) => void;
  handlers: Handlers;
  isActive?: boolean;
}) {
  const [helpOpen, setHelpOpen] = useState(false);
  const kind = opts.question ? 'trust' : opts.modal.kind;
  const scopes: Scope[] = kind === 'none' ? ['list', opts.screenScope] : kind === 'form' ? ['wizard.text'] : kind === 'confirm' ? ['confirm'] : kind === 'typed' ? ['typed-confirm'] : [questionScope(opts.question!)];
  const typing = kind === 'form' || kind === 'typed';
  useKeymap(['global', ...scopes.filter((s) => s !== 'confirm' && s !== 'trust')], {
    help: () => setHelpOpen((v) => !v),
    back: () => (helpOpen ? setHelpOpen(false) : kind === 'none' ? opts.onExit() : opts.cancel()),
    'text.back': opts.back,
    'list.up': () => opts.move(-1),
    'list.down': () => opts.move(1),
    ...opts.handlers,
  }, { isActive: (opts.isActive ?? true) && kind !== 'trust', typing });
  return { helpOpen, scopes, typing, kind, active: (opts.isActive ?? true) && !helpOpen };
}
