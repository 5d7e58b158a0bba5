import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A private temp directory, removed after the test even when it fails. A process the test started may still be
 * writing into it for a moment after being told to stop (a relay flushing its log): rm retries on ENOTEMPTY/EBUSY.
 */
export async function withTempDir(prefix = 'cba-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }) };
}
