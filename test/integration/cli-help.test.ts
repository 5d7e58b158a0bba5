// --help on every command exits 0 and prints its usage; --version prints the package's version; the command
// line does not load the console's UI modules.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/tmp.js';

const COMMANDS = [
  [], ['cert'], ['cert', 'ca'], ['cert', 'issue'], ['cert', 'setup'], ['cert', 'csr'], ['cert', 'import'], ['cert', 'strip-passphrase'], ['cert', 'inspect'],
  ['hosts'], ['hosts', 'add'], ['hosts', 'list'], ['hosts', 'remove'], ['hosts', 'check'], ['hosts', 'trust'],
  ['fw'], ['fw', 'open'], ['fw', 'close'], ['fw', 'list'], ['fw', 'enable'],
  ['forward'], ['forward', 'add'], ['forward', 'list'], ['forward', 'extend'], ['forward', 'revoke'], ['forward', 'reap'],
  ['config'], ['config', 'show'], ['config', 'get'], ['config', 'set'], ['config', 'diff'], ['config', 'validate'], ['config', 'undo'], ['config', 'default-file'],
  ['relay'], ['relay', 'start'], ['relay', 'status'],
  ['clients'], ['clients', 'list'], ['clients', 'approve'], ['clients', 'deny'], ['clients', 'revoke'], ['clients', 'rotate'], ['clients', 'issue'],
  ['monitor'], ['dashboard'],
];

describe('the command line', () => {
  it('answers --help for every command with exit 0', async () => {
    const results = await Promise.all(COMMANDS.map((c) => runCli([...c, '--help'])));
    results.forEach((r, i) => {
      expect(r.code, COMMANDS[i]!.join(' ')).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: commbase-admin${COMMANDS[i]!.length ? ` ${COMMANDS[i]!.join(' ')}` : ''}`));
    });
  }, 60_000);

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
    expect((await runCli(['--version'])).stdout.trim()).toBe(version);
  });

  it('does not load Ink, React, ssh2 or socket.io for a command that does not need them', async () => {
    // A module-resolution hook records every package the process resolves.
    const t = await withTempDir();
    try {
      const log = path.join(t.dir, 'resolved.txt');
      const hooks = path.join(t.dir, 'hooks.mjs');
      await writeFile(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
      const register = path.join(t.dir, 'register.mjs');
      await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
      const out = execFileSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, 'cert', 'inspect', '--help'], { encoding: 'utf8' });
      expect(out).toMatch(/Usage: commbase-admin cert inspect/);
      const resolved = await readFile(log, 'utf8');
      expect(resolved).toMatch(/node_modules\/node-forge\//); // the hook does see packages
      expect(resolved).not.toMatch(/node_modules\/(ink|react|@inkjs|ssh2|socket\.io|blessed|blessed-contrib|conf)\//);
    } finally {
      await t.cleanup();
    }
  });
});
