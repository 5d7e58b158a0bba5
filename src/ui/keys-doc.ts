// docs/keys.md is generated from the one keybinding table (npm run docs:keys); a test keeps it current.
import { BINDINGS } from './keymap.js';

export function renderKeysDoc(): string {
  const lines = [
    '# Keys',
    '',
    'Generated from `src/ui/keymap.ts` by `npm run docs:keys`; do not edit by hand.',
    'Bindings marked "changes" are not bound at all in a `--read-only` console.',
    '',
    '| scope | keys | does | changes |',
    '|---|---|---|---|',
  ];
  for (const b of BINDINGS) {
    lines.push(`| ${b.scope} | ${b.keys.map((k) => `\`${k}\``).join(', ')} | ${b.description} | ${b.dangerous ? 'yes' : ''} |`);
  }
  return lines.join('\n') + '\n';
}
