// Shell completion in a real bash: the script `commbase-admin completion bash` prints, sourced, asked as bash asks
// on Tab (COMP_WORDS, COMP_CWORD). Nouns, verbs and flags from the command tree; the inventory's hosts after --host;
// a name the inventory's rules refuse is never offered, an unreadable inventory offers nothing, and nothing a
// candidate holds is run. The same for zsh, where it is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { missing, titled } from '../helpers/needs.js';
import { freePort } from '../helpers/port.js';
import { shResult } from '../helpers/proc.js';
import { RelayProcess } from '../helpers/relay.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ commands: ['bash'] });

/** A home of its own: `commbase-admin` on PATH (this build), and an inventory holding these hosts. */
async function home(hosts: string[]) {
  const tmp = await withTempDir();
  const bin = path.join(tmp.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'commbase-admin'), `#!/bin/sh\nexec ${process.execPath} ${BIN} "$@"\n`, { mode: 0o755 });
  const env: Record<string, string> = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), PATH: `${bin}:/usr/bin:/bin`, HOME: tmp.dir };
  for (const name of hosts) expect((await runCli(['hosts', 'add', name, '--address', '192.0.2.7'], { env })).code).toBe(0);
  return { tmp, env };
}

describe.skipIf(why)(titled('shell completion in bash', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  beforeAll(async () => ({ tmp, env } = await home(['web', 'router'])));
  afterAll(async () => { await tmp?.cleanup(); });

  /** What bash offers for this command line, the last word being the one under the cursor. */
  const tab = async (words: string[]) => {
    const script = `source <(commbase-admin completion bash) && COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}) && COMP_CWORD=${words.length - 1} && _commbase_admin && printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = await shResult('env', ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'bash', '--norc', '-c', script]);
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  };

  it('completes nouns, verbs and flags from the command tree', async () => {
    expect(await tab(['commbase-admin', 'cl'])).toEqual(['clients', 'client']);
    expect(await tab(['commbase-admin', 'fw', 'o'])).toEqual(['open']);
    expect(await tab(['commbase-admin', 'fw', 'open', '--p'])).toEqual(expect.arrayContaining(['--port', '--proto']));
    expect((await tab(['commbase-admin', 'clients', 'issue', '--scope', ''])).sort()).toEqual(['both', 'read', 'upload']);
    // A verb under a verb, and its flags.
    expect(await tab(['commbase-admin', 'relay', 'store', 'mi'])).toEqual(['migrate']);
    expect(await tab(['commbase-admin', 'relay', 'store', 'migrate', '--dr'])).toEqual(['--dry-run']);
    expect(await tab(['commbase-admin', 'relay', 'res'])).toEqual(['restart']);
  });

  it('completes file names where a flag\'s value is a file, a directory or a path, and nothing else there', async () => {
    const directive = async (words: string[]) => (await runCli(['__complete', ...words], { env })).stdout.trim().split('\n').pop();
    for (const w of [['cert', 'strip-passphrase', '--in', ''], ['cert', 'strip-passphrase', '--out', ''], ['relay', 'start', '--tls-cert', ''],
      ['relay', 'store', 'migrate', '--from', ''], ['config', 'get', '--file', ''], ['cert', 'issue', '--ca-dir', '']]) expect(await directive(w), w.join(' ')).toBe(':file');
    // …and a positional argument that names one (`cert inspect <file>`).
    expect(await directive(['cert', 'inspect', '']), 'cert inspect <file>').toBe(':file');
    for (const w of [['relay', 'start', '--port', ''], ['cert', 'ca', '--key-size', ''], ['fw', 'open', '--proto', '']]) expect(await directive(w), w.join(' ')).toBe(':none');
  });

  it('answers hostile words with nothing, at once, and never an error in the prompt', async () => {
    for (const w of [['__proto__', 'x'], ['constructor', ''], ['clients', 'revoke', '--data-dir', '/dev/zero', ''], ['clients', 'revoke', '--data-dir', '/proc/self', ''],
      ['forward', 'revoke', '--host', '../../etc', ''], ['fw', 'open', '--host', 'a'.repeat(100_000)], ['relay', 'store', 'migrate', '--from', '\u001b[2J', ''], ['clients', 'approve', '\u001b[2J\n']]) {
      const r = await runCli(['__complete', ...w], { env });
      expect(r.code, w.join(' ').slice(0, 60)).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^:(none|file)\n$/);
    }
  });

  it('completes the inventory\'s hosts after --host', async () => {
    expect(await tab(['commbase-admin', 'fw', 'open', '--host', ''])).toEqual(['local', 'web', 'router']);
    expect(await tab(['commbase-admin', 'fw', 'open', '--host', 'r'])).toEqual(['router']);
  });

  it('never offers, and never runs, a name the inventory rules refuse (a hand-edited file)', async () => {
    const pwned = path.join(tmp.dir, 'pwned');
    const settings = path.join(tmp.dir, 'config-hostile', 'commbase-admin');
    mkdirSync(settings, { recursive: true });
    writeFileSync(path.join(settings, 'settings.json'), JSON.stringify({ hosts: { [`$(touch ${pwned})`]: { address: '192.0.2.9' }, good: { address: '192.0.2.10' } } }), { mode: 0o600 });
    const saved = env.XDG_CONFIG_HOME!;
    env.XDG_CONFIG_HOME = path.join(tmp.dir, 'config-hostile');
    try {
      expect(await tab(['commbase-admin', 'fw', 'open', '--host', ''])).toEqual(['local', 'good']);
      // A file that is no JSON, or a FIFO that would never end: nothing, at once.
      writeFileSync(path.join(settings, 'settings.json'), '{ not json', { mode: 0o600 });
      expect(await tab(['commbase-admin', 'fw', 'open', '--host', ''])).toEqual([]);
      rmSync(path.join(settings, 'settings.json'));
      execFileSync('mkfifo', [path.join(settings, 'settings.json')]);
      expect(await tab(['commbase-admin', 'fw', 'open', '--host', ''])).toEqual([]);
      expect(existsSync(pwned)).toBe(false);
    } finally {
      env.XDG_CONFIG_HOME = saved;
    }
  });

  it('adds a candidate holding shell syntax as one quoted word, and runs none of it', async () => {
    // Whatever a candidate holds (a live value from a relay or a host), the script quotes it: a stand-in binary
    // answers with one that would run a command if the script evaluated it.
    const pwned = path.join(tmp.dir, 'pwned-quote');
    const fake = path.join(tmp.dir, 'fakebin');
    mkdirSync(fake, { recursive: true });
    writeFileSync(path.join(fake, 'commbase-admin'), `#!/bin/sh\nif [ "$1" = __complete ]; then printf '%s\\n' 'a b$(touch ${pwned})' ':none'; else exec ${process.execPath} ${BIN} "$@"; fi\n`, { mode: 0o755 });
    const saved = env.PATH!;
    env.PATH = `${fake}:${saved}`;
    try {
      const got = await tab(['commbase-admin', 'clients', 'approve', '']);
      expect(got).toEqual([`a\\ b\\$\\(touch\\ ${pwned}\\)`]);
      expect(existsSync(pwned)).toBe(false);
    } finally {
      env.PATH = saved;
    }
  });

  it('completes the client ids of the relay that runs here', async () => {
    const dataDir = path.join(tmp.dir, 'relay');
    const relay = await RelayProcess.start(['--port', String(await freePort())], env, dataDir);
    try {
      const issued = await runCli(['clients', 'issue', '--name', 'alice', '--scope', 'read', '--data-dir', dataDir, '--json'], { env });
      expect(issued.code, issued.stderr).toBe(0);
      const id = (JSON.parse(issued.stdout) as { id: string }).id;
      expect(await tab(['commbase-admin', 'clients', 'revoke', '--data-dir', dataDir, ''])).toEqual([id]);
      expect(await tab(['commbase-admin', 'clients', 'rotate', '--data-dir', dataDir, 'x'])).toEqual([]);
    } finally {
      await relay.stop();
    }
  });

  it('reads the command tree the build wrote, the same tree the nouns register', async () => {
    const { wholeTree, TREE_FILE } = await import('../../src/cli/command-tree.js');
    const written = JSON.parse(readFileSync(path.join(ROOT, 'dist', 'bundle', TREE_FILE), 'utf8')) as unknown;
    expect(written).toEqual(await wholeTree());
  });

  it('prints the script for bash, zsh and fish, and refuses another shell', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = await runCli(['completion', shell], { env });
      expect(r.code, shell).toBe(0);
      expect(r.stdout).toContain('commbase-admin __complete');
    }
    const bad = await runCli(['completion', 'tcsh'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid shell "tcsh": must be bash, zsh or fish/);
  });
});

