// Whole-console tests (tmux) wait for each key to be taken instead of sleeping a fixed time: with
// COMMBASE_ADMIN_INPUT_LOG=FILE (an absolute path) set, every key event that reaches a handler of the console adds
// one to the count written in FILE. Unset, which it always is outside tests, it does nothing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const file = process.env.COMMBASE_ADMIN_INPUT_LOG;
const on = Boolean(file && path.isAbsolute(file));
let taken = 0;
let counting = false;

/**
 * A handler has handled a key (call it after the handler ran). Several handlers of one event (a screen's keymap and
 * its text field) count it once. The count is written three turns of the event loop later, after the render the key
 * caused and the effects that render scheduled (a field it opened is listening by then), so the next key a test
 * sends reaches what the screen now shows.
 */
export function keyTaken(): void {
  if (!on || counting) return;
  counting = true;
  // React's scheduler runs its work in setImmediate tasks too: the render this key caused, then its effects.
  setImmediate(() => setImmediate(() => setImmediate(() => {
    counting = false;
    taken += 1;
    try { writeFileSync(file!, String(taken)); } catch { /* a test's file: never a reason to fail */ }
  })));
}
