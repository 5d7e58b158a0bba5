// Serving a relay: the relay itself (server.ts) and its admin feed on loopback (admin.ts), which reads the relay;
// started here so that neither imports the other. What `relay start` and tests run.
import type { z } from 'zod';
import { AdminFeed } from './admin.js';
import type { relayInput } from './options.js';
import { Relay } from './server.js';

export { keepServingOnErrors } from './server.js';

/** The relay with its admin feed; `adminFile` is where the feed's address and token are (0600). */
export async function serveRelay(raw: z.input<typeof relayInput>): Promise<Relay & { adminFile: string }> {
  const relay = await Relay.start(raw);
  let admin: AdminFeed;
  try {
    admin = await AdminFeed.start(relay);
  } catch (err) {
    await relay.close();
    throw err;
  }
  relay.attach(admin);
  return Object.assign(relay, { adminFile: admin.file });
}
