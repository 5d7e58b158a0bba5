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

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

function wordLeft(v: string, i: number): number {
  while (i > 0 && !isWordChar(v[i - 1])) i--;
  while (i > 0 && isWordChar(v[i - 1])) i--;
  return i;
}

function wordRight(v: string, i: number): number {
  while (i < v.length && !isWordChar(v[i])) i++;
  while (i < v.length && isWordChar(v[i])) i++;
  return i;
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
    case 'field.left': return { ...real, cursor: Math.max(0, c - 1) };
    case 'field.right': return { ...real, cursor: Math.min(v.length, c + 1) };
    case 'field.start': return { ...real, cursor: 0 };
    case 'field.end': return { ...real, cursor: v.length };
    case 'field.word-left': return { ...real, cursor: wordLeft(v, c) };
    case 'field.word-right': return { ...real, cursor: wordRight(v, c) };
    // Deleting anything from a suggestion leaves it there (it shows again when the field is empty).
    case 'field.kill-start': return s.suggested ? s : { ...real, value: v.slice(c), cursor: 0 };
    case 'field.kill-end': return s.suggested ? s : { ...real, value: v.slice(0, c) };
    case 'field.kill-word': { if (s.suggested) return s; const w = wordLeft(v, c); return { ...real, value: v.slice(0, w) + v.slice(c), cursor: w }; }
    case 'field.delete-back': return s.suggested || c === 0 ? s : { ...real, value: v.slice(0, c - 1) + v.slice(c), cursor: c - 1 };
    case 'field.delete': return s.suggested ? s : { ...real, value: v.slice(0, c) + v.slice(c + 1) };
    default: return s;
  }
}
