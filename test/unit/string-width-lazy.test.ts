// The bundle's string-width builds its RGI emoji regex when first needed (scripts/string-width-lazy.js). It must
// give the same width as the original for everything: every code point, emoji with presentation selectors and
// skin tones, keycaps, every regional-indicator pair, ZWJ and tag sequences, and text around them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .js build script without types
import { inkStringWidth, lazyEmojiRegex } from '../../scripts/string-width-lazy.js';

type Width = (s: string) => number;
// The copy Ink resolves (the bundle patches that one, wherever npm put it).
const original = (inkStringWidth as () => string)();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cba-sw-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The patched module, written beside nothing: its imports point at the files the original resolves to. */
async function patched(): Promise<Width> {
  const req = createRequire(original);
  let text = (lazyEmojiRegex as (s: string) => string | undefined)(readFileSync(original, 'utf8'));
  expect(text, 'scripts/string-width-lazy.js no longer matches node_modules/string-width').toBeDefined();
  for (const dep of ['strip-ansi', 'get-east-asian-width']) text = text!.replace(`from '${dep}'`, `from '${pathToFileURL(req.resolve(dep)).href}'`);
  const file = path.join(tmp, 'string-width-lazy.mjs');
  writeFileSync(file, text!);
  return ((await import(pathToFileURL(file).href)) as { default: Width }).default;
}

function corpus(): string[] {
  const out: string[] = [];
  const cp = (n: number) => String.fromCodePoint(n);
  for (let n = 0; n <= 0x1ffff; n++) out.push(cp(n));
  for (let n = 0xe0000; n <= 0xe01ef; n++) out.push(cp(n));
  const pict: number[] = [];
  for (let n = 0xa9; n <= 0x1faff; n++) if (/\p{Extended_Pictographic}/u.test(cp(n))) pict.push(n);
  for (const n of pict) {
    out.push(cp(n) + '\uFE0F', cp(n) + '\uFE0E');
    for (let m = 0x1f3fb; m <= 0x1f3ff; m++) out.push(cp(n) + cp(m));
  }
  for (const k of '0123456789#*') out.push(`${k}\u20E3`, `${k}\uFE0F\u20E3`);
  for (let a = 0x1f1e6; a <= 0x1f1ff; a++) for (let b = 0x1f1e6; b <= 0x1f1ff; b++) out.push(cp(a) + cp(b));
  out.push('👨‍👩‍👧‍👦', '🏳️‍🌈', '🧑🏽‍💻', '👩‍❤️‍💋‍👨', '🏴󠁧󠁢󠁥󠁮󠁧󠁿', '🐕‍🦺', '❤️‍🔥', '🧔🏻‍♀️');
  for (let i = 0; i < 3000; i++) out.push(cp(pict[(i * 7919) % pict.length]!) + '\u200D' + cp(pict[(i * 104729) % pict.length]!));
  out.push('relay → 10.0.0.1:5000 · up 3m', '\u001B[31mred 😀\u001B[39m', 'naïve café ｶﾞ 한국어 각', 'a\u0301b\u0308', 'x\u200By', '🇩🇪🇫🇷 flags', '1️⃣2️⃣');
  return out;
}

describe('string-width with a lazily built emoji regex', () => {
  it('measures every code point and emoji sequence as the original does', async () => {
    const lazy = await patched();
    const orig = ((await import(pathToFileURL(original).href)) as { default: Width }).default;
    const all = corpus();
    const differ = all.filter((s) => lazy(s) !== orig(s)).slice(0, 10).map((s) => `${JSON.stringify(s)}: ${lazy(s)} vs ${orig(s)}`);
    expect(differ).toEqual([]);
    // Not vacuous: emoji are wide, flags and keycaps too, and the original measured some of each.
    expect(['😀', '🇩🇪', '1️⃣', '👨‍👩‍👧‍👦', '⌚'].map(orig)).toEqual([2, 2, 2, 2, 2]);
    expect(all.filter((s) => orig(s) === 2).length).toBeGreaterThan(5000);
  }, 120_000);
});
