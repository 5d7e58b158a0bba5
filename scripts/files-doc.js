// docs/files.md: every file of src/, folder by folder, with its one job: the first sentence of the comment it opens
// with. `npm run docs:files` writes it; test/unit/files-doc.test.ts fails when it is stale or a file has no comment.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const LIMIT = 160;

/** The first sentence of the comment a source file opens with, or undefined. */
export function jobOf(text) {
  const lines = text.split('\n');
  const comment = [];
  if (lines[0]?.startsWith('//')) {
    for (const l of lines) { if (!l.startsWith('//')) break; comment.push(l.replace(/^\/\/\s?/, '')); }
  } else if (lines[0]?.startsWith('/*')) {
    for (const l of lines) { comment.push(l.replace(/^\s*\/?\*+\/?\s?/, '')); if (l.includes('*/')) break; }
  }
  const text1 = comment.join(' ').replace(/\s+/g, ' ').trim();
  if (!text1) return undefined;
  const m = /^(.+?\.)(\s|$)/.exec(text1);
  const first = m ? m[1] : text1;
  return first.length > LIMIT ? `${first.slice(0, LIMIT - 1)}…` : first;
}

function files(dir) {
  return readdirSync(dir).sort().flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

export function renderFilesDoc(root) {
  const src = path.join(root, 'src');
  const byFolder = new Map();
  for (const f of files(src)) {
    const rel = path.relative(src, f);
    const folder = rel.split(path.sep)[0];
    if (!byFolder.has(folder)) byFolder.set(folder, []);
    byFolder.get(folder).push(`- \`${rel.split(path.sep).slice(1).join('/')}\`: ${jobOf(readFileSync(f, 'utf8')) ?? '(no comment: say what it is for in its first line)'}`);
  }
  const out = ['# The files of src/, and the job of each', '', 'Generated from the comment each file opens with (`npm run docs:files`); the layers they sit in are in',
    '[architecture.md](architecture.md).', ''];
  for (const [folder, lines] of byFolder) out.push(`## ${folder}/`, '', ...lines, '');
  return out.join('\n');
}
