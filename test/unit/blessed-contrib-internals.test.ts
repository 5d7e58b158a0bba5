// The dashboard sizes its table's columns to their contents by setting blessed-contrib's `options.columnWidth`
// (src/dashboard/dashboard.ts): the table takes widths only when it is made, and reads that field on each setData.
// This pins the version it was checked against and the line that reads the field: an upgrade fails here, loudly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

describe('blessed-contrib internals the dashboard relies on', () => {
  it('is blessed-contrib 4.11, whose table reads options.columnWidth when it draws rows', () => {
    const dir = path.join(ROOT, 'node_modules', 'blessed-contrib');
    const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
    expect(version, 're-check src/dashboard/dashboard.ts sizeColumns against this blessed-contrib').toMatch(/^4\.11\./);
    const table = readFileSync(path.join(dir, 'lib', 'widget', 'table.js'), 'utf8');
    expect(table).toMatch(/Table\.prototype\.setData = function/);
    expect(table).toMatch(/var colsize = self\.options\.columnWidth\[i\]/);
  });
});
