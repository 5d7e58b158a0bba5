import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteArg, quoteArgv } from '../../src/core/quote.js';

const HOSTILE = ["it's", '"double"', 'a;b', '$(id)', '`id`', '${HOME}', 'a\nb', 'a\\b', '*', '~', '-n', '', ' ', '\'\'\'', 'a|b&c>d<e', '#x', '!!', '\t', 'ünï'];

describe('quoteArgv: the one argv → shell string function', () => {
  it.each(HOSTILE)('a POSIX shell gives back %j unchanged', (arg) => {
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${quoteArgv([arg, 'end'])}`], { encoding: 'utf8' });
    expect(out).toBe(`${arg}\0end\0`);
  });

  it('round-trips any printable or control string through sh (property)', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')), { minLength: 1, maxLength: 4 }), (args) => {
      const out = execFileSync('sh', ['-c', `printf '%s\\0' ${quoteArgv(args)}`], { encoding: 'utf8' });
      expect(out).toBe(args.map((a) => `${a}\0`).join(''));
    }), { numRuns: 150 });
  });

  it('refuses NUL, which no command can receive', () => {
    expect(() => quoteArg('a\0b')).toThrow(/NUL/);
  });

  it('leaves plain words readable', () => {
    expect(quoteArgv(['iptables', '-w', '5', '-C', 'INPUT', '--dport', '5000', '-s', '10.0.0.0/8'])).toBe('iptables -w 5 -C INPUT --dport 5000 -s 10.0.0.0/8');
    expect(quoteArg("it's")).toBe("'it'\\''s'");
  });
});
