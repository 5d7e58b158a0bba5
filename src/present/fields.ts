// One form-field check for every screen: a zod schema applied to what was typed, answering the message the
// command line would give for the same value (`<field> "<value>": <what is allowed>`), or undefined when fine.
import { redactUrlPassword } from '../core/validate.js';

interface Schema { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } }

export function fieldCheck(schema: Schema, name: string, opts: { optional?: boolean } = {}): (value: string) => string | undefined {
  return (value) => {
    if (value === '') return opts.optional ? undefined : `${name}: must not be empty`;
    const r = schema.safeParse(value);
    return r.success ? undefined : `${name} ${JSON.stringify(redactUrlPassword(value))}: ${r.error?.issues[0]?.message ?? 'is not valid'}`;
  };
}
