// Writes docs/files.md from the comment each file of src/ opens with.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderFilesDoc } from './files-doc.js';

writeFileSync(new URL('../docs/files.md', import.meta.url), renderFilesDoc(fileURLToPath(new URL('..', import.meta.url))));
