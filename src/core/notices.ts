// Warnings a service has for the operator that are not errors (an audit line that could not be written, a
// wrong passphrase to try again). On the command line they go to stderr; while the console draws, writing to
// stderr would tear its frame, so the console takes them (setNoticeSink) and shows them in its status line.
type Sink = (message: string) => void;

const toStderr: Sink = (m) => { process.stderr.write(`${m}\n`); };
let sink: Sink = toStderr;

export function notice(message: string): void {
  sink(message);
}

/** Route notices elsewhere; returns a function that puts the previous sink back. */
export function setNoticeSink(next: Sink): () => void {
  const previous = sink;
  sink = next;
  return () => { sink = previous; };
}
