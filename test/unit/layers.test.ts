// The layer table is one table: eslint.config.js enforces it, docs/architecture.md shows it, and they agree.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

describe('the layer rule', () => {
  it('docs/architecture.md shows exactly the LAYERS that ESLint enforces', async () => {
    const { LAYERS } = (await import(path.join(ROOT, 'eslint.config.js'))) as { LAYERS: Record<string, string[]> };
    const doc = readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const rows = Object.fromEntries([...doc.matchAll(/^\| (\w+) \| ([^|]+) \|$/gm)].filter((m) => m[1] !== 'folder').map((m) => [m[1], m[2]!.trim() === '(nothing)' ? [] : m[2]!.split(',').map((x) => x.trim())]));
    expect(rows).toEqual(LAYERS);
  });

  it('reports an import that goes the wrong way, and passes the ones the table allows', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const cases: Array<[string, string, boolean]> = [
      ['src/certs/a.ts', "import { Monitor } from '../monitor/service.js'; export const x = Monitor;", false],
      ['src/runners/a.ts', "import { getHost } from '../services/hosts.js'; export const x = getHost;", false],
      ['src/relay/a.ts', "import { TAG } from '../firewall/model.js'; export const x = TAG;", false],
      ['src/conffile/a.ts', "import { loadPrivateKey } from '../certs/keys.js'; export const x = loadPrivateKey;", false],
      ['src/dashboard/a.ts', "import { App } from '../screens/App.js'; export const x = App;", false],
      ['src/cli/a.ts', "import { execa } from 'execa'; export const x = execa;", false],
      ['src/screens/Foo/a.ts', "import { SshRunner } from '../../runners/ssh.js'; export const x = SshRunner;", false],
      ['src/services/a.ts', "import { render } from 'ink'; export const x = render;", false],
      ['src/monitor/a.ts', "import { TAG } from '../firewall/model.js'; export const x = TAG;", true],
      ['src/cli/a.ts', "import { TAG } from '../firewall/model.js'; export const x = TAG;", true],
      ['src/runners/local.ts', "import { execa } from 'execa'; export const x = execa;", true],
    ];
    for (const [filePath, code, ok] of cases) {
      const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
      const layerErrors = result!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
      expect(layerErrors.length === 0, `${filePath}: ${code}`).toBe(ok);
    }
  }, 60_000);
});
