// Keys that are offered but cannot act right now, and why (as lazygit's GetDisabledReason): a screen gives such a
// key `disabled('why')` instead of a handler; the footer shows it marked "(off)", and pressing it shows the reason
// above the footer instead of doing nothing. One provider, at the App's root; the active keymap publishes to it.
import React, { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { BindingId } from './keymap.js';

export interface Disabled { disabled: string }

/** A key offered on this screen that cannot act now, with the reason the operator sees when pressing it. */
export const disabled = (reason: string): Disabled => ({ disabled: reason });

export const isDisabled = (h: unknown): h is Disabled => typeof h === 'object' && h !== null && 'disabled' in h;

export type Handlers = Partial<Record<BindingId, (() => void) | Disabled>>;

interface KeyState {
  /** The active keymap's disabled keys and their reasons. */
  off: Partial<Record<BindingId, string>>;
  /** What the last key pressed could not do, until the next key. */
  notice: string | undefined;
  setOff: (off: Partial<Record<BindingId, string>>) => void;
  setNotice: (notice: string | undefined) => void;
}

const KeyStateContext = createContext<KeyState>({ off: {}, notice: undefined, setOff: () => {}, setNotice: () => {} });

export function KeyStateProvider({ children }: { children: ReactNode }) {
  const [off, setOff] = useState<Partial<Record<BindingId, string>>>({});
  const [notice, setNotice] = useState<string | undefined>();
  const value = useMemo(() => ({ off, notice, setOff, setNotice }), [off, notice]);
  return <KeyStateContext.Provider value={value}>{children}</KeyStateContext.Provider>;
}

export const useKeyState = (): KeyState => useContext(KeyStateContext);
