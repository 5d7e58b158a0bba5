// Keys routed to a screen's handlers by binding id (BindingId), through the one keymap.
import { useCallback, useRef } from 'react';
import { useInput } from 'ink';
import { useReadOnly } from './read-only.js';
import { keyTaken } from '../core/input-log.js';
import { keyName, resolveKey, type BindingId, type InkKey, type Scope } from './keymap.js';

/**
 * Route key presses to handlers by binding id. Only the active pane listens ({isActive}). The latest
 * render's scopes and handlers are read through a ref, so a key pressed before React has re-run the
 * subscription effect still reaches the screen as it is drawn, not as it was.
 */
export function useKeymap(
  scopes: readonly Scope[],
  handlers: Partial<Record<BindingId, () => void>>,
  opts: { isActive: boolean; typing?: boolean },
): void {
  const readOnly = useReadOnly();
  const latest = useRef({ scopes, handlers, opts: { ...opts, readOnly } });
  latest.current = { scopes, handlers, opts: { ...opts, readOnly } };
  const onInput = useCallback((input: string, key: Partial<InkKey>) => {
    keyTaken();
    const { scopes: s, handlers: h, opts: o } = latest.current;
    const id = resolveKey(keyName(input, key), s, o);
    if (id) h[id as BindingId]?.();
  }, []);
  useInput(onInput, { isActive: opts.isActive });
}
