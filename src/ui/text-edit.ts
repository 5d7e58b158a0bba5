// A text field's editing, pure: a value, a cursor, and whether the value is still a suggestion (a pre-filled
// example or default shown dim: Enter takes it, typing replaces it). The keys are the keymap's `field` scope.

export interface EditState {
  value: string;
  cursor: number;
  /** The value is the suggestion, untouched: Enter takes it, typing replaces it. */
  suggested: boolean;
  /** Shown again whenever the field is emptied. */
  suggestion: string;
}

export function initialEdit(opts: { value?: string; suggestion?: string }): EditState {
  const suggestion = opts.suggestion ?? '';
  if (opts.value !== undefined && opts.value !== '') return { value: opts.value, cursor: opts.value.length, suggested: false, suggestion };
  return { value: suggestion, cursor: suggestion.length, suggested: suggestion !== '', suggestion };
}

/** An emptied field shows its suggestion again. */
function settle(s: EditState): EditState {
  return s.value === '' && s.suggestion !== '' ? { ...s, value: s.suggestion, cursor: s.suggestion.length, suggested: true } : s;
}

// The cursor moves, and Backspace and Delete remove, a whole grapheme (what a person sees as one character: é as
// e + combining accent, a flag, a family emoji), never half of one.
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The start of the grapheme before position i (0 at the start). */
export function prevBoundary(v: string, i: number): number {
  let last = 0;
  for (const g of graphemes.segment(v)) { if (g.index >= i) break; last = g.index; }
  return last;
}

/** The end of the grapheme at position i (the value's length at the end). */
export function nextBoundary(v: string, i: number): number {
  for (const g of graphemes.segment(v)) if (g.index > i) return g.index;
  return v.length;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{M}\p{N}_]/u.test(c);

/** Is position i between two graphemes? (The largest boundary at or before i is i itself.) */
const isBoundary = (v: string, i: number) => i === 0 || i === v.length || prevBoundary(v, i + 1) === i;

function wordLeft(v: string, i: number): number {
  while (i > 0 && !isWordChar(v[i - 1])) i--;
  while (i > 0 && isWordChar(v[i - 1])) i--;
  return isBoundary(v, i) ? i : prevBoundary(v, i);
}

function wordRight(v: string, i: number): number {
  while (i < v.length && !isWordChar(v[i])) i++;
  while (i < v.length && isWordChar(v[i])) i++;
  return isBoundary(v, i) ? i : nextBoundary(v, i);
}

/** Typed (or pasted) text: control characters and line breaks are dropped; over a suggestion it starts afresh. */
export function insert(s: EditState, text: string): EditState {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '');
  if (!clean) return s;
  if (s.suggested) return { ...s, value: clean, cursor: clean.length, suggested: false };
  return { ...s, value: s.value.slice(0, s.cursor) + clean + s.value.slice(s.cursor), cursor: s.cursor + clean.length, suggested: false };
}

/** One editing action by its keymap id (field.*); an unknown id changes nothing. */
export function edit(s: EditState, id: string): EditState {
  return settle(step(s, id));
}

function step(s: EditState, id: string): EditState {
  const v = s.value;
  const c = s.cursor;
  // Any edit of a suggestion first makes it the value (deleting from it, moving in it).
  const real = { ...s, suggested: false };
  switch (id) {
    case 'field.left': return { ...real, cursor: prevBoundary(v, c) };
    case 'field.right': return { ...real, cursor: nextBoundary(v, c) };
    case 'field.start': return { ...real, cursor: 0 };
    case 'field.end': return { ...real, cursor: v.length };
    case 'field.word-left': return { ...real, cursor: wordLeft(v, c) };
    case 'field.word-right': return { ...real, cursor: wordRight(v, c) };
    // Deleting anything from a suggestion leaves it there (it shows again when the field is empty).
    case 'field.kill-start': return s.suggested ? s : { ...real, value: v.slice(c), cursor: 0 };
    case 'field.kill-end': return s.suggested ? s : { ...real, value: v.slice(0, c) };
    case 'field.kill-word': { if (s.suggested) return s; const w = wordLeft(v, c); return { ...real, value: v.slice(0, w) + v.slice(c), cursor: w }; }
    case 'field.delete-back': { if (s.suggested || c === 0) return s; const p = prevBoundary(v, c); return { ...real, value: v.slice(0, p) + v.slice(c), cursor: p }; }
    case 'field.delete': return s.suggested ? s : { ...real, value: v.slice(0, c) + v.slice(nextBoundary(v, c)) };
    default: return s;
  }
}
