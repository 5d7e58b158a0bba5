// Passphrases never come from the command line (it shows in `ps` and shell history): a prompt with
// echo off, a file, or an environment variable, in that order of preference.
import { readFile } from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import { keyTaken } from '../core/input-log.js';

export const PASSPHRASE_ENV = 'COMMBASE_ADMIN_PASSPHRASE';

export async function readPassphrase(opts: { passphraseFile?: string; passphraseEnv?: string }, prompt: string): Promise<string> {
  if (opts.passphraseFile) {
    const text = await readFile(opts.passphraseFile, 'utf8').catch((err: Error) => {
      throw new UserError(`failed to read the passphrase file ${opts.passphraseFile}: ${err.message}`, [], 'passphrase-file');
    });
    // The first line, as --help says (a file with a second line, e.g. a note, must not change the passphrase).
    return text.split(/\r?\n/, 1)[0] ?? '';
  }
  const envName = opts.passphraseEnv ?? PASSPHRASE_ENV;
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new UserError('failed to read a passphrase: one is needed and there is no terminal to ask it on', [
      `give it with --passphrase-file FILE or the ${PASSPHRASE_ENV} environment variable`,
    ], 'passphrase');
  }
  return promptHidden(prompt);
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      keyTaken();
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UserError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
