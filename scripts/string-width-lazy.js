// string-width (Ink measures every line with it) builds /^\p{RGI_Emoji}$/v when it loads, ~35 ms on this machine,
// and V8 compiles that regex again on its first use, ~35 ms more: for the console's first frame, the largest
// single cost after Node's own start. Only a cluster holding an Extended_Pictographic character, a regional
// indicator, the keycap mark or a skin-tone modifier can be an RGI emoji, so the patched module tests for those
// first (a small regex) and builds the big one on the first cluster that has one. Same widths for every input
// (test/unit/string-width-lazy.test.ts compares it with the original over every code point and emoji sequence).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const LOAD = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
const USE = 'rgiEmojiRegex.test(segment)';

/** string-width's source with the emoji regex made lazy, or undefined when it is not the version this knows. */
export function lazyEmojiRegex(source) {
  if (!source.includes(LOAD) || !source.includes(USE)) return undefined;
  return source
    .replace(LOAD, [
      'let rgiEmojiRegexBuilt;',
      'const mayBeRgiEmoji = /[\\p{Extended_Pictographic}\\p{Regional_Indicator}\\u20E3\\u{1F3FB}-\\u{1F3FF}]/u;',
      'const rgiEmojiRegex = { test: (segment) => mayBeRgiEmoji.test(segment) && (rgiEmojiRegexBuilt ??= new RegExp("^\\\\p{RGI_Emoji}$", "v")).test(segment) };',
    ].join('\n'));
}

/** The string-width file Ink imports (several copies are installed): resolved from Ink's own entry, as Node would. */
export function inkStringWidth() {
  return createRequire(fileURLToPath(import.meta.resolve('ink'))).resolve('string-width');
}
