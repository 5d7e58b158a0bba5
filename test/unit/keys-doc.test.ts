import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderKeysDoc } from '../../src/ui/keys-doc.js';
import { ROOT } from '../helpers/cli.js';

describe('docs/keys.md', () => {
  it('is what the keybinding table generates (run npm run docs:keys after changing keys)', async () => {
    expect(await readFile(`${ROOT}/docs/keys.md`, 'utf8')).toBe(renderKeysDoc());
  });
});
