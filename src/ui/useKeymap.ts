import { useInput } from 'ink';
import { keyName, resolveKey, type Scope } from './keymap.js';

/** Route key presses to handlers by binding id. Only the active pane listens ({isActive}). */
export function useKeymap(
  scopes: readonly Scope[],
  handlers: Partial<Record<string, () => void>>,
  opts: { isActive: boolean; readOnly?: boolean; typing?: boolean },
): void {
  useInput(
    (input, key) => {
      const id = resolveKey(keyName(input, key), scopes, opts);
      if (id) handlers[id]?.();
    },
    { isActive: opts.isActive },
  );
}
