// The shared text field's editing (pure), key by key as the keymap's `field` scope names them.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { edit, initialEdit, insert } from '../../src/ui/text-edit.js';
import { resolveKey, keyName } from '../../src/ui/keymap.js';

const type = (s: ReturnType<typeof initialEdit>, ...ids: string[]) => ids.reduce((x, id) => edit(x, id), s);

describe('text field editing', () => {
  it('a suggestion is replaced by typing, taken by Enter, and comes back when the field is emptied', () => {
    const s = initialEdit({ suggestion: '/var/lib/commbase' });
    expect(s).toMatchObject({ value: '/var/lib/commbase', suggested: true });
    const typed = insert(s, '/srv');
    expect(typed).toMatchObject({ value: '/srv', cursor: 4, suggested: false });
    expect(type(typed, 'field.delete-back', 'field.delete-back', 'field.delete-back', 'field.delete-back')).toMatchObject({ value: '/var/lib/commbase', suggested: true });
    expect(type(s, 'field.kill-start')).toMatchObject({ suggested: true }); // deleting a suggestion leaves it
    expect(type(s, 'field.end')).toMatchObject({ value: '/var/lib/commbase', suggested: false }); // End takes it to edit
  });

  it('moves and deletes like readline: Ctrl-A/E/U/K/W, Alt-B/F, left/right', () => {
    let s = initialEdit({ value: 'relay.example.org:5000' });
    s = type(s, 'field.word-left');
    expect(s.cursor).toBe('relay.example.org:'.length);
    s = type(s, 'field.word-left', 'field.word-left');
    expect(s.cursor).toBe('relay.'.length);
    expect(type(s, 'field.kill-end').value).toBe('relay.');
    expect(type(s, 'field.kill-start')).toMatchObject({ value: 'example.org:5000', cursor: 0 });
    expect(type(s, 'field.word-right').cursor).toBe('relay.example'.length);
    expect(type(s, 'field.start', 'field.right', 'field.right').cursor).toBe(2);
    expect(type(initialEdit({ value: 'a b c' }), 'field.kill-word').value).toBe('a b ');
    expect(type(initialEdit({ value: 'abc' }), 'field.start', 'field.delete').value).toBe('bc');
    expect(insert(type(initialEdit({ value: 'ac' }), 'field.left'), 'b').value).toBe('abc');
  });

  it('drops control characters and line breaks from typed or pasted text, and never leaves the cursor outside the value (fast-check)', () => {
    expect(insert(initialEdit({}), 'a\nb\u0007c\u001b[31m').value).toBe('abc[31m');
    const ids = ['field.left', 'field.right', 'field.start', 'field.end', 'field.word-left', 'field.word-right', 'field.kill-start', 'field.kill-end', 'field.kill-word', 'field.delete-back', 'field.delete'];
    fc.assert(fc.property(fc.string(), fc.array(fc.oneof(fc.constantFrom(...ids), fc.string({ maxLength: 5 }))), (start, steps) => {
      let s = initialEdit({ suggestion: start });
      for (const st of steps) s = ids.includes(st) ? edit(s, st) : insert(s, st);
      expect(s.cursor).toBeGreaterThanOrEqual(0);
      expect(s.cursor).toBeLessThanOrEqual(s.value.length);
    }));
  });

  it('moves over and deletes whole graphemes: an accent with its letter, a flag, a family emoji, never half', () => {
    const e = 'cafe\u0301'; // e + combining acute accent
    expect(type(initialEdit({ value: e }), 'field.delete-back').value).toBe('caf');
    expect(type(initialEdit({ value: e }), 'field.left').cursor).toBe(3);
    const flag = 'de🇩🇪x';
    expect(type(initialEdit({ value: flag }), 'field.left', 'field.delete-back').value).toBe('dex');
    const family = '👨‍👩‍👧';
    expect(type(initialEdit({ value: `a${family}b` }), 'field.start', 'field.right', 'field.delete').value).toBe('ab');
    expect(type(initialEdit({ value: `a${family}` }), 'field.left').cursor).toBe(1);
    // After any edits the cursor stands between graphemes (fast-check over emoji and accents too).
    const ids = ['field.left', 'field.right', 'field.delete-back', 'field.delete', 'field.start', 'field.end', 'field.word-left', 'field.word-right', 'field.kill-word'];
    const pieces = fc.constantFrom('a', 'é', 'e\u0301', '🇩🇪', family, '👍🏽', 'x', ' ', '-');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 8 }), fc.array(fc.oneof(fc.constantFrom(...ids), pieces), { maxLength: 12 }), (start, steps) => {
      let s = initialEdit({ value: start.join('') });
      for (const st of steps) s = ids.includes(st) ? edit(s, st) : insert(s, st);
      const bounds = new Set([...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s.value)].map((g) => g.index).concat(s.value.length));
      expect(bounds.has(s.cursor)).toBe(true);
    }), { numRuns: 300 });
  });

  it('the keys resolve through the one keymap', () => {
    expect(resolveKey(keyName('a', { ctrl: true }), ['field'])).toBe('field.start');
    expect(resolveKey(keyName('', { home: true }), ['field'])).toBe('field.start');
    expect(resolveKey(keyName('', { end: true }), ['field'])).toBe('field.end');
    expect(resolveKey(keyName('u', { ctrl: true }), ['field'])).toBe('field.kill-start');
    expect(resolveKey(keyName('k', { ctrl: true }), ['field'])).toBe('field.kill-end');
    expect(resolveKey(keyName('w', { ctrl: true }), ['field'])).toBe('field.kill-word');
    expect(resolveKey(keyName('b', { meta: true }), ['field'])).toBe('field.word-left');
    expect(resolveKey(keyName('f', { meta: true }), ['field'])).toBe('field.word-right');
  });
});
