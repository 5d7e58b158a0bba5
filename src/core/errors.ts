// Three kinds of failure, rendered by one function (formatErrorLines) at two boundaries: src/cli/boundary.ts on the
// command line, src/ui/ErrorBoundary.tsx (and each screen's task status) in the console.
// - UserError: the operator can fix it; carries what to do next.
// - ExternalError: a command or remote peer failed; carries the command, exit code and stderr.
// - BugError: anything we did not expect; asks for a report.

import { printableLine } from './text.js';

export const EXIT = {
  ok: 0,
  bug: 1,
  user: 2,
  external: 3,
  interrupted: 130,
} as const;

export class UserError extends Error {
  readonly kind = 'user' as const;
  constructor(
    message: string,
    readonly nextSteps: string[] = [],
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export class ExternalError extends Error {
  readonly kind = 'external' as const;
  constructor(
    message: string,
    readonly command: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly where = 'local',
  ) {
    super(message);
    this.name = 'ExternalError';
  }
}

export class BugError extends Error {
  readonly kind = 'bug' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BugError';
  }
}

export type KnownError = UserError | ExternalError | BugError;

export function classify(err: unknown): KnownError {
  if (err instanceof UserError || err instanceof ExternalError || err instanceof BugError) return err;
  if (err instanceof Error) return new BugError(err.message, { cause: err });
  return new BugError(String(err));
}

export function exitCodeOf(err: KnownError): number {
  return err.kind === 'user' ? EXIT.user : err.kind === 'external' ? EXIT.external : EXIT.bug;
}

/** A plain-data form of an error, for --json output and the console's error view. */
export function describeError(err: KnownError): {
  kind: KnownError['kind'];
  message: string;
  field?: string;
  nextSteps?: string[];
  command?: string[];
  exitCode?: number | null;
  stderr?: string;
  where?: string;
} {
  if (err.kind === 'user') {
    return { kind: err.kind, message: err.message, ...(err.field ? { field: err.field } : {}), nextSteps: err.nextSteps };
  }
  if (err.kind === 'external') {
    return {
      kind: err.kind,
      message: err.message,
      command: [...err.command],
      exitCode: err.exitCode,
      stderr: err.stderr.trim(),
      where: err.where,
    };
  }
  return { kind: err.kind, message: err.message };
}

/** Lines a person reads: "ERROR: failed to <verb> the <noun>: <cause>" then what to do. */
export function formatErrorLines(err: KnownError): string[] {
  const d = describeError(err);
  // Messages carry what others wrote (a remote command's stderr, a file's text): shown, never acted on.
  const lines = [`ERROR: ${printableLine(d.message)}`];
  if (d.kind === 'external') {
    lines.push(`  command (${printableLine(d.where ?? '')}): ${printableLine((d.command ?? []).join(' '))}`);
    lines.push(`  exit code: ${d.exitCode ?? 'none (killed or not started)'}`);
    if (d.stderr) lines.push(...d.stderr.split('\n').slice(-8).map((l) => `  stderr: ${printableLine(l)}`));
  }
  for (const step of d.nextSteps ?? []) lines.push(`  next: ${printableLine(step)}`);
  if (d.kind === 'bug') lines.push('  This is a bug in commbase-admin. Please report it with the command you ran.');
  return lines;
}
