// The one place a command-line failure becomes output and an exit code (README: "Exit codes").
import { classify, describeError, exitCodeOf, formatErrorLines } from '../core/errors.js';
import { paint } from './output.js';

export function renderFailure(err: unknown, json: boolean): number {
  const known = classify(err);
  if (json) {
    process.stdout.write(JSON.stringify({ error: describeError(known) }, null, 2) + '\n');
  } else {
    const [first, ...rest] = formatErrorLines(known);
    process.stderr.write([paint.red(first ?? 'ERROR', process.stderr), ...rest].join('\n') + '\n');
  }
  if (known.kind === 'bug' && process.env.COMMBASE_ADMIN_DEBUG && known.cause instanceof Error) {
    process.stderr.write(`${known.cause.stack ?? ''}\n`);
  }
  return exitCodeOf(known);
}

/** Wrap a command action: run it, render any failure, set the exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const opts = args.find((a): a is { json?: boolean } => typeof a === 'object' && a !== null && 'json' in a);
      process.exitCode = renderFailure(err, Boolean(opts?.json));
    }
  };
}
