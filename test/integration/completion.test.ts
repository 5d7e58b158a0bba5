// Shell completion in a real bash: the script `commbase-admin completion bash` prints, sourced, asked as bash asks
// on Tab (COMP_WORDS, COMP_CWORD). Nouns, verbs and flags from the command tree; the inventory's hosts after --host;
// an inventory that cannot be read (a hand-edited file with a hostile name) completes nothing and runs nothing.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { missing, titled } from '../helpers/needs.js';
import { shResult } from '../helpers/proc.js';
import { withTempDir } from '../helpers/tmp.js';

const why = missing({ commands: ['bash'] });

describe.skipIf(why)(titled('shell completion in bash', why), () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  beforeAll(async () => {
    tmp = await withTempDir();
    const bin = path.join(tmp.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'commbase-admin'), `#!/bin/sh\nexec ${process.execPath} ${BIN} "$@"\n`, { mode: 0o755 });
    env = { XDG_CONFIG_HOME: path.join(tmp.dir, 'config'), XDG_DATA_HOME: path.join(tmp.dir, 'data'), PATH: `${bin}:/usr/bin:/bin`, HOME: tmp.dir };
    for (const name of ['web', 'router']) expect((await runCli(['hosts', 'add', name, '--address', '192.0.2.7'], { env })).code).toBe(0);
  });
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

  it('completes the inventory\'s hosts after --host', async () => {
    expect(await tab(['commbase-admin', 'fw', 'open', '--host', ''])).toEqual(['local', 'web', 'router']);
    expect(await tab(['commbase-admin', 'fw', 'open', '--host', 'r'])).toEqual(['router']);
  });

  it('completes nothing, and runs nothing, from an inventory it cannot read', async () => {
    const pwned = path.join(tmp.dir, 'pwned');
    const settings = path.join(tmp.dir, 'config-hostile', 'commbase-admin');
    mkdirSync(settings, { recursive: true });
    writeFileSync(path.join(settings, 'settings.json'), JSON.stringify({ hosts: { [`$(touch ${pwned})`]: { address: '192.0.2.9' } } }), { mode: 0o600 });
    const saved = env.XDG_CONFIG_HOME!;
    env.XDG_CONFIG_HOME = path.join(tmp.dir, 'config-hostile');
    try {
      expect(await tab(['commbase-admin', 'fw', 'open', '--host', ''])).toEqual([]);
      expect(existsSync(pwned)).toBe(false);
    } finally {
      env.XDG_CONFIG_HOME = saved;
    }
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
