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
import type { CommandUnknownOpts } from '@commander-js/extra-typings';

/** Every command of the one command tree (each noun loaded, walked down to its last verb), and none. */
async function allCommands(): Promise<string[][]> {
  const { Command } = await import('@commander-js/extra-typings');
  const { NOUNS, nounEntry } = await import('../../src/cli/nouns.js');
  const found: string[][] = [[]];
  const walk = (cmd: CommandUnknownOpts, at: string[]) => { found.push(at); for (const c of cmd.commands) walk(c, [...at, c.name()]); };
  for (const noun of Object.keys(NOUNS)) {
    const program = new Command('commbase-admin');
    (await nounEntry(noun)!.load())(program as never);
    for (const c of program.commands) walk(c, [c.name()]);
  }
  return found;
}
const COMMANDS = await allCommands();

describe('the command line', () => {
  it('answers --help for every command with exit 0', async () => {
    // The walk reaches every level of the tree.
    for (const c of [['relay', 'store', 'migrate'], ['relay', 'deploy'], ['relay', 'restart'], ['cert', 'issue'], ['completion']]) expect(COMMANDS).toContainEqual(c);
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
      // A command that runs (the certificate code loads when it does), without a console or a connection.
      const pem = path.join(t.dir, 'x.pem');
      await writeFile(pem, 'not a certificate');
      let out = '';
      try { execFileSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, 'cert', 'inspect', pem], { encoding: 'utf8', stdio: 'pipe' }); } catch (err) { out = String((err as { stderr: string }).stderr); }
      expect(out).toMatch(/holds no PEM certificate/);
      // The CLI runs from dist/bundle/ (scripts/bundle.js): a bundled chunk stands for the sources esbuild's
      // metafile says it holds; packages kept outside the bundle are resolved from node_modules as they are.
      const meta = JSON.parse(await readFile(path.join(ROOT, 'dist/bundle/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
      const loaded = (await readFile(log, 'utf8')).split('\n').filter((u) => u.startsWith('file:')).map((u) => path.relative(ROOT, new URL(u).pathname));
      const sources = loaded.flatMap((f) => (meta.outputs[f] ? Object.keys(meta.outputs[f].inputs) : [f]));
      expect(loaded.filter((f) => meta.outputs[f]).length).toBeGreaterThan(1); // the hook does see the chunks
      expect(sources.join('\n')).toMatch(/node_modules\/node-forge\//);
      expect(sources.join('\n')).toMatch(/dist\/certs\/service\.js/);
      // Only the parts of node-forge it uses (src/certs/forge.ts), not its index's TLS, PKCS#12 and the rest.
      expect(sources.join('\n')).toMatch(/node_modules\/node-forge\/lib\/x509\.js/);
      expect(sources.join('\n')).not.toMatch(/node_modules\/node-forge\/lib\/(tls|pkcs12|ssh|index)\.js/);
      expect(sources.join('\n')).not.toMatch(/node_modules\/(ink|react|@inkjs|ssh2|socket\.io|blessed|blessed-contrib|conf)\//);
    } finally {
      await t.cleanup();
    }
  });

  it('loads only the noun a command names: --version, a Tab, config get, cert issue, fw open and relay status each their own graph', async () => {
    const t = await withTempDir();
    try {
      const hooks = path.join(t.dir, 'hooks.mjs');
      const log = path.join(t.dir, 'resolved.txt');
      await writeFile(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(process.env.RESOLVED_LOG, r.url + '\\n'); return r; }\n`);
      const register = path.join(t.dir, 'register.mjs');
      await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
      const meta = JSON.parse(await readFile(path.join(ROOT, 'dist/bundle/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
      const graph = async (args: string[]) => {
        await writeFile(log, '');
        try { execFileSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, ...args], { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, RESOLVED_LOG: log } }); } catch { /* usage output is not the point */ }
        const loaded = (await readFile(log, 'utf8')).split('\n').filter((u) => u.startsWith('file:')).map((u) => path.relative(ROOT, new URL(u).pathname));
        return loaded.flatMap((f) => (meta.outputs[f] ? Object.keys(meta.outputs[f].inputs) : [f])).join('\n');
      };
      const nouns = /dist\/cli\/(cert|hosts|fw|forward|config|relay|proxy|client|monitor|audit|completion)\.js/;
      const version = await graph(['--version']);
      expect(version).not.toMatch(nouns);
      expect(version).not.toMatch(/node_modules\/(commander|zod|conf|ajv|execa|ssh2|node-forge|socket\.io|ink|react)\//);
      // A Tab: the command tree the build wrote and the inventory's names, without the parser or the schemas.
      const tab = await graph(['__complete', 'fw', 'open', '--host', '']);
      expect(tab).toMatch(/dist\/cli\/complete\.js/);
      expect(tab).not.toMatch(/dist\/cli\/(fw|cert|relay)\.js/);
      expect(tab).not.toMatch(/node_modules\/(commander|zod|conf|ajv|execa|ssh2|node-forge|socket\.io|ink|react)\//);
      // A light command: its noun and the parser, no schemas, no runner of processes.
      const configGet = await graph(['config', 'get', 'KEY', '--file', path.join(t.dir, 'none.conf')]);
      expect(configGet).toMatch(/dist\/cli\/config\.js/);
      expect(configGet).not.toMatch(/node_modules\/(zod|conf|ajv|execa|ssh2|node-forge|socket\.io|ink|react)\//);
      expect(configGet).not.toMatch(/dist\/runners\//);
      const certIssue = await graph(['cert', 'issue', '--help']);
      expect(certIssue).toMatch(/dist\/cli\/cert\.js/);
      expect(certIssue).not.toMatch(/dist\/cli\/(fw|relay|forward|monitor)\.js/);
      expect(certIssue).not.toMatch(/node_modules\/(ssh2|socket\.io|ink|react|execa|conf)\//);
      const fwOpen = await graph(['fw', 'open', '--help']);
      expect(fwOpen).toMatch(/dist\/cli\/fw\.js/);
      expect(fwOpen).not.toMatch(/dist\/cli\/(cert|relay|forward|monitor)\.js/);
      expect(fwOpen).not.toMatch(/node_modules\/(node-forge|ssh2|socket\.io|ink|react|execa|conf)\//);
      const relayStatus = await graph(['relay', 'status', '--help']);
      expect(relayStatus).toMatch(/dist\/cli\/relay\.js/);
      expect(relayStatus).not.toMatch(/dist\/cli\/(cert|fw|forward|monitor)\.js/);
      expect(relayStatus).not.toMatch(/node_modules\/(node-forge|ssh2|socket\.io|ink|react|execa|conf)\//);
    } finally {
      await t.cleanup();
    }
  });

  it('opens the console without the command parser, ssh2, zod, conf or execa on the way to the first frame', async () => {
    // bin/commbase-admin.js with no command imports console-entry.js; what that chunk imports statically, and the
    // console module it imports first, is what Node compiles before the home screen draws (the 250 ms budget).
    type Out = { inputs: Record<string, unknown>; imports?: { path: string; kind: string; external?: boolean }[] };
    const meta = JSON.parse(await readFile(path.join(ROOT, 'dist/bundle/meta.json'), 'utf8')) as { outputs: Record<string, Out> };
    const entry = 'dist/bundle/console-entry.js';
    expect(meta.outputs[entry], 'scripts/bundle.js builds the console entry').toBeDefined();
    const seen = new Set<string>();
    const visit = (f: string) => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const i of meta.outputs[f]?.imports ?? []) {
        if (i.external) continue;
        if (i.kind === 'import-statement' || (i.kind === 'dynamic-import' && /\/open-[A-Z0-9]+\.js$/.test(i.path))) visit(i.path);
      }
    };
    visit(entry);
    const sources = [...seen].flatMap((f) => Object.keys(meta.outputs[f]!.inputs)).join('\n');
    expect(sources).toMatch(/dist\/screens\/Home\/Home\.js/);
    expect(sources).toMatch(/node_modules\/ink\//);
    expect(sources).not.toMatch(/node_modules\/(commander|zod|conf|ajv|execa|node-forge|socket\.io)\//);
    expect(sources).not.toMatch(/dist\/(cli\/main|runners|services\/hosts)\.?/);
    const bin = readFileSync(BIN, 'utf8');
    expect(bin).toMatch(/console-entry\.js/);
  });
});
