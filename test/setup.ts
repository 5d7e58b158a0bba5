// Every test file runs with its own XDG directories, so nothing a test does (settings, pinned keys, the audit
// log, relay data) reaches the home directory of whoever runs the tests. Tests that need their own set them.
// The directory is removed when the file's tests are done (a setup file's afterAll runs once per test file).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cba-xdg-'));
process.env.XDG_CONFIG_HOME = path.join(dir, 'config');
process.env.XDG_DATA_HOME = path.join(dir, 'data');
process.env.XDG_CACHE_HOME = path.join(dir, 'cache'); // Node 22+: V8's compile cache (bin/commbase-admin.js)
afterAll(() => rmSync(dir, { recursive: true, force: true }));
