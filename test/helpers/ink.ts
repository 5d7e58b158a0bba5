// Wait for content instead of sleeping; press keys by binding id through the one keymap.
import { BINDINGS } from '../../src/ui/keymap.js';

export async function waitForFrame(lastFrame: () => string | undefined, match: RegExp | string, timeoutMs = 10_000): Promise<string> {
  const start = Date.now();
  for (;;) {
    const frame = lastFrame() ?? '';
    if (typeof match === 'string' ? frame.includes(match) : match.test(frame)) return frame;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${String(match)} in frame:\n${frame}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const SEQUENCES: Record<string, string> = {
  up: '\u001b[A', down: '\u001b[B', right: '\u001b[C', left: '\u001b[D', return: '\r', escape: '\u001b', tab: '\t', backspace: '\u007f',
};

/** The first key of a binding, as the terminal sends it. */
export function keyFor(id: string): string {
  const b = BINDINGS.find((x) => x.id === id);
  if (!b) throw new Error(`no binding ${id}`);
  const k = b.keys[0]!;
  return SEQUENCES[k] ?? k;
}

export const tick = () => new Promise((r) => setTimeout(r, 60));

/** Press a key once the screen has had a moment to subscribe to keys (Ink subscribes in an effect after drawing). */
export async function press(stdin: { write: (data: string) => void }, key: string): Promise<void> {
  await tick();
  stdin.write(key);
}
