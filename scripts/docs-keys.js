// Writes docs/keys.md from the keybinding table (run after `npm run build`).
import { writeFileSync } from 'node:fs';
const { renderKeysDoc } = await import('../dist/ui/keys-doc.js');
writeFileSync(new URL('../docs/keys.md', import.meta.url), renderKeysDoc());
