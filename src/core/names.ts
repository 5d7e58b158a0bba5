// Names people type for hosts and logins, and the firewall backends: shared schemas with no heavy imports
// (the command line loads them before it knows which command runs).
import { z } from 'zod';
import { HOST_NAME_RE, HOST_NAME_RULE } from './name-rules.js';

/** A name for a host in the inventory: what a person types after --host. */
export const hostNameKey = z
  .string()
  .regex(HOST_NAME_RE, HOST_NAME_RULE);

/** A POSIX login name (what useradd accepts). */
export const loginName = z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}\$?$/i, 'must be a login name (letters, digits, _ . -)');

export const BACKENDS = ['ufw', 'iptables'] as const;
export type Backend = (typeof BACKENDS)[number];

/**
 * A name a person or a client chooses for itself (a client's name, shown in lists): printable text only. Control
 * characters, format characters such as bidirectional overrides (U+202E reverses what follows) other than the
 * zero-width joiner emoji use, and line or paragraph separators are refused.
 */
export const displayName = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters')
  .refine((v) => !/[\p{Cc}\p{Zl}\p{Zp}]|(?!\u200d)\p{Cf}/u.test(v), { message: 'must not contain control characters, bidirectional formatting or line separators' });
