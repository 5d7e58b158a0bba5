// What arrives from the network, parsed before anything uses it: the request target (with the token as a
// `/t/<token>/…` path prefix, for Commbase's updater, which appends `/1` to whatever URL it is given), the
// Socket.IO handshake's token, and JSON bodies (bounded nesting). Every failure is an HttpError (4xx).
import { z } from 'zod';
import { clientIdSchema, clientNameSchema } from './auth.js';
import { HttpError } from './http-util.js';

/** Deeper than any Commbase document (theirs nest 3 levels); deep enough for anyone's. */
export const MAX_JSON_DEPTH = 64;
const TOKEN_MAX = 200;

export interface Target {
  /** The route's path with any /t/<token> prefix removed. */
  path: string;
  /** From the path prefix, else ?token=. */
  token: string | undefined;
}

export function parseTarget(rawUrl: string | undefined): Target {
  let url: URL;
  try {
    url = new URL(rawUrl ?? '/', 'http://relay');
  } catch {
    throw new HttpError(400, 'malformed request target');
  }
  let path = url.pathname;
  let token: string | undefined;
  const m = /^\/t\/([^/]*)(\/.*)?$/.exec(path);
  if (m) {
    token = decodeSegment(m[1]!, 'token');
    if (!token || token.length > TOKEN_MAX) throw new HttpError(401, 'unauthorised: the token in the path is empty or too long');
    path = m[2] ?? '/';
  }
  const q = url.searchParams.getAll('token');
  if (token === undefined && q.length > 0) token = q[0];
  return { path, token };
}

/** A %-escaped path segment, or 400 (never a URIError out of the handler). */
export function decodeSegment(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed %-escape in the ${what}`);
  }
}

/** How deeply arrays and objects nest in JSON text, counted without parsing (stops past `limit`). */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i += 1; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) { if (++depth > limit) return true; }
    else if (c === 93 || c === 125) depth -= 1;
  }
  return false;
}

export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (jsonDepthExceeds(text)) throw new HttpError(400, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Malformed JSON');
  }
}

const handshakeAuth = z.object({ token: z.string({ message: 'must be a string' }).max(TOKEN_MAX, 'must be at most 200 characters').optional() }).passthrough();

/** The token of a Socket.IO handshake: `auth: {token}` or `?token=`. Anything else in `auth.token` is refused. */
export function handshakeToken(auth: unknown, query: unknown): string | undefined {
  if (auth !== undefined && auth !== null && (typeof auth !== 'object' || Array.isArray(auth))) throw new HttpError(400, 'invalid auth: must be an object such as {"token": "…"}');
  const parsed = handshakeAuth.safeParse(auth ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, `invalid auth${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'must be an object such as {"token": "…"}'}`);
  }
  const fromAuth = parsed.data.token;
  if (fromAuth !== undefined) return fromAuth;
  const q = (query as Record<string, unknown> | undefined)?.token;
  const v = Array.isArray(q) ? q[0] : q;
  return typeof v === 'string' ? v : undefined;
}

export const authoriseBody = z.object({
  client_id: clientIdSchema,
  name: clientNameSchema,
  client_secret: z.string().min(1).max(TOKEN_MAX).optional(),
});
