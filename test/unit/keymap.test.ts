import { describe, expect, it } from 'vitest';
import { BINDINGS, bindingsFor, footerHints, resolveKey } from '../../src/ui/keymap.js';

describe('the keybinding table', () => {
  it('has unique ids and no key bound twice within one scope', () => {
    expect(new Set(BINDINGS.map((b) => b.id)).size).toBe(BINDINGS.length);
    const seen = new Set<string>();
    for (const b of BINDINGS) for (const k of b.keys) {
      const key = `${b.scope}:${k}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it('lets the screen scope win over global, and typing disables printable keys', () => {
    expect(resolveKey('q', ['global', 'home'])).toBe('back');
    expect(resolveKey('q', ['global', 'wizard.text'], { typing: true })).toBeUndefined();
    expect(resolveKey('escape', ['global', 'wizard.text'], { typing: true })).toBe('text.back');
    expect(resolveKey('return', ['global', 'home'])).toBe('home.open');
  });

  it('does not bind dangerous actions in read-only mode, and the footer does not offer them', () => {
    expect(resolveKey('y', ['global', 'wizard.confirm'])).toBe('confirm.yes');
    expect(resolveKey('y', ['global', 'wizard.confirm'], { readOnly: true })).toBeUndefined();
    expect(bindingsFor(['wizard.confirm'], { readOnly: true }).map((b) => b.id)).toEqual(['confirm.no']);
    expect(footerHints(['global', 'wizard.confirm'], { readOnly: true }).join(' ')).not.toMatch(/write/);
  });
});
