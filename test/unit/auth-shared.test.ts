// The clients' state shared by several relays (auth.ts over an AuthBackend, as store-redis.ts provides): each
// change is written only over the version it was made from, so two relays changing it at once lose nothing.
import { describe, expect, it, vi } from 'vitest';
import { AuthStore, PENDING_IDLE_MS, type AuthBackend } from '../../src/relay/auth.js';

/** One shared value with a version, as Redis holds it; notices go to every store that listens. */
function sharedBackend(delayMs = 0) {
  let text: string | undefined;
  let version = 0;
  const listeners: Array<() => void> = [];
  let writes = 0;
  const backend: AuthBackend = {
    load: async () => { await new Promise((r) => setTimeout(r, delayMs)); return text === undefined ? undefined : { text, version: String(version) }; },
    write: async (t, v) => {
      await new Promise((r) => setTimeout(r, delayMs));
      if (String(version) !== v) return undefined;
      text = t; version += 1; writes += 1;
      for (const l of listeners) l();
      return String(version);
    },
    onChange: (fn) => { listeners.push(fn); },
  };
  return { backend, writes: () => writes };
}

describe('AuthStore shared by several relays', () => {
  it('two relays issuing and deciding at once: every change is kept, one server id, each sees the other\'s tokens', async () => {
    const { backend } = sharedBackend(2);
    const a = await AuthStore.openShared(backend, 'relay');
    const b = await AuthStore.openShared(backend, 'relay');
    expect(b.serverId).toBe(a.serverId);
    const issued = await Promise.all([...Array(10).keys()].map((i) => (i % 2 ? a : b).issue(`c${i}`, 'read')));
    const asked = await Promise.all([...Array(4).keys()].map((i) => (i % 2 ? b : a).request(`req-${i}`, `r${i}`, `10.0.0.${i + 1}`, undefined)));
    expect(asked.every((x) => x.status === 'pending')).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    for (const s of [a, b]) {
      const all = s.clients().map((c) => c.name).sort();
      expect(all).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'r0', 'r1', 'r2', 'r3']);
      for (const t of issued) expect(s.check(t.token)?.id).toBe(t.client.id);
    }
    // A revoke on one relay is seen by the other (after the notice): the token no longer checks there.
    await a.revoke(issued[3]!.client.id);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.check(issued[3]!.token)).toBeUndefined();
  });

  it('a requester asking relay A keeps its slot on relay B, which never heard it (the asking is shared, a minute behind)', async () => {
    const { backend, writes } = sharedBackend();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const a = await AuthStore.openShared(backend, 'relay');
      const b = await AuthStore.openShared(backend, 'relay');
      vi.setSystemTime(Date.now() + 1000);
      const keeper = await a.request('keeper', 'K', '10.3.0.1', undefined) as { secret: string };
      await a.request('quiet', 'Q', '10.3.0.2', undefined);
      for (let i = 0; i < 3; i++) {
        vi.setSystemTime(Date.now() + PENDING_IDLE_MS * 0.6);
        expect((await a.request('keeper', 'K', '10.3.0.1', keeper.secret)).status).toBe('pending');
        const after = writes();
        expect((await a.request('keeper', 'K', '10.3.0.1', keeper.secret)).status).toBe('pending');
        expect(writes(), 'an ask within the minute is not written').toBe(after);
      }
      // B expires what is idle when it takes a request of its own: the keeper stays, the quiet one goes.
      await b.request('other', 'O', '10.3.0.3', undefined);
      await new Promise((r) => setImmediate(r));
      const ids = b.clients().map((c) => c.id);
      expect(ids).toContain('keeper');
      expect(ids).not.toContain('quiet');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a state that is not one is refused with what to do, not taken for an empty one', async () => {
    const backend: AuthBackend = { load: async () => ({ text: '{"serverId": 5}', version: '3' }), write: async () => '4', onChange: () => undefined };
    await expect(AuthStore.openShared(backend, 'relay')).rejects.toThrow(/failed to read the relay's clients from the store: they are invalid at serverId/);
  });
});
