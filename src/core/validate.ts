// Every input from a person, a file or the network is parsed here, at the edge, by a zod schema.
// A failure becomes a UserError that names the field, the value given and what is allowed.
import type { z } from 'zod';
import { UserError } from './errors.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new UserError(`invalid ${what}`);
  const field = issue.path.map(String).join('.') || what;
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? '(missing)' : JSON.stringify(value);
  throw new UserError(`invalid ${field} ${shown}: ${issue.message}`, [], field);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
