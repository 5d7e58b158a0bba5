// Whole-console tests (tmux) wait for each key to be taken instead of sleeping a fixed time: with
// COMMBASE_ADMIN_INPUT_LOG=FILE (an absolute path) set, every key event that reaches a handler of the console adds
// one to the count written in FILE. Unset, which it always is outside tests, it does nothing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const file = process.env.COMMBASE_ADMIN_INPUT_LOG;
const on = Boolean(file && path.isAbsolute(file));
let taken = 0;
let counting = false;

/** A handler received a key. Several handlers of one event (a screen's keymap and its text field) count it once. */
export function keyTaken(): void {
  if (!on || counting) return;
  counting = true;
  queueMicrotask(() => {
    counting = false;
    taken += 1;
    try { writeFileSync(file!, String(taken)); } catch { /* a test's file: never a reason to fail */ }
  });
}