const whyZsh = missing({ commands: ['zsh'] });

describe.skipIf(whyZsh)(titled('shell completion in zsh', whyZsh), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  beforeAll(async () => ({ tmp, env } = await home(['web'])));
  afterAll(async () => { await tmp?.cleanup(); });

  /** What the script hands zsh's compadd for this command line (compdef and compadd stand in for compinit's). */
  const tab = async (words: string[]) => {
    const script = [
      'compdef() { :; }',
      'compadd() { while [[ $1 != -- ]]; do shift; done; shift; print -rl -- "$@"; }',
      '_files() { print -r -- "(files)"; }',
      'source <(commbase-admin completion zsh)',
      `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}`,
      '_commbase_admin',
    ].join('\n');
    const r = await shResult('env', ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'zsh', '-f', '-c', script]);
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  };

  it('completes nouns, verbs, choices and the inventory\'s hosts', async () => {
    expect(await tab(['commbase-admin', 'cl'])).toEqual(['clients', 'client']);
    expect(await tab(['commbase-admin', 'relay', 'store', 'mi'])).toEqual(['migrate']);
    expect((await tab(['commbase-admin', 'clients', 'issue', '--scope', ''])).sort()).toEqual(['both', 'read', 'upload']);
    expect(await tab(['commbase-admin', 'fw', 'open', '--host', ''])).toEqual(['local', 'web']);
    expect(await tab(['commbase-admin', 'config', 'get', '--file', ''])).toEqual(['(files)']);
  });
});
