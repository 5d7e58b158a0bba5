// Every binding in the keymap does something: its id is handled somewhere in the console's code (a screen's
// handlers, a dialog, the text field's editing). A binding offered in the footer with no handler would be a key
// that silently does nothing; the type of the handlers (BindingId) catches the opposite, a handler under a typo.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINDINGS } from '../../src/ui/keymap.js';
import { ROOT } from '../helpers/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) && f !== 'keymap.ts' && f !== 'keys-doc.ts' ? [p] : [];
  });
}

describe('the keymap', () => {
  it('has a handler for every binding', () => {
    const code = [...sources(path.join(ROOT, 'src', 'screens')), ...sources(path.join(ROOT, 'src', 'ui'))].map((f) => readFileSync(f, 'utf8')).join('\n');
    // A handler is named by its id as a string (handlers['fw.open'], 'fw.open': …, id === 'fw.open'), or, for the
    // numbered ones, by the template that makes them.
    const unhandled = BINDINGS.map((b) => b.id).filter((id) => !code.includes(`'${id}'`) && !new RegExp(`\\b${id.replace(/\./g, '\\.')}: `).test(code) && !(id.startsWith('home.number.') && code.includes('`home.number.${')));
    // Handled by the component that draws them, not by id: Ctrl-C by Ink (exitOnCtrlC), ↑/↓ and Enter in a list of
    // choices by @inkjs/ui's Select, Enter in a text field by TextField's onSubmit (a form, the file chooser, a typed
    // confirmation, a passphrase).
    const BY_COMPONENT: Record<string, RegExp> = {
      quit: /exitOnCtrlC: true/, 'select.move': /<Select\b/, 'select.pick': /<Select\b/,
      'text.submit': /if \(key\.return\) return props\.onSubmit/, 'choose.open': /if \(key\.return\) return props\.onSubmit/,
      'typed.submit': /if \(key\.return\) return props\.onSubmit/, 'secret.submit': /if \(key\.return\) return props\.onSubmit/,
    };
    const all = code + readFileSync(path.join(ROOT, 'src', 'screens', 'open.ts'), 'utf8');
    expect(unhandled.filter((id) => !BY_COMPONENT[id]?.test(all))).toEqual([]);
  });
});
