// Every input from a person, a file or the network is parsed here, at the edge, by a zod schema.
// A failure becomes a UserError that names the field, the value given and what is allowed.
import { z } from 'zod';
import { UserError } from './errors.js';
import { quoted } from './text.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new UserError(`invalid ${what}`);
  const field = issue.path.map(String).join('.') || what;
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? '(missing)' : quoted(typeof value === 'string' ? redactUrlPassword(value) : value);
  throw new UserError(`invalid ${field} ${shown}: ${issue.message}`, [], field);
}

/** A URL's password is never repeated back (an error ends up in logs and terminals): user:***@host. */
export function redactUrlPassword(v: string): string {
  return v.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*):[^@/\s]*@/i, '$1:***@');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * A whole number written the plain way: decimal digits only (a number value must be a safe integer). `0x16`,
 * `1e3`, `22.0`, ` 22 `, `+5` and `-1` are refused rather than read as something the operator did not type.
 */
export function wholeNumber(message = 'must be a whole number written in digits (e.g. 22)') {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    // A minus sign is read (so "-3" hears "must be at least 1"), never a plus, a space, a dot, an exponent or a base.
    if (typeof v === 'number' ? Number.isSafeInteger(v) : /^-?\d{1,15}$/.test(v)) return Number(v);
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });
}
