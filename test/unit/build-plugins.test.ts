// scripts/bundle.js rewrites two files of Ink's dependencies, and one of commander's, at bundle time. Each rewrite assumes a file's shape:
// this pins what it replaces, so an upgrade of yoga-layout, string-width or commander fails here, naming the plugin to re-check,
// rather than producing a console that starts slower or draws wrong. (string-width's widths are compared with the
// original over every code point in string-width-lazy.test.ts.)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
// @ts-expect-error: a plain .js build script without types
import { inkStringWidth } from '../../scripts/string-width-lazy.js';

describe('the bundle\'s rewrites of Ink\'s dependencies', () => {
  it('yoga-layout 3.2: the entry the yoga-without-fetch plugin replaces is the one it re-creates', () => {
    const dir = path.join(ROOT, 'node_modules', 'yoga-layout');
    const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
    expect(version, 're-check yogaWithoutFetch in scripts/bundle.js').toMatch(/^3\.2\./);
    const entry = readFileSync(path.join(dir, 'dist', 'src', 'index.js'), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').replace(/\s+/g, ' ').trim();
    expect(entry).toBe('import loadYoga from \'../binaries/yoga-wasm-base64-esm.js\'; import wrapAssembly from "./wrapAssembly.js"; const Yoga = wrapAssembly(await loadYoga()); export default Yoga; export * from "./generated/YGEnums.js";');
    expect(readFileSync(path.join(dir, 'dist', 'binaries', 'yoga-wasm-base64-esm.js'), 'utf8')).toMatch(/"data:application\/octet-stream;base64,[A-Za-z0-9+/=]+"/);
  });

  it('commander 14: child_process is required in one line and used only for spawn (what the lazy stand-in offers)', () => {
    const dir = path.join(ROOT, 'node_modules', 'commander');
    const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
    expect(version, 're-check commanderLazyChildProcess in scripts/bundle.js').toMatch(/^14\./);
    const text = readFileSync(path.join(dir, 'lib', 'command.js'), 'utf8');
    expect(text).toContain("const childProcess = require('node:child_process');");
    expect([...new Set(text.match(/childProcess\.\w+/g))]).toEqual(['childProcess.spawn']);
    // …and the bundle holds the stand-in, not the require.
    const bundle = readdirSync(path.join(ROOT, 'dist', 'bundle')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(ROOT, 'dist', 'bundle', f), 'utf8'));
    const chunk = bundle.find((t) => t.includes('commander.unknownCommand'));
    expect(chunk, 'the bundle holds commander').toBeDefined();
    expect(chunk).toMatch(/childProcess=\{spawn:/);
    expect(chunk).not.toMatch(/childProcess=__require\("node:child_process"\)/);
  });

  it('string-width: the copy patched is the one Ink imports', () => {
    const file = (inkStringWidth as () => string)();
    const ink = readFileSync(path.join(ROOT, 'node_modules', 'ink', 'package.json'), 'utf8');
    expect(ink).toMatch(/"string-width"/);
    expect(file).toMatch(/\/string-width\/index\.js$/);
    expect(readFileSync(file, 'utf8')).toMatch(/RGI_Emoji/);
  });
});
