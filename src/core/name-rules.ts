// The rule for an inventory host's name as a plain pattern, with no imports: names.ts makes the zod schema of it,
// and a Tab's completion (services/inventory-names.ts) filters the inventory's names with it without loading zod.
export const HOST_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const HOST_NAME_RULE = 'must be 1-63 letters, digits, dots, hyphens or underscores, starting with a letter or digit';

/** The inventory's name for this machine, always there. */
export const LOCAL = 'local';
