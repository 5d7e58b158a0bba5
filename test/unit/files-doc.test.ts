// docs/files.md lists every file of src/ with its one job (the first sentence of the comment it opens with): it is
// what the files say now, and every file says what it is for.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
// @ts-expect-error: a plain .js script without types
import { renderFilesDoc } from '../../scripts/files-doc.js';

describe('docs/files.md', () => {
  it('is what the files say (run npm run docs:files after adding, moving or re-describing a file)', () => {
    const doc = (renderFilesDoc as (root: string) => string)(ROOT);
    expect(doc).not.toContain('(no comment');
    expect(readFileSync(path.join(ROOT, 'docs', 'files.md'), 'utf8')).toBe(doc);
  });
});
