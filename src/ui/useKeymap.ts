// Keys routed to a screen's handlers by binding id (BindingId), through the one keymap. A key the screen offers but
// cannot act on now is `disabled('why')` (key-state.tsx): the footer marks it, and pressing it says why.
import { useCallback, useEffect, useRef } from 'react';
import { useInput } from 'ink';
import { useReadOnly } from './read-only.js';
import { keyTaken } from '../core/input-log.js';
import { bindingsFor, keyName, resolveKey, type BindingId, type InkKey, type Scope } from './keymap.js';
import { isDisabled, useKeyState, type Handlers } from './key-state.js';

/**
 * Route key presses to handlers by binding id. Only the active pane listens ({isActive}). The latest
 * render's scopes and handlers are read through a ref, so a key pressed before React has re-run the
 * subscription effect still reaches the screen as it is drawn, not as it was.
 */
export function useKeymap(scopes: readonly Scope[], handlers: Handlers, opts: { isActive: boolean; typing?: boolean }): void {
  const readOnly = useReadOnly();
  const { setOff, setNotice } = useKeyState();
  const latest = useRef({ scopes, handlers, opts: { ...opts, readOnly } });
  latest.current = { scopes, handlers, opts: { ...opts, readOnly } };
  const onInput = useCallback((input: string, key: Partial<InkKey>) => {
    const { scopes: s, handlers: h, opts: o } = latest.current;
    const id = resolveKey(keyName(input, key), s, o) as BindingId | undefined;
    const handler = id ? h[id] : undefined;
    if (isDisabled(handler)) {
      const b = bindingsFor(s, o).find((x) => x.id === id);
      setNotice(`${b?.label ?? id}: ${handler.disabled}`);
    } else {
      setNotice(undefined);
      handler?.();
    }
    keyTaken();
  }, [setNotice]);
  useInput(onInput, { isActive: opts.isActive });
  // The active keymap's disabled keys, for the footer (published when they change, cleared when it stops listening).
  const off = Object.fromEntries(Object.entries(handlers).flatMap(([id, h]) => (isDisabled(h) ? [[id, h.disabled]] : [])));
  const offKey = JSON.stringify(off);
  useEffect(() => {
    if (!opts.isActive) return undefined;
    setOff(JSON.parse(offKey) as Partial<Record<BindingId, string>>);
    return () => setOff({});
  }, [offKey, opts.isActive, setOff]);
}
