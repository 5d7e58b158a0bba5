// src/certs/forge.ts loads node-forge's X.509 and SHA-256 modules one by one instead of the package's index (all of
// forge). A use of a part it does not load would be `undefined` only at run time: this reads every `forge.…` path
// the certificate code uses and fails, naming it, when the slim object lacks it (after an upgrade, or a new use).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import forge from '../../src/certs/forge.js';

describe('the parts of node-forge the certificate code uses', () => {
  it('are all on the object src/certs/forge.ts builds', () => {
    const dir = path.join(ROOT, 'src', 'certs');
    const used = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts'))) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      if (!/from '\.\/forge\.js'/.test(text)) continue;
      for (const m of text.matchAll(/\bforge\.([a-z0-9]+(?:\.[A-Za-z0-9]+)+)/g)) used.add(m[1]!);
    }
    expect(used.size, 'the certificate code uses forge').toBeGreaterThan(8);
    for (const p of used) {
      const value = p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], forge);
      expect(value, `forge.${p}`).toBeDefined();
    }
  });
});
