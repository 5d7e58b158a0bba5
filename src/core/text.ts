// Text from outside (a remote command's output, a client's chosen name, a server's answer, a value a person
// typed) is shown only after this: control characters (terminal escapes, CR that would overwrite a ✗, BEL),
// bidirectional overrides and isolates (which reorder what follows), and line or paragraph separators become
// visible \u escapes, so what is on screen is exactly what was there and nothing else.

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

const escape = (c: string) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`;

/** Safe to print as lines: newlines and tabs stay, everything else that a terminal would act on is escaped. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** Safe to print inside one line (a name, a value in a message): newlines and tabs are escaped too. */
export function printableLine(text: string): string {
  return text.replace(UNSAFE_OR_NEWLINE, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : escape(c)));
}

/** A value quoted for a message: JSON's quoting, then nothing a terminal would act on. */
export function quoted(value: unknown): string {
  return printableLine(JSON.stringify(value) ?? String(value));
}
