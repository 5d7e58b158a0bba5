// What Commbase's data exchange reads from commbase.conf, and what each value may be.
import { z } from 'zod';
import { isIP, hostOrIp } from '../core/net.js';

export const HOST_KEY = 'COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS';
export const PORT_KEY = 'COMMBASE_DATA_EXCHANGE_SERVER_PORT';
export const INTERVAL_KEY = 'CLIENT_POLLING_INTERVAL_IN_SECS';
export const FILE_PATH_KEYS = [
  'COMMBASE_DATA_EXCHANGE_SERVER_CONNECTION_FILE_PATH',
  'COMMBASE_DATA_EXCHANGE_SERVER_UPLOADER_FILE_PATH',
  'COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH',
  'COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH',
] as const;
/** Appended to a base directory with no separator by Commbase's Python, so they must start with '/'. */
export const CERT_KEYS = {
  CERTS_AND_KEYS_SERVER_CRT_FILE: 'cert',
  CERTS_AND_KEYS_SERVER_KEY_FILE: 'key',
  CERTS_AND_KEYS_CERT_PEM_FILE: 'cert',
  CERTS_AND_KEYS_KEY_PEM_FILE: 'key',
  CERTS_AND_KEYS_CA_PEM_FILE: 'cert',
} as const;
export const JOINED_PATH_KEYS = [...Object.keys(CERT_KEYS), 'MESSAGING_FILE'] as const;

export const KNOWN_KEYS = [HOST_KEY, PORT_KEY, ...FILE_PATH_KEYS, INTERVAL_KEY, ...JOINED_PATH_KEYS] as const;

const joinedPath = z.string().min(1, 'must not be empty').refine((v) => v.startsWith('/'), {
  message: "must start with '/': Commbase appends it to its base directory with no separator",
});

export const KEY_SCHEMAS: Record<string, z.ZodType<unknown>> = {
  [HOST_KEY]: hostOrIp,
  [PORT_KEY]: z.string().regex(/^\d+$/, 'must be a whole number between 1 and 65535').transform(Number).pipe(z.number().int().min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535')),
  [INTERVAL_KEY]: z.string().regex(/^\d+$/, 'must be a whole number of seconds').transform(Number).pipe(z.number().int().min(1, 'must be at least 1 second')),
  ...Object.fromEntries(FILE_PATH_KEYS.map((k) => [k, z.string().min(1, 'must not be empty')])),
  ...Object.fromEntries(JOINED_PATH_KEYS.map((k) => [k, joinedPath])),
};

/** Extra notes that are not errors. */
export function notesFor(key: string, value: string): string[] {
  if (key === HOST_KEY && (value === '0.0.0.0' || value === '::')) return ['listens on every interface: make sure the firewall allows only the clients (commbase-admin fw open --from …)'];
  if (key === HOST_KEY && isIP(value) === 0 && value !== 'localhost') return [];
  return [];
}

/**
 * Bash sources commbase.conf, and inside double quotes it expands `$…` and backticks (running `$(…)` and
 * `` `…` ``), and reads `\` and `"` as syntax: a value with any of them could carry code. Newline, CR and NUL
 * would break the one-line-per-variable form. The one `$` taken is the form Commbase's own file uses, a leading
 * `$COMMBASE_APP_DIR/`: a plain variable, never code.
 */
export function unsafeCharacter(value: string): string | undefined {
  const rest = value.replace(/^\$(COMMBASE_APP_DIR|\{COMMBASE_APP_DIR\})(?=\/)/, '');
  const m = /[$`\\"\n\r\0]/.exec(rest);
  if (!m) return undefined;
  const names: Record<string, string> = { '$': '"$" (bash expands it, and "$(…)" runs a command)', '`': 'a backtick (bash runs what stands between two)', '\\': 'a backslash (bash reads it as an escape)', '"': 'a double quote (it would end the value)', '\n': 'a newline', '\r': 'a carriage return', '\0': 'a NUL byte' };
  return `contains ${names[m[0]]} at character ${value.length - rest.length + m.index + 1}; allowed: any text without $ \` \\ " or line breaks (a leading $COMMBASE_APP_DIR/ is kept)`;
}

/** A value about to be written: nothing bash would run or misread, and what its key allows. */
export function validateValue(key: string, value: string): string | undefined {
  const unsafe = unsafeCharacter(value);
  if (unsafe) return unsafe;
  return schemaProblem(key, value);
}

/**
 * A value as bash read it from a line already there: only what its key allows. (That line ran no code: the parser
 * reads only what needs no shell, and keeps the rest as "not understood"; a `$` it decoded from single quotes is
 * just a `$`.)
 */
export function schemaProblem(key: string, value: string): string | undefined {
  const schema = KEY_SCHEMAS[key];
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues[0]?.message;
}
